"""Reminders of plan tasks before their due dates and once overdue, in the app and by e-mail.

Every day (`manage.py send_plan_reminders`, a background task), the open tasks (not started or in
progress) of issued plans that are due within `PLAN_REMINDER_DAYS` days (7 by default) or already
overdue are gathered, and each person responsible for them gets one notification listing them:
- a commune's plan: the commune's officers and leader (the roles that enter its assessment);
- a province's (or district's) plan: its secretariat (the roles that run its campaigns).
Only roles granted on the plan's unit itself count: the province's secretariat is not reminded
of a commune's tasks. Draft plans are not in force yet and closed plans are over: neither is
reminded.

One notification per person per day (its key names the day), so a rerun the same day sends
nothing twice; each task reminded records the day in `reminded_on`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from parindex.accounts.models import Role, RoleGrant, User
from parindex.accounts.permissions import ROLE_PERMS, Perm
from parindex.notifications.actions import notify
from parindex.orgunits.models import Level, Unit
from parindex.plans import rules
from parindex.plans.models import PlanStatus, Task, TaskStatus

OPEN = (TaskStatus.TODO, TaskStatus.DOING)


def reminder_days() -> int:
    return int(getattr(settings, "PLAN_REMINDER_DAYS", 7))


def due_reminders(today: dt.date) -> list[Task]:
    """The tasks to remind of on `today`: open tasks of issued plans due within the reminder
    window or overdue, not yet reminded today; the most urgent first."""
    horizon = today + dt.timedelta(days=reminder_days())
    return list(
        Task.objects.filter(
            plan__status=PlanStatus.ISSUED,
            status__in=OPEN,
            due_on__lte=horizon,
        )
        .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
        .select_related("plan__unit")
        .order_by("due_on", "plan_id", "position", "pk")
    )


def _roles_with(perm: Perm) -> list[str]:
    """The roles that hold `perm` on a unit, the system administrator's aside."""
    return [
        role for role, perms in ROLE_PERMS.items() if perm in perms and role != Role.SYSTEM_ADMIN
    ]


def _responsible_unit(unit: Unit) -> Unit:
    """An office's plan is the commune's (or province's) above it: roles sit there."""
    if unit.level == Level.OFFICE and unit.parent is not None:
        return unit.parent
    return unit


def recipients(unit: Unit, day: dt.date) -> list[User]:
    """Who is reminded of a unit's tasks (see the module's docstring)."""
    unit = _responsible_unit(unit)
    perm = Perm.ENTER_ASSESSMENT if unit.level == Level.COMMUNE else Perm.MANAGE_CAMPAIGNS
    grants = RoleGrant.objects.active(day).filter(unit=unit, role__in=_roles_with(perm))
    return list(User.objects.filter(grants__in=grants).distinct().order_by("pk"))


def _line(task: Task, today: dt.date) -> str:
    due = rules.Due(task.due_kind, task.due_on)
    if rules.is_overdue(rules.TaskFact(task.status, task.due_on, task.done_on), today):
        when = f"Quá hạn {(today - task.due_on).days} ngày (hạn {due.label()})"
    elif task.due_on == today:
        when = f"Đến hạn hôm nay ({due.label()})"
    else:
        when = f"Còn {(task.due_on - today).days} ngày (hạn {due.label()})"
    lead = f"; chủ trì: {task.lead}" if task.lead else ""
    return f"- {when}: {task.title} — {task.plan.title}{lead}"


def _title(overdue: int, soon: int) -> str:
    parts = []
    if overdue:
        parts.append(f"{overdue} quá hạn")
    if soon:
        parts.append(f"{soon} sắp đến hạn")
    return "Nhiệm vụ kế hoạch: " + ", ".join(parts)


def send_task_reminders(today: dt.date | None = None) -> int:
    """Send the day's task reminders; returns how many notifications were created."""
    today = today or timezone.localdate()
    tasks = due_reminders(today)
    if not tasks:
        return 0
    people: dict[int, list[User]] = {}
    by_user: dict[int, list[Task]] = defaultdict(list)
    users: dict[int, User] = {}
    for task in tasks:
        unit = task.plan.unit
        if unit.pk not in people:
            people[unit.pk] = recipients(unit, today)
        for user in people[unit.pk]:
            users[user.pk] = user
            by_user[user.pk].append(task)
    sent = 0
    with transaction.atomic():
        for user_pk, mine in by_user.items():
            overdue = sum(
                1
                for t in mine
                if rules.is_overdue(rules.TaskFact(t.status, t.due_on, t.done_on), today)
            )
            sent += notify(
                users=[users[user_pk]],
                key=f"plan-tasks:{today.isoformat()}",
                title=_title(overdue, len(mine) - overdue)[:200],
                body="\n".join(
                    [f"Các nhiệm vụ cần hoàn thành (ngày {today:%d/%m/%Y}):"]
                    + [_line(t, today) for t in mine]
                ),
                url=reverse("plans:plan", args=[mine[0].plan_id]),
            )
        Task.objects.filter(pk__in=[t.pk for t in tasks]).update(reminded_on=today)
    return sent
