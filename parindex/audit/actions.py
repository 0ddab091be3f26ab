"""The one helper every feature calls to record a change."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import TYPE_CHECKING, Any

from django.db import models

from parindex.audit.models import AuditEntry

if TYPE_CHECKING:
    from parindex.accounts.models import User
    from parindex.orgunits.models import Unit


def _jsonable(value: Any) -> Any:
    """Values as JSON keeps them: Decimal as its exact string (never a float), dates in ISO."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return {"id": value.pk, "repr": str(value)}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, float):
        return value
    return str(value)


def changed(old: dict[str, Any], new: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The values that differ between two snapshots of the same fields, as (old, new): what an
    audit entry of an edit records."""
    keys = [k for k in new if new[k] != old[k]]
    return {k: old[k] for k in keys}, {k: new[k] for k in keys}


def record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model,
    unit: Unit | None = None,
    old: Any = None,
    new: Any = None,
    reason: str = "",
) -> AuditEntry:
    """Write one audit entry. Call it inside the same transaction as the change it describes."""
    return AuditEntry.objects.create(
        actor=actor,
        actor_name=(actor.get_username() if actor is not None else ""),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        unit=unit,
        old_value=_jsonable(old),
        new_value=_jsonable(new),
        reason=reason,
    )
