"""What the campaign pages read: the rules that apply, every candidate's eligibility on the
published results, a nomination's evidence and its documents.

Eligibility is evaluated on PUBLISHED results only: the current published version of the
campaign's cycle (its snapshot, never recomputed), and for "last year" the unit's latest earlier
published result — for a commune formed by a merger, its predecessors' weighted result — exactly
as `scoring.services.previous_result` finds it, here for a whole scope at once (a test keeps the
two equal). Without a published version there is no candidate.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from parindex.awards import eligibility
from parindex.awards.eligibility import Check, Clause, Facts, Previous
from parindex.awards.models import (
    AppliesTo,
    Campaign,
    CampaignTarget,
    EligibilityRule,
    Nomination,
    NominationDocument,
    NomineeKind,
)
from parindex.orgunits.models import Level, Succession, Unit
from parindex.scoring import services as scoring
from parindex.scoring.engine import Board, UnitResult, combine
from parindex.scoring.models import Publication, PublishedUnit

if TYPE_CHECKING:
    from parindex.assessments.models import Cycle


# --- rules ---------------------------------------------------------------------------------------


def rules_of(campaign: Campaign) -> list[EligibilityRule]:
    return list(EligibilityRule.objects.filter(campaign=campaign).order_by("position", "pk"))


def rule_for(
    campaign: Campaign, kind: str, rules: Sequence[EligibilityRule] | None = None
) -> Clause | None:
    """The rule a collective (kind "unit") or an individual ("person") must satisfy: every rule
    of the campaign that applies to that kind, all together; None when there is none."""
    found = rules_of(campaign) if rules is None else rules
    applying = [r for r in found if r.applies_to in {AppliesTo.BOTH, kind}]
    clauses = []
    for rule in applying:
        try:
            clauses.append(eligibility.parse(rule.data))
        except eligibility.RuleError:  # stored rules are parsed before saving; skip a bad one
            continue
    return eligibility.combine(clauses)


def rule_for_candidates(campaign: Campaign) -> Clause | None:
    """The rule shown on the candidates' table: the collectives' (or the individuals' when only
    individuals compete, whose unit's index is what the rule reads)."""
    kind = NomineeKind.COLLECTIVE if campaign.for_collectives else NomineeKind.INDIVIDUAL
    return rule_for(campaign, kind)


# --- published results ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    publication: Publication
    board: Board


def published(campaign: Campaign) -> Published | None:
    """The current published version of the campaign's cycle, as published."""
    publication = scoring.current_publication(campaign.cycle)
    if publication is None:
        return None
    return Published(publication, scoring.published_board(publication))


def previous_results(cycle: Cycle, units: Sequence[Unit]) -> dict[int, scoring.Before]:
    """`scoring.services.previous_result` for many units at once (two reads of published rows,
    each publication's board parsed once)."""
    year = cycle.year
    ids = [u.pk for u in units]
    found = scoring.published_for(year, ids)
    out: dict[int, scoring.Before] = {}
    missing: list[Unit] = []
    for unit in units:
        if unit.pk in found:
            pub, board = found[unit.pk]
            result = board.result(unit.code)
            if result is not None:
                out[unit.pk] = scoring.Before(result, board.ranks.get(unit.code), pub)
                continue
        missing.append(unit)
    if not missing:
        return out
    links = list(
        Succession.objects.filter(successor__in=missing)
        .select_related("predecessor")
        .order_by("pk")
    )
    if not links:
        return out
    older = scoring.published_for(year, [link.predecessor_id for link in links])
    for unit in missing:
        parts: list[tuple[UnitResult, Decimal]] = []
        names: list[str] = []
        publication: Publication | None = None
        for link in links:
            if link.successor_id != unit.pk or link.predecessor_id not in older:
                continue
            publication, board = older[link.predecessor_id]
            result = board.result(link.predecessor.code)
            if result is not None:
                parts.append((result, link.weight or Decimal(0)))
                names.append(link.predecessor.name)
        if not parts or publication is None:
            continue
        if any(w == 0 for _r, w in parts):
            parts = [(r, Decimal(1)) for r, _w in parts]
        out[unit.pk] = scoring.Before(
            combine(parts, unit=unit.code, name=unit.name), None, publication, tuple(names)
        )
    return out


def facts_of(
    result: UnitResult | None,
    rank: int | None,
    before: scoring.Before | None,
    targets: dict[str, str] | None = None,
    *,
    years: dict[int, int] | None = None,
) -> Facts:
    """The figures the rules read, from a published result and last year's (`years`: the year of
    each publication, by id, when already read)."""
    previous = None
    if before is not None:
        pub = before.publication
        year = years.get(pub.pk) if years is not None else pub.cycle.year
        previous = Previous(
            before.result.total,
            before.result.percent,
            year=year,
            combined=bool(before.predecessors),
        )
    if result is None:
        return Facts(previous=previous, targets=targets)
    return Facts(
        total=result.total,
        percent=result.percent,
        rank=rank,
        nodes={n.code: (n.points, n.maximum) for n in result.nodes},
        previous=previous,
        targets=targets,
    )


def plan_targets(cycle: Cycle, units: Iterable[Unit]) -> dict[int, dict[str, str]]:
    """Each unit's annual PAR plan of the results' year (issued or closed: a draft is not the
    unit's plan yet): its targets' states by code."""
    from parindex.plans.models import Kind, Plan, PlanStatus
    from parindex.plans.services import target_rows

    out: dict[int, dict[str, str]] = {}
    wanted = {u.pk for u in units}
    plans = (
        Plan.objects.filter(unit_id__in=wanted, year=cycle.year, kind=Kind.ANNUAL)
        .exclude(status=PlanStatus.DRAFT)
        .select_related("unit")
        .order_by("unit_id", "-issued_on", "-pk")
    )
    for plan in plans:
        if plan.unit_id in out:
            continue
        out[plan.unit_id] = {
            row.target.code: str(row.state)
            for row in target_rows(plan)
            if row.target.code and not row.target.heading
        }
    return out


# --- candidates ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    unit: Unit
    result: UnitResult
    rank: int
    before: scoring.Before | None
    check: Check | None  # None: the campaign has no rule yet

    @property
    def eligible(self) -> bool | None:
        return None if self.check is None else self.check.held

    @property
    def change(self) -> Decimal | None:
        if self.before is None:
            return None
        return self.result.percent - self.before.result.percent


@dataclass(frozen=True)
class Candidates:
    published: Published | None
    rule: Clause | None
    rows: list[Candidate]

    @property
    def eligible_count(self) -> int:
        return sum(1 for row in self.rows if row.eligible)


def candidates(campaign: Campaign, *, rule: Clause | None = None) -> Candidates:
    """Every commune of the campaign's scope in the current published version of its cycle, with
    its eligibility under `rule` (the campaign's own by default), in the ranking's order."""
    rule = rule if rule is not None else rule_for_candidates(campaign)
    shown = published(campaign)
    if shown is None:
        return Candidates(None, rule, [])
    rows = list(
        PublishedUnit.objects.filter(
            publication=shown.publication,
            unit__path__startswith=campaign.scope.path,
            unit__level=Level.COMMUNE,
        ).select_related("unit")
    )
    units = [row.unit for row in rows]
    befores = previous_results(campaign.cycle, units)
    targets = plan_targets(campaign.cycle, units) if rule and rule.uses_plan_targets else {}
    years = dict(
        Publication.objects.filter(pk__in={b.publication.pk for b in befores.values()}).values_list(
            "pk", "cycle__year"
        )
    )
    out = []
    for row in rows:
        result = shown.board.result(row.unit.code)
        if result is None:
            continue
        rank = shown.board.ranks.get(row.unit.code, row.rank)
        before = befores.get(row.unit_id)
        facts = facts_of(
            result, rank, before, targets.get(row.unit_id) if targets else None, years=years
        )
        check = eligibility.evaluate(rule, facts) if rule is not None else None
        out.append(Candidate(row.unit, result, rank, before, check))
    out.sort(key=lambda c: (c.rank, c.unit.name))
    return Candidates(shown, rule, out)


# --- a nomination --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """A nomination's eligibility: its unit's published result and the rule evaluated on it."""

    published: Published | None
    result: UnitResult | None
    rank: int | None
    ranked: int
    before: scoring.Before | None
    rule: Clause | None
    check: Check | None

    @property
    def eligible(self) -> bool | None:
        return None if self.check is None else self.check.held


def evidence(nomination: Nomination, *, shown: Published | None = None) -> Evidence:
    """The nominee's eligibility: a collective's (its commune's) or an individual's (the index
    of the unit the person works in, as seed 004's individual criterion reads)."""
    campaign = nomination.campaign
    rule = rule_for(campaign, nomination.kind)
    shown = shown if shown is not None else published(campaign)
    unit = nomination.unit
    if shown is None:
        return Evidence(None, None, None, 0, None, rule, None)
    result = shown.board.result(unit.code)
    rank = shown.board.ranks.get(unit.code) if result is not None else None
    before = scoring.previous_result(campaign.cycle, unit)
    targets = None
    if rule is not None and rule.uses_plan_targets:
        targets = plan_targets(campaign.cycle, [unit]).get(unit.pk)
    facts = facts_of(result, rank, before, targets)
    check = eligibility.evaluate(rule, facts) if rule is not None else None
    return Evidence(shown, result, rank, len(shown.board.results), before, rule, check)


@dataclass(frozen=True)
class Requirement:
    name: str
    citations: list[NominationDocument]

    @property
    def met(self) -> bool:
        return bool(self.citations)


def checklist(nomination: Nomination) -> tuple[list[Requirement], list[NominationDocument]]:
    """Each required document with the documents cited for it, and the extra documents."""
    citations = list(
        NominationDocument.objects.filter(nomination=nomination)
        .select_related("document")
        .order_by("added_at", "pk")
    )
    required = [str(name) for name in nomination.campaign.required_documents or []]
    rows = [Requirement(name, [c for c in citations if c.requirement == name]) for name in required]
    extras = [c for c in citations if c.requirement not in required]
    return rows, extras


def missing_documents(nomination: Nomination) -> list[str]:
    """The required documents the nomination does not cite yet, in the campaign's order."""
    rows, _extras = checklist(nomination)
    return [row.name for row in rows if not row.met]


# --- the campaign's targets ----------------------------------------------------------------------


@dataclass(frozen=True)
class TargetState:
    target: CampaignTarget
    state: str  # the linked plan target's state ("" when not linked)
    actual: Decimal | None


def target_states(campaign: Campaign) -> list[TargetState]:
    """The campaign's targets with the state of the plan targets they are linked to."""
    from parindex.plans.services import target_rows

    found = list(
        CampaignTarget.objects.filter(campaign=campaign)
        .select_related("plan_target__plan")
        .order_by("position", "pk")
    )
    states: dict[int, tuple[str, Decimal | None]] = {}
    plans = {t.plan_target.plan for t in found if t.plan_target is not None}
    for plan in plans:
        for row in target_rows(plan):
            states[row.target.pk] = (str(row.state), row.actual)
    out = []
    for target in found:
        state, actual = states.get(target.plan_target_id or 0, ("", None))
        out.append(TargetState(target, state, actual))
    return out
