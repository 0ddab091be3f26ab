"""Published results and rankings (the versions the council approved and the secretariat
published), read like the results pages: the whole scope for those who see it, a commune's own row
for its officers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema

from parindex.api.common import dec, user_of
from parindex.api.errors import ApiError, responses
from parindex.assessments.models import Cycle
from parindex.scoring import selectors, services
from parindex.scoring.models import Publication, PublicationState

router = Router(tags=["results"])

SHOWN = [PublicationState.PUBLISHED, PublicationState.SUPERSEDED]
_NOT_PUBLISHED = _("No published results for this cycle (or this version).")


class VersionOut(Schema):
    id: int
    version: int
    state: str
    reason: str
    decision: str
    published_at: dt.datetime | None


class RankRow(Schema):
    unit_code: str
    name: str
    group: str
    total: str
    maximum: str
    percent: str
    rank: int | None
    band: str | None


class RankingOut(Schema):
    cycle_id: int
    version: int
    state: str
    published_at: dt.datetime | None
    whole_scope: bool
    rows: list[RankRow]


def _cycle(request: HttpRequest, cycle_id: int) -> tuple[Cycle, bool, set[str]]:
    """The cycle, whether the token sees its whole scope, and otherwise its own units' codes."""
    cycle = get_object_or_404(Cycle.objects.select_related("scope", "framework"), pk=cycle_id)
    user = user_of(request)
    if selectors.sees_scope(user, cycle):
        return cycle, True, set()
    mine = {a.unit.code for a in selectors.own_units(user, cycle)}
    if not mine:
        raise Http404
    return cycle, False, mine


@router.get(
    "/cycles/{cycle_id}/versions",
    response={200: list[VersionOut], **responses(404)},
    url_name="versions",
)
def versions(request: HttpRequest, cycle_id: int) -> list[dict[str, Any]]:
    """The cycle's result versions: published and superseded ones (and, for those who see the
    whole scope, the ones being prepared)."""
    cycle, whole, _mine = _cycle(request, cycle_id)
    return [
        {
            "id": p.pk,
            "version": p.version,
            "state": p.state,
            "reason": p.reason,
            "decision": p.decision,
            "published_at": p.published_at,
        }
        for p in selectors.published_versions(cycle, scope_user=whole)
    ]


@router.get(
    "/cycles/{cycle_id}/ranking",
    response={200: RankingOut, **responses(404, 422)},
    url_name="ranking",
)
def ranking(
    request: HttpRequest,
    cycle_id: int,
    version: int | None = Query(None, ge=1, le=10**6),
) -> dict[str, Any]:
    """A published version's ranking (the current one unless `version` is given): each unit's
    total, percent, rank and band, as published (scores as exact decimal strings)."""
    cycle, whole, mine = _cycle(request, cycle_id)
    if version is None:
        publication = services.current_publication(cycle)
    else:
        publication = Publication.objects.filter(
            cycle=cycle, version=version, state__in=SHOWN
        ).first()
    if publication is None:
        raise ApiError(404, "not_published", _NOT_PUBLISHED)
    board = services.published_board(publication)
    rows = []
    for result in board.ordered():
        if not whole and result.unit not in mine:
            continue
        rows.append(
            {
                "unit_code": result.unit,
                "name": result.name,
                "group": result.group,
                "total": dec(result.total),
                "maximum": dec(result.maximum),
                "percent": dec(result.percent),
                "rank": board.ranks.get(result.unit),
                "band": result.band.label if result.band else None,
            }
        )
    return {
        "cycle_id": cycle.pk,
        "version": publication.version,
        "state": publication.state,
        "published_at": publication.published_at,
        "whole_scope": whole,
        "rows": rows,
    }
