"""Writes to the unit tree: create, record a merger, import a list."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from parindex.audit.actions import record
from parindex.audit.models import AuditAction
from parindex.orgunits.exceptions import InvalidParentError
from parindex.orgunits.models import ALLOWED_PARENT_LEVELS, KIND_LEVEL, Level, Succession, Unit

if TYPE_CHECKING:
    from parindex.accounts.models import User


def check_parent(*, kind: str, parent: Unit | None) -> None:
    level = KIND_LEVEL[kind]
    parent_level = parent.level if parent is not None else None
    if parent_level not in ALLOWED_PARENT_LEVELS[level]:
        raise InvalidParentError(
            _("A unit of level “%(level)s” cannot be placed under “%(parent)s”.")
            % {"level": Level(level).label, "parent": parent or "—"}
        )


def create_unit(
    *,
    by: User | None,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    audit: bool = True,
) -> Unit:
    """Create one unit under `parent` and give it its path. Permission is the caller's check."""
    check_parent(kind=kind, parent=parent)
    unit = Unit(
        code=code.strip(),
        name=name.strip(),
        kind=kind,
        level=KIND_LEVEL[kind],
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    unit.full_clean(exclude=["path", "level"])
    with transaction.atomic():
        unit.save()
        unit.path = f"{parent.path if parent else '/'}{unit.pk:08d}/"
        unit.save(update_fields=["path"])
        if audit:
            record(
                actor=by,
                action=AuditAction.UNIT_CREATE,
                obj=unit,
                unit=unit,
                new={
                    "code": unit.code,
                    "name": unit.name,
                    "kind": kind,
                    "parent": parent,
                    "valid_from": valid_from,
                    "valid_to": valid_to,
                },
            )
    return unit


def record_succession(
    *,
    by: User | None,
    predecessor: Unit,
    successor: Unit,
    effective_on: dt.date,
    is_main: bool = True,
    legal_basis: str = "",
) -> Succession:
    """Link an old unit to the unit that continues it.

    The old unit's validity ends the day before the link takes effect.
    """
    with transaction.atomic():
        link = Succession(
            predecessor=predecessor,
            successor=successor,
            effective_on=effective_on,
            is_main=is_main,
            legal_basis=legal_basis,
        )
        link.full_clean()
        link.save()
        last_day = effective_on - dt.timedelta(days=1)
        if predecessor.valid_to is None or predecessor.valid_to > last_day:
            predecessor.valid_to = last_day
            predecessor.save(update_fields=["valid_to"])
        record(
            actor=by,
            action=AuditAction.UNIT_SUCCESSION,
            obj=link,
            unit=predecessor,
            new={
                "predecessor": predecessor,
                "successor": successor,
                "effective_on": effective_on,
                "legal_basis": legal_basis,
            },
        )
    return link
