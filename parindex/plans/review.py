"""The monthly review of a commune (seed 000: "định kỳ hàng tháng ... rà soát từng tiêu chí, từng
điểm số và các tài liệu kiểm chứng"): every scored sub-criterion of its cycle, in the framework's
order, with
- the points it can expect: the appraised points once appraised (agreed or adjusted), else the
  self-assessed points, else none yet — and whether they are the maximum;
- its evidence: the required documents cited and those missing, and how many other documents;
- the plan tasks behind it: the tasks of the commune's plans of the cycle's year that name the
  sub-criterion (`Task.node_code`), cancelled ones left out, each overdue or not as of the end
  of the month reviewed (or today, when the month is not over).

A sub-criterion is a gap when its points are below the maximum or not known yet, a required
document is missing, or a task behind it is overdue; otherwise it is ok. Items are plain data
(decimals as strings) so a review is kept as it was seen (`Review.items`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from parindex.assessments.models import AppraisalStatus, Assessment
from parindex.frameworks.models import Node
from parindex.plans import rules
from parindex.plans.models import Task, TaskStatus

if TYPE_CHECKING:
    from parindex.assessments.models import Cycle
    from parindex.orgunits.models import Unit

APPRAISED = {AppraisalStatus.AGREED.value, AppraisalStatus.ADJUSTED.value}

# Why a sub-criterion is a gap (the keys of `reasons`).
POINTS = "points"  # below the maximum
UNANSWERED = "unanswered"  # no points yet
DOCUMENTS = "documents"  # a required document missing
TASKS = "tasks"  # a task behind it overdue


def as_of(month: str, today: dt.date | None = None) -> dt.date:
    """The day a month is reviewed on: its last day, or today while it is not over."""
    return min(rules.period_end(month), today or timezone.localdate())


def is_month(month: str) -> bool:
    return len(month) == 7 and rules.is_period(month)


def overdue_on(status: str, due_on: dt.date, done_on: dt.date | None, day: dt.date) -> bool:
    """Was the task overdue on `day`? A task done after `day` was still open then."""
    if status == TaskStatus.DONE and (done_on is None or done_on > day):
        status = TaskStatus.DOING
    return rules.is_overdue(rules.TaskFact(status, due_on, done_on), day)


def _expected(answer: Any) -> tuple[Decimal | None, str]:
    if answer.appraisal_status in APPRAISED and answer.appraised_points is not None:
        return answer.appraised_points, "appraised"
    if answer.self_points is not None:
        return answer.self_points, "self"
    return None, "missing"


def _fields(cycle: Cycle) -> dict[int, tuple[str, str]]:
    """Each node's field (its top ancestor): code and title, by node id."""
    rows = list(
        Node.objects.filter(framework_id=cycle.framework_id).values_list(
            "pk", "parent_id", "code", "title"
        )
    )
    parents: dict[int, int | None] = {pk: parent for pk, parent, _, _ in rows}
    heads = {pk: (code, title) for pk, _, code, title in rows}
    fields: dict[int, tuple[str, str]] = {}
    for pk in parents:
        top, parent = pk, parents[pk]
        while parent is not None:
            top = parent
            parent = parents.get(top)
        fields[pk] = heads[top]
    return fields


def _tasks(cycle: Cycle, unit: Unit, day: dt.date) -> dict[str, list[dict[str, Any]]]:
    rows = (
        Task.objects.filter(plan__unit=unit, plan__year=cycle.year)
        .exclude(node_code="")
        .exclude(status=TaskStatus.CANCELLED)
        .select_related("plan")
        .order_by("due_on", "plan_id", "position", "pk")
    )
    found: dict[str, list[dict[str, Any]]] = {}
    for task in rows:
        found.setdefault(task.node_code.strip(), []).append(
            {
                "title": task.title,
                "status": task.status,
                "due": rules.Due(task.due_kind, task.due_on).label(),
                "due_on": task.due_on.isoformat(),
                "done_on": task.done_on.isoformat() if task.done_on else None,
                "overdue": overdue_on(task.status, task.due_on, task.done_on, day),
                "lead": task.lead,
                "plan": task.plan.title,
                "plan_id": task.plan_id,
            }
        )
    return found


def review_items(
    cycle: Cycle, unit: Unit, month: str, *, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """One item per scored sub-criterion of the commune's assessment, in the framework's order
    (see the module's docstring); empty when the commune has no assessment in the cycle."""
    assessment = Assessment.objects.filter(cycle=cycle, unit=unit).first()
    if assessment is None:
        return []
    day = as_of(month, today)
    answers = (
        assessment.answers.select_related("node")
        .prefetch_related("citations", "node__evidence")
        .order_by("node__sort_key")
    )
    fields = _fields(cycle)
    tasks = _tasks(cycle, unit, day)
    items = []
    for answer in answers:
        node = answer.node
        points, basis = _expected(answer)
        citations = list(answer.citations.all())
        cited = {c.requirement_id for c in citations if c.requirement_id is not None}
        required = [r for r in node.evidence.all() if r.required]
        required_ids = {r.pk for r in required}
        missing = [r.title for r in required if r.pk not in cited]
        behind = tasks.get(node.code, [])
        reasons = []
        if points is None:
            reasons.append(UNANSWERED)
        elif points < node.max_points:
            reasons.append(POINTS)
        if missing:
            reasons.append(DOCUMENTS)
        if any(t["overdue"] for t in behind):
            reasons.append(TASKS)
        field_code, field_title = fields.get(node.pk, ("", ""))
        items.append(
            {
                "code": node.code,
                "title": node.title,
                "answer_id": answer.pk,
                "field": field_code,
                "field_title": field_title,
                "source": node.source,
                "max": str(node.max_points),
                "points": None if points is None else str(points),
                "basis": basis,
                "full": points is not None and points >= node.max_points,
                "evidence": {
                    "cited": [r.title for r in required if r.pk in cited],
                    "missing": missing,
                    "optional": len(
                        {c.document_id for c in citations if c.requirement_id not in required_ids}
                    ),
                    "documents": len({c.document_id for c in citations}),
                },
                "tasks": behind,
                "flag": "gap" if reasons else "ok",
                "reasons": reasons,
            }
        )
    return items


def summary(items: list[dict[str, Any]]) -> dict[str, Any]:
    """The review's line: criteria, gaps, expected points out of the maximum."""
    expected = sum((Decimal(i["points"]) for i in items if i["points"] is not None), Decimal(0))
    return {
        "count": len(items),
        "gaps": sum(1 for i in items if i["flag"] == "gap"),
        "full": sum(1 for i in items if i["full"]),
        "unanswered": sum(1 for i in items if i["points"] is None),
        "missing_documents": sum(1 for i in items if i["evidence"]["missing"]),
        "overdue_tasks": sum(1 for i in items for t in i["tasks"] if t["overdue"]),
        "points": expected,
        "maximum": sum((Decimal(i["max"]) for i in items), Decimal(0)),
    }
