"""Background work of the plans."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from parindex.plans.reminders import send_task_reminders


@task()
def send_plan_task_reminders(day: str = "") -> int:
    """The day's reminders of plan tasks due soon or overdue (ISO date; today by default). Run
    daily, e.g. by cron: `manage.py send_plan_reminders`, with `manage.py db_worker` running."""
    return send_task_reminders(dt.date.fromisoformat(day) if day else timezone.localdate())
