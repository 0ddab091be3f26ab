"""Units: the tree the user's roles cover."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from parindex.accounts.permissions import Perm, can, has_perm_anywhere, units_where
from parindex.api.common import Page, PageParams, Year, page, under_filter, user_of, year_span
from parindex.api.errors import ApiError, responses
from parindex.orgunits.models import Level, Unit

router = Router(tags=["units"])


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    level: str
    parent_id: int | None
    valid_from: dt.date
    valid_to: dt.date | None


class UnitFilters(Schema):
    year: Year | None = None
    day: dt.date | None = None
    under: str | None = None
    level: Level | None = None
    q: str | None = None


def unit_out(unit: Unit) -> dict[str, object]:
    return {
        "id": unit.pk,
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "level": unit.level,
        "parent_id": unit.parent_id,
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
    }


@router.get("/units", response={200: Page[UnitOut], **responses(403, 422)}, url_name="units")
def list_units(
    request: HttpRequest, filters: Query[UnitFilters], params: Query[PageParams]
) -> dict[str, object]:
    """Units the token's roles cover. `year`: valid at some time in the year; `day`: valid on
    that day; `under`: a unit's code, its subtree; `level`: province, district, commune, office."""
    user = user_of(request)
    if not has_perm_anywhere(user, Perm.VIEW_UNIT):
        raise ApiError(403, "forbidden")
    units = units_where(user, Perm.VIEW_UNIT)
    if filters.day is not None:
        units = units.valid_on(filters.day)
    if filters.year is not None:
        start, end = year_span(filters.year)
        units = units.filter(valid_from__lte=end).exclude(valid_to__lt=start)
    if filters.level:
        units = units.filter(level=filters.level)
    if filters.q:
        units = units.filter(Q(name__icontains=filters.q) | Q(code=filters.q))
    units = units.filter(under_filter(request, filters.under, "path"))
    return page(units.order_by("path", "pk"), params, unit_out)


@router.get("/units/{unit_id}", response={200: UnitOut, **responses(404)}, url_name="unit")
def get_unit(request: HttpRequest, unit_id: int) -> dict[str, object]:
    unit = get_object_or_404(Unit, pk=unit_id)
    if not can(user_of(request), Perm.VIEW_UNIT, unit):
        raise Http404
    return unit_out(unit)
