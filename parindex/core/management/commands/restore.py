"""`manage.py restore FILE`: a backup restored into a new, migrated, empty instance, checked
against its manifest before and after (parindex/core/backup.py, docs/backup.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parindex.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup made by `backup` into this empty instance, then verify it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the backup (.tar.gz)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = restore_backup(Path(options["file"]))
        except BackupError as exc:
            raise CommandError(f"Nothing restored: {exc}") from exc
        self.stdout.write(
            f"Restored and verified: {report.rows} rows, {report.files} files "
            "(every checksum matches the manifest)."
        )
