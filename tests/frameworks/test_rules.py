"""Scoring rules at their edges (0, max, exactly at a tier boundary, above the cap) and their
properties (points always within 0..max, monotone in the input), with hypothesis."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parindex.frameworks.rules import (
    AnswerError,
    DeductionRule,
    Level,
    LevelsRule,
    PlanCompletionRule,
    ProportionalRule,
    RuleError,
    RuleKind,
    SurveyRule,
    Tier,
    TiersRule,
    YesNoRule,
    adjusted_total,
    parse_rule,
    round_points,
    rule_problems,
    to_decimal,
)

D = Decimal
ON_TIME = LevelsRule((Level("Đúng hạn", D(1)), Level("Trễ hạn", D("0.5")), Level("Không", D(0))))
TIERS = TiersRule((Tier(D(90), D(2)), Tier(D(70), D(1)), Tier(D(0), D(0))))


def codes(problems: list) -> list[str]:
    return [p.code for p in problems]


# --- levels ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "points"), [("dung_han", "1"), ("tre_han", "0.5"), ("khong", "0"), ("Trễ hạn", "0.5")]
)
def test_levels_give_the_chosen_level_points(level: str, points: str) -> None:
    score = ON_TIME.score(D(1), {"level": level})
    assert score.points == D(points)
    assert score.points.as_tuple().exponent == -2  # always two places


def test_levels_working_names_the_level() -> None:
    assert ON_TIME.score(D(1), {"level": "tre_han"}).working == "«Trễ hạn» = 0,5"


def test_levels_refuse_an_unknown_or_missing_level() -> None:
    with pytest.raises(AnswerError) as unknown:
        ON_TIME.score(D(1), {"level": "som"})
    assert unknown.value.problem.code == "answer.unknown_level"
    with pytest.raises(AnswerError) as missing:
        ON_TIME.score(D(1), {})
    assert missing.value.problem.code == "answer.missing"


def test_levels_must_reach_the_maximum_and_stay_under_it() -> None:
    assert ON_TIME.problems(D(1)) == []
    assert codes(ON_TIME.problems(D(2))) == ["rule.max_unreachable"]
    assert "rule.points_above_max" in codes(ON_TIME.problems(D("0.5")))
    negative = LevelsRule((Level("A", D(1)), Level("B", D(-1))))
    assert codes(negative.problems(D(1))) == ["rule.points_negative"]
    twice = LevelsRule((Level("Đạt", D(1)), Level("dat", D(0))))
    assert codes(twice.problems(D(1))) == ["rule.level_duplicate"]
    assert codes(LevelsRule((Level("A", D(1)),)).problems(D(1))) == ["rule.levels_too_few"]
    three_places = LevelsRule((Level("A", D(1)), Level("B", D("0.333"))))
    assert codes(three_places.problems(D(1))) == ["rule.points_places"]


# --- yes/no ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "points"), [(True, "1.5"), (False, "0"), ("có", "1.5"), ("không", "0"), ("1", "1.5")]
)
def test_yes_no(answer: object, points: str) -> None:
    assert YesNoRule().score(D("1.5"), {"yes": answer}).points == D(points)


def test_yes_no_needs_an_answer() -> None:
    with pytest.raises(AnswerError):
        YesNoRule().score(D(1), {"yes": "perhaps"})


# --- proportional ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("achieved", "required", "points", "working"),
    [
        (0, 7, "0.00", "2 × 0/7 = 0"),
        (7, 7, "2.00", "7/7 ≥ 1 → 2"),
        (8, 7, "2.00", "8/7 ≥ 1 → 2"),  # above the cap: capped at the maximum
        (199, 200, "1.99", "2 × 199/200 = 1,99"),  # seed 003's fully-online services
        (6, 7, "1.71", "2 × 6/7 = 1,71"),  # 1,714... rounded half up once
        ("2,5", 4, "1.25", "2 × 2,5/4 = 1,25"),
    ],
)
def test_proportional(achieved: object, required: object, points: str, working: str) -> None:
    score = ProportionalRule().score(D(2), {"achieved": achieved, "required": required})
    assert (score.points, score.working) == (D(points), working)
    assert score.inputs == {"achieved": str(to_decimal(achieved)), "required": str(required)}


def test_proportional_against_a_target_rate() -> None:
    rule = ProportionalRule(target=D(90))  # 90% of dossiers digitised earns the whole
    assert rule.score(D(2), {"achieved": 90, "required": 100}).points == D(2)
    assert rule.score(D(2), {"achieved": 45, "required": 100}).points == D(1)
    assert rule.score(D(2), {"achieved": 89, "required": 100}).points == D("1.98")


def test_proportional_with_nothing_required() -> None:
    assert ProportionalRule().score(D(1), {"achieved": 0, "required": 0}).points == D(1)
    zero = ProportionalRule(if_none="zero")
    assert zero.score(D(1), {"achieved": 0, "required": 0}).points == D(0)


def test_proportional_refuses_bad_inputs_and_targets() -> None:
    for answer, code in (
        ({"achieved": -1, "required": 3}, "answer.negative"),
        ({"achieved": "x", "required": 3}, "answer.not_a_number"),
        ({"required": 3}, "answer.missing"),
    ):
        with pytest.raises(AnswerError) as error:
            ProportionalRule().score(D(1), answer)
        assert error.value.problem.code == code
    assert codes(ProportionalRule(target=D(0)).problems(D(1))) == ["rule.target_range"]
    assert codes(ProportionalRule(target=D(101)).problems(D(1))) == ["rule.target_range"]


# --- tiers ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "points"),
    [("0", "0"), ("69.99", "0"), ("70", "1"), ("89,99", "1"), ("90", "2"), ("100", "2")],
)
def test_tiers_at_their_boundaries(value: str, points: str) -> None:
    assert TIERS.score(D(2), {"value": value}).points == D(points)


def test_tiers_working_and_percent_cap() -> None:
    assert TIERS.score(D(2), {"value": 92}).working == "92% ≥ 90% → 2"
    with pytest.raises(AnswerError) as error:
        TIERS.score(D(2), {"value": "100.01"})
    assert error.value.problem.code == "answer.percent_above_100"
    counts = TiersRule((Tier(D(5), D(1)), Tier(D(0), D(0))), percent=False)
    assert counts.score(D(1), {"value": 250}).points == D(1)


def test_tiers_problems_are_named() -> None:
    assert TIERS.problems(D(2)) == []
    assert codes(TIERS.problems(D(3))) == ["rule.max_unreachable"]
    unordered = TiersRule((Tier(D(70), D(1)), Tier(D(90), D(2)), Tier(D(0), D(0))))
    assert codes(unordered.problems(D(2))) == ["rule.tiers_order", "rule.tiers_not_monotone"]
    gap = TiersRule((Tier(D(90), D(2)), Tier(D(70), D(1))))
    assert codes(gap.problems(D(2))) == ["rule.tiers_no_zero"]
    inverted = TiersRule((Tier(D(90), D(1)), Tier(D(0), D(2))))
    assert codes(inverted.problems(D(2))) == ["rule.tiers_not_monotone"]
    above = TiersRule((Tier(D(120), D(2)), Tier(D(0), D(0))))
    assert codes(above.problems(D(2))) == ["rule.tier_threshold_range"]


# --- deduction ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "points", "working"),
    [
        (0, "1.00", "1 − 0,25 × 0 = 1"),
        (1, "0.75", "1 − 0,25 × 1 = 0,75"),
        (4, "0.00", "1 − 0,25 × 4 = 0"),
        (9, "0.00", "1 − 0,25 × 9 < 0 → 0"),  # never below 0
    ],
)
def test_deduction(count: int, points: str, working: str) -> None:
    score = DeductionRule(D("0.25")).score(D(1), {"count": count})
    assert (score.points, score.working) == (D(points), working)


def test_deduction_counts_whole_occurrences() -> None:
    with pytest.raises(AnswerError) as error:
        DeductionRule(D("0.25")).score(D(1), {"count": "1,5"})
    assert error.value.problem.code == "answer.not_whole"
    assert codes(DeductionRule(D(0)).problems(D(1))) == ["rule.step_positive"]
    assert codes(DeductionRule(D(2)).problems(D(1))) == ["rule.step_above_max"]


# --- survey ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "points"), [("0", "0"), ("90.28", "32.50"), ("90.3", "32.51"), ("100", "36")]
)
def test_survey_index_times_maximum(index: str, points: str) -> None:
    # seed 003: 32,5/36 corresponds to an index of about 90,3% under a proportional rule
    assert SurveyRule().score(D(36), {"index": index}).points == D(points)


def test_survey_by_tiers() -> None:
    rule = SurveyRule(element="TC", tiers=(Tier(D(95), D(2)), Tier(D(80), D(1)), Tier(D(0), D(0))))
    assert rule.score(D(2), {"index": 95}).points == D(2)
    assert rule.score(D(2), {"index": "94.99"}).points == D(1)
    with pytest.raises(AnswerError):
        rule.score(D(2), {"index": 101})


# --- plan completion ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("done", "planned", "points"),
    [(0, 7, "0"), (6, 7, "2.57"), (7, 7, "3"), (0, 0, "0")],
)
def test_plan_completion_proportional(done: int, planned: int, points: str) -> None:
    assert PlanCompletionRule().score(D(3), {"done": done, "planned": planned}).points == D(points)


def test_seed_003_six_of_seven_tasks_is_2_85_with_0_15_per_missing_task() -> None:
    score = PlanCompletionRule(per_missing=D("0.15")).score(D(3), {"done": 6, "planned": 7})
    assert score.points == D("2.85")
    assert score.working == "6/7: 3 − 0,15 × 1 = 2,85"
    assert score.inputs == {"done": "6", "planned": "7"}


def test_plan_completion_edges() -> None:
    rule = PlanCompletionRule(per_missing=D(1))
    assert rule.score(D(3), {"done": 0, "planned": 7}).points == D(0)  # floored at 0
    assert PlanCompletionRule(if_none="full").score(D(3), {"done": 0, "planned": 0}).points == 3
    with pytest.raises(AnswerError) as error:
        rule.score(D(3), {"done": 8, "planned": 7})
    assert error.value.problem.code == "answer.done_above_planned"


# --- reading rules --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rule",
    [
        ON_TIME,
        YesNoRule(),
        ProportionalRule(target=D(90), if_none="zero", achieved_label="a", required_label="b"),
        TIERS,
        TiersRule((Tier(D(5), D(1)), Tier(D(0), D(0))), percent=False, value_label="n"),
        DeductionRule(D("0.25"), count_label="late reports"),
        SurveyRule(element="TC", tiers=(Tier(D(90), D(1)), Tier(D(0), D(0)))),
        PlanCompletionRule(per_missing=D("0.15"), if_none="full"),
    ],
)
def test_every_rule_survives_its_stored_form(rule: object) -> None:
    assert parse_rule(rule.to_dict()) == rule  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ("levels", "rule.not_a_mapping"),
        ({"kind": "magic"}, "rule.unknown_kind"),
        ({"kind": "yes_no", "points": 1}, "rule.unknown_param"),
        ({"kind": "levels", "levels": []}, "rule.levels_too_few"),
        ({"kind": "levels", "levels": [{"label": "A", "points": 1, "x": 2}]}, "rule.level_shape"),
        ({"kind": "tiers"}, "rule.tiers_missing"),
        ({"kind": "tiers", "tiers": [{"min": "ninety", "points": 1}]}, "rule.param_not_a_number"),
        ({"kind": "deduction"}, "rule.param_missing"),
        ({"kind": "proportional", "if_none": "half"}, "rule.param_choice"),
    ],
)
def test_unreadable_rules_are_named(data: object, code: str) -> None:
    with pytest.raises(RuleError) as error:
        parse_rule(data)
    assert codes(error.value.problems) == [code]


def test_rule_and_source_must_fit() -> None:
    assert codes(rule_problems(SurveyRule(), D(36), "appraised")) == ["rule.source_mismatch"]
    assert rule_problems(SurveyRule(), D(36), "survey_citizens") == []
    assert codes(rule_problems(YesNoRule(), D(1), "survey_officials")) == ["rule.source_mismatch"]


def test_numbers_are_read_exactly() -> None:
    assert to_decimal("0,5") == D("0.5")
    assert to_decimal(7.2) == D("7.2")  # by its shortest text, not 7.2000000000000001776...
    assert to_decimal("90%") == D(90)
    for bad in ("1,234.5", "nan", "inf", True, None):
        with pytest.raises(ValueError):  # noqa: PT011 - the message is for people
            to_decimal(bad)
    assert round_points(D("2.845")) == D("2.85")  # half up, not half even


# --- bonus and penalty ----------------------------------------------------------------------------


def test_adjusted_total_caps_bonus_and_penalty() -> None:
    result = adjusted_total(D("91.84"), bonus=D(3), penalty=D(1), bonus_cap=D(2), penalty_cap=D(5))
    assert (result.bonus, result.penalty, result.total) == (D(2), D(1), D("92.84"))
    assert result.working == "91,84 + 2 − 1 = 92,84"
    floor = adjusted_total(D(3), penalty=D(9), penalty_cap=D(5))
    assert floor.total == D(0)
    with pytest.raises(AnswerError):
        adjusted_total(D(3), bonus=D(-1), bonus_cap=D(2))


# --- properties -----------------------------------------------------------------------------------

MAXIMA = st.decimals(min_value=D("0.01"), max_value=D(100), places=2)
AMOUNTS = st.decimals(min_value=D(0), max_value=D(10_000), places=2)
PERCENTS = st.decimals(min_value=D(0), max_value=D(100), places=2)
COUNTS = st.integers(min_value=0, max_value=1000)


def within(points: Decimal, maximum: Decimal) -> bool:
    return D(0) <= points <= maximum and points == round_points(points)


@given(MAXIMA, AMOUNTS, AMOUNTS, AMOUNTS, st.decimals(min_value=D(1), max_value=D(100), places=0))
def test_proportional_is_bounded_and_monotone(
    maximum: Decimal, a: Decimal, b: Decimal, required: Decimal, target: Decimal
) -> None:
    rule = ProportionalRule(target=target)
    low, high = sorted((a, b))
    p_low = rule.score(maximum, {"achieved": low, "required": required}).points
    p_high = rule.score(maximum, {"achieved": high, "required": required}).points
    assert within(p_low, maximum)
    assert within(p_high, maximum)
    assert p_low <= p_high


@given(MAXIMA, COUNTS, COUNTS, st.decimals(min_value=D("0.01"), max_value=D(1), places=2))
def test_deduction_is_bounded_and_never_rises_with_more_occurrences(
    maximum: Decimal, a: int, b: int, step: Decimal
) -> None:
    rule = DeductionRule(step)
    low, high = sorted((a, b))
    more = rule.score(maximum, {"count": high}).points
    fewer = rule.score(maximum, {"count": low}).points
    assert within(more, maximum)
    assert within(fewer, maximum)
    assert more <= fewer


@given(
    st.lists(
        st.decimals(min_value=D(1), max_value=D(99), places=0), min_size=1, max_size=5, unique=True
    ),
    PERCENTS,
    PERCENTS,
)
def test_valid_tiers_are_bounded_and_monotone(
    thresholds: list[Decimal], a: Decimal, b: Decimal
) -> None:
    ordered = sorted(thresholds, reverse=True)
    maximum = D(len(ordered))
    tiers = (*tuple(Tier(t, D(len(ordered) - i)) for i, t in enumerate(ordered)), Tier(D(0), D(0)))
    rule = TiersRule(tiers)
    assert rule.problems(maximum) == []
    low, high = sorted((a, b))
    p_low = rule.score(maximum, {"value": low}).points
    p_high = rule.score(maximum, {"value": high}).points
    assert within(p_low, maximum)
    assert within(p_high, maximum)
    assert p_low <= p_high
    assert rule.score(maximum, {"value": ordered[0]}).points == maximum  # at the top boundary


@given(MAXIMA, PERCENTS, PERCENTS)
def test_survey_is_bounded_and_monotone(maximum: Decimal, a: Decimal, b: Decimal) -> None:
    low, high = sorted((a, b))
    p_low = SurveyRule().score(maximum, {"index": low}).points
    p_high = SurveyRule().score(maximum, {"index": high}).points
    assert within(p_low, maximum)
    assert within(p_high, maximum)
    assert p_low <= p_high


@given(
    MAXIMA,
    st.integers(min_value=0, max_value=200),
    st.integers(min_value=0, max_value=200),
    st.integers(min_value=0, max_value=200),
    st.one_of(st.none(), st.decimals(min_value=D("0.01"), max_value=D(1), places=2)),
)
def test_plan_completion_is_bounded_and_monotone(
    maximum: Decimal, a: int, b: int, extra: int, per_missing: Decimal | None
) -> None:
    rule = PlanCompletionRule(per_missing=per_missing)
    low, high = sorted((a, b))
    planned = high + extra
    p_low = rule.score(maximum, {"done": low, "planned": planned}).points
    p_high = rule.score(maximum, {"done": high, "planned": planned}).points
    assert within(p_low, maximum)
    assert within(p_high, maximum)
    assert p_low <= p_high


@given(
    st.lists(st.decimals(min_value=D(0), max_value=D(5), places=2), min_size=2, max_size=6),
    st.data(),
)
def test_levels_are_bounded_by_the_maximum(points: list[Decimal], data: st.DataObject) -> None:
    rule = LevelsRule(tuple(Level(f"Mức {i}", p) for i, p in enumerate(points)))
    maximum = max(points) if max(points) > 0 else D(1)
    chosen = data.draw(st.integers(min_value=0, max_value=len(points) - 1))
    score = rule.score(maximum, {"level": f"muc_{chosen}"})
    assert within(score.points, maximum)
    assert score.points == points[chosen]


def test_every_kind_has_a_rule_class() -> None:
    samples = {
        RuleKind.LEVELS: ON_TIME,
        RuleKind.YES_NO: YesNoRule(),
        RuleKind.PROPORTIONAL: ProportionalRule(),
        RuleKind.TIERS: TIERS,
        RuleKind.DEDUCTION: DeductionRule(D(1)),
        RuleKind.SURVEY: SurveyRule(),
        RuleKind.PLAN_COMPLETION: PlanCompletionRule(),
    }
    assert set(samples) == set(RuleKind)
    assert all(rule.kind is kind for kind, rule in samples.items())
