"""What the results pages read: which cycles a user sees, which board (live or published),
and the rows and chart data the templates show."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import get_language

from parindex.accounts.permissions import Perm, can, units_where
from parindex.assessments.models import Assessment, Cycle
from parindex.assessments.selectors import visible_cycles
from parindex.common.templatetags import vn
from parindex.scoring import services
from parindex.scoring.engine import Board, UnitResult, percent_of
from parindex.scoring.models import Publication, PublicationState

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from parindex.accounts.models import User


def result_cycles(user: User | AnonymousUser) -> QuerySet[Cycle]:
    return (
        visible_cycles(user).select_related("scope", "framework").order_by("-year", "scope__name")
    )


def sees_scope(user: User | AnonymousUser, cycle: Cycle) -> bool:
    """May the user see the whole cycle's results (leaders, secretariat, council, appraisers)?"""
    return can(user, Perm.VIEW_RESULTS, cycle.scope)


def own_units(user: User | AnonymousUser, cycle: Cycle) -> list[Assessment]:
    """The cycle's communes whose results the user may see without seeing the whole scope."""
    return list(
        Assessment.objects.filter(
            cycle=cycle, unit__in=units_where(user, Perm.VIEW_RESULTS)
        ).select_related("unit")
    )


@dataclass(frozen=True)
class Shown:
    """The board a page shows: the live computation or a publication's snapshot."""

    board: Board
    publication: Publication | None  # None: live figures, not published

    @property
    def live(self) -> bool:
        return self.publication is None


LIVE = "tam-tinh"  # ?phien-ban=tam-tinh: the live figures


def shown_board(cycle: Cycle, version: str | None, *, scope_user: bool) -> Shown:
    """Which figures a page shows. By default the current published version, or the live
    figures while nothing is published; `version` a number: that version (the scope's users see
    every version, others only published ones); `LIVE`: the live figures (the scope's users)."""
    if version == LIVE and scope_user:
        return Shown(services.cycle_board(cycle), None)
    if version and version != LIVE:
        try:
            number = int(version)
        except ValueError:
            raise Http404 from None
        publication = (
            Publication.objects.filter(cycle=cycle, version=number).defer("snapshot").first()
        )
        if publication is None or not (scope_user or publication.is_public):
            raise Http404
        return Shown(services.published_board(publication), publication)
    current = services.current_publication(cycle)
    if current is None:
        return Shown(services.cycle_board(cycle), None)
    return Shown(services.published_board(current), current)


# --- rows and charts -----------------------------------------------------------------------------


def heat_class(points: Decimal, maximum: Decimal) -> str:
    """A colour step of a heat-map cell by its share of the maximum."""
    share = percent_of(points, maximum)
    for step, floor in enumerate((Decimal(95), Decimal(85), Decimal(70), Decimal(50))):
        if share >= floor:
            return f"hm{step}"
    return "hm4"


def ranking_rows(
    board: Board, group: str | None = None, field_ranks: dict[str, int] | None = None
) -> list[dict[str, Any]]:
    """The ranking table's rows, best first; each cell's and total's text is already formatted
    (`vn.points`), once for each board and language (a published board is kept, `_row_cells`)."""
    cells = _row_cells(board)
    rows = []
    for result in board.ordered(group):
        row_cells, total_text = cells[result.unit]
        rows.append(
            {
                "result": result,
                "rank": board.ranks[result.unit],
                "group_rank": board.group_ranks[result.unit],
                "field_rank": (field_ranks or {}).get(result.unit),
                "cells": row_cells,
                "total_text": total_text,
            }
        )
    return rows


