"""The pure evaluator: seed 004's rule at its boundaries, nesting, fields, ranks, changes and plan
targets; reading rules (every problem, with where it is); the rule back as canonical data."""

from __future__ import annotations

from decimal import Decimal

import pytest

from parindex.awards.eligibility import (
    SEED_004,
    TARGET_STATES,
    Facts,
    Kind,
    Previous,
    RuleError,
    deciding,
    evaluate,
    parse,
    to_data,
)

D = Decimal
SEED = parse(SEED_004)


def facts(percent: str, previous: str | None = None, **more: object) -> Facts:
    before = Previous(D(previous), D(previous), year=2024) if previous is not None else None
    return Facts(total=D(percent), percent=D(percent), previous=before, **more)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("percent", "previous", "eligible"),
    [
        ("79.99", "70", False),  # higher than last year, but under 80
        ("80.00", "79.99", True),  # 80 and higher: the first branch
        ("80.00", "80.00", False),  # equal to last year is not higher; under 83
        ("80.00", "80.01", False),  # lower than last year; under 83
        ("80.00", None, False),  # no earlier result: "higher" does not hold; under 83
        ("82.99", "90", False),  # lower than last year and under 83
        ("82.99", None, False),
        ("83.00", "90", True),  # 83 regardless of last year
        ("83.00", None, True),
        ("83.00", "83.00", True),
        ("100", "100", True),
    ],
)
def test_seed_004_at_its_boundaries(percent: str, previous: str | None, eligible: bool) -> None:
    assert evaluate(SEED, facts(percent, previous)).held is eligible


def test_every_clause_carries_its_figures() -> None:
    check = evaluate(SEED, facts("81.50", "82.10"))
    assert check.held is False
    first, second = check.children
    at_80, higher = first.children
    assert (at_80.held, at_80.actual) == (True, D("81.50"))
    assert (higher.held, higher.actual, higher.previous, higher.previous_year) == (
        False,
        D("81.50"),
        D("82.10"),
        2024,
    )
    assert (second.held, second.actual) == (False, D("81.50"))


def test_the_deciding_clauses() -> None:
    held, failed = deciding(evaluate(SEED, facts("81.50", "82.10")))
    assert [c.clause.kind for c in held] == [Kind.PERCENT]  # 81,50 ≥ 80 held ...
    assert [c.clause.kind for c in failed] == [Kind.HIGHER, Kind.PERCENT]  # ... but not the rest
    held, failed = deciding(evaluate(SEED, facts("84.20", "90")))
    assert [(c.clause.kind, c.actual) for c in held] == [(Kind.PERCENT, D("84.20"))]
    assert failed == []
    held, failed = deciding(evaluate(SEED, facts("80.50", "79")))
    assert [c.clause.kind for c in held] == [Kind.PERCENT, Kind.HIGHER]  # the first branch


def test_no_last_year_says_so() -> None:
    higher = evaluate(SEED, facts("81", None)).children[0].children[1]
    assert higher.held is False
    assert higher.missing == "previous"
    assert higher.previous is None


def test_a_unit_without_a_published_result_holds_nothing() -> None:
    check = evaluate(SEED, Facts())
    assert check.held is False
    assert {leaf.missing for leaf in check.leaves()} == {"result"}


def test_nested_any_inside_all_inside_any() -> None:
    rule = parse(
        {
            "any": [
                {"all": [{"percent": "> 90"}, {"any": [{"rank": "<= 3"}, {"total": ">= 95"}]}]},
                {"all": [{"change": ">= 2"}, {"percent": ">= 85"}]},
            ]
        }
    )
    assert evaluate(rule, Facts(total=D(91), percent=D(91), rank=2)).held is True
    assert evaluate(rule, Facts(total=D(91), percent=D(91), rank=4)).held is False
    assert evaluate(rule, Facts(total=D(96), percent=D(96), rank=4)).held is True
    before = Previous(D("84.99"), D("84.99"))
    assert evaluate(rule, Facts(total=D(87), percent=D(87), rank=9, previous=before)).held is True
    before = Previous(D("85.01"), D("85.01"))
    assert evaluate(rule, Facts(total=D(87), percent=D(87), rank=9, previous=before)).held is False


def test_a_top_level_list_is_all() -> None:
    rule = parse([{"percent": 80}, "higher_than_last_year"])
    assert rule.kind == Kind.ALL
    assert evaluate(rule, facts("80", "79.99")).held is True
    assert evaluate(rule, facts("80", "80")).held is False


def test_field_points_and_percent() -> None:
    nodes = {"9": (D("32.5"), D(36)), "3": (D(12), D(14))}
    sipas = parse({"field": "9", "percent": ">= 90"})  # 32,5/36 = 90,28 %
    assert evaluate(sipas, Facts(total=D(90), percent=D(90), nodes=nodes)).actual == D("90.28")
    assert evaluate(sipas, Facts(total=D(90), percent=D(90), nodes=nodes)).held is True
    procedures = parse({"field": 3, "points": "> 12"})
    assert evaluate(procedures, Facts(total=D(90), percent=D(90), nodes=nodes)).held is False
    procedures = parse({"field": "3", "points": ">= 12"})
    assert evaluate(procedures, Facts(total=D(90), percent=D(90), nodes=nodes)).held is True
    missing = evaluate(parse({"field": "7", "points": 1}), Facts(total=D(9), percent=D(9)))
    assert (missing.held, missing.missing) == (False, "node")


