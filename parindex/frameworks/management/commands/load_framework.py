from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from parindex.frameworks.actions import import_framework, publish_framework
from parindex.frameworks.library import LIBRARY, shipped_names
from parindex.frameworks.problems import issue_rows
from parindex.orgunits.models import Unit


class Command(BaseCommand):
    help = (
        "Load a framework from a .yaml or .xlsx file (or a shipped one by name) as a draft of the "
        "unit with the given code; --publish publishes it when it passes every check."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=f"a path, or a shipped file: {', '.join(shipped_names())}")
        parser.add_argument("--owner", required=True, help="code of the issuing unit (e.g. 31)")
        parser.add_argument("--publish", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.exists():
            path = LIBRARY / options["file"]
        if not path.exists():
            raise CommandError(f"No such file: {options['file']}")
        owner = Unit.objects.valid_on(timezone.localdate()).filter(code=options["owner"]).first()
        owner = owner or Unit.objects.filter(code=options["owner"]).order_by("-valid_from").first()
        if owner is None:
            raise CommandError(f"No unit with code {options['owner']}")
        result = import_framework(by=None, owner=owner, data=path.read_bytes(), filename=path.name)
        if result.framework is None:
            for row in issue_rows(result.issues, result.rows_of):
                where = " ".join(str(v) for v in (row["sheet"], row["row"] or "", row["node"]) if v)
                self.stderr.write(f"{where}: {row['message']}")
            raise CommandError(f"{len(result.issues)} problem(s): nothing was saved.")
        if options["publish"]:
            publish_framework(result.framework, by=None)
        self.stdout.write(
            f"Framework {result.framework.code} loaded for {owner.name} "
            f"({result.framework.get_status_display()})."
        )
