"""Reminders of plan tasks due soon or overdue: in the app and by e-mail, once a day per person."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from parindex.notifications.models import Notification
from parindex.orgunits.models import Unit
from parindex.plans import actions, rules
from parindex.plans.models import Plan, Task, TaskStatus
from parindex.plans.reminders import due_reminders, send_task_reminders
from tests.conftest import World

TODAY = timezone.localdate()


def _day(days: int) -> rules.Due:
    return rules.Due("date", TODAY + dt.timedelta(days=days))


def _plan(unit: Unit, title: str, *, issued: bool = True) -> Plan:
    plan = actions.create_plan(by=None, unit=unit, year=TODAY.year, title=title)
    if issued:
        actions.issue_plan(plan, by=None, number="35/KH-UBND", issued_on=TODAY)
    return plan


@dataclass
class Tasks:
    plan_a: Plan
    soon: Task  # commune A, due in 3 days
    late: Task  # commune A, 2 days overdue
    done: Task  # commune A, due tomorrow but done
    later: Task  # commune A, due in a month
    draft: Task  # commune A's draft plan, due in 2 days
    b: Task  # commune B, due in 2 days


@pytest.fixture
def tasks(world: World) -> Tasks:
    plan_a = _plan(world.commune_a, "Kế hoạch CCHC năm của xã An Bình")
    lead = "Văn phòng - Thống kê"
    soon = actions.add_task(
        plan_a, by=None, title="Báo cáo CCHC quý", due=_day(3), node_code="1.2.1", lead=lead
    )
    late = actions.add_task(
        plan_a, by=None, title="Kế hoạch kiểm tra CCHC", due=_day(-2), node_code="1.3.1"
    )
    done = actions.add_task(plan_a, by=None, title="Kế hoạch tuyên truyền", due=_day(1))
    actions.set_task_status(done, by=None, status=TaskStatus.DONE, done_on=TODAY)
    later = actions.add_task(plan_a, by=None, title="Tổng kết năm", due=_day(30))
    cancelled = actions.add_task(plan_a, by=None, title="Hội nghị bỏ", due=_day(-5))
    actions.set_task_status(cancelled, by=None, status=TaskStatus.CANCELLED)
    draft_plan = _plan(world.commune_a, "Dự thảo kế hoạch khắc phục", issued=False)
    draft = actions.add_task(draft_plan, by=None, title="Nhiệm vụ dự thảo", due=_day(2))
    plan_b = _plan(world.commune_b, "Kế hoạch CCHC phường Bình Minh")
    b = actions.add_task(plan_b, by=None, title="Việc của phường Bình Minh", due=_day(2))
    return Tasks(plan_a, soon, late, done, later, draft, b)


def test_the_selection_is_open_tasks_of_issued_plans_due_soon_or_overdue(tasks: Tasks) -> None:
    assert due_reminders(TODAY) == [tasks.late, tasks.b, tasks.soon]
    with override_settings(PLAN_REMINDER_DAYS=2):
        assert due_reminders(TODAY) == [tasks.late, tasks.b]
    Task.objects.filter(pk=tasks.late.pk).update(reminded_on=TODAY)
    assert tasks.late not in due_reminders(TODAY)  # reminded today already
    Task.objects.filter(pk=tasks.late.pk).update(reminded_on=TODAY - dt.timedelta(days=1))
    assert tasks.late in due_reminders(TODAY)  # yesterday's reminder: again today


def test_commune_officers_are_reminded_once_a_day_in_the_app_and_by_email(
    world: World, tasks: Tasks, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert send_task_reminders(TODAY) == 3  # commune A's leader and officer, B's officer
    mine = Notification.objects.get(user=world.users["commune_officer"])
    assert mine.title == "Nhiệm vụ kế hoạch: 1 quá hạn, 1 sắp đến hạn"
    assert "Quá hạn 2 ngày (hạn " in mine.body
    assert "Kế hoạch kiểm tra CCHC" in mine.body
    assert "Còn 3 ngày (hạn " in mine.body
    assert "Báo cáo CCHC quý — Kế hoạch CCHC năm của xã An Bình; chủ trì: Văn phòng" in mine.body
    for other in ("Kế hoạch tuyên truyền", "Tổng kết năm", "Hội nghị bỏ", "Nhiệm vụ dự thảo"):
        assert other not in mine.body  # done, far off, cancelled, a draft plan's
    assert "Bình Minh" not in mine.body  # another commune's task
    assert mine.url == reverse("plans:plan", args=[tasks.plan_a.pk])
    theirs = Notification.objects.get(user=world.users["officer_b"])
    assert theirs.title == "Nhiệm vụ kế hoạch: 1 sắp đến hạn"
    assert "Việc của phường Bình Minh" in theirs.body
    assert "An Bình" not in theirs.body
    # nobody above the communes, nobody of another province
    for key in ("secretariat", "system_admin", "viewer", "appraiser", "secretariat_other"):
        assert not Notification.objects.filter(user=world.users[key]).exists()
    assert len(mail.outbox) == 3  # the e-mail copies, sent by the background task
    officer_mail = next(m for m in mail.outbox if m.to == [world.users["commune_officer"].email])
    assert officer_mail.subject == "[ParIndex] Nhiệm vụ kế hoạch: 1 quá hạn, 1 sắp đến hạn"
    assert "Kế hoạch kiểm tra CCHC" in officer_mail.body
    assert set(Task.objects.filter(reminded_on=TODAY)) == {tasks.soon, tasks.late, tasks.b}

    with django_capture_on_commit_callbacks(execute=True):
        assert send_task_reminders(TODAY) == 0  # a rerun the same day sends nothing twice
    assert len(mail.outbox) == 3
    assert Notification.objects.filter(user=world.users["commune_officer"]).count() == 1

    tomorrow = TODAY + dt.timedelta(days=1)
    assert send_task_reminders(tomorrow) == 3  # the next day: reminded again
    latest = Notification.objects.filter(user=world.users["commune_officer"]).latest("pk")
    assert "Quá hạn 3 ngày" in latest.body
    assert "Còn 2 ngày" in latest.body


def test_a_province_plan_reminds_its_secretariat(world: World) -> None:
    plan = _plan(world.province, "Kế hoạch CCHC của tỉnh")
    actions.add_task(plan, by=None, title="Hướng dẫn các xã tự đánh giá", due=_day(0))
    assert send_task_reminders(TODAY) == 1
    note = Notification.objects.get()
    assert note.user == world.users["secretariat"]
    assert note.title == "Nhiệm vụ kế hoạch: 1 sắp đến hạn"
    assert "Đến hạn hôm nay" in note.body


def test_an_inactive_officer_and_a_closed_plan_get_nothing(world: World, tasks: Tasks) -> None:
    officer = world.users["commune_officer"]
    officer.is_active = False
    officer.save()
    actions.close_plan(Plan.objects.get(pk=tasks.b.plan_id), by=None)
    assert send_task_reminders(TODAY) == 1  # only commune A's leader
    assert Notification.objects.get().user == world.users["commune_leader"]


def test_the_command_queues_the_task(world: World, tasks: Tasks) -> None:
    call_command("send_plan_reminders", "--day", TODAY.isoformat(), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Notification.objects.count() == 3
    assert Notification.objects.filter(key=f"plan-tasks:{TODAY.isoformat()}").count() == 3
