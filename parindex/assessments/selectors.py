"""Reads for the assessment pages: a commune's answers grouped by field, progress, the board."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from parindex.accounts.permissions import concerning
from parindex.assessments.answers import Input, inputs_for
from parindex.assessments.models import (
    Answer,
    AnswerDocument,
    AppraisalStatus,
    Assessment,
    Cycle,
    Document,
)
from parindex.frameworks.models import EvidenceRequirement, Node
from parindex.frameworks.rules import SURVEY_SOURCES, Rule, fmt, parse_rule


@dataclass
class Item:
    """One criterion of an assessment as its page shows it."""

    answer: Answer
    rule: Rule | None
    inputs: list[Input]
    requirements: list[EvidenceRequirement]
    citations: list[AnswerDocument]
    from_survey: bool
    can_appraise: bool = False  # set by the view for the user looking at it
    can_explain: bool = False

    @property
    def node(self) -> Node:
        return self.answer.node

    def cited_for(self, requirement: EvidenceRequirement) -> list[Document]:
        return [c.document for c in self.citations if c.requirement_id == requirement.pk]

    @property
    def other_citations(self) -> list[AnswerDocument]:
        return [c for c in self.citations if c.requirement_id is None]

    @property
    def missing(self) -> list[str]:
        cited = {c.requirement_id for c in self.citations}
        return [r.title for r in self.requirements if r.required and r.pk not in cited]

    def shown(self, value: dict[str, Any] | None) -> str:
        return describe(self.inputs, value)

    @property
    def rule_name(self) -> str:
        from parindex.frameworks.display import RULE_NAMES

        return str(RULE_NAMES[self.rule.kind]) if self.rule is not None else ""

    @property
    def rule_text(self) -> str:
        from parindex.frameworks.display import rule_text

        return rule_text(self.rule)


def describe(inputs: list[Input], value: dict[str, Any] | None) -> str:
    """An answer for reading: "Ban hành đúng thời hạn", "Có", "6 / 7", "92,5%"."""
    if not value:
        return ""
    parts = []
    for item in inputs:
        if item.name not in value:
            continue
        raw = value[item.name]
        if item.kind == "choice":
            parts.append(next((label for code, label in item.choices if code == raw), str(raw)))
        elif item.kind == "yes_no":
            parts.append("Có" if raw else "Không")
        else:
            try:
                parts.append(
                    f"{item.label}: {fmt(Decimal(str(raw).replace(',', '.')))}{item.suffix}"
                )
            except ArithmeticError:
                parts.append(f"{item.label}: {raw}")
    return " · ".join(parts)


@dataclass
class FieldBlock:
    node: Node
    items: list[Item] = field(default_factory=list)

    @property
    def appraisable(self) -> bool:
        return any(i.can_appraise for i in self.items)

    @property
    def answered(self) -> int:
        return sum(1 for i in self.items if i.answer.self_points is not None)

    @property
    def answerable(self) -> int:
        return sum(1 for i in self.items if not i.from_survey)

    @property
    def self_points(self) -> Decimal:
        return sum((i.answer.self_points or Decimal(0) for i in self.items), Decimal(0))

    @property
    def appraised(self) -> int:
        return sum(1 for i in self.items if i.answer.appraisal_status != AppraisalStatus.PENDING)

    @property
    def appraised_points(self) -> Decimal:
        total = Decimal(0)
        for i in self.items:
            a = i.answer
            total += (a.appraised_points if a.appraised_points is not None else a.self_points) or 0
        return total


def assessment_blocks(assessment: Assessment) -> list[FieldBlock]:
    """Every scored criterion of the assessment under its field, in the framework's order.

    A fixed number of queries whatever the number of criteria.
    """
    nodes = {n.pk: n for n in assessment.cycle.framework.nodes.all()}
    answers = list(
        assessment.answers.select_related("node")
        .prefetch_related("node__evidence", "citations__document")
        .order_by("node__sort_key")
    )
    blocks: dict[int, FieldBlock] = {}
    for answer in answers:
        top = answer.node
        while top.parent_id is not None:
            top = nodes[top.parent_id]
        block = blocks.setdefault(top.pk, FieldBlock(top))
        block.items.append(_item(answer))
    return sorted(blocks.values(), key=lambda b: b.node.sort_key)


def item_of(answer: Answer) -> Item:
    answer = (
        Answer.objects.select_related("node", "assessment__cycle", "assessment__unit")
        .prefetch_related("node__evidence", "citations__document")
        .get(pk=answer.pk)
    )
    return _item(answer)


def _item(answer: Answer) -> Item:
    """An answer as its card shows it (its node, evidence and citations already fetched)."""
    rule = parse_rule(answer.node.rule) if answer.node.rule else None
    return Item(
        answer=answer,
        rule=rule,
        inputs=inputs_for(rule, answer.node.source),
        requirements=list(answer.node.evidence.all()),
        citations=list(answer.citations.all()),
        from_survey=answer.node.source in SURVEY_SOURCES,
    )


def visible_cycles(user: Any) -> QuerySet[Cycle]:
    """Cycles whose scope the user's roles cover, or that cover the user's units."""
    condition = concerning(user, "scope__path")
    if condition is None:
        return Cycle.objects.none()
    return Cycle.objects.filter(condition)


def board(cycle: Cycle, units: QuerySet[Any]) -> list[dict[str, Any]]:
    """One row per commune of the cycle within `units`: status, progress and appraisers, in a
    fixed number of queries."""
    rows = (
        cycle.assessments.filter(unit__in=units)
        .select_related("unit")
        .annotate(
            answerable=Count("answers", filter=~Q(answers__node__source__in=SURVEY_SOURCES)),
            answered=Count(
                "answers",
                filter=Q(answers__self_points__isnull=False)
                & ~Q(answers__node__source__in=SURVEY_SOURCES),
            ),
            appraised=Count(
                "answers",
                filter=~Q(answers__appraisal_status=AppraisalStatus.PENDING)
                & ~Q(answers__node__source__in=SURVEY_SOURCES),
            ),
            self_total=Sum("answers__self_points"),
        )
        .order_by("unit__name")
    )
    appraisers: dict[int, list[str]] = defaultdict(list)
    for assignment in cycle.assignments.select_related("appraiser").order_by("appraiser__username"):
        fields = f" ({', '.join(assignment.field_codes)})" if assignment.field_codes else ""
        appraisers[assignment.unit_id].append(f"{assignment.appraiser}{fields}")
    return [{"assessment": a, "appraisers": appraisers.get(a.unit_id, [])} for a in rows]


def documents_of(unit_id: int) -> list[Document]:
    return list(Document.objects.filter(unit_id=unit_id).order_by("-uploaded_at"))


def citations_by_document(unit_id: int) -> dict[int, list[str]]:
    """For each document of a unit, the codes of the criteria that cite it."""
    cited: dict[int, list[str]] = defaultdict(list)
    for doc_id, code in AnswerDocument.objects.filter(document__unit_id=unit_id).values_list(
        "document_id", "answer__node__code"
    ):
        if code not in cited[doc_id]:
            cited[doc_id].append(code)
    return cited
