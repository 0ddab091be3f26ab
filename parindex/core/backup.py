"""Backup and restore of a whole instance: the database and every stored file, with a manifest.

A backup is one .tar.gz:

- `database.json`: every row, written by Django's `dumpdata` with natural keys for content types
  and permissions (which each instance numbers itself) and the rows' own ids for everything else,
  so it loads into SQLite or PostgreSQL alike; sessions are left out;
- `files/<storage>/<name>`: every file of the file storages (`default`, the media, and
  `evidence`, the evidence documents), whatever their backend (file system or S3-compatible);
- `manifest.json`: the format, the application and Django versions, the date, the database engine,
  the applied migrations, the number of rows of each model, and each file's size and SHA-256.

The dump is read in one transaction (a consistent snapshot on PostgreSQL; SQLite holds writers off
meanwhile). Restoring checks every checksum before anything is written, refuses an instance that
already holds data or files, or a backup made by a newer version (a migration this instance does
not have), loads the rows and files in one transaction (files written are removed again when it
fails), and then verifies the row counts and every file's checksum against the manifest.
Published results are immutable for the application (`Publication.save` refuses a changed
snapshot); the restore inserts the stored rows as they are (Django's raw loading), so they come
back unchanged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import django
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE = "database.json"
FILES = "files"
# Rebuilt by every instance itself (migrate), or worthless in another one.
LEFT_OUT = ("contenttypes", "auth.permission", "sessions")
CHUNK = 1024 * 1024


class BackupError(Exception):
    """The backup cannot be made or restored; the message says why."""


@dataclass
class RestoreReport:
    rows: int = 0
    files: int = 0
    models: dict[str, int] = field(default_factory=dict)


def app_version() -> str:
    try:
        return version("parindex")
    except PackageNotFoundError:
        return "unknown"


def file_storages() -> dict[str, Storage]:
    """The storages that keep uploaded or generated files (not the static files)."""
    return {name: storages[name] for name in settings.STORAGES if name != "staticfiles"}


def _walk(storage: Storage, folder: str = "") -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a file system storage whose folder was never created
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from _walk(storage, f"{folder}/{sub}" if folder else sub)


def _digest_stream(stream: Any) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _models() -> list[Any]:
    left_out = {label for label in LEFT_OUT if "." not in label}
    chosen = []
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label in left_out or meta.label_lower in LEFT_OUT:
            continue
        if meta.proxy or not meta.managed:
            continue
        chosen.append(model)
    return chosen


def model_counts() -> dict[str, int]:
    return {model._meta.label_lower: model._base_manager.count() for model in _models()}


def _migrations() -> list[str]:
    recorder = MigrationRecorder(connection)
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def backup_name(now: dt.datetime | None = None) -> str:
    moment = timezone.localtime(now or timezone.now())
    return f"parindex-backup-{moment:%Y%m%d-%H%M%S}.tar.gz"


def create_backup(out: Path) -> tuple[Path, dict[str, Any]]:
    """Write a backup to `out` (a folder: a new dated file in it; else that file). Returns the
    file and its manifest."""
    as_folder = out.is_dir() or not out.name.endswith((".tar.gz", ".tgz"))
    target = out / backup_name() if as_folder else out
    if target.exists():
        raise BackupError(f"{target} already exists")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        dump = Path(scratch) / DATABASE
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            counts = model_counts()
            call_command(
                "dumpdata",
                exclude=list(LEFT_OUT),
                natural_foreign=True,
                use_base_manager=True,
                output=str(dump),
                verbosity=0,
            )
            migrations = _migrations()
        with dump.open("rb") as stream:
            dump_hash, dump_size = _digest_stream(stream)
        entries: list[dict[str, Any]] = []
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(dump, arcname=DATABASE)
            for storage_name, storage in file_storages().items():
                for name in _walk(storage):
                    with storage.open(name, "rb") as stream:
                        content = stream.read()
                    info = tarfile.TarInfo(f"{FILES}/{storage_name}/{name}")
                    info.size = len(content)
                    info.mtime = int(timezone.now().timestamp())
                    archive.addfile(info, io.BytesIO(content))
                    entries.append(
                        {
                            "storage": storage_name,
                            "name": name,
                            "size": len(content),
                            "sha256": hashlib.sha256(content).hexdigest(),
                        }
                    )
            manifest = {
                "format": FORMAT,
                "application": "ParIndex",
                "version": app_version(),
                "django": django.get_version(),
                "created_at": timezone.now().isoformat(),
                "engine": connection.vendor,
                "migrations": migrations,
                "database": {"file": DATABASE, "size": dump_size, "sha256": dump_hash},
                "rows": counts,
                "files": entries,
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(timezone.now().timestamp())
            archive.addfile(info, io.BytesIO(data))
        partial.rename(target)  # never a half-written backup under the final name
    return target, manifest


# --- restore -------------------------------------------------------------------------------------


def _member(archive: tarfile.TarFile, name: str) -> bytes:
    try:
        member = archive.getmember(name)
    except KeyError:
        raise BackupError(f"the backup has no {name}") from None
    if not member.isfile():
        raise BackupError(f"{name} in the backup is not a file")
    stream = archive.extractfile(member)
    if stream is None:
        raise BackupError(f"{name} in the backup cannot be read")
    return stream.read()


def read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        manifest = json.loads(_member(archive, MANIFEST))
    except ValueError:
        raise BackupError("the manifest is not valid JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("this file is not a ParIndex backup of a known format")
    return manifest


def verify_archive(archive: tarfile.TarFile, manifest: dict[str, Any]) -> None:
    """Every file the manifest lists is there with its checksum, and nothing else is."""
    database = manifest["database"]
    if hashlib.sha256(_member(archive, DATABASE)).hexdigest() != database["sha256"]:
        raise BackupError("the database dump does not match its checksum: the backup is damaged")
    listed = {f"{FILES}/{e['storage']}/{e['name']}": e for e in manifest["files"]}
    present = {m.name for m in archive.getmembers() if m.isfile()} - {MANIFEST, DATABASE}
    if present - set(listed):
        raise BackupError(f"files not in the manifest: {', '.join(sorted(present - set(listed)))}")
    for path, entry in listed.items():
        if path not in present:
            raise BackupError(f"the backup lacks {path}")
        if hashlib.sha256(_member(archive, path)).hexdigest() != entry["sha256"]:
            raise BackupError(f"{path} does not match its checksum: the backup is damaged")


def instance_contents() -> list[str]:
    """What this instance already holds (rows by model, files by storage); empty when new."""
    held = [f"{label}: {count}" for label, count in model_counts().items() if count]
    for storage_name, storage in file_storages().items():
        if next(_walk(storage), None) is not None:
            held.append(f"files in {storage_name}")
    return held


def restore_backup(path: Path) -> RestoreReport:
    """Restore the backup at `path` into this empty instance, then verify it."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    try:
        archive = tarfile.open(path, "r:gz")  # noqa: SIM115 - closed by the `with` below
    except (tarfile.TarError, OSError, EOFError):
        raise BackupError(f"{path} is not a backup (.tar.gz) that can be read") from None
    with archive:
        manifest = read_manifest(archive)
        verify_archive(archive, manifest)
        newer = sorted(set(manifest["migrations"]) - set(_migrations()))
        if newer:
            raise BackupError(
                "the backup was made by a newer version (migrations not applied here: "
                f"{', '.join(newer[:5])}); update this instance and run migrate first"
            )
        held = instance_contents()
        if held:
            raise BackupError(
                "this instance is not empty (" + "; ".join(held[:8]) + "): a backup is restored "
                "only into a new, migrated, empty instance"
            )
        stores = file_storages()
        unknown = {e["storage"] for e in manifest["files"]} - set(stores)
        if unknown:
            raise BackupError(f"this instance has no storage named {', '.join(sorted(unknown))}")
        written: list[tuple[Storage, str]] = []
        try:
            with (
                tempfile.TemporaryDirectory() as scratch,
                transaction.atomic(using=DEFAULT_DB_ALIAS),
            ):
                dump = Path(scratch) / DATABASE
                dump.write_bytes(_member(archive, DATABASE))
                call_command("loaddata", str(dump), verbosity=0)
                for entry in manifest["files"]:
                    storage = stores[entry["storage"]]
                    content = _member(archive, f"{FILES}/{entry['storage']}/{entry['name']}")
                    saved = storage.save(entry["name"], ContentFile(content))
                    written.append((storage, saved))
                    if saved != entry["name"]:
                        raise BackupError(f"{entry['name']} was stored as {saved}")
                report = _verify_restored(manifest)
        except Exception:
            for storage, name in written:
                storage.delete(name)
            raise
    return report


def _verify_restored(manifest: dict[str, Any]) -> RestoreReport:
    counts = model_counts()
    wrong = [
        f"{label}: {counts.get(label, 0)} rows for {expected}"
        for label, expected in manifest["rows"].items()
        if counts.get(label, 0) != expected
    ]
    if wrong:
        raise BackupError("the restored rows differ from the backup: " + "; ".join(wrong[:8]))
    stores = file_storages()
    for entry in manifest["files"]:
        with stores[entry["storage"]].open(entry["name"], "rb") as stream:
            digest, _size = _digest_stream(stream)
        if digest != entry["sha256"]:
            raise BackupError(f"{entry['name']} differs from the backup after restoring")
    return RestoreReport(
        rows=sum(manifest["rows"].values()), files=len(manifest["files"]), models=counts
    )
