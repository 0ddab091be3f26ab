"""The yearly cycle of one commune through the real actions: answer, evidence, submission,
closing, appraisal, explanation, lock — with the calendar, the versions and the audit trail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from parindex.assessments import actions
from parindex.assessments.models import (
    Answer,
    AppraisalStatus,
    Assessment,
    Document,
    Status,
)
from parindex.assessments.permissions import can_appraise
from parindex.audit.models import AuditEntry
from parindex.frameworks.rules import (
    DeductionRule,
    LevelsRule,
    PlanCompletionRule,
    ProportionalRule,
    TiersRule,
    YesNoRule,
    parse_rule,
)
from tests.assessments.conftest import Year
from tests.conftest import World

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
MAX = 20 * 1024 * 1024


def full_marks(answer: Answer) -> dict[str, Any]:
    """The answer that earns the criterion's whole maximum."""
    rule = parse_rule(answer.node.rule)
    if isinstance(rule, LevelsRule):
        return {"level": max(rule.levels, key=lambda lv: lv.points).code}
    if isinstance(rule, YesNoRule):
        return {"yes": True}
    if isinstance(rule, ProportionalRule):
        return {"achieved": "10", "required": "10"}
    if isinstance(rule, TiersRule):
        return {"value": "100"}
    if isinstance(rule, DeductionRule):
        return {"count": "0"}
    if isinstance(rule, PlanCompletionRule):
        return {"done": "7", "planned": "7"}
    raise AssertionError(rule)


def answerable(assessment: Assessment) -> list[Answer]:
    return [
        a
        for a in assessment.answers.select_related("node", "assessment__cycle").order_by(
            "node__sort_key"
        )
        if not a.node.source.startswith("survey")
    ]


def complete(assessment: Assessment, by: Any, *, cite: bool = True) -> Document:
    """Answer every criterion at full points, citing one document for every requirement."""
    document = actions.upload_document(
        by=by,
        unit=assessment.unit,
        name="ke-hoach-cchc-2025.pdf",
        content=PDF,
        max_bytes=MAX,
        number="35/KH-UBND",
        issued_on=dt.date(2025, 1, 27),
        summary="Kế hoạch CCHC năm 2025",
    )
    for answer in answerable(assessment):
        actions.save_answer(answer, by=by, value=full_marks(answer), note="")
        if cite:
            for requirement in answer.node.evidence.filter(required=True):
                actions.cite_document(answer, document, by=by, requirement=requirement)
    return document


def test_opening_a_cycle_gives_each_commune_its_criteria(world: World, year: Year) -> None:
    assert year.cycle.assessments.count() == 2  # the other province's commune is not in it
    assert year.a.answers.count() == 48
    assert (year.a.group, year.b.group) == ("xa", "phuong")
    entry = AuditEntry.objects.get(action="cycle.create")
    assert entry.new_value["communes"] == 2
    assert entry.actor == world.users["secretariat"]
    with pytest.raises(actions.AssessmentError) as error:
        actions.open_cycle(
            by=None,
            framework=year.cycle.framework,
            scope=world.province,
            year=2025,
            name="x",
            self_opens_on=dt.date(2025, 1, 1),
            self_deadline=dt.date(2025, 1, 2),
            appraisal_deadline=dt.date(2025, 1, 3),
        )
    assert [p.code for p in error.value.problems] == ["cycle.exists"]


def test_points_come_from_the_rule_and_every_change_is_audited(world: World, year: Year) -> None:
    officer = world.users["commune_officer"]
    answer = year.a.answers.select_related("node").get(node__code="1.1.2")
    saved = actions.save_answer(answer, by=officer, value={"done": "6", "planned": "7"}, note="6/7")
    assert (saved.self_points, saved.self_working) == (Decimal("2.85"), "6/7: 3 − 0,15 × 1 = 2,85")
    assert saved.version == 2
    entry = AuditEntry.objects.get(action="score.change")
    assert entry.old_value == {"value": None, "points": None, "note": ""}
    assert entry.new_value == {
        "value": {"done": "6", "planned": "7"},
        "points": "2.85",
        "note": "6/7",
    }
    assert (entry.actor, entry.unit) == (officer, world.commune_a)
    with pytest.raises(actions.AssessmentError) as error:
        actions.save_answer(answer, by=officer, value={"done": "8", "planned": "7"}, note="")
    assert [p.code for p in error.value.problems] == ["answer.done_above_planned"]
    survey = year.a.answers.select_related("node").get(node__code="9.1")
    with pytest.raises(actions.AssessmentError):
        actions.save_answer(survey, by=officer, value={"index": "90"}, note="")


