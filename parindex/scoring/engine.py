"""The scoring engine: a framework tree and a commune's final points → the index.

Pure Python over plain data (no Django, no database), so a whole province is computed from a few
queries, the what-if preview and the published snapshots use the same arithmetic, and the tests
need no database.

Inputs
- `Tree`: the framework's nodes in order (code, title, maximum, parent, source, unit groups), its
  total, bonus and penalty caps and classification bands (`Tree.from_spec`).
- For each scored sub-criterion (leaf) a `Leaf`: its points and where they come from (`Basis`):
  appraised (agreed or adjusted by the appraisal team), self-assessed only (flagged: nobody has
  appraised it), a survey, computed by the system, or missing (no answer: 0 points).
- The unit's group (xã, phường ...): a sub-criterion that does not apply to the group counts
  neither in the points nor in the maximum.
- Bonus and penalty points, each capped by the framework.

Rounding (the one documented step)
- Each leaf's points come from its rule, already rounded once to 2 places half up; a leaf given
  with more places is rounded the same way, once, here.
- Every node above is the exact sum of its children; the total is the exact sum of the fields,
  plus the bonus, minus the penalty (each capped), never below 0: sums of 2-place numbers need
  no rounding.
- The percentage of the maximum (`percent`) is total ÷ maximum × 100, rounded once to 2 places
  half up; with a maximum of 100 it equals the total. Bands compare this percentage.

Ranking (`rank`): competition ranking on the total (ties share a rank: 1, 2, 2, 4), optionally
broken by the points of listed fields in order; `rank_by` ranks on one node (a field).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any

from parindex.frameworks.rules import CENT, HUNDRED, ZERO, round_points

if TYPE_CHECKING:
    from parindex.frameworks.spec import FrameworkSpec


class Basis(StrEnum):
    APPRAISED = "appraised"
    SELF = "self"  # self-assessed, not appraised: flagged wherever shown
    SURVEY = "survey"
    COMPUTED = "computed"
    MISSING = "missing"  # no answer at all: 0 points


@dataclass(frozen=True)
class NodeDef:
    code: str
    title: str
    maximum: Decimal
    parent: str = ""  # "" for a field
    depth: int = 1
    source: str = ""
    groups: tuple[str, ...] = ()  # the unit groups it applies to; () = all
    is_leaf: bool = True

    def applies_to(self, group: str) -> bool:
        return not self.groups or not group or group in self.groups


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    minimum: Decimal


@dataclass(frozen=True)
class Tree:
    nodes: tuple[NodeDef, ...]
    total: Decimal = HUNDRED
    bonus_max: Decimal = ZERO
    penalty_max: Decimal = ZERO
    bands: tuple[Band, ...] = ()

    @classmethod
    def from_spec(cls, spec: FrameworkSpec) -> Tree:
        nodes = tuple(
            NodeDef(
                code=node.code,
                title=node.title,
                maximum=node.maximum,
                parent=parent.code if parent else "",
                depth=depth,
                source=node.source,
                groups=tuple(node.groups),
                is_leaf=node.is_leaf,
            )
            for node, parent, depth in spec.walk()
        )
        bands = tuple(
            sorted(
                (Band(b.code, b.label, b.minimum) for b in spec.bands),
                key=lambda b: b.minimum,
                reverse=True,
            )
        )
        return cls(nodes, spec.total, spec.bonus_max, spec.penalty_max, bands)

    @property
    def fields(self) -> list[NodeDef]:
        return [n for n in self.nodes if n.depth == 1]

    @property
    def leaves(self) -> list[NodeDef]:
        return [n for n in self.nodes if n.is_leaf]

    @cached_property
    def ancestors(self) -> dict[str, tuple[str, ...]]:
        """Each node's ancestors' codes, nearest first."""
        parents = {n.code: n.parent for n in self.nodes}
        out: dict[str, tuple[str, ...]] = {}
        for node in self.nodes:
            chain = []
            code = node.parent
            while code:
                chain.append(code)
                code = parents.get(code, "")
            out[node.code] = tuple(chain)
        return out

    @cached_property
    def _applicable_by_group(self) -> dict[str, frozenset[str]]:
        return {}

    def applicable(self, group: str) -> frozenset[str]:
        """Codes of the nodes that apply to the group (a node applies when it and its
        ancestors do); computed once per group."""
        found = self._applicable_by_group.get(group)
        if found is None:
            ok: set[str] = set()
            for node in self.nodes:
                if node.applies_to(group) and (not node.parent or node.parent in ok):
                    ok.add(node.code)
            found = self._applicable_by_group[group] = frozenset(ok)
        return found

    @cached_property
    def _plans(self) -> dict[str, Plan]:
        return {}

    def plan(self, group: str) -> Plan:
        """How `compute` adds up a unit of the group (worked out once per group)."""
        found = self._plans.get(group)
        if found is None:
            found = self._plans[group] = Plan.of(self, group)
        return found

    def band_for(self, percent: Decimal) -> Band | None:
        return next((b for b in self.bands if percent >= b.minimum), None)


@dataclass(frozen=True)
class Plan:
    """A tree's shape for one unit group, as `compute` uses it.

    - `leaves`: each applicable leaf, in the tree's order: its position among the results, code,
      the fields its result copies, its maximum, and the slots (in `inner`) of its ancestors;
    - `inner`: each applicable node above the leaves that has at least one applicable leaf: its
      position, its slot and its result's fixed fields (its maximum: the sum of its leaves');
    - `field_positions`: the positions of the fields; `maximum`: the sum of their maxima.
    The sums are made in the same order as a direct walk of the tree, so every figure (and the
    number of decimal places of each Decimal) is the same.
    """

    size: int
    leaves: tuple[tuple[int, str, dict[str, Any], Decimal, tuple[int, ...]], ...]
    inner: tuple[tuple[int, int, dict[str, Any]], ...]
    inner_count: int
    field_positions: tuple[int, ...]
    maximum: Decimal

    @classmethod
    def of(cls, tree: Tree, group: str) -> Plan:
        applies = tree.applicable(group)
        chosen = [n for n in tree.nodes if n.code in applies]
        maxima: dict[str, Decimal] = {}
        for node in chosen:
            if node.is_leaf:
                for ancestor in tree.ancestors[node.code]:
                    maxima[ancestor] = maxima.get(ancestor, ZERO) + node.maximum
        kept = [n for n in chosen if n.is_leaf or n.code in maxima]
        position = {n.code: i for i, n in enumerate(kept)}
        slot = {n.code: i for i, n in enumerate(n for n in kept if not n.is_leaf)}
        leaves = tuple(
            (
                position[n.code],
                n.code,
                {
                    "code": n.code,
                    "title": n.title,
                    "depth": n.depth,
                    "maximum": n.maximum,
                    "is_leaf": True,
                },
                n.maximum,
                tuple(slot[a] for a in tree.ancestors[n.code] if a in slot),
            )
            for n in kept
            if n.is_leaf
        )
        inner = tuple(
            (
                position[n.code],
                slot[n.code],
                {
                    "code": n.code,
                    "title": n.title,
                    "depth": n.depth,
                    "maximum": maxima[n.code],
                    "is_leaf": False,
                    "basis": None,
                    "reason": "",
                    "working": "",
                },
            )
            for n in kept
            if not n.is_leaf
        )
        fields = tuple(position[n.code] for n in kept if n.depth == 1)
        maximum = sum(
            (maxima[n.code] if not n.is_leaf else n.maximum for n in kept if n.depth == 1), ZERO
        )
        return cls(len(kept), leaves, inner, len(slot), fields, maximum)


@dataclass(frozen=True)
class Leaf:
    points: Decimal | None
    basis: Basis = Basis.APPRAISED
    reason: str = ""  # the appraiser's reason (or the commune's note) for the points
    working: str = ""  # the rule's arithmetic


@dataclass(frozen=True)
class NodeResult:
    code: str
    title: str
    depth: int
    maximum: Decimal
    points: Decimal
    is_leaf: bool
    basis: Basis | None = None  # leaves only
    reason: str = ""
    working: str = ""

    @property
    def lost(self) -> Decimal:
        return self.maximum - self.points

    @property
    def full(self) -> bool:
        return self.points >= self.maximum


@dataclass(frozen=True)
class UnitResult:
    unit: str  # the unit's code
    name: str
    group: str
    nodes: tuple[NodeResult, ...]  # the nodes that apply, in the tree's order
    bonus: Decimal
    penalty: Decimal
    total: Decimal
    maximum: Decimal
    percent: Decimal
    band: Band | None
    extra: Mapping[str, Any] = field(default_factory=dict)  # e.g. the unit's parent's name

    def node(self, code: str) -> NodeResult | None:
        return next((n for n in self.nodes if n.code == code), None)

    def points(self, code: str) -> Decimal | None:
        node = self.node(code)
        return node.points if node else None

    @property
    def fields(self) -> list[NodeResult]:
        return [n for n in self.nodes if n.depth == 1]

    @property
    def leaves(self) -> list[NodeResult]:
        return [n for n in self.nodes if n.is_leaf]

    @property
    def full_count(self) -> int:
        return sum(1 for n in self.leaves if n.full)

    @property
    def leaf_count(self) -> int:
        return len(self.leaves)

    @property
    def self_assessed_count(self) -> int:
        """Sub-criteria whose points are self-assessed only (not appraised)."""
        return sum(1 for n in self.leaves if n.basis == Basis.SELF)

    @property
    def missing_count(self) -> int:
        return sum(1 for n in self.leaves if n.basis == Basis.MISSING)


def percent_of(points: Decimal, maximum: Decimal) -> Decimal:
    if maximum <= 0:
        return ZERO
    return (points * HUNDRED / maximum).quantize(CENT, rounding=ROUND_HALF_UP)


def compute(
    tree: Tree,
    leaves: Mapping[str, Leaf],
    *,
    unit: str = "",
    name: str = "",
    group: str = "",
    bonus: Decimal = ZERO,
    penalty: Decimal = ZERO,
    extra: Mapping[str, Any] | None = None,
) -> UnitResult:
    """One unit's index: points per node, per field, the total, the percentage and the band.

    The tree's shape for the group (which nodes apply, each node's maximum, the sums to make) is
    worked out once per group (`Tree.plan`); here only the unit's points are added up.
    """
    plan = tree.plan(group)
    sums = [ZERO] * plan.inner_count
    results: list[NodeResult | None] = [None] * plan.size
    get = leaves.get
    for position, code, template, maximum, slots in plan.leaves:
        given = get(code)
        if given is None:
            points, basis, reason, working = ZERO, Basis.MISSING, "", ""
        elif given.points is None:
            points, basis, reason, working = ZERO, Basis.MISSING, given.reason, given.working
        else:
            points = given.points.quantize(CENT, rounding=ROUND_HALF_UP)  # `round_points`
            if points < ZERO:  # as min(max(points, 0), maximum)
                points = ZERO
            elif maximum < points:
                points = maximum
            basis, reason, working = given.basis, given.reason, given.working
        result = _new_node()
        values = result.__dict__
        values.update(template)
        values["points"] = points
        values["basis"] = basis
        values["reason"] = reason
        values["working"] = working
        results[position] = result
        for slot in slots:
            sums[slot] += points
    for position, slot, template in plan.inner:
        result = _new_node()
        values = result.__dict__
        values.update(template)
        values["points"] = sums[slot]
        results[position] = result
    nodes = tuple(results)  # type: ignore[arg-type]  # every position is filled
    fields_points = ZERO
    for position in plan.field_positions:
        fields_points += nodes[position].points  # type: ignore[union-attr]
    maximum = plan.maximum
    bonus = min(max(bonus, ZERO), tree.bonus_max)
    penalty = min(max(penalty, ZERO), tree.penalty_max)
    total = max(fields_points + bonus - penalty, ZERO)
    percent = percent_of(total, maximum)
    return UnitResult(
        unit=unit,
        name=name,
        group=group,
        nodes=nodes,  # type: ignore[arg-type]
        bonus=bonus,
        penalty=penalty,
        total=total,
        maximum=maximum,
        percent=percent,
        band=tree.band_for(percent),
        extra=dict(extra or {}),
    )


def compute_all(
    tree: Tree, units: Iterable[tuple[Mapping[str, Leaf], Mapping[str, Any]]]
) -> tuple[UnitResult, ...]:
    """`compute` for many units: each unit's leaves and its keyword arguments (unit, name,
    group ...). The garbage collector is paused meanwhile: the results are hundreds of thousands
    of small objects without cycles (freed by reference counting), and the collector's passes
    over them would otherwise take longer than the arithmetic itself."""
    with gc_paused(promote=True):
        return tuple(compute(tree, leaves, **options) for leaves, options in units)


@contextmanager
def gc_paused(*, promote: bool = False) -> Iterator[None]:
    """The garbage collector paused while many acyclic objects are made (see `compute_all`).

    `promote`: when it resumes, the objects made meanwhile go straight to the oldest generation
    (`gc.freeze` then `gc.unfreeze`, which scans nothing); otherwise the collector's first pass
    goes through all of them at once, and takes about as long as making them. Only for work that
    makes no reference cycles: garbage moved there waits for a full collection. The young
    generations are collected first, so that earlier garbage is not moved with them."""
    enabled = gc.isenabled()
    if enabled and promote:
        gc.collect(1)
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if promote:
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def _new_node() -> NodeResult:
    """An empty `NodeResult` whose fields `compute` writes straight into its `__dict__`: the
    same object as `NodeResult(...)` gives, without the frozen dataclass's one
    `object.__setattr__` per field (about half of the engine's time for a whole country)."""
    return object.__new__(NodeResult)


# --- ranking and classification ------------------------------------------------------------------


def rank(
    results: Sequence[UnitResult],
    *,
    tie_break: Sequence[str] = (),
    key: Callable[[UnitResult], Decimal] | None = None,
) -> dict[str, int]:
    """Competition ranks by unit code: the best is 1, equal units share a rank (1, 2, 2, 4).

    `key` is what is ranked (the total by default); `tie_break` lists node codes (fields) whose
    points, in that order, separate units of equal key; units equal on all of them share a rank.
    """
    value = key or (lambda r: r.total)

    def sort_key(result: UnitResult) -> tuple[Decimal, ...]:
        return (value(result), *((result.points(code) or ZERO) for code in tie_break))

    keys = {r.unit: sort_key(r) for r in results}
    ordered = sorted(keys.values(), reverse=True)
    first: dict[tuple[Decimal, ...], int] = {}
    for position, k in enumerate(ordered, start=1):
        first.setdefault(k, position)
    return {unit: first[k] for unit, k in keys.items()}


def rank_by(results: Sequence[UnitResult], code: str) -> dict[str, int]:
    """Ranks on one node's points (a field's, for the ranking by field)."""
    return rank(results, key=lambda r: r.points(code) or ZERO)


def ordered(results: Iterable[UnitResult], ranks: Mapping[str, int]) -> list[UnitResult]:
    """Results by rank, then by name (Vietnamese letters sorted by their base letter)."""
    from parindex.frameworks.rules import slug

    return sorted(results, key=lambda r: (ranks.get(r.unit, 10**9), slug(r.name), r.unit))


# --- lost points ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldLosses:
    field: NodeResult
    leaves: tuple[NodeResult, ...]  # the sub-criteria of the field that lost points


def lost_points(result: UnitResult) -> list[FieldLosses]:
    """Every sub-criterion that lost points, grouped by field (fields that lost nothing too)."""
    by_field: dict[str, list[NodeResult]] = {}
    current = ""
    for node in result.nodes:
        if node.depth == 1:
            current = node.code
            by_field[current] = []
        elif node.is_leaf and node.lost > 0:
            by_field[current].append(node)
    out = []
    for node in result.fields:
        if node.is_leaf and node.lost > 0:  # a field scored directly
            by_field[node.code] = [node]
        out.append(FieldLosses(node, tuple(by_field.get(node.code, []))))
    return out


@dataclass(frozen=True)
class ParetoRow:
    code: str
    title: str
    maximum: Decimal
    lost: Decimal  # points lost by all units together
    units: int  # how many units lost points on it
    share: Decimal  # % of all points lost (2 places)
    cumulative: Decimal  # cumulative share (2 places)


def pareto(results: Sequence[UnitResult]) -> list[ParetoRow]:
    """The sub-criteria that lose the most points across units, largest first."""
    lost: dict[str, Decimal] = {}
    count: dict[str, int] = {}
    info: dict[str, NodeResult] = {}
    for result in results:
        for node in result.leaves:
            if node.lost > 0:
                lost[node.code] = lost.get(node.code, ZERO) + node.lost
                count[node.code] = count.get(node.code, 0) + 1
                info.setdefault(node.code, node)
    grand = sum(lost.values(), ZERO)
    rows: list[ParetoRow] = []
    running = ZERO
    for code in sorted(lost, key=lambda c: (-lost[c], -count[c], c)):
        running += lost[code]
        rows.append(
            ParetoRow(
                code,
                info[code].title,
                info[code].maximum,
                lost[code],
                count[code],
                percent_of(lost[code], grand),
                percent_of(running, grand),
            )
        )
    return rows


# --- year over year ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    code: str
    title: str
    now: Decimal
    before: Decimal
    maximum: Decimal

    @property
    def delta(self) -> Decimal:
        return self.now - self.before


def combine(parts: Sequence[tuple[UnitResult, Decimal]], *, unit: str, name: str) -> UnitResult:
    """The weighted result of several units (the predecessors of a merged commune).

    Each node's points (and the total and percentage) are the weighted mean of the parts'
    (weights as given, e.g. population; equal weights when all are 0), rounded once to 2 places
    half up. Nodes missing from a part are left out of that part's mean.
    """
    if not parts:
        raise ValueError("nothing to combine")
    weights = [w for _r, w in parts]
    if sum(weights, ZERO) <= 0:
        parts = [(r, Decimal(1)) for r, _w in parts]

    def mean(values: list[tuple[Decimal, Decimal]]) -> Decimal:
        total_weight = sum((w for _v, w in values), ZERO)
        if total_weight <= 0:
            return ZERO
        return round_points(sum((v * w for v, w in values), ZERO) / total_weight)

    base = parts[0][0]
    nodes: list[NodeResult] = []
    for node in base.nodes:
        values = [(found.points, w) for r, w in parts if (found := r.node(node.code)) is not None]
        nodes.append(replace(node, points=mean(values), basis=None, reason="", working=""))
    total = mean([(r.total, w) for r, w in parts])
    percent = mean([(r.percent, w) for r, w in parts])
    return UnitResult(
        unit=unit,
        name=name,
        group=base.group,
        nodes=tuple(nodes),
        bonus=ZERO,
        penalty=ZERO,
        total=total,
        maximum=base.maximum,
        percent=percent,
        band=None,
        extra={"combined_from": [r.unit for r, _w in parts]},
    )


def compare(now: UnitResult, before: UnitResult) -> list[Change]:
    """The change of every node present in both years (matched by code), in this year's order."""
    changes = []
    for node in now.nodes:
        old = before.node(node.code)
        if old is not None:
            changes.append(Change(node.code, node.title, node.points, old.points, node.maximum))
    return changes


# --- what-if -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WhatIf:
    result: UnitResult
    gained: Decimal
    rank: int | None


def what_if(
    tree: Tree,
    result: UnitResult,
    fixes: Iterable[str],
    *,
    others: Sequence[UnitResult] = (),
) -> WhatIf:
    """The result if the listed sub-criteria reached full points, and the rank it would reach
    among `others` (the other units of the scope, as they are)."""
    wanted = set(fixes)
    leaves = {
        n.code: Leaf(n.maximum if n.code in wanted else n.points, n.basis or Basis.APPRAISED)
        for n in result.leaves
    }
    new = compute(
        tree,
        leaves,
        unit=result.unit,
        name=result.name,
        group=result.group,
        bonus=result.bonus,
        penalty=result.penalty,
    )
    position = None
    if others:
        field = [o for o in others if o.unit != result.unit] + [new]
        position = rank(field)[result.unit]
    return WhatIf(new, new.total - result.total, position)


def fixes_by_gain(result: UnitResult) -> list[NodeResult]:
    """The sub-criteria that lost points, the biggest gain first (then in the tree's order)."""
    order = {n.code: i for i, n in enumerate(result.nodes)}
    return sorted((n for n in result.leaves if n.lost > 0), key=lambda n: (-n.lost, order[n.code]))


# --- a whole scope -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Board:
    """Every unit's result in a scope, with ranks overall, within groups and by field."""

    tree: Tree
    results: tuple[UnitResult, ...]
    tie_break: tuple[str, ...] = ()
    fixed_ranks: Mapping[str, int] | None = None  # ranks as published (a snapshot keeps them)
    fixed_group_ranks: Mapping[str, int] | None = None

    @cached_property
    def ranks(self) -> Mapping[str, int]:
        if self.fixed_ranks is not None:
            return self.fixed_ranks
        return rank(self.results, tie_break=self.tie_break)

    @cached_property
    def group_ranks(self) -> Mapping[str, int]:
        """Each unit's rank among the units of its group (wards, communes ...)."""
        if self.fixed_group_ranks is not None:
            return self.fixed_group_ranks
        out: dict[str, int] = {}
        for group in {r.group for r in self.results}:
            out.update(
                rank([r for r in self.results if r.group == group], tie_break=self.tie_break)
            )
        return out

    @cached_property
    def by_unit(self) -> dict[str, UnitResult]:
        return {r.unit: r for r in self.results}

    def result(self, unit: str) -> UnitResult | None:
        return self.by_unit.get(unit)

    def ordered(self, group: str | None = None) -> list[UnitResult]:
        chosen = [r for r in self.results if group is None or r.group == group]
        return ordered(chosen, self.group_ranks if group is not None else self.ranks)

    def field_ranks(self, code: str) -> dict[str, int]:
        return rank_by(self.results, code)

    @cached_property
    def averages(self) -> dict[str, Decimal]:
        """The mean points of every node over the units it applies to (2 places, half up),
        and of the total under the key ''."""
        sums: dict[str, Decimal] = {}
        counts: dict[str, int] = {}
        for result in self.results:
            for node in result.nodes:
                sums[node.code] = sums.get(node.code, ZERO) + node.points
                counts[node.code] = counts.get(node.code, 0) + 1
            sums[""] = sums.get("", ZERO) + result.total
            counts[""] = counts.get("", 0) + 1
        return {code: round_points(sums[code] / counts[code]) for code in sums}

    @cached_property
    def distribution(self) -> list[tuple[Band | None, int]]:
        """How many units fall in each band, best band first (None: no band matched)."""
        counts: dict[str | None, int] = {}
        for result in self.results:
            key = result.band.code if result.band else None
            counts[key] = counts.get(key, 0) + 1
        rows: list[tuple[Band | None, int]] = [(b, counts.get(b.code, 0)) for b in self.tree.bands]
        if counts.get(None):
            rows.append((None, counts[None]))
        return rows

    @cached_property
    def groups(self) -> list[str]:
        return sorted({r.group for r in self.results if r.group})
