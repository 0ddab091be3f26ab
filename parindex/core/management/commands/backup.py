"""`manage.py backup --out DIR_OR_FILE`: the database and every stored file in one .tar.gz with a
manifest of checksums (parindex/core/backup.py, docs/backup.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parindex.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Back up the database and the stored files (media, evidence) into one .tar.gz."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out",
            required=True,
            help="a folder (created if need be; a dated file is written in it) or the .tar.gz file",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path, manifest = create_backup(Path(options["out"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            f"{path}\n{rows} rows, {len(manifest['files'])} files, "
            f"database SHA-256 {manifest['database']['sha256']}"
        )
