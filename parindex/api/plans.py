"""Plans, their targets and tasks: read; move a task's status; report a target's actual value."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from pydantic import Field

from parindex.accounts.permissions import Perm, units_where
from parindex.api.common import Page, PageParams, Year, dec, page, refused, under_filter, user_of
from parindex.api.errors import ApiError, responses
from parindex.plans import actions
from parindex.plans.models import Plan, PlanStatus, Target, Task, TaskStatus
from parindex.plans.permissions import may_edit, may_read
from parindex.plans.problems import message

router = Router(tags=["plans"])

CONFLICTS = frozenset({"plan.closed"})


class PlanOut(Schema):
    id: int
    unit_id: int
    unit_code: str
    year: int
    kind: str
    title: str
    number: str
    issued_on: dt.date | None
    status: str


class TargetOut(Schema):
    id: int
    code: str
    group: str
    name: str
    target_text: str
    measure: str
    direction: str
    value: str | None
    heading: bool
    reports: dict[str, str]


class TaskOut(Schema):
    id: int
    code: str
    group: str
    title: str
    lead: str
    due_on: dt.date | None
    status: str
    done_on: dt.date | None
    node_code: str
    note: str


class PlanDetailOut(PlanOut):
    targets: list[TargetOut]
    tasks: list[TaskOut]


class PlanFilters(Schema):
    year: Year | None = None
    under: str | None = None
    status: PlanStatus | None = None


class TaskStatusIn(Schema):
    status: TaskStatus
    done_on: dt.date | None = None
    note: str | None = Field(None, max_length=2000)


class TargetReportIn(Schema):
    period: str = Field(..., max_length=10, description="2026-03 (month), 2026-Q1, or 2026.")
    value: Decimal = Field(..., max_digits=12, decimal_places=2)
    note: str = Field("", max_length=300)


class TargetReportOut(Schema):
    target_id: int
    period: str
    value: str
    note: str


def plan_out(plan: Plan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "unit_id": plan.unit_id,
        "unit_code": plan.unit.code,
        "year": plan.year,
        "kind": plan.kind,
        "title": plan.title,
        "number": plan.number,
        "issued_on": plan.issued_on,
        "status": plan.status,
    }


def target_out(target: Target) -> dict[str, Any]:
    return {
        "id": target.pk,
        "code": target.code,
        "group": target.group,
        "name": target.name,
        "target_text": target.target_text,
        "measure": target.measure,
        "direction": target.direction,
        "value": dec(target.value),
        "heading": target.heading,
        "reports": {r.period: str(r.value) for r in target.reports.all()},
    }


def task_out(task: Task) -> dict[str, Any]:
    return {
        "id": task.pk,
        "code": task.code,
        "group": task.group,
        "title": task.title,
        "lead": task.lead,
        "due_on": task.due_on,
        "status": task.status,
        "done_on": task.done_on,
        "node_code": task.node_code,
        "note": task.note,
    }


@router.get("/plans", response={200: Page[PlanOut], **responses(422)}, url_name="plans")
def list_plans(
    request: HttpRequest, filters: Query[PlanFilters], params: Query[PageParams]
) -> dict[str, Any]:
    """Plans of the units the token's roles cover."""
    plans = Plan.objects.filter(
        unit__in=units_where(user_of(request), Perm.VIEW_UNIT)
    ).select_related("unit")
    if filters.year is not None:
        plans = plans.filter(year=filters.year)
    if filters.status:
        plans = plans.filter(status=filters.status)
    plans = plans.filter(under_filter(request, filters.under, "unit__path"))
    return page(plans.order_by("-year", "unit__path", "pk"), params, plan_out)


@router.get("/plans/{plan_id}", response={200: PlanDetailOut, **responses(404)}, url_name="plan")
def get_plan(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    """A plan with its targets (and the actual values reported by period) and its tasks."""
    plan = get_object_or_404(Plan.objects.select_related("unit"), pk=plan_id)
    if not may_read(user_of(request), plan.unit):
        raise Http404
    targets = plan.targets.order_by("position", "pk").prefetch_related("reports")
    tasks = plan.tasks.order_by("position", "pk")
    return plan_out(plan) | {
        "targets": [target_out(t) for t in targets],
        "tasks": [task_out(t) for t in tasks],
    }


@router.patch(
    "/tasks/{task_id}",
    response={200: TaskOut, **responses(403, 404, 409, 422)},
    url_name="task",
)
def patch_task(request: HttpRequest, task_id: int, data: TaskStatusIn) -> dict[str, Any]:
    """Move a task: `todo`, `doing`, `done` (with `done_on`, today by default, never in the
    future) or `cancelled`."""
    task = get_object_or_404(Task.objects.select_related("plan__unit"), pk=task_id)
    user = user_of(request)
    if not may_read(user, task.plan.unit):
        raise Http404
    if not may_edit(user, task.plan.unit):
        raise ApiError(403, "forbidden")
    try:
        task = actions.set_task_status(
            task, by=user, status=data.status, done_on=data.done_on, note=data.note
        )
    except actions.PlanError as exc:
        raise refused(exc, message, conflict=CONFLICTS) from None
    return task_out(task)


@router.post(
    "/targets/{target_id}/reports",
    response={200: TargetReportOut, **responses(403, 404, 409, 422)},
    url_name="target_report",
)
def report_target(request: HttpRequest, target_id: int, data: TargetReportIn) -> dict[str, Any]:
    """The actual value of a target for a period; a new value replaces the period's earlier one
    (both kept in the audit trail)."""
    target = get_object_or_404(Target.objects.select_related("plan__unit"), pk=target_id)
    user = user_of(request)
    if not may_read(user, target.plan.unit):
        raise Http404
    if not may_edit(user, target.plan.unit):
        raise ApiError(403, "forbidden")
    try:
        report = actions.report_target(
            target, by=user, period=data.period, value=data.value, note=data.note
        )
    except actions.PlanError as exc:
        raise refused(exc, message, conflict=CONFLICTS) from None
    report.refresh_from_db()
    return {
        "target_id": target.pk,
        "period": report.period,
        "value": str(report.value),
        "note": report.note,
    }
