"""Plans through their actions and pages: targets and their states, tasks, the index fed from the
tasks, and the improvement plan drafted from a commune's lost points."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parindex.assessments.models import Answer
from parindex.audit.models import AuditEntry
from parindex.plans import actions, rules, services
from parindex.plans.models import IndexSource, Kind, Plan, TaskStatus
from parindex.scoring import services as scoring

D = Decimal
pytestmark = pytest.mark.django_db


def plan_of(world, year: int = 2025, kind: str = Kind.ANNUAL) -> Plan:
    return actions.create_plan(
        by=world.users["commune_officer"],
        unit=world.commune_a,
        year=year,
        kind=kind,
        title=f"Kế hoạch cải cách hành chính năm {year}",
    )


def login(world, role: str) -> Client:
    client = Client(headers={"accept-language": "vi"})
    client.force_login(world.users[role])
    return client


def test_a_target_is_read_from_its_wording_and_reported(world):
    plan = plan_of(world)
    target = actions.add_target(
        plan, by=None, name="Tỷ lệ hồ sơ trực tuyến", target_text="Trên 90%"
    )
    assert (target.direction, target.value) == ("gt", D("90"))
    actions.report_target(target, by=None, period="2025-03", value=D("85"))
    [row] = services.target_rows(plan, today=dt.date(2025, 4, 1))
    assert row.state == rules.TargetState.AT_RISK
    actions.report_target(target, by=None, period="2025", value=D("92.5"))
    [row] = services.target_rows(plan, today=dt.date(2025, 12, 31))
    assert (row.actual, row.state) == (D("92.5"), rules.TargetState.MET)
    with pytest.raises(actions.PlanError) as refused:
        actions.report_target(target, by=None, period="2024-03", value=D("1"))
    assert refused.value.problems[0].code == "target.period_year"


def test_a_target_on_the_index_is_measured_from_the_results(scored, world):
    plan = plan_of(world)
    sipas = actions.add_target(
        plan,
        by=None,
        name="Chỉ số SIPAS",
        target_text="Đạt từ 95% trở lên",
        index_source=IndexSource.NODE,
        node_code="9",
    )
    total = actions.add_target(
        plan, by=None, name="Tổng điểm", target_text="≥ 95", index_source=IndexSource.TOTAL
    )
    rows = {r.target.pk: r for r in services.target_rows(plan, today=dt.date(2026, 1, 15))}
    # Commune A: SIPAS 32,5/36 = 90,28 %; total 95,35 (live figures: not final).
    assert rows[sipas.pk].actual == D("90.28")
    assert rows[sipas.pk].state == rules.TargetState.AT_RISK
    assert rows[sipas.pk].live
    assert rows[total.pk].actual == D("95.35")
    assert rows[total.pk].state == rules.TargetState.ON_TRACK
    pub = scoring.prepare_publication(scored.cycle, by=None)
    scoring.approve_publication(pub, by=None)
    scoring.publish(pub, by=None)
    rows = {r.target.pk: r for r in services.target_rows(plan, today=dt.date(2026, 3, 1))}
    assert rows[sipas.pk].state == rules.TargetState.MISSED
    assert rows[total.pk].state == rules.TargetState.MET
    assert not rows[total.pk].live


def test_tasks_feed_the_plan_implementation_criterion(year, world):
    plan = plan_of(world)
    today = timezone.localdate()
    for i in range(7):
        task = actions.add_task(
            plan, by=None, title=f"Nhiệm vụ {i + 1}", due=rules.Due("date", today)
        )
        if i < 6:
            actions.set_task_status(task, by=None, status=TaskStatus.DONE, done_on=today)
    changed = actions.feed_index(plan, year.cycle, by=world.users["commune_officer"])
    assert changed == ["1.1.2"]
    answer = Answer.objects.get(assessment=year.a, node__code="1.1.2")
    assert answer.self_points == D("2.85")  # seed 003: 6/7 → 2,85/3
    assert answer.appraised_points == D("2.85")  # a computed criterion needs no appraisal
    assert answer.self_value == {"done": 6, "planned": 7}
    assert AuditEntry.objects.filter(object_id=str(answer.pk), action="score.change").exists()
    assert actions.feed_index(plan, year.cycle, by=None) == []  # nothing changed


def test_a_task_cannot_be_completed_in_the_future(world):
    plan = plan_of(world)
    task = actions.add_task(
        plan, by=None, title="Hội nghị", due=rules.Due("month", dt.date(2025, 3, 31))
    )
    with pytest.raises(actions.PlanError):
        actions.set_task_status(
            task,
            by=None,
            status=TaskStatus.DONE,
            done_on=timezone.localdate() + dt.timedelta(days=1),
        )


def test_an_improvement_plan_lists_exactly_the_lost_sub_criteria(scored, world):
    plan = services.draft_improvement_plan(scored.cycle, world.commune_a, by=None)
    assert plan.kind == Kind.IMPROVEMENT
    assert plan.year == 2026
    tasks = list(plan.tasks.order_by("position"))
    assert [t.node_code for t in tasks] == ["1.1.2", "3.1.1", "9.1"]  # commune A's losses
    first = tasks[1]
    assert first.reason == "Đạt 0/1 điểm: Thiếu báo cáo"
    assert first.product.startswith("Bổ sung, hoàn thiện: Kế hoạch rà soát")
    assert first.lead == "Văn phòng HĐND và UBND (Bộ phận Một cửa)"
    targets = {t.node_code: (t.direction, t.value) for t in plan.targets.all()}
    assert targets["1"] == ("ge", D("100"))
    assert targets["9"] == ("ge", D("95"))  # citizens' satisfaction ≥ 95 %
    assert len(targets) == 9


def test_plan_pages_in_vietnamese(scored, world):
    plan = plan_of(world)
    actions.add_target(plan, by=None, name="Số hóa hồ sơ", target_text="90%")
    actions.add_task(
        plan,
        by=None,
        title="Kế hoạch kiểm tra CCHC",
        due=rules.Due("month", dt.date(2025, 3, 31)),
        group="I. Công tác chỉ đạo điều hành",
        lead="Văn phòng - Thống kê",
    )
    client = login(world, "commune_officer")
    page = client.get(reverse("plans:plan", args=[plan.pk])).content.decode()
    assert "Kế hoạch kiểm tra CCHC" in page
    assert "Tháng 3/2025" in page
    assert "Quá hạn" in page
    for name in ("plans:board", "plans:calendar"):
        assert client.get(reverse(name, args=[plan.pk])).status_code == 200
    calendar = client.get(reverse("plans:calendar", args=[plan.pk]), {"thang": "2025-03"})
    assert "Kế hoạch kiểm tra CCHC" in calendar.content.decode()
    listing = client.get(reverse("plans:plans")).content.decode()
    assert plan.title in listing


def test_forms_refuse_bad_input_and_keep_it(world):
    plan = plan_of(world)
    client = login(world, "commune_officer")
    response = client.post(
        reverse("plans:task_create", args=[plan.pk]), {"title": "Tuyên truyền", "due": "sớm"}
    )
    page = response.content.decode()
    assert "không phải là thời hạn" in page
    assert "Tuyên truyền" in page  # what was typed stays
    assert plan.tasks.count() == 0


def test_the_scorecard_drafts_an_improvement_plan(scored, world):
    client = login(world, "commune_officer")
    url = reverse("plans:improve", args=[scored.cycle.pk, world.commune_a.code])
    response = client.post(url)
    plan = Plan.objects.get(kind=Kind.IMPROVEMENT)
    assert response["Location"] == reverse("plans:plan", args=[plan.pk])
    other = reverse("plans:improve", args=[scored.cycle.pk, world.commune_b.code])
    assert client.post(other).status_code == 404
