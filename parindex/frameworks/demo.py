"""The demo's frameworks: the shipped commune framework, published for Hải Phòng (2025) and for
Huyện Thanh Miện (2023, before the reform), and a 2026 draft of Hải Phòng's with a few changes, so
that versions and the comparison page have something to show."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.db import transaction

from parindex.frameworks.actions import (
    clone_framework,
    create_framework,
    node_data_of,
    publish_framework,
    update_node,
)
from parindex.frameworks.library import shipped
from parindex.frameworks.models import Framework
from parindex.frameworks.rules import Level, LevelsRule
from parindex.orgunits.models import Unit

DEMO_2023_CODE = "TM-XA-2023"
DEMO_2026_CODE = "PAR-XA-2026"


def _unit(code: str, day: dt.date) -> Unit:
    return Unit.objects.valid_on(day).exclude(kind="co_quan").get(code=code)


def load_demo_frameworks() -> int:
    """Create the demo frameworks that are missing; returns how many were created."""
    created = 0
    base = shipped()
    province = _unit("31", dt.date(2025, 7, 1))
    district = _unit("300", dt.date(2023, 12, 31))
    with transaction.atomic():
        current = Framework.objects.filter(owner=province, code=base.code).first()
        if current is None:
            current = create_framework(by=None, owner=province, spec=base, reason="demo")
            publish_framework(current, by=None)
            created += 1
        if not Framework.objects.filter(owner=province, code=DEMO_2026_CODE).exists():
            draft = clone_framework(
                current,
                by=None,
                code=DEMO_2026_CODE,
                name="Bộ chỉ số cải cách hành chính của UBND cấp xã năm 2026 (dự thảo, minh họa)",
                year_from=2026,
                year_to=2026,
            )
            _demo_changes(draft)
            created += 1
        if not Framework.objects.filter(owner=district, code=DEMO_2023_CODE).exists():
            old = replace(
                base,
                code=DEMO_2023_CODE,
                name="Bộ chỉ số CCHC của UBND cấp xã huyện Thanh Miện năm 2023 (minh họa)",
                year_from=2023,
                year_to=2023,
            )
            publish_framework(
                create_framework(by=None, owner=district, spec=old, reason="demo"), by=None
            )
            created += 1
    return created


def _demo_changes(draft: Framework) -> None:
    """Innovation loses half a point to the one-stop satisfaction measurement (re-pointed)."""
    nodes = {n.code: n for n in draft.nodes.prefetch_related("evidence")}
    changes: dict[str, dict[str, Any]] = {
        "1.5": {"maximum": Decimal("1.5")},
        "1.5.1": {
            "maximum": Decimal("1.5"),
            "rule": LevelsRule(
                (
                    Level("Được cấp tỉnh công nhận", Decimal("1.5")),
                    Level("Được cấp xã công nhận hoặc đề xuất", Decimal("0.75")),
                    Level("Không có", Decimal(0)),
                )
            ),
        },
        "1.6": {"maximum": Decimal("2.5")},
        "1.6.2": {"maximum": Decimal("1.5")},
    }
    for code, values in changes.items():
        node = nodes[code]
        update_node(node, by=None, data=replace(node_data_of(node), **values))
