"""Units: the tree the user's roles cover."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Query, Router, Schema
from ninja import Status as Reply
from ninja.files import UploadedFile

from parindex.accounts.permissions import Perm, can, has_perm_anywhere, units_where
from parindex.api.common import Page, PageParams, Year, page, under_filter, user_of, year_span
from parindex.api.errors import ApiError, responses
from parindex.common.import_files import ImportFile
from parindex.orgunits.importers import ImportReport, import_successions, import_units
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


class ImportKind(StrEnum):
    units = "units"
    successions = "successions"


class ImportIn(Schema):
    what: ImportKind = ImportKind.units


class ImportRowError(Schema):
    row: int
    column: str
    message: str


class ImportOut(Schema):
    created: int
    updated: int
    unchanged: int
    errors: list[ImportRowError]


def row_errors(report: ImportReport) -> list[dict[str, object]]:
    return [
        {"row": e.row, "column": str(e.column_name), "message": str(e.message)}
        for e in report.errors
    ]


@router.post(
    "/units/import",
    response={200: ImportOut, **responses(403, 422)},
    url_name="units_import",
)
def import_file(request: HttpRequest, file: File[UploadedFile], meta: Form[ImportIn]) -> Reply:
    """Administrators: import units (`what=units`: Mã, Tên, Loại, Mã cấp trên, Hiệu lực từ,
    Hiệu lực đến) or successions (`what=successions`: merges and splits) from the same Excel
    sheet as the page. All or nothing: with any problem nothing is stored and every problem comes
    back by row and column (422)."""
    user = user_of(request)
    if not has_perm_anywhere(user, Perm.MANAGE_UNITS):
        raise ApiError(403, "forbidden")
    try:
        ImportFile("xlsx", "csv")(file)  # content and size, as the page's form checks them
    except ValidationError as exc:
        raise ApiError(422, "import.file_refused", " ".join(exc.messages)) from None
    importer = import_successions if meta.what == ImportKind.successions else import_units
    report = importer(by=user, upload=file, filename=file.name or "")
    errors = row_errors(report)
    if errors:
        shown = "; ".join(f"{e['row']} ({e['column']}): {e['message']}" for e in errors[:5])
        raise ApiError(422, "import.invalid", shown, errors)
    return Reply(
        200,
        {
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "errors": errors,
        },
    )


# after /units/import: the path converter of {unit_id} would take "import" too
@router.get("/units/{unit_id}", response={200: UnitOut, **responses(404)}, url_name="unit")
def get_unit(request: HttpRequest, unit_id: int) -> dict[str, object]:
    unit = get_object_or_404(Unit, pk=unit_id)
    if not can(user_of(request), Perm.VIEW_UNIT, unit):
        raise Http404
    return unit_out(unit)
