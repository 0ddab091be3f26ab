"""deploy/env.example read as systemd reads an EnvironmentFile, and commands run with it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
ENV_EXAMPLE = DEPLOY / "env.example"
PYTHON = sys.executable
BIN = Path(sys.executable).parent


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines; blank lines and comments (# or ;) skipped; one pair of quotes removed."""
    values: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        key, sep, value = line.partition("=")
        assert sep, f"not KEY=VALUE: {raw!r}"
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def commented_keys(path: Path) -> set[str]:
    """The settings shown with their default in a comment ("# KEY=value")."""
    keys = set()
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("# ") and "=" in line:
            key = line[2:].partition("=")[0]
            if key.isupper() and key.replace("_", "").isalnum():
                keys.add(key)
    return keys


def production_env(**overrides: str) -> dict[str, str]:
    """This process's environment without any setting (the test settings put some in it), then
    env.example's values, then the overrides."""
    example = read_env_file(ENV_EXAMPLE)
    ours = {*example, *commented_keys(ENV_EXAMPLE), "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ours and not k.startswith(("AWS_", "GUNICORN_", "PARINDEX_"))
    }
    return {
        **clean,
        **example,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "PYTHONDONTWRITEBYTECODE": "1",
        **overrides,
    }


def run(
    args: list[str], env: dict[str, str], timeout: int = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own commands
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def manage(*args: str, env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return run([PYTHON, "manage.py", *args], env=env, timeout=timeout)
