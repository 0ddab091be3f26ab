"""Writes go through the same actions: answers (calendar, version), tasks, targets, and the bulk
survey submission (idempotent by form number)."""

from __future__ import annotations

import pytest

from parindex.assessments.models import Answer
from parindex.surveys.models import Response
from tests.api.conftest import Data, client_for
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
