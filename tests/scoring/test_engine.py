"""The scoring engine over plain data: seed 003's published figures, ranking, analyses."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parindex.frameworks.library import shipped
from parindex.frameworks.rules import parse_rule, slug
from parindex.scoring import snapshot
from parindex.scoring.engine import (
    Basis,
    Board,
    Leaf,
    NodeDef,
    Tree,
    combine,
    compare,
    compute,
    fixes_by_gain,
    lost_points,
    pareto,
    rank,
    what_if,
)

D = Decimal


@pytest.fixture(scope="module")
def spec():
    return shipped()


@pytest.fixture(scope="module")
def tree(spec):
    return Tree.from_spec(spec)


def seed_003_leaves(spec) -> dict[str, Leaf]:
    """Phú Mỹ town, 2023 (seed 003): every sub-criterion at full points except the eight the
    plan lists, each scored by the framework's own rule from the answer the town gave."""
    answers = {
        "1.1.2": {"done": 6, "planned": 7},  # 6/7 tasks: 3 − 0,15 × 1 = 2,85
        "1.5.1": {"level": slug("Được cấp xã công nhận hoặc đề xuất")},  # 1/2
        "3.1.1": {"yes": False},  # missing the attached report: 0
        "3.1.2": {"yes": False},  # missing the attached report: 0
        "7.1.1": {"yes": False},  # missing the editorial board's decision: 0
        "7.2.1": {"achieved": 199, "required": 200},  # 1,99/2
        "8.1.2": {"level": slug("Chỉ đầy đủ hồ sơ điện tử hoặc hồ sơ giấy")},  # 0,5/1
        "9.1": {"index": "90.28"},  # SIPAS 90,28 % × 36 = 32,5008 → 32,50
    }
    leaves = {}
    for node in spec.leaves():
        if node.code in answers:
            score = parse_rule(node.rule.to_dict()).score(node.maximum, answers[node.code])
            leaves[node.code] = Leaf(score.points, Basis.APPRAISED, "lý do", score.working)
        else:
            leaves[node.code] = Leaf(node.maximum, Basis.APPRAISED)
    return leaves


def test_seed_003_gives_its_published_figures(spec, tree):
    result = compute(tree, seed_003_leaves(spec), unit="PM", name="Thị trấn Phú Mỹ")
    assert result.total == D("91.84")
    assert result.maximum == D("100")
    assert result.percent == D("91.84")
    assert result.leaf_count == 48
    assert result.full_count == 40
    fields = {f.code: (f.points, f.maximum) for f in result.fields}
    assert fields["1"] == (D("10.85"), D("12"))
    assert fields["3"] == (D("12"), D("14"))
    assert fields["7"] == (D("9.99"), D("11"))
    assert fields["8"] == (D("5.5"), D("6"))
    assert fields["9"] == (D("32.50"), D("36"))
    assert result.band is not None
    assert result.band.label == "Xuất sắc"


def test_seed_003_lost_points_grouped_by_field(spec, tree):
    result = compute(tree, seed_003_leaves(spec))
    losses = {
        f.field.code: [(n.code, n.points, n.lost) for n in f.leaves] for f in lost_points(result)
    }
    assert losses["1"] == [("1.1.2", D("2.85"), D("0.15")), ("1.5.1", D("1"), D("1"))]
    assert losses["3"] == [("3.1.1", D("0"), D("1")), ("3.1.2", D("0"), D("1"))]
    assert losses["7"] == [("7.1.1", D("0"), D("1")), ("7.2.1", D("1.99"), D("0.01"))]
    assert losses["8"] == [("8.1.2", D("0.5"), D("0.5"))]
    assert losses["9"] == [("9.1", D("32.50"), D("3.50"))]
    assert losses["2"] == []
    assert sum(len(v) for v in losses.values()) == 8


def test_missing_and_self_assessed_are_flagged(tree):
    result = compute(tree, {"1.1.1": Leaf(D("1"), Basis.SELF)})
    assert result.self_assessed_count == 1
    assert result.missing_count == result.leaf_count - 1
    assert result.total == D("1")


