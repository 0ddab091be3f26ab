"""The index from the database: one call computes a whole cycle; publication of the results.

`cycle_board(cycle)` reads the framework and every answer of the cycle in three queries (plain
values, no model instances) and hands them to the pure engine. Which points count, per
sub-criterion:
- appraised (agreed or adjusted by the appraisal team): the appraised points;
- otherwise the self-assessed points, flagged `self` wherever shown;
- survey and computed criteria: the points written by the survey (or the plan), basis `survey`
  or `computed`;
- no answer: 0 points, flagged `missing`.

Publication: the secretariat prepares a version (every assessment of the cycle must be locked),
which freezes the whole cycle's results and ranks as a snapshot; the council approves it (or
not); the secretariat publishes it. A correction after publication is a new version with its
reason; the earlier published one is kept, marked superseded. Each step is audited.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from parindex.assessments.models import Answer, AppraisalStatus, Assessment, Cycle, Status
from parindex.audit.actions import record
from parindex.audit.models import AuditAction
from parindex.frameworks.rules import Problem
from parindex.frameworks.selectors import spec_of
from parindex.orgunits.models import Succession, Unit
from parindex.scoring import integrity, snapshot
from parindex.scoring.engine import (
    Basis,
    Board,
    Leaf,
    Tree,
    UnitResult,
    combine,
    compute_all,
    gc_paused,
)
from parindex.scoring.models import Publication, PublicationState, PublishedUnit

if TYPE_CHECKING:
    from parindex.accounts.models import User
    from parindex.frameworks.models import Framework


class ScoringError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.code for p in problems))
        self.problems = problems


def _refuse(code: str, /, **params: Any) -> ScoringError:
    return ScoringError([Problem(code, params)])


_TREES: dict[tuple[int, Any], Tree] = {}


def tree_of(framework: Framework) -> Tree:
    """The framework as the engine reads it (kept in memory per version of the framework)."""
    key = (framework.pk, framework.updated_at)
    tree = _TREES.get(key)
    if tree is None:
        if len(_TREES) > 32:
            _TREES.clear()
        tree = _TREES[key] = Tree.from_spec(spec_of(framework))
    return tree


APPRAISED = {AppraisalStatus.AGREED.value, AppraisalStatus.ADJUSTED.value}


def leaf_of(row: Mapping[str, Any]) -> Leaf:
    """Which points of an answer count, and why (see the module's docstring)."""
    source = row["node__source"]
    system = {"survey_citizens": Basis.SURVEY, "survey_officials": Basis.SURVEY}.get(source)
    if source == "computed":
        system = Basis.COMPUTED
    if row["appraisal_status"] in APPRAISED and row["appraised_points"] is not None:
        return Leaf(
            row["appraised_points"],
            system or Basis.APPRAISED,
            row["appraisal_reason"] or "",
            row["appraised_working"] or "",
        )
    if row["self_points"] is not None:
        return Leaf(row["self_points"], system or Basis.SELF, "", row["self_working"] or "")
    return Leaf(None, Basis.MISSING)


def cycle_board(cycle: Cycle, *, units: Sequence[int] | None = None) -> Board:
    """Every commune's result in the cycle, ranked; `units` limits it to some units' rows."""
    tree = tree_of(cycle.framework)
    assessments = Assessment.objects.filter(cycle=cycle)
    if units is not None:
        assessments = assessments.filter(unit_id__in=units)
    heads = list(
        assessments.values("pk", "group", "unit__code", "unit__name", "unit__parent__name")
    )
    leaves: dict[int, dict[str, Leaf]] = {h["pk"]: {} for h in heads}
    rows = Answer.objects.filter(assessment__in=assessments).values(
        "assessment_id",
        "node__code",
        "node__source",
        "self_points",
        "self_working",
        "appraisal_status",
        "appraised_points",
        "appraised_working",
        "appraisal_reason",
    )
    with gc_paused():  # some 50 objects an answer, none in a cycle: see `engine.compute_all`
        for row in rows.iterator(chunk_size=5000):
            leaves[row["assessment_id"]][row["node__code"]] = leaf_of(row)
    results = compute_all(
        tree,
        (
            (
                leaves[h["pk"]],
                {
                    "unit": h["unit__code"],
                    "name": h["unit__name"],
                    "group": h["group"],
                    "extra": {"parent": h["unit__parent__name"] or ""},
                },
            )
            for h in heads
        ),
    )
    return Board(tree, results, tuple(cycle.tie_break or ()))


# --- publication ---------------------------------------------------------------------------------


def current_publication(cycle: Cycle) -> Publication | None:
    """The cycle's current published version, without its snapshot: `published_board` reads
    it (once for each process, see there) and a page that only names the version never does."""
    return (
        Publication.objects.filter(cycle=cycle, state=PublicationState.PUBLISHED)
        .defer("snapshot")
        .first()
    )


# Boards of publications already read, newest use last. A prepared snapshot never changes, so a
# board decoded once serves every later request of the process (its JSON takes longer to decode
# and read back than the rest of a ranking page). The key names the version exactly: its id, its
# fingerprint and when it was prepared.
_BOARDS: OrderedDict[tuple[Any, ...], Board] = OrderedDict()
_BOARDS_KEPT = 12
_BOARDS_LOCK = threading.Lock()


def published_board(publication: Publication) -> Board:
    """The board of a publication's snapshot, decoded once for each process."""
    key = (publication.pk, publication.sha256, publication.prepared_at)
    if publication.pk is not None:
        with _BOARDS_LOCK:
            board = _BOARDS.get(key)
            if board is not None:
                _BOARDS.move_to_end(key)
                return board
    board = snapshot.from_data(publication.snapshot)
    if publication.pk is not None:
        with _BOARDS_LOCK:
            _BOARDS[key] = board
            while len(_BOARDS) > _BOARDS_KEPT:
                _BOARDS.popitem(last=False)
    return board


def prepare_publication(cycle: Cycle, *, by: User | None, reason: str = "") -> Publication:
    """Freeze the cycle's results as a new version awaiting the council's approval."""
    not_locked = list(
        Assessment.objects.filter(cycle=cycle)
        .exclude(status=Status.LOCKED)
        .order_by("unit__name")
        .values_list("unit__name", flat=True)
    )
    if not_locked:
        raise _refuse("publication.not_locked", count=len(not_locked), units=", ".join(not_locked))
    if Publication.objects.filter(
        cycle=cycle, state__in=[PublicationState.AWAITING, PublicationState.APPROVED]
    ).exists():
        raise _refuse("publication.pending")
    published_before = Publication.objects.filter(
        cycle=cycle, state__in=[PublicationState.PUBLISHED, PublicationState.SUPERSEDED]
    ).exists()
    reason = reason.strip()
    if published_before and not reason:
        raise _refuse("publication.reason_required")
    board = cycle_board(cycle)
    with transaction.atomic():
        last = Publication.objects.filter(cycle=cycle).aggregate(v=Max("version"))["v"] or 0
        data = snapshot.to_data(
            board,
            cycle={
                "name": cycle.name,
                "year": cycle.year,
                "scope": cycle.scope.name,
                "framework": f"{cycle.framework.code} — {cycle.framework.name}",
            },
            computed_at=timezone.now().isoformat(),
        )
        publication = Publication.objects.create(
            cycle=cycle, version=last + 1, snapshot=data, reason=reason, prepared_by=by
        )
        units = dict(Assessment.objects.filter(cycle=cycle).values_list("unit__code", "unit_id"))
        PublishedUnit.objects.bulk_create(
            PublishedUnit(
                publication=publication,
                unit_id=units[r.unit],
                total=r.total,
                percent=r.percent,
                rank=board.ranks[r.unit],
                band=r.band.label if r.band else "",
            )
            for r in board.results
        )
        integrity.seal(publication)
        record(
            actor=by,
            action=AuditAction.PUBLISH,
            obj=publication,
            unit=cycle.scope,
            old=None,
            new={
                "state": PublicationState.AWAITING.value,
                "version": publication.version,
                "sha256": publication.sha256,
            },
            reason=reason,
        )
    return publication


def _transition(
    publication: Publication,
    *,
    by: User | None,
    expected: PublicationState,
    to: PublicationState,
    reason: str = "",
    **changes: Any,
) -> Publication:
    with transaction.atomic():
        locked = Publication.objects.select_for_update().get(pk=publication.pk)
        if locked.state != expected:
            raise _refuse("publication.state", state=locked.get_state_display())
        old = locked.state
        locked.state = to
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.save(update_fields=["state", *changes])
        record(
            actor=by,
            action=AuditAction.PUBLISH,
            obj=locked,
            unit=locked.cycle.scope,
            old={"state": old},
            new={"state": to.value, **{k: v for k, v in changes.items() if k == "decision"}},
            reason=reason,
        )
    return locked


def approve_publication(
    publication: Publication, *, by: User | None, decision: str = ""
) -> Publication:
    """The council approves the prepared version (optionally naming its decision)."""
    return _transition(
        publication,
        by=by,
        expected=PublicationState.AWAITING,
        to=PublicationState.APPROVED,
        approved_by=by,
        approved_at=timezone.now(),
        decision=decision.strip()[:200],
    )


def reject_publication(publication: Publication, *, by: User | None, reason: str) -> Publication:
    """The council sends the prepared version back (its snapshot is kept, marked so)."""
    if not reason.strip():
        raise _refuse("reason.required")
    return _transition(
        publication,
        by=by,
        expected=PublicationState.AWAITING,
        to=PublicationState.WITHDRAWN,
        reason=reason.strip(),
    )


def publish(publication: Publication, *, by: User | None) -> Publication:
    """The secretariat publishes an approved version; an earlier published one is superseded."""
    with transaction.atomic():
        previous = (
            Publication.objects.select_for_update()
            .filter(cycle_id=publication.cycle_id, state=PublicationState.PUBLISHED)
            .exclude(pk=publication.pk)
            .first()
        )
        if previous is not None:
            _transition(
                previous,
                by=by,
                expected=PublicationState.PUBLISHED,
                to=PublicationState.SUPERSEDED,
                reason=publication.reason,
            )
        return _transition(
            publication,
            by=by,
            expected=PublicationState.APPROVED,
            to=PublicationState.PUBLISHED,
            published_by=by,
            published_at=timezone.now(),
        )


# --- years ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Before:
    """A unit's published result of an earlier year, and how it was found."""

    result: UnitResult
    rank: int | None  # None when combined from several predecessors
    publication: Publication
    predecessors: tuple[str, ...] = ()  # names of the merged units it combines


def previous_result(cycle: Cycle, unit: Unit) -> Before | None:
    """The unit's latest official result of an earlier year (the current published version),
    or, for a unit formed by a merger, the weighted result of its predecessors (weights: the
    successions' weights, e.g. population; equal shares when one is not given)."""
    year = cycle.year
    found = published_for(year, [unit.pk])
    if unit.pk in found:
        pub, board = found[unit.pk]
        result = board.result(unit.code)
        if result is not None:
            return Before(result, board.ranks.get(unit.code), pub)
    links = list(Succession.objects.filter(successor=unit).select_related("predecessor"))
    if not links:
        return None
    found = published_for(year, [link.predecessor_id for link in links])
    parts: list[tuple[UnitResult, Decimal]] = []
    names: list[str] = []
    publication: Publication | None = None
    for link in links:
        if link.predecessor_id not in found:
            continue
        publication, board = found[link.predecessor_id]
        result = board.result(link.predecessor.code)
        if result is not None:
            parts.append((result, link.weight or Decimal(0)))
            names.append(link.predecessor.name)
    if not parts or publication is None:
        return None
    if any(w == 0 for _r, w in parts):
        parts = [(r, Decimal(1)) for r, _w in parts]
    return Before(combine(parts, unit=unit.code, name=unit.name), None, publication, tuple(names))


def published_for(year: int, unit_ids: list[int]) -> dict[int, tuple[Publication, Board]]:
    """Each unit's latest publication of a year before `year` (with its board)."""
    rows = (
        PublishedUnit.objects.filter(
            unit_id__in=unit_ids,
            publication__state=PublicationState.PUBLISHED,
            publication__cycle__year__lt=year,
        )
        .select_related("publication")
        .order_by("publication__cycle__year", "publication__published_at")
    )
    boards: dict[int, Board] = {}
    out: dict[int, tuple[Publication, Board]] = {}
    for row in rows:
        pub = row.publication
        if pub.pk not in boards:
            boards[pub.pk] = published_board(pub)
        out[row.unit_id] = (pub, boards[pub.pk])
    return out


@dataclass(frozen=True)
class YearPoint:
    year: int
    total: Decimal
    percent: Decimal
    rank: int
    band: str
    publication_id: int


def history(unit: Unit) -> list[YearPoint]:
    """The unit's published results over the years (the current published version of each),
    its predecessors' before it existed are not mixed in (see `previous_result`)."""
    rows = PublishedUnit.objects.filter(
        unit=unit, publication__state=PublicationState.PUBLISHED
    ).values("publication__cycle__year", "total", "percent", "rank", "band", "publication_id")
    return sorted(
        (
            YearPoint(
                r["publication__cycle__year"],
                r["total"],
                r["percent"],
                r["rank"],
                r["band"],
                r["publication_id"],
            )
            for r in rows
        ),
        key=lambda p: p.year,
    )


def set_tie_break(cycle: Cycle, codes: list[str], *, by: User | None) -> Cycle:
    """The fields whose points separate units of equal total, in order (audited)."""
    old = list(cycle.tie_break or [])
    if old == codes:
        return cycle
    with transaction.atomic():
        cycle.tie_break = codes
        cycle.save(update_fields=["tie_break"])
        record(
            actor=by,
            action=AuditAction.CYCLE_UPDATE,
            obj=cycle,
            unit=cycle.scope,
            old={"tie_break": old},
            new={"tie_break": codes},
        )
    return cycle
