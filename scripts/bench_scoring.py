"""Benchmark of the scoring engine: prints figures, asserts nothing.

    .venv/bin/python scripts/bench_scoring.py [communes]

Computes, ranks and analyses N communes (3,321 by default: every commune of Vietnam since
01/07/2025) against the shipped 48-criteria framework, in pure Python, then serialises the board
as a publication snapshot and reads it back. The whole benchmark (database, pages, surveys,
files) is `manage.py bench`: see docs/benchmarks.md.
"""

from __future__ import annotations

import random
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from parindex.frameworks.library import shipped
from parindex.scoring import snapshot
from parindex.scoring.engine import Board, Leaf, Tree, compute_all, pareto


def main(count: int) -> None:
    rng = random.Random(2026)  # noqa: S311 - reproducible test data, not secrets
    tree = Tree.from_spec(shipped())
    inputs = []
    for i in range(count):
        leaves = {}
        for node in tree.leaves:
            points = node.maximum
            if rng.random() < 0.17:
                points = (node.maximum * Decimal(rng.randint(0, 99)) / 100).quantize(
                    Decimal("0.01")
                )
            leaves[node.code] = Leaf(points)
        inputs.append((f"{i:05d}", leaves))
    if "--memory" in sys.argv:
        tracemalloc.start()
    started = time.perf_counter()
    results = compute_all(
        tree, ((leaves, {"unit": code, "name": f"Xã {code}"}) for code, leaves in inputs)
    )
    computed = time.perf_counter()
    board = Board(tree, results)
    ranks = board.ranks
    ranked = time.perf_counter()
    rows = pareto(results)
    analysed = time.perf_counter()
    data = snapshot.to_data(board)
    back = snapshot.from_data(data)
    serialised = time.perf_counter()
    _current, peak = tracemalloc.get_traced_memory()
    if len(back.results) != count or len(ranks) != count:
        raise SystemExit("the snapshot lost communes")
    print(f"communes: {count}, sub-criteria each: {len(tree.leaves)}")
    each = (computed - started) / count * 1e6
    print(f"compute: {computed - started:.3f} s ({each:.0f} µs a commune)")
    print(f"rank: {ranked - computed:.3f} s; pareto: {analysed - ranked:.3f} s ({len(rows)} rows)")
    print(f"snapshot out and back: {serialised - analysed:.3f} s")
    print(f"peak memory traced: {peak / 1e6:.1f} MB")


if __name__ == "__main__":
    numbers = [a for a in sys.argv[1:] if a.isdigit()]
    main(int(numbers[0]) if numbers else 3321)
