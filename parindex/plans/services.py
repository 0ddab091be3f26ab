"""What the plans' pages read and the plans drafted from results.

- `target_rows(plan)`: each target with its last actual value and its state. A target that points
  at the index is measured from the results of the plan's year — the current published version,
  else the live figures (marked so) — and compared, for "better than last year", with the latest
  earlier published result (`scoring.services.previous_result`).
- `draft_improvement_plan(cycle, unit)`: seed 003's plan made from a commune's lost points: one
  task per sub-criterion that lost points (its reason, a suggested remedy from the criterion's
  required documents or guidance, the office responsible for its field) and seed 000's targets
  (100 % of the points of appraised fields; citizens' satisfaction ≥ 95 %; other survey criteria
  ≥ 90 %).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from parindex.assessments.models import Assessment, Cycle
from parindex.frameworks.rules import Problem
from parindex.frameworks.selectors import spec_of
from parindex.plans import actions, rules
from parindex.plans.models import (
    Direction,
    IndexSource,
    Kind,
    Measure,
    Plan,
    Target,
    TaskStatus,
)
from parindex.scoring import services as scoring
from parindex.scoring.engine import Basis, Board, UnitResult, lost_points, percent_of

if TYPE_CHECKING:
    from parindex.accounts.models import User
    from parindex.orgunits.models import Unit


@dataclass(frozen=True)
class Measured:
    actual: Decimal | None
    baseline: Decimal | None
    live: bool  # from live figures, not a published result
    smaller_is_better: bool = False


def _board_for(cycle: Cycle) -> tuple[Board, bool]:
    current = scoring.current_publication(cycle)
    if current is not None:
        return scoring.published_board(current), False
    return scoring.cycle_board(cycle), True


def _value(target: Target, result: UnitResult, rank: int | None) -> Decimal | None:
    if target.index_source == IndexSource.TOTAL:
        return result.total
    if target.index_source == IndexSource.RANK:
        return Decimal(rank) if rank is not None else None
    node = result.node(target.node_code)
    if node is None:
        return None
    prefix = f"{target.node_code}."
    leaves = [n for n in result.leaves if n.code == target.node_code or n.code.startswith(prefix)]
    if leaves and all(n.basis == Basis.MISSING for n in leaves):
        return None  # nothing scored yet: no figure rather than 0 %
    return percent_of(node.points, node.maximum)


def cycle_of(plan: Plan) -> Cycle | None:
    """The assessment cycle of the plan's unit in the plan's year (the latest opened)."""
    assessment = (
        Assessment.objects.filter(unit=plan.unit, cycle__year=plan.year)
        .select_related("cycle__framework", "cycle__scope")
        .order_by("-cycle__created_at")
        .first()
    )
    return assessment.cycle if assessment else None


def measure_from_index(target: Target, cache: dict[str, Any] | None = None) -> Measured:
    """A target pointing at the index, measured from the results of the plan's year."""
    cache = {} if cache is None else cache
    plan = target.plan
    key = "cycle"
    if key not in cache:
        cache[key] = cycle_of(plan)
        cache["board"] = _board_for(cache[key]) if cache[key] else None
        cache["before"] = scoring.previous_result(cache[key], plan.unit) if cache[key] else None
    cycle, shown, before = cache["cycle"], cache["board"], cache["before"]
    smaller = target.index_source == IndexSource.RANK
    if cycle is None or shown is None:
        return Measured(None, None, False, smaller)
    board, live = shown
    result = board.result(plan.unit.code)
    # A live rank means little while the communes are still answering: ranks are published ones.
    rank = None if live else board.ranks.get(plan.unit.code)
    actual = None if result is None else _value(target, result, rank)
    baseline = None if before is None else _value(target, before.result, before.rank)
    return Measured(actual, baseline, live, smaller)


@dataclass(frozen=True)
class TargetRow:
    target: Target
    period: str  # of the last report ("" from the index)
    actual: Decimal | None
    baseline: Decimal | None
    state: rules.TargetState
    live: bool


def target_rows(plan: Plan, *, today: dt.date | None = None) -> list[TargetRow]:
    today = today or timezone.localdate()
    final = today > dt.date(plan.year, 12, 31)
    cache: dict[str, Any] = {}
    rows = []
    for target in plan.targets.prefetch_related("reports").order_by("position"):
        if target.heading:
            rows.append(TargetRow(target, "", None, None, rules.TargetState.NOT_REPORTED, False))
            continue
        if target.index_source:
            measured = measure_from_index(target, cache)
            state = rules.target_status(
                target.direction,
                target.value,
                measured.actual,
                baseline=measured.baseline,
                smaller_is_better=measured.smaller_is_better,
                final=final and not measured.live,
            )
            rows.append(
                TargetRow(target, "", measured.actual, measured.baseline, state, measured.live)
            )
            continue
        last = rules.latest((r.period, r.value) for r in target.reports.all())
        period, actual = last if last else ("", None)
        year_reported = period == str(plan.year)
        state = rules.target_status(
            target.direction,
            target.value,
            actual,
            final=final or year_reported,
        )
        rows.append(TargetRow(target, period, actual, None, state, False))
    return rows


# --- improvement plans ---------------------------------------------------------------------------