def test_points_are_clamped_and_rounded_once(tree):
    result = compute(
        tree, {"1.1.1": Leaf(D("5")), "1.1.2": Leaf(D("1.005")), "1.2.1": Leaf(D("-1"))}
    )
    assert result.points("1.1.1") == D("1")
    assert result.points("1.1.2") == D("1.01")
    assert result.points("1.2.1") == D("0")


def small_tree(**kwargs) -> Tree:
    nodes = (
        NodeDef("1", "A", D("6"), "", 1, is_leaf=False),
        NodeDef("1.1", "A1", D("4"), "1", 2),
        NodeDef("1.2", "A2", D("2"), "1", 2, groups=("phuong",)),
        NodeDef("2", "B", D("4"), "", 1),
    )
    return Tree(nodes, D("10"), **kwargs)


def test_group_specific_criteria_leave_the_maximum():
    tree = small_tree()
    ward = compute(
        tree, {"1.1": Leaf(D("4")), "1.2": Leaf(D("1")), "2": Leaf(D("4"))}, group="phuong"
    )
    commune = compute(tree, {"1.1": Leaf(D("4")), "2": Leaf(D("4"))}, group="xa")
    assert (ward.total, ward.maximum, ward.percent) == (D("9"), D("10"), D("90.00"))
    assert (commune.total, commune.maximum, commune.percent) == (D("8"), D("8"), D("100.00"))


def test_bonus_and_penalty_are_capped():
    tree = small_tree(bonus_max=D("1"), penalty_max=D("2"))
    leaves = {"1.1": Leaf(D("4")), "2": Leaf(D("2"))}
    result = compute(tree, leaves, bonus=D("3"), penalty=D("0.5"))
    assert result.total == D("6.5")  # 6 + 1 (capped) − 0,5
    assert compute(tree, {}, penalty=D("9")).total == D("0")


def results_with_totals(*totals: str):
    tree = Tree((NodeDef("1", "A", D("100")), NodeDef("2", "B", D("100"))), D("200"))
    return tree, [
        compute(tree, {"1": Leaf(D(t)), "2": Leaf(D(i))}, unit=f"U{i}", name=f"Xã {i}")
        for i, t in enumerate(totals)
    ]


def test_ties_share_a_rank():
    _tree, results = results_with_totals("90", "80", "80", "70")
    # Field 2 gives 0, 1, 2, 3: totals 90, 81, 82, 73 — so make field 2 equal for ties.
    tree = Tree((NodeDef("1", "A", D("100")),), D("100"))
    results = [
        compute(tree, {"1": Leaf(D(t))}, unit=u)
        for u, t in zip("ABCD", ["90", "80", "80", "70"], strict=True)
    ]
    assert rank(results) == {"A": 1, "B": 2, "C": 2, "D": 4}


def test_a_tie_break_separates_equal_totals():
    tree = Tree((NodeDef("1", "A", D("50")), NodeDef("2", "B", D("50"))), D("100"))
    a = compute(tree, {"1": Leaf(D("40")), "2": Leaf(D("40"))}, unit="A")
    b = compute(tree, {"1": Leaf(D("45")), "2": Leaf(D("35"))}, unit="B")
    c = compute(tree, {"1": Leaf(D("45")), "2": Leaf(D("35"))}, unit="C")
    assert rank([a, b, c]) == {"A": 1, "B": 1, "C": 1}
    assert rank([a, b, c], tie_break=["1"]) == {"B": 1, "C": 1, "A": 3}
    assert rank([a, b, c], tie_break=["2"]) == {"A": 1, "B": 2, "C": 2}


@given(st.lists(st.integers(min_value=0, max_value=100), min_size=1, max_size=40))
def test_ranks_are_competition_ranks(totals):
    tree = Tree((NodeDef("1", "A", D("100")),), D("100"))
    results = [compute(tree, {"1": Leaf(D(t))}, unit=str(i)) for i, t in enumerate(totals)]
    ranks = rank(results)
    for i, t in enumerate(totals):
        assert ranks[str(i)] == 1 + sum(1 for other in totals if other > t)