def _row_cells(board: Board) -> dict[str, tuple[list[dict[str, Any]], str]]:
    """Every unit's cells (field points, maximum, heat class and text) and its total's text, in
    the active language. Kept on the board: a publication's board serves many requests, and
    formatting its numbers one by one in the template cost more than the rest of the page."""
    kept: dict[str, dict[str, tuple[list[dict[str, Any]], str]]] = board.__dict__.setdefault(
        "_ranking_cells", {}
    )
    language = get_language() or ""
    if language in kept:
        return kept[language]
    texts: dict[Decimal | None, str] = {}

    def text(value: Decimal | None) -> str:
        if value not in texts:
            texts[value] = vn.points(value)
        return texts[value]

    fields = board.tree.fields
    out: dict[str, tuple[list[dict[str, Any]], str]] = {}
    for result in board.results:
        cells = []
        for f in fields:
            node = result.node(f.code)
            value = node.points if node else None
            cells.append(
                {
                    "code": f.code,
                    "points": value,
                    "text": text(value),
                    "maximum": node.maximum if node else f.maximum,
                    "heat": heat_class(node.points, node.maximum) if node else "",
                }
            )
        out[result.unit] = (cells, text(result.total))
    kept[language] = out
    return out


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def bar_chart(results: list[UnitResult], label: str, maximum: Decimal) -> dict[str, Any]:
    """Totals by unit, best first, as horizontal bars."""
    return {
        "type": "bar",
        "labels": [r.name for r in results],
        "datasets": [{"label": label, "data": [_f(r.total) for r in results]}],
        "options": {
            "indexAxis": "y",
            "scales": {"x": {"min": 0, "max": _f(maximum)}},
            "plugins": {"legend": {"display": False}},
        },
    }


def distribution_chart(board: Board, label: str, none_label: str) -> dict[str, Any]:
    rows = board.distribution
    return {
        "type": "bar",
        "labels": [band.label if band else none_label for band, _n in rows],
        "datasets": [{"label": label, "data": [n for _b, n in rows]}],
        "options": {
            "plugins": {"legend": {"display": False}},
            "scales": {"y": {"ticks": {"precision": 0}}},
        },
    }


def radar_chart(board: Board, result: UnitResult, labels: tuple[str, str]) -> dict[str, Any]:
    """Each field as a % of its maximum: the unit against the scope's average."""
    fields = result.fields
    return {
        "type": "radar",
        "labels": [f.code for f in fields],  # the field codes, as in the tables: fit a phone
        "datasets": [
            {
                "label": labels[0],
                "data": [_f(percent_of(f.points, f.maximum)) for f in fields],
                "backgroundColor": "rgba(185, 28, 28, 0.15)",
            },
            {
                "label": labels[1],
                "data": [
                    _f(percent_of(board.averages.get(f.code, Decimal(0)), f.maximum))
                    for f in fields
                ],
                "backgroundColor": "rgba(148, 163, 184, 0.15)",
            },
        ],
        "options": {"scales": {"r": {"min": 0, "max": 100}}},
    }


def pareto_chart(rows: list[Any], labels: tuple[str, str]) -> dict[str, Any]:
    """Points lost by sub-criterion (bars) and their cumulative share (line, right axis)."""
    return {
        "type": "bar",
        "labels": [r.code for r in rows],
        "datasets": [
            {"label": labels[0], "data": [_f(r.lost) for r in rows], "yAxisID": "y"},
            {
                "type": "line",
                "label": labels[1],
                "data": [_f(r.cumulative) for r in rows],
                "yAxisID": "y1",
            },
        ],
        "options": {
            "scales": {
                "y": {"min": 0},
                "y1": {
                    "min": 0,
                    "max": 100,
                    "position": "right",
                    "grid": {"drawOnChartArea": False},
                },
            }
        },
    }


def trend_chart(points: list[Any], label: str) -> dict[str, Any]:
    return {
        "type": "line",
        "labels": [str(p.year) for p in points],
        "datasets": [{"label": label, "data": [_f(p.total) for p in points]}],
        "options": {"scales": {"y": {"suggestedMin": 50, "suggestedMax": 100}}},
    }


def published_versions(cycle: Cycle, *, scope_user: bool) -> list[Publication]:
    # The list shows each version's facts, never its results: the snapshots (the whole cycle's
    # figures each) are left unread.
    versions = (
        Publication.objects.filter(cycle=cycle)
        .defer("snapshot")
        .select_related("prepared_by", "approved_by", "published_by")
    )
    if not scope_user:
        versions = versions.filter(
            state__in=[PublicationState.PUBLISHED, PublicationState.SUPERSEDED]
        )
    return list(versions.order_by("-version"))
