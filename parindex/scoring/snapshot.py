"""A cycle's results as plain JSON (a publication's snapshot) and back.

Everything shown from a published result comes from here: the tree as it was, each unit's points
per node, the basis and reason of each sub-criterion, the totals, bands and ranks as published.
Nothing is recomputed from a snapshot, so later changes of the code or the data never alter an
official figure.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from parindex.scoring.engine import Band, Basis, Board, NodeDef, NodeResult, Tree, UnitResult

FORMAT = 1


def _d(value: Decimal) -> str:
    return f"{value:f}"


def to_data(board: Board, **meta: Any) -> dict[str, Any]:
    tree = board.tree
    return {
        "format": FORMAT,
        **meta,
        "tree": {
            "total": _d(tree.total),
            "bonus_max": _d(tree.bonus_max),
            "penalty_max": _d(tree.penalty_max),
            "bands": [[b.code, b.label, _d(b.minimum)] for b in tree.bands],
            "nodes": [
                [
                    *(n.code, n.title, _d(n.maximum), n.parent, n.depth, n.source),
                    *(list(n.groups), n.is_leaf),
                ]
                for n in tree.nodes
            ],
        },
        "tie_break": list(board.tie_break),
        "units": [
            {
                "unit": r.unit,
                "name": r.name,
                "group": r.group,
                "extra": dict(r.extra),
                "bonus": _d(r.bonus),
                "penalty": _d(r.penalty),
                "total": _d(r.total),
                "maximum": _d(r.maximum),
                "percent": _d(r.percent),
                "band": r.band.code if r.band else "",
                "rank": board.ranks[r.unit],
                "group_rank": board.group_ranks[r.unit],
                "nodes": [
                    [n.code, _d(n.points), _d(n.maximum)]
                    + ([n.basis.value if n.basis else "", n.reason, n.working] if n.is_leaf else [])
                    for n in r.nodes
                ],
            }
            for r in board.results
        ],
    }


def from_data(data: dict[str, Any]) -> Board:
    t = data["tree"]
    nodes = tuple(
        NodeDef(code, title, Decimal(maximum), parent, depth, source, tuple(groups), is_leaf)
        for code, title, maximum, parent, depth, source, groups, is_leaf in t["nodes"]
    )
    bands = tuple(Band(code, label, Decimal(minimum)) for code, label, minimum in t["bands"])
    tree = Tree(
        nodes, Decimal(t["total"]), Decimal(t["bonus_max"]), Decimal(t["penalty_max"]), bands
    )
    defs = {n.code: n for n in nodes}
    by_code = {b.code: b for b in bands}
    results = []
    ranks: dict[str, int] = {}
    group_ranks: dict[str, int] = {}
    for u in data["units"]:
        node_results = []
        for row in u["nodes"]:
            node = defs[row[0]]
            basis = Basis(row[3]) if node.is_leaf and row[3] else None
            reason = row[4] if node.is_leaf else ""
            working = row[5] if node.is_leaf else ""
            node_results.append(
                NodeResult(
                    node.code,
                    node.title,
                    node.depth,
                    Decimal(row[2]),
                    Decimal(row[1]),
                    node.is_leaf,
                    basis,
                    reason,
                    working,
                )
            )
        results.append(
            UnitResult(
                unit=u["unit"],
                name=u["name"],
                group=u["group"],
                nodes=tuple(node_results),
                bonus=Decimal(u["bonus"]),
                penalty=Decimal(u["penalty"]),
                total=Decimal(u["total"]),
                maximum=Decimal(u["maximum"]),
                percent=Decimal(u["percent"]),
                band=by_code.get(u["band"]),
                extra=u.get("extra", {}),
            )
        )
        ranks[u["unit"]] = u["rank"]
        group_ranks[u["unit"]] = u["group_rank"]
    return Board(tree, tuple(results), tuple(data.get("tie_break", ())), ranks, group_ranks)