IMPROVEMENT_TITLE = (
    "Kế hoạch khắc phục những hạn chế, tồn tại dẫn đến mất điểm các tiêu chí của Chỉ số cải cách "
    "hành chính năm {year}"
)


def draft_improvement_plan(cycle: Cycle, unit: Unit, *, by: User | None) -> Plan:
    """A draft improvement plan for the commune from its result in the cycle (the published
    version when there is one), to edit and issue."""
    board, _live = _board_for(cycle)
    result = board.result(unit.code)
    if result is None:
        raise actions.PlanError([Problem("improve.no_result")])
    spec = spec_of(cycle.framework)
    nodes = {node.code: (node, parent) for node, parent, _depth in spec.walk()}
    fields = {f.code: f for f in spec.fields}
    year = cycle.year + 1
    due = rules.Due("month", dt.date(year, 11, 30))
    with transaction.atomic():
        plan = actions.create_plan(
            by=by,
            unit=unit,
            year=year,
            kind=Kind.IMPROVEMENT,
            title=IMPROVEMENT_TITLE.format(year=cycle.year),
            grounds=(
                f"Căn cứ kết quả xác định Chỉ số cải cách hành chính năm {cycle.year} "
                f"({cycle.name}, {cycle.scope.name}): {unit.name} đạt "
                f"{_vn(result.total)}/{_vn(result.maximum)} điểm, {result.full_count}/"
                f"{result.leaf_count} tiêu chí thành phần đạt điểm tối đa."
            ),
            purpose=(
                "Khắc phục những hạn chế, tồn tại dẫn đến mất điểm; cải thiện điểm số các lĩnh "
                "vực, tiêu chí, tiêu chí thành phần chưa đạt yêu cầu và tiếp tục phát huy các "
                "tiêu chí đã đạt điểm tối đa."
            ),
            source_cycle=cycle,
        )
        for position, field in enumerate(result.fields, start=1):
            spec_field = fields.get(field.code)
            source = _field_source(spec_field)
            if source == "survey_citizens":
                text, value = "Đạt từ 95% trở lên", Decimal(95)
            elif source == "survey_officials":
                text, value = "Đạt từ 90% trở lên", Decimal(90)
            else:
                text, value = "Đạt 100%/tổng số điểm", Decimal(100)
            actions.add_target(
                plan,
                by=by,
                name=f"Lĩnh vực {field.code}. {field.title}",
                code=str(position),
                group=field.title,
                target_text=text,
                measure=Measure.PERCENT,
                direction=Direction.GE,
                value=value,
                index_source=IndexSource.NODE,
                node_code=field.code,
                tracking_unit=(spec_field.responsible if spec_field else ""),
            )
        for group in lost_points(result):
            for leaf in group.leaves:
                node, _parent = nodes.get(leaf.code, (None, None))
                responsible = _responsible(leaf.code, nodes)
                actions.add_task(
                    plan,
                    by=by,
                    title=f"Khắc phục tiêu chí {leaf.code}: {leaf.title}",
                    due=due,
                    code=leaf.code,
                    group=f"{group.field.code}. {group.field.title}",
                    product=_remedy(node),
                    lead=responsible,
                    node_code=leaf.code,
                    reason=(
                        f"Đạt {_vn(leaf.points)}/{_vn(leaf.maximum)} điểm"
                        + (f": {leaf.reason}" if leaf.reason else ".")
                    ),
                )
    return plan


def _vn(value: Decimal) -> str:
    text = f"{value.normalize():f}" if value != value.to_integral() else f"{int(value)}"
    return text.replace(".", ",")


def _field_source(field: Any) -> str:
    if field is None:
        return ""
    sources = {leaf.source for leaf in _leaves(field)}
    return sources.pop() if len(sources) == 1 else ""


def _leaves(node: Any) -> list[Any]:
    if not node.children:
        return [node]
    return [leaf for child in node.children for leaf in _leaves(child)]


def _responsible(code: str, nodes: dict[str, Any]) -> str:
    """The office responsible for the criterion: its own, else its nearest ancestor's."""
    while code:
        node, parent = nodes.get(code, (None, None))
        if node is not None and node.responsible:
            return str(node.responsible)
        code = parent.code if parent is not None else ""
    return ""


def _remedy(node: Any) -> str:
    """A suggested remedy: the criterion's required documents to complete, else its guidance."""
    if node is None:
        return ""
    required = [e.title for e in node.evidence if e.required]
    if required:
        return ("Bổ sung, hoàn thiện: " + "; ".join(required))[:300]
    return (node.guidance or "")[:300]


# --- task lists ----------------------------------------------------------------------------------


def filtered_tasks(plan: Plan, *, lead: str = "", group: str = "", status: str = "") -> Any:
    tasks = plan.tasks.select_related("product_document").order_by("position")
    if lead:
        tasks = tasks.filter(lead=lead)
    if group:
        tasks = tasks.filter(group=group)
    if status == "overdue":
        tasks = tasks.filter(
            status__in=[TaskStatus.TODO, TaskStatus.DOING], due_on__lt=timezone.localdate()
        )
    elif status:
        tasks = tasks.filter(status=status)
    return tasks