def test_two_people_never_overwrite_each_other(world: World, year: Year) -> None:
    answer = year.a.answers.select_related("node").get(node__code="3.1.1")
    opened = answer.version
    actions.save_answer(answer, by=world.users["commune_leader"], value={"yes": True}, note="")
    with pytest.raises(actions.AssessmentError) as error:
        actions.save_answer(
            answer,
            by=world.users["commune_officer"],
            value={"yes": False},
            note="",
            expected_version=opened,
        )
    assert [p.code for p in error.value.problems] == ["answer.changed_meanwhile"]
    answer.refresh_from_db()
    assert answer.self_points == 1


def test_submission_is_refused_until_complete_then_closed(world: World, year: Year) -> None:
    leader = world.users["commune_leader"]
    with pytest.raises(actions.AssessmentError) as error:
        actions.submit_assessment(year.a, by=leader)
    assert {p.code for p in error.value.problems} == {"submit.unanswered"}
    assert len(error.value.problems) == 47  # 48 criteria, one of them from the survey
    complete(year.a, leader, cite=False)
    gaps = actions.completeness(year.a)
    assert gaps
    assert all(not g.unanswered for g in gaps)
    website = next(g for g in gaps if g.answer.node.code == "7.1.1")
    assert website.missing == ("Quyết định kiện toàn Ban biên tập Trang thông tin điện tử",)
    # seed 003: without the decision on the editorial board, claim 0 on purpose, or attach it
    answer = website.answer
    answer.refresh_from_db()
    actions.save_answer(answer, by=leader, value={"yes": False}, note="Chưa có quyết định")
    assert "7.1.1" not in {g.answer.node.code for g in actions.completeness(year.a)}
    document = Document.objects.get(unit=world.commune_a)
    for gap in actions.completeness(year.a):
        for requirement in gap.answer.node.evidence.filter(required=True):
            actions.cite_document(gap.answer, document, by=leader, requirement=requirement)
    assert actions.completeness(year.a) == []
    actions.submit_assessment(year.a, by=leader)
    year.a.refresh_from_db()
    assert year.a.status == Status.SUBMITTED
    assert AuditEntry.objects.get(action="assessment.submit").new_value["points"] == "63.00"
    answer = year.a.answers.select_related("node", "assessment__cycle").get(node__code="1.1.1")
    with pytest.raises(actions.AssessmentError) as error:
        actions.save_answer(answer, by=leader, value={"level": "ban_hanh_cham"}, note="")
    assert [p.code for p in error.value.problems] == ["assessment.entry_closed"]


def test_after_the_deadline_only_a_reasoned_reopening_lets_the_commune_in(
    world: World, year: Year
) -> None:
    cycle = year.cycle
    today = timezone.localdate()
    cycle.self_opens_on = today - dt.timedelta(days=40)
    cycle.self_deadline = today - dt.timedelta(days=1)
    cycle.save()
    answer = year.a.answers.select_related("node", "assessment__cycle").get(node__code="1.1.1")
    with pytest.raises(actions.AssessmentError):
        actions.save_answer(answer, by=None, value={"level": "ban_hanh_cham"}, note="")
    with pytest.raises(actions.AssessmentError) as error:
        actions.reopen_assessment(year.a, by=None, until=today, reason=" ")
    assert [p.code for p in error.value.problems] == ["reason.required"]
    actions.reopen_assessment(
        year.a,
        by=world.users["secretariat"],
        until=today + dt.timedelta(days=2),
        reason="Xã bị mất điện mạng ngày 09/01",
    )
    answer = Answer.objects.select_related("node", "assessment__cycle").get(pk=answer.pk)
    actions.save_answer(answer, by=None, value={"level": "ban_hanh_cham"}, note="")
    entry = AuditEntry.objects.get(action="assessment.reopen")
    assert entry.reason == "Xã bị mất điện mạng ngày 09/01"


