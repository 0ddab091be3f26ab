"""Throw-away instances for the reliability tests: a database of their own (a SQLite file, or a
new PostgreSQL database when the suite runs on PostgreSQL), migrated, with their own media and
evidence folders, driven through manage.py, gunicorn and db_worker in subprocesses.

Migrations run once per test process into a template; each test gets a copy (a file copy on
SQLite, `CREATE DATABASE ... TEMPLATE` on PostgreSQL)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load_script() -> Any:
    name = "parindex_load_survey"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / "load_survey.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


load_survey = _load_script()
Instance = load_survey.Instance


def server_url() -> str | None:
    """The PostgreSQL server the suite runs on, or None on SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    return url if load_survey._is_postgres(url) else None


@pytest.fixture(scope="session")
def template_instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    instance = Instance.create(tmp_path_factory.mktemp("template"), server_url(), label="tpl")
    try:
        instance.migrate()
        yield instance
    finally:
        instance.drop()


@pytest.fixture
def new_instance(
    template_instance: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[], Any]]:
    """Make a new, empty, migrated instance (as many as a test needs)."""
    made: list[Any] = []

    def make() -> Any:
        root = tmp_path_factory.mktemp("instance")
        if template_instance.engine == "postgresql":
            import psycopg

            name = f"{urlsplit(template_instance.database_url).path.lstrip('/')[:40]}_{len(made)}"
            name = f"{name}_{os.urandom(3).hex()}"
            template = urlsplit(template_instance.database_url).path.lstrip("/")
            admin = urlunsplit(urlsplit(template_instance.database_url)._replace(path="/postgres"))
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            url = urlunsplit(urlsplit(template_instance.database_url)._replace(path=f"/{name}"))
            instance = Instance(root, url)
        else:
            shutil.copyfile(template_instance.root / "db.sqlite3", root / "db.sqlite3")
            instance = Instance(root, f"sqlite:///{root / 'db.sqlite3'}")
        made.append(instance)
        return instance

    yield make
    for instance in made:
        instance.drop()


def query(instance: Any, sql: str, *, timeout: float = 5.0) -> list[tuple[Any, ...]]:
    """Rows of `sql` read straight from the instance's database (no parameters: literals only)."""
    if instance.engine == "postgresql":
        import psycopg

        with psycopg.connect(instance.database_url, autocommit=True) as connection:
            return list(connection.execute(sql).fetchall())  # type: ignore[arg-type]
    import sqlite3

    connection = sqlite3.connect(instance.root / "db.sqlite3", timeout=timeout)
    try:
        return list(connection.execute(sql).fetchall())
    finally:
        connection.close()


def writer_busy(instance: Any) -> bool:
    """Whether another connection holds the instance's database in an open write transaction."""
    if instance.engine == "postgresql":
        rows = query(
            instance,
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL "
            "AND query ILIKE '%surveys_response%'",
        )
        return bool(rows[0][0])
    import sqlite3

    connection = sqlite3.connect(instance.root / "db.sqlite3", timeout=0, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return True
    else:
        connection.execute("ROLLBACK")
        return False
    finally:
        connection.close()
