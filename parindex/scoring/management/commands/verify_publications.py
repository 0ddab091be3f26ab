"""Recompute every published result's fingerprint and report the versions that were altered.

Exit status 1 when one was (for cron or monitoring); `--cycle ID` checks one cycle's versions.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parindex.scoring.integrity import Verdict, verify
from parindex.scoring.models import Publication


class Command(BaseCommand):
    help = "Check that no published result was altered since it was prepared."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cycle", type=int, help="only this cycle's versions")

    def handle(self, *args: Any, **options: Any) -> None:
        publications = Publication.objects.select_related("cycle").order_by("cycle_id", "version")
        if options["cycle"]:
            publications = publications.filter(cycle_id=options["cycle"])
        bad = []
        count = 0
        for publication in publications:
            count += 1
            verdict = verify(publication)
            if verdict != Verdict.OK:
                bad.append(publication)
                self.stdout.write(
                    f"{verdict.value.upper()}: {publication.cycle} v{publication.version} "
                    f"(id {publication.pk})"
                )
        if bad:
            raise CommandError(f"{len(bad)} of {count} versions failed the integrity check.")
        self.stdout.write(self.style.SUCCESS(f"{count} versions checked: all intact."))
