"""deploy/systemd: the units parse, say what they must, pass `systemd-analyze verify` (when
present), and their commands exist and run: the reminders queue their tasks and the worker, run
as its unit runs it, carries them out."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.deploy.envfile import BIN, DEPLOY, PYTHON, ROOT, manage, production_env, run

UNITS = DEPLOY / "systemd"
APP = "/srv/parindex"


def parse_unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """Sections of key → values (a key may repeat, as ExecStart does in a oneshot service)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        key, sep, value = line.partition("=")
        assert sep, f"{path.name}:{number}: {raw!r}"
        assert current is not None, f"{path.name}:{number}: outside a section"
        assert not value.endswith("\\"), f"{path.name}:{number}: no continued lines"
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def _unit(name: str) -> dict[str, dict[str, list[str]]]:
    return parse_unit(UNITS / name)


def _exec(name: str) -> list[list[str]]:
    return [shlex.split(line) for line in _unit(name)["Service"]["ExecStart"]]


def test_the_units_are_there() -> None:
    assert sorted(p.name for p in UNITS.iterdir()) == [
        "parindex-backup.service",
        "parindex-backup.timer",
        "parindex-reminders.service",
        "parindex-reminders.timer",
        "parindex-web.service",
        "parindex-worker@.service",
    ]


@pytest.mark.parametrize(
    "name",
    [
        "parindex-web.service",
        "parindex-worker@.service",
        "parindex-reminders.service",
        "parindex-backup.service",
    ],
)
def test_services_run_the_app_as_its_user_with_its_settings(name: str) -> None:
    unit = _unit(name)
    assert unit["Unit"]["Description"]
    service = unit["Service"]
    assert service["User"] == ["parindex"]
    assert service["WorkingDirectory"] == [APP]
    assert service["EnvironmentFile"] == ["/etc/parindex/env"]
    assert service["NoNewPrivileges"] == ["true"]
    assert service["ProtectSystem"] == ["strict"]
    for command in _exec(name):
        assert command[0].startswith(f"{APP}/.venv/bin/")


def test_web_runs_gunicorn_with_the_shipped_configuration() -> None:
    unit = _unit("parindex-web.service")
    assert _exec("parindex-web.service") == [
        [f"{APP}/.venv/bin/gunicorn", "--config", f"{APP}/deploy/gunicorn.conf.py"]
    ]
    assert unit["Service"]["Type"] == ["notify"]  # gunicorn tells systemd when it is ready
    assert unit["Service"]["ExecReload"] == ["/bin/kill -s HUP $MAINPID"]
    assert unit["Install"]["WantedBy"] == ["multi-user.target"]


def test_timers_start_their_services_daily() -> None:
    for name in ("parindex-reminders", "parindex-backup"):
        timer = _unit(f"{name}.timer")["Timer"]
        assert timer["Unit"] == [f"{name}.service"]
        assert timer["OnCalendar"][0].startswith("*-*-* ")
        assert timer["OnCalendar"][0].endswith(" Asia/Ho_Chi_Minh")
        assert timer["Persistent"] == ["true"]
        assert _unit(f"{name}.service")["Service"]["Type"] == ["oneshot"]
    assert _exec("parindex-backup.service") == [
        [f"{APP}/.venv/bin/python", "manage.py", "backup", "--out", "/var/backups/parindex/"]
    ]


def test_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here")
    # The units as shipped, pointed at this checkout (verify checks that the programs exist).
    for unit in UNITS.iterdir():
        text = unit.read_text().replace(f"{APP}/.venv/bin/", f"{BIN}/").replace(APP, str(ROOT))
        (tmp_path / unit.name).write_text(text)
    result = subprocess.run(  # noqa: S603 - checking only
        [analyze, "verify", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    # Any message (an unknown key, a bad value, a missing program) is a fault.
    assert result.returncode == 0, result.stderr
    assert result.stdout + result.stderr == ""


def test_the_backup_command_exists() -> None:
    result = manage("help", "backup", env=production_env())
    assert result.returncode == 0, result.stderr
    assert "--out" in result.stdout
    cleanup = shlex.split(_unit("parindex-backup.service")["Service"]["ExecStartPost"][0])
    # Only the backups' own files, in that folder, are removed.
    assert cleanup == [
        "/usr/bin/find",
        "/var/backups/parindex",
        "-maxdepth",
        "1",
        "-name",
        "parindex-backup-*.tar.gz",
        "-mtime",
        "+14",
        "-delete",
    ]


def test_the_worker_command_exists() -> None:
    command = _exec("parindex-worker@.service")[0]
    assert command[1:3] == ["manage.py", "db_worker"]
    result = manage("help", "db_worker", env=production_env())
    assert result.returncode == 0, result.stderr
    for option in command[3:]:
        if option.startswith("--"):
            assert option in result.stdout


COUNT = """
import json, django
django.setup()
from django_tasks_db.models import DBTaskResult
print(json.dumps(sorted((r.task_path, r.status) for r in DBTaskResult.objects.all())))
"""


def test_reminders_queue_tasks_and_the_worker_runs_them(tmp_path: Path) -> None:
    env = production_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'parindex.sqlite3'}",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    assert manage("migrate", "--no-input", "-v", "0", env=env, timeout=300).returncode == 0

    def as_unit_runs(command: list[str]) -> subprocess.CompletedProcess[str]:
        assert command[0] == f"{APP}/.venv/bin/python"
        args = [a.replace("%H", "testhost").replace("%i", "1") for a in command[1:]]
        return run([PYTHON, *args], env=env, timeout=300)

    for command in _exec("parindex-reminders.service"):
        result = as_unit_runs(command)
        assert result.returncode == 0, result.stderr
    queued = json.loads(run([PYTHON, "-c", COUNT], env=env).stdout.strip().splitlines()[-1])
    assert queued == [
        ["parindex.assessments.tasks.send_deadline_reminders", "READY"],
        ["parindex.plans.tasks.send_plan_task_reminders", "READY"],
    ]
    # The worker, with its unit's options, drains the queue (--batch) and stops.
    worker = _exec("parindex-worker@.service")[0]
    result = as_unit_runs([*worker, "--batch", "--no-startup-delay"])
    assert result.returncode == 0, result.stderr
    done = json.loads(run([PYTHON, "-c", COUNT], env=env).stdout.strip().splitlines()[-1])
    assert [status for _, status in done] == ["SUCCESSFUL", "SUCCESSFUL"]
