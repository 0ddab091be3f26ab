from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from parindex.orgunits.national import load_2025_units


class Command(BaseCommand):
    help = "Load the official 2025 list of provinces and communes (vietnam-provinces)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--province",
            action="append",
            default=None,
            help="Only this province code (2 digits); repeat for several.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        codes = set(options["province"]) if options["province"] else None
        result = load_2025_units(province_codes=codes)
        self.stdout.write(
            f"{result.provinces} provinces, {result.communes} communes in the list; "
            f"{result.created} units created."
        )
