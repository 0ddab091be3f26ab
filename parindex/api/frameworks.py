"""Frameworks: read (with their criteria tree) and export as YAML."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from parindex.api.common import Page, PageParams, Year, dec, page, user_of
from parindex.api.errors import responses
from parindex.frameworks.models import Framework, Status
from parindex.frameworks.permissions import can_view_framework, visible_frameworks
from parindex.frameworks.selectors import ordered_nodes, spec_of
from parindex.frameworks.yaml_io import dump_yaml

router = Router(tags=["frameworks"])


class FrameworkOut(Schema):
    id: int
    code: str
    version: int
    name: str
    owner_id: int
    year_from: int
    year_to: int
    status: str
    total: str
    published_at: dt.datetime | None


class EvidenceOut(Schema):
    title: str
    required: bool


class NodeOut(Schema):
    code: str
    parent_code: str | None
    depth: int
    title: str
    max_points: str
    source: str
    guidance: str
    evidence: list[EvidenceOut]


class FrameworkDetailOut(FrameworkOut):
    nodes: list[NodeOut]


class FrameworkFilters(Schema):
    status: Status | None = None
    year: Year | None = None


def framework_out(framework: Framework) -> dict[str, object]:
    return {
        "id": framework.pk,
        "code": framework.code,
        "version": framework.version,
        "name": framework.name,
        "owner_id": framework.owner_id,
        "year_from": framework.year_from,
        "year_to": framework.year_to,
        "status": framework.status,
        "total": dec(framework.total),
        "published_at": framework.published_at,
    }


def _framework(request: HttpRequest, framework_id: int) -> Framework:
    framework = get_object_or_404(Framework.objects.select_related("owner"), pk=framework_id)
    if not can_view_framework(user_of(request), framework):
        raise Http404
    return framework


@router.get(
    "/frameworks", response={200: Page[FrameworkOut], **responses(422)}, url_name="frameworks"
)
def list_frameworks(
    request: HttpRequest, filters: Query[FrameworkFilters], params: Query[PageParams]
) -> dict[str, object]:
    """Frameworks the token may read (drafts only for their managers)."""
    frameworks = visible_frameworks(user_of(request))
    if filters.status:
        frameworks = frameworks.filter(status=filters.status)
    if filters.year is not None:
        frameworks = frameworks.filter(year_from__lte=filters.year, year_to__gte=filters.year)
    return page(frameworks.order_by("-year_from", "code", "version", "pk"), params, framework_out)


@router.get(
    "/frameworks/{framework_id}",
    response={200: FrameworkDetailOut, **responses(404)},
    url_name="framework",
)
def get_framework(request: HttpRequest, framework_id: int) -> dict[str, object]:
    """A framework and its criteria, in the tree's order (each names its parent's code)."""
    framework = _framework(request, framework_id)
    nodes = ordered_nodes(framework)
    codes = {n.pk: n.code for n in nodes}
    return framework_out(framework) | {
        "nodes": [
            {
                "code": n.code,
                "parent_code": codes.get(n.parent_id) if n.parent_id else None,
                "depth": n.depth,
                "title": n.title,
                "max_points": dec(n.max_points),
                "source": n.source,
                "guidance": n.guidance,
                "evidence": [{"title": e.title, "required": e.required} for e in n.evidence.all()],
            }
            for n in nodes
        ]
    }


@router.get(
    "/frameworks/{framework_id}/export.yaml",
    response={200: str, **responses(404)},
    url_name="framework_yaml",
    openapi_extra={
        "responses": {
            200: {
                "description": "The framework as YAML (the format `load_framework` reads).",
                "content": {"application/yaml": {"schema": {"type": "object"}}},
            }
        }
    },
)
def export_framework(request: HttpRequest, framework_id: int) -> HttpResponse:
    framework = _framework(request, framework_id)
    response = HttpResponse(
        dump_yaml(spec_of(framework)), content_type="application/yaml; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{framework.code.lower()}.yaml"'
    return response
