"""Writes of plans, targets, tasks and reviews: checked, audited, in one transaction each.

Refusals are `PlanError` with problem codes (see `problems.py`); nothing is half-saved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from parindex.audit.actions import record
from parindex.audit.models import AuditAction
from parindex.frameworks.rules import PlanCompletionRule, Problem, RuleError, parse_rule
from parindex.plans import rules
from parindex.plans.models import (
    Direction,
    DueKind,
    IndexSource,
    Kind,
    Measure,
    Plan,
    PlanStatus,
    Review,
    Target,
    TargetReport,
    Task,
    TaskStatus,
)

if TYPE_CHECKING:
    from parindex.accounts.models import User
    from parindex.assessments.models import Cycle, Document
    from parindex.orgunits.models import Unit


class PlanError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.code for p in problems))
        self.problems = problems


def _refuse(code: str, /, where: str = "", **params: Any) -> PlanError:
    return PlanError([Problem(code, params, where)])


PLAN_FIELDS = ("title", "number", "issued_on", "grounds", "purpose", "kind", "year")


def _check_open(plan: Plan) -> None:
    if plan.status == PlanStatus.CLOSED:
        raise _refuse("plan.closed")


# --- plans ---------------------------------------------------------------------------------------


def create_plan(
    *,
    by: User | None,
    unit: Unit,
    year: int,
    title: str,
    kind: str = Kind.ANNUAL,
    grounds: str = "",
    purpose: str = "",
    source_cycle: Cycle | None = None,
) -> Plan:
    if not title.strip():
        raise _refuse("plan.title")
    if not 2000 <= year <= 2100:
        raise _refuse("plan.year", year=year)
    with transaction.atomic():
        plan = Plan.objects.create(
            unit=unit,
            year=year,
            kind=kind,
            title=title.strip(),
            grounds=grounds.strip(),
            purpose=purpose.strip(),
            source_cycle=source_cycle,
            created_by=by,
        )
        record(
            actor=by,
            action=AuditAction.PLAN_CREATE,
            obj=plan,
            unit=unit,
            new={"title": plan.title, "year": year, "kind": kind},
        )
    return plan


def update_plan(plan: Plan, *, by: User | None, **fields: Any) -> Plan:
    _check_open(plan)
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"not plan fields: {sorted(unknown)}")
    if "title" in fields and not str(fields["title"]).strip():
        raise _refuse("plan.title")
    old = {k: getattr(plan, k) for k in fields}
    changed = {k: v for k, v in fields.items() if old[k] != v}
    if not changed:
        return plan
    with transaction.atomic():
        for key, value in changed.items():
            setattr(plan, key, value)
        plan.save(update_fields=list(changed))
        record(
            actor=by,
            action=AuditAction.PLAN_UPDATE,
            obj=plan,
            unit=plan.unit,
            old={k: old[k] for k in changed},
            new=changed,
        )
    return plan


def issue_plan(
    plan: Plan,
    *,
    by: User | None,
    number: str,
    issued_on: dt.date,
    document: Document | None = None,
) -> Plan:
    """A draft becomes the issued plan, with its number, date and (optionally) its document."""
    if plan.status != PlanStatus.DRAFT:
        raise _refuse("plan.not_draft", status=plan.get_status_display())
    if not number.strip():
        raise _refuse("plan.number")
    if document is not None and document.unit_id != plan.unit_id:
        raise _refuse("plan.document_other_unit")
    with transaction.atomic():
        plan.status = PlanStatus.ISSUED
        plan.number = number.strip()
        plan.issued_on = issued_on
        plan.document = document
        plan.save(update_fields=["status", "number", "issued_on", "document"])
        record(
            actor=by,
            action=AuditAction.PLAN_ISSUE,
            obj=plan,
            unit=plan.unit,
            old={"status": PlanStatus.DRAFT.value},
            new={"status": plan.status, "number": plan.number, "issued_on": issued_on},
        )
    return plan


def close_plan(plan: Plan, *, by: User | None) -> Plan:
    if plan.status != PlanStatus.ISSUED:
        raise _refuse("plan.not_issued")
    with transaction.atomic():
        plan.status = PlanStatus.CLOSED
        plan.save(update_fields=["status"])
        record(
            actor=by,
            action=AuditAction.PLAN_UPDATE,
            obj=plan,
            unit=plan.unit,
            old={"status": PlanStatus.ISSUED.value},
            new={"status": PlanStatus.CLOSED.value},
        )
    return plan


# --- targets -------------------------------------------------------------------------------------


def _next_position(queryset: Any) -> int:
    return int(queryset.aggregate(m=Max("position"))["m"] or 0) + 1


def add_target(plan: Plan, *, by: User | None, name: str, **fields: Any) -> Target:
    """A target; its measure, direction and value are read from `target_text` unless given."""
    _check_open(plan)
    target = Target(plan=plan, name=name.strip(), **fields)
    _fill_target(target)
    with transaction.atomic():
        target.position = target.position or _next_position(plan.targets)
        target.save()
        record(
            actor=by,
            action=AuditAction.TARGET_CHANGE,
            obj=target,
            unit=plan.unit,
            new=_target_data(target),
        )
    return target


def _fill_target(target: Target) -> None:
    if not target.name:
        raise _refuse("target.name")
    if target.index_source == IndexSource.NODE and not target.node_code:
        raise _refuse("target.node_code")
    if target.heading:
        return
    read = rules.read_target(target.target_text) if target.target_text else None
    if read is not None and target.value is None and target.direction == Direction.GE:
        target.direction = read.direction
        target.value = read.value
        if target.measure == Measure.PERCENT:
            target.measure = read.measure
    if target.direction != Direction.BETTER and target.value is None and target.target_text:
        target.measure = Measure.TEXT  # kept as written ("Hoàn thành"): reported as 100 or 0


def _target_data(target: Target) -> dict[str, Any]:
    return {
        "name": target.name,
        "target": target.target_text,
        "direction": target.direction,
        "value": target.value,
        "measured from": target.index_source or "",
    }


def update_target(target: Target, *, by: User | None, **fields: Any) -> Target:
    _check_open(target.plan)
    old = _target_data(target)
    for key, value in fields.items():
        setattr(target, key, value)
    _fill_target(target)
    with transaction.atomic():
        target.save()
        record(
            actor=by,
            action=AuditAction.TARGET_CHANGE,
            obj=target,
            unit=target.plan.unit,
            old=old,
            new=_target_data(target),
        )
    return target


def report_target(
    target: Target,
    *,
    by: User | None,
    period: str,
    value: Decimal,
    note: str = "",
    evidence: Document | None = None,
) -> TargetReport:
    """The actual value of a period (a month, a quarter, the year); a new value replaces the
    period's earlier one, both kept in the audit trail."""
    _check_open(target.plan)
    if target.heading:
        raise _refuse("target.heading")
    if not rules.is_period(period):
        raise _refuse("target.period", period=period)
    if int(period[:4]) != target.plan.year:
        raise _refuse("target.period_year", period=period, year=target.plan.year)
    if evidence is not None and evidence.unit_id != target.plan.unit_id:
        raise _refuse("plan.document_other_unit")
    with transaction.atomic():
        report = TargetReport.objects.filter(target=target, period=period).first()
        old = None if report is None else {"value": report.value, "note": report.note}
        if report is None:
            report = TargetReport(target=target, period=period)
        report.value = value
        report.note = note.strip()[:300]
        report.evidence = evidence
        report.reported_by = by
        report.save()
        record(
            actor=by,
            action=AuditAction.TARGET_REPORT,
            obj=report,
            unit=target.plan.unit,
            old=old,
            new={"period": period, "value": value, "note": report.note},
        )
    return report


