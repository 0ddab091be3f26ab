"""Where the benchmark runs: its own database (never the main one) and the settings it runs with.

`manage.py gen_bench_data` and `manage.py bench` run themselves again in a child process whose
environment points at the benchmark's database (`--database-url`, else `BENCH_DATABASE_URL`,
else `var/bench-<size>.sqlite3`) with production settings (DEBUG off); the web server the
benchmark starts gets the same environment.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

CHILD = "PARINDEX_BENCH_CHILD"


def database_url(size: str, given: str | None) -> str:
    if given:
        return given
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    return f"sqlite:///{Path(settings.BASE_DIR) / 'var' / f'bench-{size}.sqlite3'}"


def bench_env(url: str) -> dict[str, str]:
    """The environment of the benchmark's processes: production settings on its database."""
    env = dict(os.environ)
    (Path(settings.BASE_DIR) / "var" / "bench-static").mkdir(parents=True, exist_ok=True)
    env.update(
        {
            CHILD: "1",
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DEBUG": "false",
            "SECRET_KEY": env.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
            "STATIC_ROOT": str(Path(settings.BASE_DIR) / "var" / "bench-static"),
            "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "SURVEY_FORMS_PER_ADDRESS_PER_HOUR": "1000000",
            "LOG_LEVEL": "WARNING",
            "CONN_MAX_AGE": "60",
        }
    )
    return env


def is_child() -> bool:
    return os.environ.get(CHILD) == "1"


def rerun(argv: list[str], url: str) -> int:
    """Run `manage.py <argv>` again in the benchmark's environment; its exit code."""
    manage = Path(settings.BASE_DIR) / "manage.py"
    return subprocess.call([sys.executable, str(manage), *argv], env=bench_env(url))  # noqa: S603


def reset_database(url: str) -> None:
    """An empty database at `url`: the SQLite file removed, or the PostgreSQL database
    dropped and created again (connecting to its server's `postgres` database)."""
    if url.startswith("sqlite"):
        path = url.split("sqlite:///", 1)[1]
        if path and path != ":memory:":
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(path + suffix).unlink(missing_ok=True)
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    name = config["NAME"]
    with psycopg.connect(
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
