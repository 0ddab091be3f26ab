"""A framework as plain data, and the checks it must pass before it can be published.

`FrameworkSpec` is what the YAML and Excel files hold, what the database stores, and what the
scoring engine reads: pure Python, no Django. `validate()` returns every problem at once, each
naming its node, so the page and the import report can say exactly what is wrong.

What is checked:
- the framework: code, name, years in order, total > 0, bonus and penalty caps ≥ 0, bands in
  descending order down to 0, unit groups with unique codes;
- each node: a code that extends its parent's ("2.3.1" under "2.3"), unique in the framework; a
  title; a maximum > 0 with at most 2 decimals; at most 4 levels (field → criterion →
  sub-criterion → one more);
- a scored node (a leaf): a source and a rule that fits its maximum and its source;
- a node with children: no rule of its own, and its children's maxima add up to its own;
- the fields add up to the framework's total;
- with unit groups, these sums hold for each group's own set of criteria.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from parindex.frameworks.rules import (
    Problem,
    Rule,
    Source,
    has_two_places_at_most,
    rule_problems,
)

MAX_DEPTH = 4
DEFAULT_TOTAL = Decimal(100)


@dataclass(frozen=True)
class EvidenceSpec:
    """A document a commune must (or may) attach to claim the node's points."""

    title: str
    required: bool = True


@dataclass(frozen=True)
class NodeSpec:
    code: str
    title: str
    maximum: Decimal
    source: str = ""
    rule: Rule | None = None
    guidance: str = ""
    evidence: tuple[EvidenceSpec, ...] = ()
    groups: tuple[str, ...] = ()  # unit groups this node applies to; empty = all
    responsible: str = ""  # the office that owns it in the commune (for improvement plans)
    note: str = ""  # the source of the wording or values; "minh họa" marks an illustrative value
    children: tuple[NodeSpec, ...] = ()

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def applies_to(self, group: str | None) -> bool:
        return group is None or not self.groups or group in self.groups


@dataclass(frozen=True)
class GroupSpec:
    """A group of units with its own set of criteria (xã, phường, đặc khu ...)."""

    code: str
    name: str
    kinds: tuple[str, ...] = ()  # unit kinds (orgunits.Kind values) that fall in the group


@dataclass(frozen=True)
class BandSpec:
    """A classification band: a total of at least `minimum` is classed `label`."""

    code: str
    label: str
    minimum: Decimal


@dataclass(frozen=True)
class FrameworkSpec:
    code: str
    name: str
    year_from: int
    year_to: int
    level: str = "commune"
    decision: str = ""
    description: str = ""
    total: Decimal = DEFAULT_TOTAL
    bonus_max: Decimal = Decimal(0)
    bonus_needs_evidence: bool = True
    penalty_max: Decimal = Decimal(0)
    penalty_needs_evidence: bool = True
    bands: tuple[BandSpec, ...] = ()
    groups: tuple[GroupSpec, ...] = ()
    fields: tuple[NodeSpec, ...] = ()

    def walk(self) -> Iterator[tuple[NodeSpec, NodeSpec | None, int]]:
        """Every node with its parent and depth (1 = field), in the tree's order."""

        def visit(
            node: NodeSpec, parent: NodeSpec | None, depth: int
        ) -> Iterator[tuple[NodeSpec, NodeSpec | None, int]]:
            yield node, parent, depth
            for child in node.children:
                yield from visit(child, node, depth + 1)

        for top in self.fields:
            yield from visit(top, None, 1)

    def leaves(self) -> list[NodeSpec]:
        return [node for node, _parent, _depth in self.walk() if node.is_leaf]

    def node(self, code: str) -> NodeSpec | None:
        return next((n for n, _p, _d in self.walk() if n.code == code), None)


def parent_code(code: str) -> str:
    """'2.3.1' -> '2.3'; a field's code has no parent ('')."""
    return code.rpartition(".")[0]


def validate(spec: FrameworkSpec, *, known_kinds: frozenset[str] | None = None) -> list[Problem]:
    """Every problem of the framework, in the tree's order; [] means it can be published."""
    problems = _framework_problems(spec, known_kinds)
    group_codes = {g.code for g in spec.groups}
    seen: dict[str, int] = {}
    for node, parent, depth in spec.walk():
        problems.extend(p.at(node.code) for p in node_problems(node, parent, depth, group_codes))
        if node.code:
            seen[node.code] = seen.get(node.code, 0) + 1
    problems.extend(
        Problem("node.code_duplicate", {"code": code, "times": n}, code)
        for code, n in seen.items()
        if n > 1
    )
    problems.extend(_sum_problems(spec))
    return problems


def _framework_problems(spec: FrameworkSpec, known_kinds: frozenset[str] | None) -> list[Problem]:
    problems: list[Problem] = []
    if not spec.code.strip():
        problems.append(Problem("framework.code_empty"))
    if not spec.name.strip():
        problems.append(Problem("framework.name_empty"))
    if spec.year_to < spec.year_from:
        problems.append(Problem("framework.years", {"start": spec.year_from, "end": spec.year_to}))
    if spec.total <= 0 or not has_two_places_at_most(spec.total):
        problems.append(Problem("framework.total", {"total": spec.total}))
    for name, cap in (("bonus", spec.bonus_max), ("penalty", spec.penalty_max)):
        if cap < 0 or not has_two_places_at_most(cap):
            problems.append(Problem("framework.cap", {"which": name, "value": cap}))
    if not spec.fields:
        problems.append(Problem("framework.no_fields"))
    problems.extend(_band_problems(spec))
    codes: set[str] = set()
    for group in spec.groups:
        if not group.code.strip() or not group.name.strip():
            problems.append(Problem("group.empty", {"code": group.code}))
        if group.code in codes:
            problems.append(Problem("group.duplicate", {"code": group.code}))
        codes.add(group.code)
        unknown = [k for k in group.kinds if known_kinds is not None and k not in known_kinds]
        if unknown:
            problems.append(
                Problem("group.unknown_kind", {"code": group.code, "kinds": ", ".join(unknown)})
            )
    return problems