# --- tasks ---------------------------------------------------------------------------------------


def due_of(text: str, year: int) -> rules.Due:
    due = rules.read_due(text, year)
    if due is None:
        raise _refuse("task.due", value=text)
    return due


def add_task(plan: Plan, *, by: User | None, title: str, due: rules.Due, **fields: Any) -> Task:
    _check_open(plan)
    if not title.strip():
        raise _refuse("task.title")
    with transaction.atomic():
        task = Task(
            plan=plan,
            title=title.strip(),
            due_kind=due.kind,
            due_on=due.on,
            position=fields.pop("position", 0) or _next_position(plan.tasks),
            **fields,
        )
        task.save()
        record(
            actor=by,
            action=AuditAction.TASK_CHANGE,
            obj=task,
            unit=plan.unit,
            new={"title": task.title, "due": due.label(), "lead": task.lead},
        )
    return task


def set_task_status(
    task: Task,
    *,
    by: User | None,
    status: str,
    done_on: dt.date | None = None,
    product_document: Document | None = None,
    note: str | None = None,
) -> Task:
    """Move a task; done needs its completion date (today by default), never in the future."""
    _check_open(task.plan)
    if status not in TaskStatus.values:
        raise _refuse("task.status", value=status)
    today = timezone.localdate()
    if status == TaskStatus.DONE:
        done_on = done_on or today
        if done_on > today:
            raise _refuse("task.done_in_future")
    else:
        done_on = None
    if product_document is not None and product_document.unit_id != task.plan.unit_id:
        raise _refuse("plan.document_other_unit")
    old = {"status": task.status, "done_on": task.done_on}
    with transaction.atomic():
        task.status = status
        task.done_on = done_on
        if product_document is not None:
            task.product_document = product_document
        if note is not None:
            task.note = note.strip()
        task.save()
        record(
            actor=by,
            action=AuditAction.TASK_CHANGE,
            obj=task,
            unit=task.plan.unit,
            old=old,
            new={"status": status, "done_on": done_on},
        )
    return task


