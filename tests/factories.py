"""Test data built through the real actions (create_unit, create_user, grant_role)."""

from __future__ import annotations

import datetime as dt
import itertools

from parindex.accounts.actions import create_user, grant_role
from parindex.accounts.models import User
from parindex.orgunits.actions import create_unit
from parindex.orgunits.models import Kind, Unit

PASSWORD = "Secret-pass-2026"
REFORM_DAY = dt.date(2025, 7, 1)
_codes = itertools.count(90000)


def unit(
    name: str,
    kind: str = Kind.XA,
    parent: Unit | None = None,
    *,
    code: str | None = None,
    valid_from: dt.date = REFORM_DAY,
    valid_to: dt.date | None = None,
) -> Unit:
    return create_unit(
        by=None,
        code=code or str(next(_codes)),
        name=name,
        kind=kind,
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
    )


def user(
    username: str,
    *,
    unit: Unit | None = None,
    role: str | None = None,
    on: Unit | None = None,
    field_codes: list[str] | None = None,
) -> User:
    account = create_user(
        by=None,
        username=username,
        full_name=username.title(),
        unit=unit or on,
        password=PASSWORD,
        email=f"{username}@example.vn",
    )
    if role is not None:
        grant_role(
            by=None,
            user=account,
            role=role,
            unit=on or unit,  # type: ignore[arg-type]
            field_codes=field_codes,
            valid_from=dt.date(2020, 1, 1),
        )
    return account