def test_appraisal_explanation_and_lock(world: World, year: Year) -> None:
    leader, appraiser = world.users["commune_leader"], world.users["appraiser"]
    complete(year.a, leader)
    actions.submit_assessment(year.a, by=leader)
    actions.close_self_assessment(year.cycle, by=world.users["secretariat"])
    year.a.refresh_from_db()
    assert year.a.status == Status.APPRAISING
    year.b.refresh_from_db()
    assert year.b.status == Status.APPRAISING  # closed where it stood
    # an appraiser appraises only the communes (and fields) assigned
    assert not can_appraise(appraiser, year.a, "3.1.1")
    actions.assign_appraisers(
        year.cycle, by=None, appraiser=appraiser, units=[world.commune_a], field_codes=["3", "7"]
    )
    assert can_appraise(appraiser, year.a, "3.1.1")
    assert not can_appraise(appraiser, year.a, "1.1.1")
    with pytest.raises(actions.AssessmentError) as refused:  # only people with the appraiser role
        actions.assign_appraisers(
            year.cycle,
            by=None,
            appraiser=world.users["viewer"],
            units=[world.commune_a],
            field_codes=[],
        )
    assert [p.code for p in refused.value.problems] == ["assign.not_appraiser"]
    assert not can_appraise(appraiser, year.b, "3.1.1")
    answers = {a.node.code: a for a in answerable(year.a)}
    with pytest.raises(actions.AssessmentError) as error:
        actions.appraise_answer(
            answers["3.1.1"], by=appraiser, decision="adjust", value={"yes": False}
        )
    assert [p.code for p in error.value.problems] == ["reason.required"]
    actions.appraise_answer(
        answers["3.1.1"],
        by=appraiser,
        decision="adjust",
        value={"yes": False},
        reason="Thiếu đính kèm báo cáo kết quả thực hiện",
    )
    actions.appraise_answer(
        answers["7.2.1"],
        by=appraiser,
        decision="question",
        reason="Số liệu hồ sơ trực tuyến toàn trình chưa khớp với hệ thống",
    )
    agreed = actions.agree_field(year.a, by=appraiser, field_code="3")
    assert agreed == 8  # the other 8 of field 3
    adjusted = Answer.objects.get(pk=answers["3.1.1"].pk)
    assert (adjusted.appraisal_status, adjusted.appraised_points) == (
        AppraisalStatus.ADJUSTED,
        Decimal("0.00"),
    )
    # the commune explains within the window; the appraiser then decides
    actions.explain_answer(
        answers["7.2.1"], by=leader, text="199/200 hồ sơ toàn trình, có bảng thống kê kèm theo"
    )
    with pytest.raises(actions.AssessmentError) as error:
        actions.lock_assessment(year.a, by=world.users["secretariat"])
    assert error.value.problems[0].code == "lock.open_items"
    for answer in answerable(year.a):
        if answer.appraisal_status == AppraisalStatus.PENDING:
            actions.appraise_answer(answer, by=None, decision="agree")
    final = Answer.objects.select_related("node", "assessment").get(pk=answers["7.2.1"].pk)
    actions.appraise_answer(
        final,
        by=appraiser,
        decision="adjust",
        value={"achieved": "199", "required": "200"},
        reason="Theo giải trình: 199/200 hồ sơ",
    )
    actions.lock_assessment(year.a, by=world.users["secretariat"])
    year.a.refresh_from_db()
    assert year.a.status == Status.LOCKED
    lock = AuditEntry.objects.get(action="lock")
    assert lock.new_value == {"status": "locked", "points": "62.99"}  # 64 − 1 − 0,01
    # nobody changes a locked result, not even the appraiser
    locked = Answer.objects.select_related("node", "assessment").get(pk=answers["3.1.1"].pk)
    with pytest.raises(actions.AssessmentError):
        actions.appraise_answer(locked, by=appraiser, decision="agree")
    with pytest.raises(actions.AssessmentError):
        actions.explain_answer(locked, by=leader, text="...")
    with pytest.raises(actions.AssessmentError):
        actions.unlock_assessment(year.a, by=None, reason="")
    actions.unlock_assessment(
        year.a, by=world.users["secretariat"], reason="Hội đồng yêu cầu xem lại"
    )
    assert AuditEntry.objects.get(action="unlock").reason == "Hội đồng yêu cầu xem lại"


def test_a_document_serves_several_criteria_and_stays_with_its_commune(
    world: World, year: Year
) -> None:
    document = actions.upload_document(
        by=None, unit=world.commune_a, name="ke-hoach.pdf", content=PDF, max_bytes=MAX
    )
    a1, a2 = answerable(year.a)[:2]
    actions.cite_document(a1, document, by=None)
    actions.cite_document(a2, document, by=None)
    actions.cite_document(a2, document, by=None)  # twice is once
    assert document.citations.count() == 2
    b_answer = answerable(year.b)[0]
    with pytest.raises(actions.AssessmentError) as error:
        actions.cite_document(b_answer, document, by=None)
    assert [p.code for p in error.value.problems] == ["document.other_unit"]
    assert document.file.read() == PDF
    assert document.file.name.startswith(f"{world.commune_a.pk}/")
    assert "ke-hoach" not in document.file.name  # stored under a random name
