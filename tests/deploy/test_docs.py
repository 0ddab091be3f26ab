"""docs/deploy.md names the files that exist and the commands that exist."""

from __future__ import annotations

import re

from tests.deploy.envfile import DEPLOY, ROOT, manage, production_env

DOC = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")


def test_every_deploy_file_is_described() -> None:
    shipped = {
        str(p.relative_to(ROOT))
        for p in DEPLOY.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    for path in shipped:
        name = path.replace("parindex-reminders.service", "parindex-reminders.{service,timer}")
        name = name.replace("parindex-reminders.timer", "parindex-reminders.{service,timer}")
        name = name.replace("parindex-backup.service", "parindex-backup.{service,timer}")
        name = name.replace("parindex-backup.timer", "parindex-backup.{service,timer}")
        assert f"`{name}`" in DOC, path
    for mentioned in re.findall(r"`(deploy/[^`{ ]+)`", DOC):
        assert (ROOT / mentioned).exists(), mentioned


def test_the_commands_it_gives_exist() -> None:
    commands = set(re.findall(r"deploy/manage\.sh ([a-z_]+)", DOC)) - {"command"}
    assert {"migrate", "createcachetable", "collectstatic", "load_units_vn", "createsuperuser"} <= (
        commands
    )
    listed = manage("help", "--commands", env=production_env())
    assert listed.returncode == 0, listed.stderr
    available = set(listed.stdout.split())
    assert commands <= available, commands - available
