"""Reminders before deadlines: in the app and by e-mail, once each."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from parindex.assessments import actions
from parindex.assessments.reminders import deadline_reminders
from parindex.notifications.models import Notification
from tests.assessments.conftest import Year
from tests.assessments.test_cycle import complete
from tests.conftest import World


def test_communes_that_have_not_submitted_are_reminded_once(
    world: World, year: Year, django_capture_on_commit_callbacks: Any
) -> None:
    complete(year.b, world.users["officer_b"])
    actions.submit_assessment(year.b, by=world.users["officer_b"])  # B is done: no reminder
    three_days_before = year.cycle.self_deadline - dt.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert deadline_reminders(three_days_before) == 2  # commune A's leader and officer
    notes = Notification.objects.order_by("user__username")
    assert [n.user.username for n in notes] == ["leader_a", "officer_a"]
    assert notes[0].title == "Còn 3 ngày để gửi tự đánh giá"
    assert notes[0].url == reverse("assessments:assessment", args=[year.a.pk])
    assert len(mail.outbox) == 2  # the e-mail copies, sent by the background task
    assert mail.outbox[0].subject == "[ParIndex] Còn 3 ngày để gửi tự đánh giá"
    with django_capture_on_commit_callbacks(execute=True):
        assert deadline_reminders(three_days_before) == 0  # a rerun sends nothing twice
    assert len(mail.outbox) == 2
    assert deadline_reminders(three_days_before - dt.timedelta(days=1)) == 0  # not a reminder day


def test_appraisers_and_explanations_are_reminded(world: World, year: Year) -> None:
    complete(year.a, world.users["commune_leader"])
    actions.submit_assessment(year.a, by=None)
    actions.close_self_assessment(year.cycle, by=None)
    actions.assign_appraisers(
        year.cycle,
        by=None,
        appraiser=world.users["appraiser"],
        units=[world.commune_a],
        field_codes=["3"],
    )
    answer = year.a.answers.select_related("node", "assessment").get(node__code="3.1.1")
    actions.appraise_answer(answer, by=None, decision="question", reason="Thiếu báo cáo")
    day = year.cycle.appraisal_deadline - dt.timedelta(days=1)
    assert deadline_reminders(day) == 1
    assert (
        Notification.objects.get(user=world.users["appraiser"]).title == "Còn 1 ngày để thẩm định"
    )
    explanation_day = year.cycle.explanation_to - dt.timedelta(days=7)  # type: ignore[operator]
    assert deadline_reminders(explanation_day) == 2
    assert Notification.objects.filter(key__startswith="explain:").count() == 2


def test_the_command_queues_the_task_and_the_home_page_shows_them(world: World, year: Year) -> None:
    day = year.cycle.self_deadline - dt.timedelta(days=7)
    call_command("send_reminders", "--day", day.isoformat(), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Notification.objects.count() == 3  # commune A's leader and officer, commune B's officer
    client = Client()
    client.force_login(world.users["commune_officer"])
    home = client.get(reverse("home")).content.decode()
    assert "Còn 7 ngày để gửi tự đánh giá" in home
    client.post(reverse("notifications:read"))
    assert "Còn 7 ngày" not in client.get(reverse("home")).content.decode()
    assert Notification.objects.filter(read_at__isnull=True).count() == 2  # the others' own
