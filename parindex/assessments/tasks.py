"""Background work of the cycle."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from parindex.assessments.reminders import deadline_reminders


@task()
def send_deadline_reminders(day: str = "") -> int:
    """The day's reminders (ISO date; today by default). Run daily, e.g. by cron:
    `manage.py send_reminders`, with `manage.py db_worker` running beside the server."""
    import datetime as dt

    return deadline_reminders(dt.date.fromisoformat(day) if day else timezone.localdate())