def _band_problems(spec: FrameworkSpec) -> list[Problem]:
    problems: list[Problem] = []
    for before, after in zip(spec.bands, spec.bands[1:], strict=False):
        if after.minimum >= before.minimum:
            problems.append(Problem("band.order", {"first": before.label, "second": after.label}))
    codes = [b.code for b in spec.bands]
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        problems.append(Problem("band.duplicate", {"code": code}))
    for band in spec.bands:
        if not band.code.strip() or not band.label.strip():
            problems.append(Problem("band.empty", {"code": band.code}))
        if band.minimum < 0 or band.minimum > spec.total:
            problems.append(Problem("band.range", {"label": band.label, "minimum": band.minimum}))
    if spec.bands and spec.bands[-1].minimum != 0:
        problems.append(Problem("band.no_zero", {"label": spec.bands[-1].label}))
    return problems


def node_problems(
    node: NodeSpec, parent: NodeSpec | None, depth: int, group_codes: set[str]
) -> list[Problem]:
    problems: list[Problem] = []
    code = node.code.strip()
    if not code:
        problems.append(Problem("node.code_empty", {"title": node.title[:60]}))
    elif any(not part for part in code.split(".")) or " " in code:
        problems.append(Problem("node.code_shape", {"code": code}))
    elif parent is not None and parent_code(code) != parent.code:
        problems.append(Problem("node.code_parent", {"code": code, "parent": parent.code}))
    elif parent is None and "." in code:
        problems.append(
            Problem("node.code_parent_missing", {"code": code, "parent": parent_code(code)})
        )
    if depth > MAX_DEPTH:
        problems.append(Problem("node.too_deep", {"depth": depth, "max_depth": MAX_DEPTH}))
    if not node.title.strip():
        problems.append(Problem("node.title_empty"))
    if node.maximum <= 0:
        problems.append(Problem("node.max_positive", {"maximum": node.maximum}))
    elif not has_two_places_at_most(node.maximum):
        problems.append(Problem("node.max_places", {"maximum": node.maximum}))
    if node.source and node.source not in Source.__members__.values():
        problems.append(Problem("node.unknown_source", {"source": node.source}))
    if node.is_leaf:
        if not node.source:
            problems.append(Problem("node.source_missing"))
        if node.rule is None:
            problems.append(Problem("node.rule_missing"))
        elif node.maximum > 0:
            problems.extend(rule_problems(node.rule, node.maximum, node.source))
    elif node.rule is not None:
        problems.append(Problem("node.rule_on_parent"))
    unknown = [g for g in node.groups if g not in group_codes]
    if unknown:
        problems.append(Problem("node.unknown_group", {"groups": ", ".join(unknown)}))
    if (
        parent is not None
        and parent.groups
        and node.groups
        and not set(node.groups) <= set(parent.groups)
    ):
        problems.append(Problem("node.group_outside_parent", {"parent": parent.code}))
    titles = [e.title.strip().lower() for e in node.evidence]
    if any(not t for t in titles):
        problems.append(Problem("evidence.title_empty"))
    for title in sorted({t for t in titles if t and titles.count(t) > 1}):
        problems.append(Problem("evidence.duplicate", {"title": title}))
    return problems


def _sum_problems(spec: FrameworkSpec) -> list[Problem]:
    """Children add up to their parent, fields to the total: for every unit group on its own.

    A sum that is wrong for every group is reported once without a group; one that is wrong for
    some groups only names them.
    """
    groups: list[GroupSpec | None] = list(spec.groups) or [None]
    wrong: dict[tuple[str, Decimal, Decimal], list[str]] = {}

    def note(code: str, total: Decimal, expected: Decimal, group: GroupSpec | None) -> None:
        wrong.setdefault((code, total, expected), []).append(group.name if group else "")

    def check(node: NodeSpec, group: GroupSpec | None) -> None:
        kids = [c for c in node.children if c.applies_to(group.code if group else None)]
        if node.children:
            total = sum((c.maximum for c in kids), Decimal(0))
            if total != node.maximum:
                note(node.code, total, node.maximum, group)
        for kid in kids:
            check(kid, group)

    for group in groups:
        tops = [f for f in spec.fields if f.applies_to(group.code if group else None)]
        total = sum((f.maximum for f in tops), Decimal(0))
        if spec.fields and total != spec.total:
            note("", total, spec.total, group)
        for top in tops:
            check(top, group)
    problems: list[Problem] = []
    for (code, total, expected), names in wrong.items():
        label = "" if len(names) == len(groups) else ", ".join(names)
        if code:
            params = {"sum": total, "maximum": expected, "group": label}
            problems.append(Problem("node.children_sum", params, code))
        else:
            params = {"sum": total, "total": expected, "group": label}
            problems.append(Problem("framework.fields_sum", params))
    # The framework's own sum first, then the nodes in the tree's order.
    return sorted(problems, key=lambda p: p.node != "")