def update_task(
    task: Task, *, by: User | None, due: rules.Due | None = None, **fields: Any
) -> Task:
    _check_open(task.plan)
    allowed = {"title", "product", "lead", "coordinating", "group", "code", "node_code", "note"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"not task fields: {sorted(unknown)}")
    if "title" in fields and not str(fields["title"]).strip():
        raise _refuse("task.title")
    old = {k: getattr(task, k) for k in fields} | {"due_on": task.due_on}
    with transaction.atomic():
        for key, value in fields.items():
            setattr(task, key, value)
        if due is not None:
            task.due_kind, task.due_on = due.kind, due.on
        task.save()
        record(
            actor=by,
            action=AuditAction.TASK_CHANGE,
            obj=task,
            unit=task.plan.unit,
            old=old,
            new={k: getattr(task, k) for k in fields} | {"due_on": task.due_on},
        )
    return task


def task_facts(plan: Plan) -> list[rules.TaskFact]:
    return [
        rules.TaskFact(status, due_on, done_on)
        for status, due_on, done_on in plan.tasks.values_list("status", "due_on", "done_on")
    ]


# --- feeding the index ---------------------------------------------------------------------------


def feed_index(plan: Plan, cycle: Cycle, *, by: User | None) -> list[str]:
    """Put the plan's completion into the cycle's plan-implementation criteria of the plan's unit
    (criteria scored by the plan_completion rule), through their rule; audited like any score.
    A criterion computed by the system is also recorded as agreed; one the appraisal team
    appraises keeps its appraisal to do. Returns the codes changed."""
    from parindex.assessments.actions import record_answer_change
    from parindex.assessments.models import Answer, AppraisalStatus, Status

    if plan.kind != Kind.ANNUAL:
        raise _refuse("feed.not_annual")
    if cycle.year != plan.year:
        raise _refuse("feed.other_year", plan=plan.year, cycle=cycle.year)
    answers = [
        a
        for a in Answer.objects.filter(
            assessment__cycle=cycle, assessment__unit=plan.unit
        ).select_related("node", "assessment")
        if isinstance(_rule(a.node.rule), PlanCompletionRule)
    ]
    if not answers:
        raise _refuse("feed.no_criterion")
    done = rules.completion(task_facts(plan))
    changed: list[str] = []
    with transaction.atomic():
        for answer in answers:
            if answer.assessment.status == Status.LOCKED:
                raise _refuse("feed.locked")
            value = done.answer()
            score = parse_rule(answer.node.rule).score(answer.node.max_points, value)
            if answer.self_value == value and answer.self_points == score.points:
                continue
            old = {"value": answer.self_value, "points": answer.self_points}
            answer.self_value = value
            answer.self_points = score.points
            answer.self_working = score.working[:300]
            if answer.node.source == "computed":
                answer.appraisal_status = AppraisalStatus.AGREED
                answer.appraised_value = value
                answer.appraised_points = score.points
                answer.appraised_working = answer.self_working
                answer.appraised_at = timezone.now()
            record_answer_change(
                answer,
                by=by,
                old=old,
                new={"value": value, "points": score.points},
                reason=f"kế hoạch {plan.title}"[:200],
            )
            changed.append(answer.node.code)
    return changed


def _rule(data: Mapping[str, Any] | None) -> Any:
    if not data:
        return None
    try:
        return parse_rule(data)
    except (RuleError, ValueError, KeyError, TypeError):  # not a rule: not a plan-completion one
        return None


# --- reviews -------------------------------------------------------------------------------------


def save_review(
    *, by: User | None, unit: Unit, cycle: Cycle, month: str, items: list[dict[str, Any]], note: str
) -> Review:
    """Keep this month's review as it was seen (one a month; saving again replaces it)."""
    if not rules.is_period(month) or len(month) != 7:
        raise _refuse("review.month", month=month)
    with transaction.atomic():
        review, created = Review.objects.update_or_create(
            unit=unit,
            cycle=cycle,
            month=month,
            defaults={"items": items, "note": note.strip(), "created_by": by},
        )
        record(
            actor=by,
            action=AuditAction.REVIEW_SAVE,
            obj=review,
            unit=unit,
            new={"month": month, "criteria": len(items), "created": created},
        )
    return review


__all__ = [
    "DueKind",
    "PlanError",
    "add_target",
    "add_task",
    "close_plan",
    "create_plan",
    "feed_index",
    "issue_plan",
    "report_target",
    "save_review",
    "set_task_status",
    "update_plan",
    "update_target",
    "update_task",
]
