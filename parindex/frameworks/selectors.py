"""Reads of frameworks: the stored tree as plain data, the tree's rows for pages."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from parindex.frameworks.models import Framework, Node
from parindex.frameworks.rules import Problem, parse_rule
from parindex.frameworks.spec import (
    BandSpec,
    EvidenceSpec,
    FrameworkSpec,
    GroupSpec,
    NodeSpec,
    validate,
)
from parindex.orgunits.models import Kind

KNOWN_KINDS = frozenset(Kind.values)


def ordered_nodes(framework: Framework) -> list[Node]:
    """Every node in the tree's order, with its evidence requirements: two queries."""
    return list(framework.nodes.order_by("sort_key").prefetch_related("evidence"))


def bands_of(framework: Framework) -> tuple[BandSpec, ...]:
    return tuple(
        BandSpec(str(b.get("code", "")), str(b.get("label", "")), Decimal(str(b.get("min", 0))))
        for b in framework.bands
    )


def groups_of(framework: Framework) -> tuple[GroupSpec, ...]:
    return tuple(
        GroupSpec(str(g.get("code", "")), str(g.get("name", "")), tuple(g.get("kinds", [])))
        for g in framework.groups
    )


def node_spec(node: Node, children: tuple[NodeSpec, ...] = ()) -> NodeSpec:
    return NodeSpec(
        code=node.code,
        title=node.title,
        maximum=node.max_points,
        source=node.source,
        rule=parse_rule(node.rule) if node.rule else None,
        guidance=node.guidance,
        evidence=tuple(EvidenceSpec(e.title, e.required) for e in node.evidence.all()),
        groups=tuple(node.groups),
        responsible=node.responsible,
        note=node.note,
        children=children,
    )


def spec_of(framework: Framework, nodes: list[Node] | None = None) -> FrameworkSpec:
    """The stored framework as plain data (what the files, the validator and the engine read)."""
    nodes = ordered_nodes(framework) if nodes is None else nodes
    kids: dict[int | None, list[Node]] = defaultdict(list)
    for node in nodes:
        kids[node.parent_id].append(node)

    def build(node: Node) -> NodeSpec:
        return node_spec(node, tuple(build(k) for k in kids[node.pk]))

    return FrameworkSpec(
        code=framework.code,
        name=framework.name,
        year_from=framework.year_from,
        year_to=framework.year_to,
        level=framework.scored_level,
        decision=framework.decision,
        description=framework.description,
        total=framework.total,
        bonus_max=framework.bonus_max,
        bonus_needs_evidence=framework.bonus_needs_evidence,
        penalty_max=framework.penalty_max,
        penalty_needs_evidence=framework.penalty_needs_evidence,
        bands=bands_of(framework),
        groups=groups_of(framework),
        fields=tuple(build(n) for n in kids[None]),
    )


def problems_of(framework: Framework, nodes: list[Node] | None = None) -> list[Problem]:
    return validate(spec_of(framework, nodes), known_kinds=KNOWN_KINDS)


@dataclass
class TreeRow:
    """A node as the framework page shows it."""

    node: Node
    is_leaf: bool
    problems: list[Problem] = field(default_factory=list)


def tree_rows(framework: Framework) -> tuple[list[TreeRow], list[Problem], dict[str, int]]:
    """The tree's rows with each node's problems, the framework-wide problems, and counts."""
    nodes = ordered_nodes(framework)
    parents = {n.parent_id for n in nodes}
    problems = problems_of(framework, nodes)
    by_node: dict[str, list[Problem]] = defaultdict(list)
    general: list[Problem] = []
    for problem in problems:
        (by_node[problem.node] if problem.node else general).append(problem)
    rows = [TreeRow(n, n.pk not in parents, by_node.get(n.code, [])) for n in nodes]
    counts = {
        "fields": sum(1 for n in nodes if n.depth == 1),
        "scored": sum(1 for r in rows if r.is_leaf),
        "problems": len(problems),
    }
    return rows, general, counts
