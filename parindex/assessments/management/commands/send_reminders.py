from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from parindex.assessments.tasks import send_deadline_reminders


class Command(BaseCommand):
    help = "Queue today's deadline reminders (run it daily); --day YYYY-MM-DD for another day."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        result = send_deadline_reminders.enqueue(options["day"])
        self.stdout.write(f"Reminders queued ({result.id}).")