def test_board_ranks_within_groups_and_by_field():
    tree = Tree((NodeDef("1", "A", D("50")), NodeDef("2", "B", D("50"))), D("100"))
    results = (
        compute(tree, {"1": Leaf(D("50")), "2": Leaf(D("30"))}, unit="A", group="xa"),
        compute(tree, {"1": Leaf(D("20")), "2": Leaf(D("50"))}, unit="B", group="phuong"),
        compute(tree, {"1": Leaf(D("30")), "2": Leaf(D("10"))}, unit="C", group="xa"),
    )
    board = Board(tree, results)
    assert board.ranks == {"A": 1, "B": 2, "C": 3}
    assert board.group_ranks == {"A": 1, "C": 2, "B": 1}
    assert board.field_ranks("2") == {"B": 1, "A": 2, "C": 3}
    assert board.averages["1"] == D("33.33")
    assert board.averages[""] == D("63.33")


def test_pareto_orders_sub_criteria_by_points_lost(tree):
    a = compute(tree, {n.code: Leaf(n.maximum) for n in tree.leaves} | {"9.1": Leaf(D("30"))})
    b = compute(
        tree,
        {n.code: Leaf(n.maximum) for n in tree.leaves}
        | {"9.1": Leaf(D("34")), "3.1.1": Leaf(D("0"))},
    )
    rows = pareto([a, b])
    assert [(r.code, r.lost, r.units) for r in rows] == [("9.1", D("8"), 2), ("3.1.1", D("1"), 1)]
    assert rows[0].share == D("88.89")
    assert rows[-1].cumulative == D("100.00")


def test_what_if_sorts_fixes_and_gives_the_rank(spec, tree):
    me = compute(tree, seed_003_leaves(spec), unit="PM")
    others = [
        compute(tree, {n.code: Leaf(n.maximum) for n in tree.leaves} | {"9.1": Leaf(D(p))}, unit=u)
        for u, p in [("X", "30"), ("Y", "27"), ("Z", "25")]
    ]
    # Totals: X 94, Y 91, Z 89; the town 91,84 is 2nd.
    assert [f.code for f in fixes_by_gain(me)][:3] == ["9.1", "1.5.1", "3.1.1"]
    plan = what_if(tree, me, ["3.1.1", "3.1.2", "7.1.1"], others=others)
    assert plan.gained == D("3")
    assert plan.result.total == D("94.84")
    assert plan.rank == 1
    assert what_if(tree, me, [], others=others).rank == 2


def test_year_over_year_and_merged_predecessors():
    tree = Tree((NodeDef("1", "A", D("50")), NodeDef("2", "B", D("50"))), D("100"))
    old_a = compute(tree, {"1": Leaf(D("40")), "2": Leaf(D("40"))}, unit="A")
    old_b = compute(tree, {"1": Leaf(D("30")), "2": Leaf(D("20"))}, unit="B")
    merged = combine([(old_a, D("3000")), (old_b, D("1000"))], unit="N", name="Xã mới")
    # (40 × 3000 + 30 × 1000) ÷ 4000 = 37,5; (40 × 3000 + 20 × 1000) ÷ 4000 = 35; total 72,5
    assert merged.points("1") == D("37.50")
    assert merged.points("2") == D("35.00")
    assert merged.total == D("72.50")
    equal = combine([(old_a, D(0)), (old_b, D(0))], unit="N", name="Xã mới")
    assert equal.total == D("65.00")
    now = compute(tree, {"1": Leaf(D("45")), "2": Leaf(D("30"))}, unit="N")
    changes = {c.code: c.delta for c in compare(now, merged)}
    assert changes == {"1": D("7.50"), "2": D("-5.00")}


def test_a_snapshot_reads_back_the_same_figures(spec, tree):
    results = (
        compute(tree, seed_003_leaves(spec), unit="PM", name="Phú Mỹ", group="xa"),
        compute(tree, {}, unit="Z", name="Zero", group="xa"),
    )
    board = Board(tree, results, ("1",))
    back = snapshot.from_data(snapshot.to_data(board, cycle={"year": 2023}))
    assert back.ranks == {"PM": 1, "Z": 2}
    again = back.result("PM")
    assert again is not None
    assert again.total == D("91.84")
    assert again.full_count == 40
    assert again.node("9.1") == board.result("PM").node("9.1")
    assert again.band == board.result("PM").band
