"""Helpers shared by the routers: the acting user, pagination, year and subtree filters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar

from django.db.models import Q, QuerySet
from ninja import Query, Schema
from pydantic import Field

from parindex.accounts.permissions import Perm, units_where
from parindex.api.errors import ApiError, problem_details

if TYPE_CHECKING:
    from django.http import HttpRequest

    from parindex.accounts.models import User

T = TypeVar("T")

Year = Annotated[int, Field(ge=1900, le=2200)]

MAX_LIMIT = 500


class PageParams(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description="Items per page (at most 500).")
    offset: int = Field(0, ge=0, le=10**9, description="Items to skip.")


class Page(Schema, Generic[T]):
    count: int
    limit: int
    offset: int
    items: list[T]


def paginate(qs: QuerySet[Any], params: PageParams) -> tuple[int, list[Any]]:
    count = qs.count()
    return count, list(qs[params.offset : params.offset + params.limit])


def page(qs: QuerySet[Any], params: PageParams, to_out: Any) -> dict[str, Any]:
    count, rows = paginate(qs, params)
    return {
        "count": count,
        "limit": params.limit,
        "offset": params.offset,
        "items": [to_out(r) for r in rows],
    }


def user_of(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def dec(value: Decimal | None) -> str | None:
    """Decimal as its exact string ("91.84"), never a float."""
    return None if value is None else str(value)


def subtree_paths(request: HttpRequest, code: str) -> list[str]:
    """The paths of the units coded `code` that the user sees (codes repeat across reforms)."""
    return list(
        units_where(user_of(request), Perm.VIEW_UNIT)
        .filter(code=code)
        .values_list("path", flat=True)
    )


def under_filter(request: HttpRequest, code: str | None, path_field: str) -> Q:
    """`under=<code>`: objects whose unit is that unit or below it (nothing when unseen)."""
    if not code:
        return Q()
    paths = subtree_paths(request, code)
    if not paths:
        return Q(pk__in=[])
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{path_field}__startswith": path})
    return condition


def year_span(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def refused(exc: Any, message: Any, *, conflict: frozenset[str] = frozenset()) -> ApiError:
    """A domain refusal (problems with codes) as 409 (the state forbids it) or 422 (bad values)."""
    problems = list(exc.problems)
    codes = {p.code for p in problems}
    status = 409 if codes & conflict else 422
    first = problems[0].code if problems else "refused"
    return ApiError(
        status,
        first,
        " ".join(str(message(p)) for p in problems),
        problem_details(problems, message),
    )


__all__ = ["Page", "PageParams", "Query", "page", "user_of"]
