from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from parindex.plans.tasks import send_plan_task_reminders


class Command(BaseCommand):
    help = (
        "Queue today's reminders of plan tasks due soon or overdue (run it daily); "
        "--day YYYY-MM-DD for another day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        result = send_plan_task_reminders.enqueue(options["day"])
        self.stdout.write(f"Plan task reminders queued ({result.id}).")
