"""Nominations: the completeness check lists what is missing, the deadline closes submission,
documents come from the nominating unit (or a checked upload), the council votes and decides
(audited, with the eligibility it saw), and the decision is exported as Word and Excel."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from parindex.assessments.actions import upload_document
from parindex.assessments.models import Document
from parindex.audit.models import AuditAction, AuditEntry
from parindex.awards import actions
from parindex.awards.actions import AwardError
from parindex.awards.forms import DEFAULT_DOCUMENTS
from parindex.awards.models import (
    CampaignStatus,
    CouncilRecord,
    Nomination,
    NominationDocument,
    NominationStatus,
    NomineeKind,
)
from parindex.awards.problems import message
from parindex.notifications.models import Notification
from tests.awards.conftest import AWARD, PDF, Awards

TOTRINH, BIENBAN, BAOCAO = DEFAULT_DOCUMENTS


def _client(awards: Awards, user: str) -> Client:
    client = Client()
    client.force_login(awards.users[user])
    client.cookies["django_language"] = "en"
    return client


def _nominate(awards: Awards, commune: str = "Xã Hai", **more: object) -> Nomination:
    values: dict[str, object] = {"kind": NomineeKind.COLLECTIVE, "award_form": AWARD} | more
    return actions.create_nomination(
        awards.campaign,
        by=awards.users["leader_hai"],
        unit=awards.units[commune],
        **values,  # type: ignore[arg-type]
    )


def _document(awards: Awards, name: str, commune: str = "Xã Hai") -> Document:
    return upload_document(
        by=None, unit=awards.units[commune], name=name, content=PDF, max_bytes=10**6
    )


def _attach(awards: Awards, nomination: Nomination, *requirements: str) -> None:
    for index, requirement in enumerate(requirements):
        document = _document(awards, f"tai-lieu-{index}.pdf")
        actions.cite_document(nomination, document, by=None, requirement=requirement)


def test_a_nomination_without_its_documents_is_refused_with_what_is_missing(
    awards: Awards,
) -> None:
    nomination = _nominate(awards)
    assert nomination.name == "Xã Hai"  # a collective is named after its unit by default
    _attach(awards, nomination, TOTRINH)
    with pytest.raises(AwardError) as refused:
        actions.submit_nomination(nomination, by=awards.users["leader_hai"])
    (problem,) = refused.value.problems
    assert problem.code == "nomination.missing_documents"
    assert problem.params["missing"] == f"{BIENBAN}; {BAOCAO}"
    with translation.override("en"):
        assert message(problem) == (
            "The nomination cannot be submitted without its required documents. Missing: "
            "Biên bản họp bình xét thi đua; Báo cáo thành tích."
        )
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.DRAFT
    assert not AuditEntry.objects.filter(action=AuditAction.NOMINATION_SUBMIT).exists()


def test_the_page_refuses_it_in_words_too(awards: Awards) -> None:
    nomination = _nominate(awards)
    _attach(awards, nomination, BIENBAN)
    client = _client(awards, "leader_hai")
    response = client.post(reverse("awards:nomination_submit", args=[nomination.pk]), follow=True)
    text = response.content.decode()
    assert f"Missing: {TOTRINH}; {BAOCAO}." in text
    assert "✗ Tờ trình đề nghị khen thưởng" in text
    assert "✓ Biên bản họp bình xét thi đua" in text


def test_a_complete_nomination_is_submitted_audited_and_announced(awards: Awards) -> None:
    nomination = _nominate(awards, achievements="Hoàn thành xuất sắc nhiệm vụ CCHC năm 2025")
    _attach(awards, nomination, TOTRINH, BIENBAN, BAOCAO)
    submitted = actions.submit_nomination(nomination, by=awards.users["leader_hai"])
    assert submitted.status == NominationStatus.SUBMITTED
    assert submitted.submitted_by == awards.users["leader_hai"]
    entry = AuditEntry.objects.get(action=AuditAction.NOMINATION_SUBMIT)
    assert entry.new_value == {"status": "submitted", "documents": 3}
    assert entry.unit == awards.units["Xã Hai"]
    notice = Notification.objects.get(user=awards.users["secretariat"])
    assert "Xã Hai" in notice.body
    with pytest.raises(AwardError) as refused:  # a submitted nomination no longer changes
        _attach(awards, submitted, "")
    assert refused.value.problems[0].code == "nomination.not_draft"


def test_after_the_deadline_submission_is_refused(awards: Awards) -> None:
    nomination = _nominate(awards)
    _attach(awards, nomination, TOTRINH, BIENBAN, BAOCAO)
    deadline = awards.campaign.nomination_deadline
    with pytest.raises(AwardError) as refused:
        actions.submit_nomination(nomination, by=None, today=deadline + dt.timedelta(days=1))
    (problem,) = refused.value.problems
    assert problem.code == "nomination.deadline"
    with translation.override("en"):
        assert message(problem).startswith(
            f"The last day for nominations was {deadline:%d/%m/%Y}: nominations are closed."
        )
    # The last day itself is still open.
    assert actions.submit_nomination(nomination, by=None, today=deadline).status == "submitted"


def test_after_the_deadline_both_reasons_are_given(awards: Awards) -> None:
    nomination = _nominate(awards)
    late = awards.campaign.nomination_deadline + dt.timedelta(days=1)
    with pytest.raises(AwardError) as refused:
        actions.submit_nomination(nomination, by=None, today=late)
    assert [p.code for p in refused.value.problems] == [
        "nomination.deadline",
        "nomination.missing_documents",
    ]


def test_past_the_deadline_the_page_says_so(awards: Awards) -> None:
    nomination = _nominate(awards)
    _attach(awards, nomination, TOTRINH, BIENBAN, BAOCAO)
    awards.campaign.nomination_deadline = timezone.localdate() - dt.timedelta(days=1)
    awards.campaign.save()
    client = _client(awards, "leader_hai")
    response = client.post(reverse("awards:nomination_submit", args=[nomination.pk]), follow=True)
    assert "nominations are closed" in response.content.decode()
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.DRAFT
    with pytest.raises(AwardError) as refused:
        _nominate(awards, kind=NomineeKind.INDIVIDUAL, name="Trần Văn B", position="Công chức")
    assert refused.value.problems[0].code == "nomination.deadline"


def test_a_closed_campaign_takes_no_nomination(awards: Awards) -> None:
    nomination = _nominate(awards)
    _attach(awards, nomination, TOTRINH, BIENBAN, BAOCAO)
    actions.set_campaign_status(awards.campaign, by=None, to=CampaignStatus.CLOSED)
    with pytest.raises(AwardError) as refused:
        actions.submit_nomination(nomination, by=None)
    assert refused.value.problems[0].code == "nomination.closed"


def test_nominee_checks(awards: Awards) -> None:
    with pytest.raises(AwardError) as refused:
        _nominate(awards, kind=NomineeKind.INDIVIDUAL, award_form="Bằng khen")
    assert [p.code for p in refused.value.problems] == [
        "nomination.name",
        "nomination.position",
        "nomination.award_form",
    ]


def test_nominee_unit_must_be_the_unit_or_its_office(awards: Awards) -> None:
    with pytest.raises(AwardError) as refused:
        _nominate(awards, nominee_unit=awards.units["Xã Ba"])
    assert refused.value.problems[0].code == "nomination.nominee_unit"


def test_only_the_units_own_documents(awards: Awards) -> None:
    nomination = _nominate(awards)
    foreign = _document(awards, "cua-xa-khac.pdf", commune="Xã Một")
    with pytest.raises(AwardError) as refused:
        actions.cite_document(nomination, foreign, by=None, requirement=TOTRINH)
    assert refused.value.problems[0].code == "document.other_unit"
    with pytest.raises(AwardError) as refused:
        actions.cite_document(
            nomination, _document(awards, "a.pdf"), by=None, requirement="Giấy tờ lạ"
        )
    assert refused.value.problems[0].code == "nomination.requirement"


def test_upload_through_the_page_is_checked_and_cited(awards: Awards) -> None:
    nomination = _nominate(awards)
    client = _client(awards, "leader_hai")
    url = reverse("awards:nomination_upload", args=[nomination.pk])
    ok = client.post(url, {"file": SimpleUploadedFile("to-trinh.pdf", PDF), "requirement": TOTRINH})
    assert ok.status_code == 302
    citation = NominationDocument.objects.get(nomination=nomination)
    assert (citation.requirement, citation.document.unit) == (TOTRINH, awards.units["Xã Hai"])
    documents = Document.objects.count()
    refused = client.post(
        url,
        {
            "file": SimpleUploadedFile("bien-ban.pdf", b"MZ\x90\x00 not a pdf"),
            "requirement": BIENBAN,
        },
        follow=True,
    )
    assert "is not a PDF, Word, Excel or image file" in refused.content.decode()
    assert Document.objects.count() == documents
    assert NominationDocument.objects.filter(nomination=nomination).count() == 1


def test_the_nomination_shows_its_eligibility_evidence(awards: Awards) -> None:
    nomination = _nominate(awards)
    page = _client(awards, "council").get(reverse("awards:nomination", args=[nomination.pk]))
    text = page.content.decode()
    assert "Eligible: index 80.00% ≥ 80% and higher than last year (2024: 79.00%)" in text
    assert "80.00%" in text


def test_another_commune_does_not_see_the_nomination(awards: Awards) -> None:
    nomination = _nominate(awards)
    client = _client(awards, "officer_mot")
    assert client.get(reverse("awards:nomination", args=[nomination.pk])).status_code == 404
    campaign_page = client.get(reverse("awards:campaign", args=[awards.campaign.pk]))
    assert campaign_page.status_code == 200
    assert list(campaign_page.context["nominations"]) == []


def _submitted(awards: Awards, commune: str = "Xã Hai", **more: object) -> Nomination:
    nomination = _nominate(awards, commune, **more)
    for index, requirement in enumerate(DEFAULT_DOCUMENTS):
        document = _document(awards, f"{commune}-{index}.pdf", commune=commune)
        actions.cite_document(nomination, document, by=None, requirement=requirement)
    return actions.submit_nomination(nomination, by=None)


def test_the_council_votes_and_decides_audited(awards: Awards) -> None:
    nomination = _submitted(awards)
    council = awards.users["council"]
    client = _client(awards, "council")
    vote = client.post(
        reverse("awards:nomination_vote", args=[nomination.pk]),
        {"votes_for": "7", "votes_against": "1", "votes_abstain": "1", "note": "Họp ngày 20/11"},
    )
    assert vote.status_code == 302
    record = CouncilRecord.objects.get(kind="vote")
    assert (record.votes_for, record.votes_against, record.votes_abstain) == (7, 1, 1)
    assert record.eligibility["eligible"] is True
    decided = client.post(
        reverse("awards:nomination_decide", args=[nomination.pk]),
        {"outcome": "accepted", "reason": "Đủ điều kiện, Hội đồng tán thành 7/9"},
    )
    assert decided.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.ACCEPTED
    entry = AuditEntry.objects.get(action=AuditAction.NOMINATION_DECIDE)
    assert entry.actor == council
    assert entry.reason == "Đủ điều kiện, Hội đồng tán thành 7/9"
    assert entry.old_value == {"status": "submitted"}
    assert entry.new_value["status"] == "accepted"
    assert entry.new_value["eligibility"]["percent"] == "80.00"
    assert entry.new_value["eligibility"]["previous_percent"] == "79.00"
    assert AuditEntry.objects.filter(action=AuditAction.NOMINATION_VOTE).count() == 1
    assert Notification.objects.filter(user=awards.users["leader_hai"]).exists()


def test_refusing_needs_a_reason(awards: Awards) -> None:
    nomination = _submitted(awards)
    with pytest.raises(AwardError) as refused:
        actions.decide_nomination(nomination, by=None, outcome=NominationStatus.REJECTED)
    assert refused.value.problems[0].code == "nomination.reason"
    rejected = actions.decide_nomination(
        nomination, by=None, outcome=NominationStatus.REJECTED, reason="Chưa đủ điều kiện"
    )
    assert rejected.decision_reason == "Chưa đủ điều kiện"


def test_a_draft_is_not_reviewed_and_others_may_not_decide(awards: Awards) -> None:
    draft = _nominate(awards)
    with pytest.raises(AwardError) as refused:
        actions.record_votes(draft, by=None, votes_for=1, votes_against=0, votes_abstain=0)
    assert refused.value.problems[0].code == "nomination.not_submitted"
    nomination = _submitted(awards, "Xã Ba", kind=NomineeKind.COLLECTIVE)
    for user in ("secretariat", "viewer"):
        response = _client(awards, user).post(
            reverse("awards:nomination_decide", args=[nomination.pk]),
            {"outcome": "accepted", "reason": ""},
        )
        assert response.status_code == 403
    assert Nomination.objects.get(pk=nomination.pk).status == NominationStatus.SUBMITTED


def test_the_campaign_is_decided_once_every_nomination_is(awards: Awards) -> None:
    nomination = _submitted(awards)
    with pytest.raises(AwardError) as refused:
        actions.set_campaign_status(awards.campaign, by=None, to=CampaignStatus.DECIDED)
    assert refused.value.problems[0].code == "campaign.pending"
    actions.decide_nomination(nomination, by=None, outcome=NominationStatus.ACCEPTED)
    decided = actions.set_campaign_status(
        awards.campaign, by=None, to=CampaignStatus.DECIDED, decision_number="45/QĐ-UBND"
    )
    assert (decided.status, decided.decision_number) == ("decided", "45/QĐ-UBND")
    with pytest.raises(AwardError) as refused:
        actions.decide_nomination(
            nomination, by=None, outcome=NominationStatus.REJECTED, reason="x"
        )
    assert refused.value.problems[0].code == "campaign.decided"


def _decided(awards: Awards) -> None:
    collective = _submitted(awards, achievements="Dẫn đầu phong trào thi đua CCHC")
    person = _submitted(
        awards, "Xã Ba", kind=NomineeKind.INDIVIDUAL, name="Lê Thị Hoa", position="Chủ tịch UBND xã"
    )
    refused = _submitted(awards, "Xã Một")
    actions.record_votes(person, by=None, votes_for=8, votes_against=0, votes_abstain=1)
    for nomination in (collective, person):
        actions.decide_nomination(nomination, by=None, outcome=NominationStatus.ACCEPTED)
    actions.decide_nomination(
        refused, by=None, outcome=NominationStatus.REJECTED, reason="Không đủ điều kiện"
    )
    actions.set_campaign_status(
        awards.campaign,
        by=None,
        to=CampaignStatus.DECIDED,
        decision_number="45/QĐ-UBND",
        decided_on=dt.date(2026, 12, 20),
    )


def test_the_decision_in_word(awards: Awards) -> None:
    from docx import Document as Word

    _decided(awards)
    response = _client(awards, "council").get(
        reverse("awards:export_docx", args=[awards.campaign.pk])
    )
    assert response.status_code == 200
    word = Word(io.BytesIO(response.content))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "QUYẾT ĐỊNH" in text
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH THI ĐUA" in text
    assert "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;" in text
    assert "Căn cứ Kế hoạch số 12/KH-UBND" in text
    assert "Điều 1. Tặng Giấy khen của Chủ tịch UBND tỉnh cho 01 tập thể và 01 cá nhân" in text
    assert "DANH SÁCH KHEN THƯỞNG" in text
    header = [c.text for c in word.tables[0].rows[0].cells]  # the letterhead
    assert "Số: 45/QĐ-UBND" in header[0]
    table = word.tables[-1]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["STT", "Tên tập thể/cá nhân", "Hình thức khen thưởng", "Thành tích"]
    assert rows[1][:2] == ["I", "TẬP THỂ"]
    assert rows[2] == ["1", "Xã Hai", AWARD, "Dẫn đầu phong trào thi đua CCHC"]
    assert rows[3][:2] == ["II", "CÁ NHÂN"]
    assert rows[4] == [
        "1",
        "Lê Thị Hoa, Chủ tịch UBND xã",
        AWARD,
        "Chỉ số CCHC năm 2025 của Xã Ba đạt 83,00%, xếp thứ 1/7",
    ]
    assert len(rows) == 5  # the refused nomination is not in the list


def test_the_list_in_excel(awards: Awards) -> None:
    from openpyxl import load_workbook

    _decided(awards)
    response = _client(awards, "viewer").get(
        reverse("awards:export_xlsx", args=[awards.campaign.pk])
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = values.index(
        [
            "STT",
            "Tên tập thể/cá nhân",
            "Tập thể/cá nhân",
            "Hình thức khen thưởng",
            "Thành tích",
            "Đơn vị đề nghị",
            "Chỉ số CCHC 2025 (%)",
            "Biểu quyết (tán thành/tổng)",
        ]
    )
    body = values[header + 1 :]
    assert body[0][:4] == [1, "Xã Hai", "Tập thể", AWARD]
    assert body[0][6] == 80
    assert body[1][:4] == [2, "Lê Thị Hoa, Chủ tịch UBND xã", "Cá nhân", AWARD]
    assert body[1][5:] == ["Xã Ba", 83, "8/9"]
    assert len(body) == 2


def test_the_review_page_lists_nominations_with_evidence(awards: Awards) -> None:
    _submitted(awards, "Xã Một")
    page = _client(awards, "council").get(reverse("awards:review", args=[awards.campaign.pk]))
    text = page.content.decode()
    assert "Not eligible: index 81.50% ≥ 80% but not higher than last year" in text
    forbidden = _client(awards, "leader_hai").get(
        reverse("awards:review", args=[awards.campaign.pk])
    )
    assert forbidden.status_code == 403
