from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from parindex.core.demo import DEMO_PASSWORD, DEMO_USERS, load_demo


class Command(BaseCommand):
    help = (
        "Load the demo data (idempotent): units before and after 2025, offices, one user per role."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_demo()
        self.stdout.write(
            f"Demo loaded: {result['units']} units, {result['users']} new accounts, "
            f"{result['frameworks']} new frameworks, {result['cycles']} new assessment cycle, "
            f"{result['results']} new cycles with published results."
        )
        self.stdout.write(f"Demo accounts (password {DEMO_PASSWORD}):")
        for username, _name, _title, role, unit, _fields in DEMO_USERS:
            self.stdout.write(f"  {username:22} {role} @ {unit}")