def test_rank() -> None:
    top_ten = parse({"rank": "<= 10"})
    assert evaluate(top_ten, Facts(total=D(90), percent=D(90), rank=10)).held is True
    assert evaluate(top_ten, Facts(total=D(90), percent=D(90), rank=11)).held is False


def test_change_over_last_year_in_points_and_percent() -> None:
    gain = parse({"change": ">= 1.5"})
    before = Previous(D("80.00"), D("80.00"))
    check = evaluate(gain, Facts(total=D("81.50"), percent=D("81.50"), previous=before))
    assert (check.held, check.actual, check.previous) == (True, D("1.50"), D("80.00"))
    check = evaluate(gain, Facts(total=D("81.49"), percent=D("81.49"), previous=before))
    assert check.held is False
    by_percent = parse({"change": "> 0", "measure": "percent"})
    old = Previous(D("90"), D("90.00"))
    now = Facts(total=D("45.5"), percent=D("91.00"), previous=old)  # a 50-point framework
    assert evaluate(by_percent, now).held is True
    assert evaluate(gain, Facts(total=D(99), percent=D(99))).missing == "previous"


def test_higher_on_the_total() -> None:
    rule = parse({"higher_than_last_year": True, "measure": "total"})
    before = Previous(D("45"), D("90"))
    assert evaluate(rule, Facts(total=D("45.01"), percent=D("90"), previous=before)).held is True
    assert evaluate(rule, Facts(total=D("45"), percent=D("95"), previous=before)).held is False


def test_plan_target_state() -> None:
    rule = parse({"plan_target": "1.1", "state": ["met", "on_track"]})
    assert evaluate(rule, Facts(targets={"1.1": "met"})).held is True
    assert evaluate(rule, Facts(targets={"1.1": "on_track"})).held is True
    missed = evaluate(rule, Facts(targets={"1.1": "missed"}))
    assert (missed.held, missed.state) == (False, "missed")
    assert evaluate(rule, Facts(targets={"1.2": "met"})).missing == "target"
    assert evaluate(rule, Facts()).missing == "plan"
    both = parse({"all": [{"percent": 80}, {"plan_target": "1.1"}]})
    assert both.uses_plan_targets is True
    assert evaluate(both, Facts(total=D(85), percent=D(85), targets={"1.1": "met"})).held is True


def test_the_target_states_are_the_plans() -> None:
    from parindex.plans.rules import TargetState

    assert set(TARGET_STATES) == {s.value for s in TargetState}


def test_comparisons_as_written() -> None:
    for written in (">= 80", "≥ 80", "=> 80", "80", "80%", ">=80,0"):
        comparison = parse({"percent": written}).comparison
        assert comparison is not None
        assert (comparison.op, comparison.value) == (">=", D(80)), written
    assert parse({"percent": 82.5}).comparison.value == D("82.5")  # type: ignore[union-attr]
    assert parse({"rank": "< 4"}).comparison.op == "<"  # type: ignore[union-attr]
    assert parse({"total": "= 100"}).comparison.op == "="  # type: ignore[union-attr]


def test_every_problem_is_listed_with_where_it_is() -> None:
    with pytest.raises(RuleError) as refused:
        parse(
            {
                "any": [
                    {"all": [{"percent": "about 80"}, {"higher": True}]},
                    {"field": "9"},
                    {"plan_target": "1.1", "state": "done"},
                    {"all": []},
                ]
            }
        )
    found = [(p.code, p.where) for p in refused.value.problems]
    assert found == [
        ("rule.comparison", "any › 1 › all › 1 › percent"),
        ("rule.unknown", "any › 1 › all › 2"),
        ("rule.field_measure", "any › 2"),
        ("rule.target_state", "any › 3 › state"),
        ("rule.group_empty", "any › 4 › all"),
    ]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (None, "rule.not_a_clause"),
        ("80", "rule.not_a_clause"),
        ({}, "rule.not_a_clause"),
        ({"all": {"percent": 80}}, "rule.group_list"),
        ({"all": [], "any": []}, "rule.extra_keys"),
        ({"percent": 80, "rank": 3}, "rule.unknown"),
        ({"percent": True}, "rule.comparison"),
        ({"change": 1, "measure": "rank"}, "rule.measure"),
        ({"higher_than_last_year": "yes"}, "rule.higher_value"),
        ({"field": "", "points": 1}, "rule.field_code"),
        ({"plan_target": ""}, "rule.target_code"),
    ],
)
def test_bad_rules_are_refused(data: object, code: str) -> None:
    with pytest.raises(RuleError) as refused:
        parse(data)
    assert refused.value.problems[0].code == code


def test_too_deep_is_refused() -> None:
    data: object = {"percent": 80}
    for _ in range(9):
        data = {"all": [data]}
    with pytest.raises(RuleError) as refused:
        parse(data)
    assert refused.value.problems[0].code == "rule.too_deep"


def test_the_canonical_data_reads_back_the_same() -> None:
    assert to_data(SEED) == SEED_004
    rule = parse(
        [
            {"percent": "≥ 80,5"},
            {"field": 9, "percent": 90},
            {"change": "> 0", "measure": "percent"},
            {"higher_than_last_year": "total"},
            {"plan_target": "1.1", "state": ["met", "on_track"]},
        ]
    )
    data = to_data(rule)
    assert data == {
        "all": [
            {"percent": ">= 80.5"},
            {"field": "9", "percent": ">= 90"},
            {"change": "> 0", "measure": "percent"},
            {"higher_than_last_year": True, "measure": "total"},
            {"plan_target": "1.1", "state": ["met", "on_track"]},
        ]
    }
    assert parse(data) == rule
