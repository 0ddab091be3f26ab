"""Upload → reading in the background → facts to confirm → warnings next to the citations, through
the real views, for the commune and for the appraiser."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parindex.assessments import actions
from parindex.assessments.models import Assessment, Document
from parindex.audit.models import AuditEntry
from parindex.evidence.models import DocumentFacts, ReadStatus
from parindex.frameworks.actions import create_framework, publish_framework
from parindex.frameworks.library import shipped
from tests.conftest import World
from tests.evidence.builders import blank_scan


@pytest.fixture
def assessment(world: World) -> Assessment:
    framework = publish_framework(
        create_framework(by=None, owner=world.province, spec=shipped()), by=None
    )
    today = timezone.localdate()
    cycle = actions.open_cycle(
        by=None,
        framework=framework,
        scope=world.province,
        year=2025,
        name="Chỉ số CCHC cấp xã năm 2025",
        self_opens_on=today - dt.timedelta(days=10),
        self_deadline=today + dt.timedelta(days=10),
        appraisal_deadline=today + dt.timedelta(days=30),
    )
    return cycle.assessments.get(unit=world.commune_a)


def client_for(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def upload(
    client: Client, assessment: Assessment, name: str, data: bytes, capture: Any
) -> Document:
    with capture(execute=True):
        response = client.post(
            reverse("assessments:document_upload", args=[assessment.pk]),
            {"file": SimpleUploadedFile(name, data), "number": "", "issued_on": "", "summary": ""},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Document.objects.filter(unit=assessment.unit).latest("uploaded_at")


def test_upload_read_confirm_and_warn(
    world: World,
    assessment: Assessment,
    documents: dict[str, bytes],
    django_capture_on_commit_callbacks: Any,
) -> None:
    officer = client_for(world, "commune_officer")
    report = upload(
        officer,
        assessment,
        "bao-cao.pdf",
        documents["report_2025"],
        django_capture_on_commit_callbacks,
    )
    facts = DocumentFacts.objects.get(document=report)
    assert (facts.status, facts.progress, facts.method) == (ReadStatus.DONE, 100, "pdf")
    assert (facts.kind, facts.number, facts.issued_on) == (
        "bao_cao",
        "41/BC-UBND",
        dt.date(2025, 12, 15),
    )
    assert facts.signature == "none"
    assert facts.signer == "Nguyễn Văn An"
    # the blank fields of the upload are filled from the file, for the officer to confirm
    report.refresh_from_db()
    assert report.number == "41/BC-UBND"
    assert report.issued_on == dt.date(2025, 12, 15)
    assert report.summary == "Báo cáo kết quả thực hiện công tác cải cách hành chính năm 2025"
    filled = AuditEntry.objects.get(action="document.facts", object_id=str(report.pk))
    assert filled.actor is None
    assert filled.new_value["number"] == "41/BC-UBND"

    page = officer.get(reverse("evidence:document", args=[report.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "41/BC-UBND" in html
    assert "15/12/2025" in html
    assert 'value="41/BC-UBND"' in html  # the form is prefilled
    response = officer.post(
        reverse("evidence:document", args=[report.pk]),
        {
            "kind": "bao_cao",
            "number": "41/BC-UBND",
            "issued_on": "15/12/2025",
            "summary": "Báo cáo kết quả CCHC năm 2025",
            "issuer": "Ủy ban nhân dân xã An Bình",
            "signer": "Nguyễn Văn An",
        },
    )
    assert response.status_code == 302
    facts.refresh_from_db()
    assert facts.confirmed_at is not None
    confirmed = AuditEntry.objects.filter(action="document.facts", object_id=str(report.pk)).first()
    assert confirmed is not None
    assert confirmed.actor == world.users["commune_officer"]
    assert confirmed.new_value["summary"] == "Báo cáo kết quả CCHC năm 2025"

    # a report attached where a decision is required, and a plan of the wrong year
    plan = upload(
        officer,
        assessment,
        "ke-hoach.pdf",
        documents["plan_2024"],
        django_capture_on_commit_callbacks,
    )
    answers = {a.node.code: a for a in assessment.answers.select_related("node")}
    decision_required = answers["7.1.1"].node.evidence.get()
    assert decision_required.title.startswith("Quyết định")
    plan_required = answers["1.1.1"].node.evidence.get()
    officer.post(
        reverse("assessments:answer_cite", args=[answers["7.1.1"].pk]),
        {"document": report.pk, "requirement": decision_required.pk},
    )
    officer.post(
        reverse("assessments:answer_cite", args=[answers["1.1.1"].pk]),
        {"document": plan.pk, "requirement": plan_required.pk},
    )
    for role in ("commune_officer", "appraiser"):
        html = (
            client_for(world, role)
            .get(reverse("assessments:assessment", args=[assessment.pk]))
            .content.decode()
        )
        card = html[html.index(f'id="answer-{answers["7.1.1"].pk}"') :]
        card = card[: card.index("</article>")]
        assert 'data-code="wrong_kind"' in card, role
        assert 'data-code="unsigned"' in card  # a text PDF without a digital signature
        card = html[html.index(f'id="answer-{answers["1.1.1"].pk}"') :]
        card = card[: card.index("</article>")]
        assert 'data-code="wrong_year"' in card, role
        assert "27/01/2024" in card
    # the card answered by htmx carries them too
    card = officer.post(
        reverse("assessments:answer_cite", args=[answers["7.1.1"].pk]),
        {"document": report.pk, "requirement": decision_required.pk},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert 'data-code="wrong_kind"' in card


def test_an_empty_scan_and_a_signed_decision(
    world: World,
    assessment: Assessment,
    documents: dict[str, bytes],
    django_capture_on_commit_callbacks: Any,
) -> None:
    officer = client_for(world, "commune_officer")
    scan = upload(officer, assessment, "anh.png", blank_scan(), django_capture_on_commit_callbacks)
    signed = upload(
        officer,
        assessment,
        "qd.pdf",
        documents["decision_signed"],
        django_capture_on_commit_callbacks,
    )
    facts = DocumentFacts.objects.get(document=signed)
    assert (facts.signature, facts.signature_trusted) == ("valid", False)
    assert facts.signature_signer == "Ủy ban nhân dân xã An Bình (thử nghiệm)"
    assert facts.kind == "quyet_dinh"
    answer = assessment.answers.select_related("node").get(node__code="7.1.1")
    requirement = answer.node.evidence.get()
    for document in (scan, signed):
        officer.post(
            reverse("assessments:answer_cite", args=[answer.pk]),
            {"document": document.pk, "requirement": requirement.pk},
        )
    html = officer.get(reverse("assessments:assessment", args=[assessment.pk])).content.decode()
    card = html[html.index(f'id="answer-{answer.pk}"') :]
    card = card[: card.index("</article>")]
    assert card.count('data-code="unreadable"') == 1
    assert card.count('data-code="reused"') == 0
    assert 'data-code="unsigned"' not in card  # the signed decision is fine
    assert 'data-code="wrong_kind"' not in card
    page = officer.get(reverse("evidence:document", args=[signed.pk])).content.decode()
    assert "Ủy ban nhân dân xã An Bình (thử nghiệm)" in page


def test_progress_is_polled_while_reading(world: World, assessment: Assessment) -> None:
    """Without the commit (no worker yet), the page shows the queue and polls it."""
    document = actions.upload_document(
        by=None,
        unit=assessment.unit,
        name="a.pdf",
        content=b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",
        max_bytes=10**6,
    )
    assert DocumentFacts.objects.get(document=document).status == ReadStatus.QUEUED
    officer = client_for(world, "commune_officer")
    partial = officer.get(
        reverse("evidence:document", args=[document.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert 'hx-trigger="every 2s"' in partial
    assert "<progress" in partial


def test_who_may_see_and_confirm(
    world: World, assessment: Assessment, django_capture_on_commit_callbacks: Any
) -> None:
    document = actions.upload_document(
        by=None,
        unit=assessment.unit,
        name="a.pdf",
        content=b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",
        max_bytes=10**6,
    )
    url = reverse("evidence:document", args=[document.pk])
    assert client_for(world, "officer_b").get(url).status_code == 404
    assert client_for(world, "secretariat_other").get(url).status_code == 404
    appraiser = client_for(world, "appraiser")
    assert appraiser.get(url).status_code == 200
    assert appraiser.post(url, {"number": "1/QĐ-UBND"}).status_code == 403
    assert appraiser.post(reverse("evidence:reread", args=[document.pk])).status_code == 403
    officer = client_for(world, "commune_officer")
    with django_capture_on_commit_callbacks(execute=True):
        assert officer.post(reverse("evidence:reread", args=[document.pk])).status_code == 302
    facts = DocumentFacts.objects.get(document=document)
    assert facts.status == ReadStatus.FAILED  # a damaged PDF: it could not be read
    assert facts.error
    page = officer.get(reverse("evidence:document", args=[document.pk])).content.decode()
    assert "hx-trigger" not in page  # nothing left to poll
