"""Writes go through the same actions: answers (calendar, version), tasks, targets, and the bulk
survey submission (idempotent by form number)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from parindex.assessments.actions import appraise_answer, completeness, upload_document
from parindex.assessments.models import Answer, AnswerDocument, Status
from parindex.audit.models import AuditEntry
from parindex.orgunits.models import Unit
from parindex.surveys.models import Response
from tests.api.conftest import PDF, Data, client_for
from tests.assessments.conftest import Year
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _yes_no_answer(assessment: object) -> Answer:
    for answer in Answer.objects.filter(assessment=assessment).select_related("node"):
        rule = answer.node.rule or {}
        if rule.get("kind") == "yes_no" and answer.node.source not in {
            "survey_citizens",
            "survey_officials",
            "computed",
        }:
            return answer
    pytest.skip("no yes/no criterion in the shipped framework")


def test_put_answer_saves_through_the_action_and_checks_the_version(
    world: World, year: Year
) -> None:
    client = client_for(world, "commune_officer")
    answer = _yes_no_answer(year.a)
    url = f"/api/v1/answers/{answer.pk}"
    body = {"answer": {"yes": True}, "note": "Có quyết định", "version": answer.version}
    saved = client.put(url, body, content_type="application/json")
    assert saved.status_code == 200, saved.content
    assert saved.json()["self_points"] == str(answer.node.max_points)
    assert saved.json()["version"] == answer.version + 1
    stale = client.put(url, body | {"note": "khác"}, content_type="application/json")
    assert stale.status_code == 409
    assert stale.json()["code"] == "answer.changed_meanwhile"
    assert stale.json()["details"][0]["code"] == "answer.changed_meanwhile"


def test_put_answer_is_403_for_a_reader_and_409_after_submission(world: World, year: Year) -> None:
    answer = _yes_no_answer(year.a)
    url = f"/api/v1/answers/{answer.pk}"
    viewer = client_for(world, "viewer")
    body = {"answer": {"yes": True}}
    assert viewer.put(url, body, content_type="application/json").status_code == 403
    year.a.status = "submitted"
    year.a.save()
    closed = client_for(world, "commune_officer").put(url, body, content_type="application/json")
    assert closed.status_code == 409
    assert closed.json()["code"] == "assessment.entry_closed"


def test_task_status_and_target_actual(world: World, data: Data) -> None:
    client = client_for(world, "officer_b")
    task = client.patch(
        f"/api/v1/tasks/{data.task_b.pk}", {"status": "doing"}, content_type="application/json"
    )
    assert task.status_code == 200, task.content
    assert task.json()["status"] == "doing"
    bad = client.patch(
        f"/api/v1/tasks/{data.task_b.pk}", {"status": "nope"}, content_type="application/json"
    )
    assert bad.status_code == 422
    report = client.post(
        f"/api/v1/targets/{data.target_b.pk}/reports",
        {"period": "2025-Q1", "value": "91.5"},
        content_type="application/json",
    )
    assert report.status_code == 200, report.content
    assert report.json()["value"] == "91.50"
    wrong_year = client.post(
        f"/api/v1/targets/{data.target_b.pk}/reports",
        {"period": "2024", "value": "1"},
        content_type="application/json",
    )
    assert wrong_year.status_code == 422
    assert wrong_year.json()["code"] == "target.period_year"
    plan = client.get(f"/api/v1/plans/{data.plan_b.pk}").json()
    assert plan["targets"][0]["reports"] == {"2025-Q1": "91.50"}


def _form(number: str, unit: str, rating: str = "4") -> dict[str, object]:
    answers = dict.fromkeys(("TC2", "TC3", "TT2", "TT3", "CC1", "CC2", "KQ2", "PA1"), rating)
    answers |= {"TC1": "1", "GT": "nu", "LV": "ho_tich"}
    return {"form_number": number, "unit": unit, "answered_on": "2025-11-15", "answers": answers}


def test_bulk_survey_submit_is_idempotent_by_form_number(world: World, data: Data) -> None:
    client = client_for(world, "secretariat")
    url = f"/api/v1/campaigns/{data.campaign.pk}/responses"
    forms = [_form("P-001", world.commune_a.code), _form("P-002", world.commune_b.code)]
    first = client.post(url, {"forms": forms}, content_type="application/json")
    assert first.status_code == 200, first.content
    assert (first.json()["added"], first.json()["duplicates"]) == (2, 0)
    assert Response.objects.filter(campaign=data.campaign).count() == 2
    again = client.post(
        url,
        {"forms": [*forms, _form("P-003", world.commune_a.code), _form("P-004", "00000")]},
        content_type="application/json",
    )
    body = again.json()
    assert [i["status"] for i in body["items"]] == ["duplicate", "duplicate", "added", "refused"]
    assert body["items"][3]["details"][0]["code"] == "paper.unknown_commune"
    assert Response.objects.filter(campaign=data.campaign).count() == 3
    changed = client.post(
        url, {"forms": [_form("P-001", world.commune_a.code, "2")]}, content_type="application/json"
    )
    assert changed.json()["items"][0]["status"] == "refused"
    assert changed.json()["items"][0]["details"][0]["code"] == "paper.conflict"
    assert Response.objects.filter(campaign=data.campaign).count() == 3


def test_citations_cite_list_and_remove_through_the_actions(world: World, year: Year) -> None:
    client = client_for(world, "commune_officer")
    doc_a, doc_b = (
        upload_document(by=None, unit=u, name="qd.pdf", content=PDF, max_bytes=10**6)
        for u in (world.commune_a, world.commune_b)
    )
    answer = Answer.objects.filter(assessment=year.a, node__evidence__isnull=False).first()
    assert answer is not None
    requirement = answer.node.evidence.first()
    assert requirement is not None
    url = f"/api/v1/answers/{answer.pk}/citations"
    body = {"document_id": doc_a.pk, "requirement_id": requirement.pk}
    cited = client.post(url, body, content_type="application/json")
    assert cited.status_code == 201, cited.content
    assert cited.json()["requirement"] == requirement.title
    again = client.post(url, body, content_type="application/json")
    assert again.json()["id"] == cited.json()["id"]  # citing twice keeps one citation
    assert [c["document_id"] for c in client.get(url).json()] == [doc_a.pk]
    assert AuditEntry.objects.filter(action="document.cite").count() == 1
    # another commune's document, or another criterion's requirement: refused, nothing stored
    foreign = client.post(url, {"document_id": doc_b.pk}, content_type="application/json")
    assert foreign.status_code == 422
    assert foreign.json()["code"] == "document.other_unit"
    other_node = (
        Answer.objects.filter(assessment=year.a, node__evidence__isnull=False)
        .exclude(node=answer.node)
        .first()
    )
    assert other_node is not None
    wrong = client.post(
        url,
        {"document_id": doc_a.pk, "requirement_id": other_node.node.evidence.first().pk},  # type: ignore[union-attr]
        content_type="application/json",
    )
    assert wrong.status_code == 422
    assert wrong.json()["code"] == "document.other_requirement"
    assert AnswerDocument.objects.filter(answer=answer).count() == 1
    removed = client.delete(f"{url}/{cited.json()['id']}")
    assert removed.status_code == 204
    assert client.get(url).json() == []
    assert AuditEntry.objects.filter(action="document.uncite").count() == 1


def test_explanation_only_when_asked_and_within_the_window(world: World, year: Year) -> None:
    client = client_for(world, "commune_officer")
    answer = _yes_no_answer(year.a)
    url = f"/api/v1/answers/{answer.pk}/explanation"
    year.a.status = Status.APPRAISING
    year.a.save()
    not_asked = client.post(url, {"text": "Đã có"}, content_type="application/json")
    assert not_asked.status_code == 409
    assert not_asked.json()["code"] == "explanation.not_asked"
    appraise_answer(answer, by=None, decision="question", reason="Chưa có quyết định kèm theo")
    empty = client.post(url, {"text": "  "}, content_type="application/json")
    assert empty.status_code == 422
    assert empty.json()["code"] == "explanation.empty"
    saved = client.post(
        url, {"text": "Quyết định số 12/QĐ-UBND đính kèm"}, content_type="application/json"
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["explanation"] == "Quyết định số 12/QĐ-UBND đính kèm"
    entry = AuditEntry.objects.get(action="explanation")
    assert entry.new_value == {"explanation": "Quyết định số 12/QĐ-UBND đính kèm"}
    assert client_for(world, "viewer").post(
        url, {"text": "x"}, content_type="application/json"
    ).status_code in {403, 404}
    year.cycle.explanation_to = year.cycle.explanation_from
    year.cycle.explanation_from = year.cycle.explanation_to - dt.timedelta(days=5)
    year.cycle.explanation_to = year.cycle.explanation_from + dt.timedelta(days=1)
    year.cycle.save()
    closed = client.post(url, {"text": "Muộn"}, content_type="application/json")
    assert closed.status_code == 409
    assert closed.json()["code"] == "explanation.closed"


def test_submit_lists_every_gap_then_submits(world: World, year: Year) -> None:
    client = client_for(world, "commune_leader")
    url = f"/api/v1/assessments/{year.a.pk}/submit"
    refused = client.post(url)
    assert refused.status_code == 409
    codes = {d["code"] for d in refused.json()["details"]}
    assert codes <= {"submit.unanswered", "submit.missing_documents"}
    assert len(refused.json()["details"]) == len(completeness(year.a))
    year.a.refresh_from_db()
    assert year.a.status == Status.DRAFT
    assert client_for(world, "viewer").post(url).status_code in {403, 404}


def test_documents_list_is_filtered_and_scoped(world: World, data: Data) -> None:
    client = client_for(world, "secretariat")
    every = client.get("/api/v1/documents").json()
    assert {d["name"] for d in every["items"]} == {data.doc_a.name, data.doc_b.name}
    found = client.get("/api/v1/documents", {"q": world.commune_b.code}).json()
    assert [d["id"] for d in found["items"]] == [data.doc_b.pk]
    under = client.get("/api/v1/documents", {"under": world.commune_a.code}).json()
    assert [d["id"] for d in under["items"]] == [data.doc_a.pk]
    officer = client_for(world, "commune_officer").get("/api/v1/documents").json()
    assert [d["id"] for d in officer["items"]] == [data.doc_a.pk]


def _sheet(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Mã", "Tên", "Loại", "Mã cấp trên", "Hiệu lực từ", "Hiệu lực đến"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_units_import_for_administrators_all_or_nothing(world: World) -> None:
    admin = client_for(world, "system_admin")
    parent = world.province.code
    good = _sheet([["99901", "Xã Thử Nghiệm", "xã", parent, "01/07/2025", ""]])
    done = admin.post("/api/v1/units/import", {"file": SimpleUploadedFile("units.xlsx", good)})
    assert done.status_code == 200, done.content
    assert (done.json()["created"], done.json()["errors"]) == (1, [])
    assert Unit.objects.filter(code="99901").exists()
    before = Unit.objects.count()
    bad = _sheet(
        [
            ["99902", "Xã Mới", "xã", parent, "01/07/2025", ""],
            ["99903", "", "xã", parent, "ngày mai", ""],
        ]
    )
    refused = admin.post("/api/v1/units/import", {"file": SimpleUploadedFile("u.xlsx", bad)})
    assert refused.status_code == 422
    assert refused.json()["code"] == "import.invalid"
    assert {d["row"] for d in refused.json()["details"]} == {3}
    assert Unit.objects.count() == before
    officer = client_for(world, "commune_officer")
    denied = officer.post("/api/v1/units/import", {"file": SimpleUploadedFile("u.xlsx", good)})
    assert denied.status_code == 403
