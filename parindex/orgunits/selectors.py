"""Reads over the unit tree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from parindex.orgunits.models import Unit


@dataclass(frozen=True)
class Lineage:
    predecessors: list[Unit]
    successors: list[Unit]


def lineage(unit: Unit) -> Lineage:
    """The units this one continues, and those that continue it."""
    return Lineage(
        predecessors=[s.predecessor for s in unit.predecessions.select_related("predecessor")],
        successors=[s.successor for s in unit.successions.select_related("successor")],
    )


def find_by_code(code: str, *, on: dt.date) -> Unit | None:
    """The unit that bore `code` on `on` (codes are reused across the 2025 reform)."""
    return Unit.objects.valid_on(on).filter(code=code).first()
