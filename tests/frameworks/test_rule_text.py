"""The rule text of the Excel layout and the edit form: read as users write it, written back
exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parindex.frameworks.rule_text import format_rule, parse_rule_text
from parindex.frameworks.rules import (
    DeductionRule,
    Level,
    LevelsRule,
    PlanCompletionRule,
    ProportionalRule,
    Rule,
    RuleError,
    SurveyRule,
    Tier,
    TiersRule,
    YesNoRule,
)

D = Decimal


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("có/không", YesNoRule()),
        ("Có / Không", YesNoRule()),
        ("yes/no", YesNoRule()),
        (
            "mức: Đúng hạn = 1; Trễ hạn = 0,5; Không ban hành = 0",
            LevelsRule(
                (Level("Đúng hạn", D(1)), Level("Trễ hạn", D("0.5")), Level("Không ban hành", D(0)))
            ),
        ),
        ("tỷ lệ", ProportionalRule()),
        (
            "Tỉ lệ: mục tiêu = 90%; đạt = Số hồ sơ số hóa; yêu cầu = Tổng số hồ sơ",
            ProportionalRule(
                target=D(90), achieved_label="Số hồ sơ số hóa", required_label="Tổng số hồ sơ"
            ),
        ),
        ("tỷ lệ: không yêu cầu = 0 điểm", ProportionalRule(if_none="zero")),
        (
            "bậc: ≥ 100% = 3; >= 98 = 2; từ 95% = 1; 0 = 0",
            TiersRule((Tier(D(100), D(3)), Tier(D(98), D(2)), Tier(D(95), D(1)), Tier(D(0), D(0)))),
        ),
        (
            "bậc: ≥ 5 = 1; ≥ 0 = 0; giá trị = Số sáng kiến; đơn vị = số",
            TiersRule(
                (Tier(D(5), D(1)), Tier(D(0), D(0))), percent=False, value_label="Số sáng kiến"
            ),
        ),
        (
            "trừ: mỗi lần = 0,25; đếm = Số báo cáo trễ hạn",
            DeductionRule(D("0.25"), count_label="Số báo cáo trễ hạn"),
        ),
        ("khảo sát", SurveyRule()),
        (
            "khảo sát: yếu tố = TC; ≥ 90% = 2; ≥ 0% = 0",
            SurveyRule(element="TC", tiers=(Tier(D(90), D(2)), Tier(D(0), D(0)))),
        ),
        ("kế hoạch", PlanCompletionRule()),
        ("kế hoạch: trừ mỗi nhiệm vụ = 0,15", PlanCompletionRule(per_missing=D("0.15"))),
        ("plan: per missing = 0.15; if none = full", PlanCompletionRule(D("0.15"), "full")),
    ],
)
def test_rule_text_reads_as_written(text: str, rule: Rule) -> None:
    assert parse_rule_text(text) == rule
    assert parse_rule_text(format_rule(rule)) == rule


def test_format_is_the_vietnamese_form() -> None:
    rule = parse_rule_text("levels: On time = 1; Late = 0.5; Not done = 0")
    assert format_rule(rule) == "mức: On time = 1; Late = 0,5; Not done = 0"
    tiers = parse_rule_text("tiers: 90 = 2; 70 = 1; 0 = 0")
    assert format_rule(tiers) == "bậc: ≥ 90% = 2; ≥ 70% = 1; ≥ 0% = 0"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("phép màu: 1", "ruletext.unknown_kind"),
        ("có/không: 1 = 2", "ruletext.no_parts"),
        ("mức: Đúng hạn 1", "ruletext.part_shape"),
        ("tỷ lệ: màu = đỏ", "ruletext.unknown_part"),
        ("tỷ lệ: không yêu cầu = một nửa", "ruletext.if_none"),
        ("bậc: ≥ 90 = 2; ≥ 0 = 0; đơn vị = kg", "ruletext.unit"),
        ("trừ: mỗi lần = nhiều", "rule.param_not_a_number"),
        ("trừ", "rule.param_missing"),
        ("mức: A = một", "rule.param_not_a_number"),
    ],
)
def test_rule_text_mistakes_are_named(text: str, code: str) -> None:
    with pytest.raises(RuleError) as error:
        parse_rule_text(text)
    assert [p.code for p in error.value.problems] == [code]


LABELS = (
    st.text(
        alphabet=st.characters(
            whitelist_categories=("Lu", "Ll", "Nd"), whitelist_characters=" ,-()/đĐăâêôơư"
        ),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(lambda s: bool(s) and "=" not in s)
)
POINTS = st.decimals(min_value=D(0), max_value=D(50), places=2)


def _levels() -> st.SearchStrategy[Rule]:
    return st.lists(st.tuples(LABELS, POINTS), min_size=2, max_size=5).map(
        lambda items: LevelsRule(tuple(Level(label, p) for label, p in items))
    )


def _tiers() -> st.SearchStrategy[tuple[Tier, ...]]:
    return st.lists(st.tuples(POINTS, POINTS), min_size=1, max_size=5).map(
        lambda items: tuple(Tier(a, b) for a, b in items)
    )


RULES: st.SearchStrategy[Rule] = st.one_of(
    st.just(YesNoRule()),
    _levels(),
    st.builds(
        ProportionalRule,
        target=st.decimals(min_value=D(1), max_value=D(100), places=2),
        if_none=st.sampled_from(["full", "zero"]),
        achieved_label=st.one_of(st.just(""), LABELS),
        required_label=st.one_of(st.just(""), LABELS),
    ),
    st.builds(
        TiersRule,
        tiers=_tiers(),
        percent=st.booleans(),
        value_label=st.one_of(st.just(""), LABELS),
    ),
    st.builds(
        DeductionRule,
        step=st.decimals(min_value=D("0.01"), max_value=D(10), places=2),
        count_label=st.one_of(st.just(""), LABELS),
    ),
    st.builds(
        SurveyRule,
        element=st.one_of(st.just(""), st.sampled_from(["TC", "TT", "CC", "KQ", "PA"])),
        tiers=st.one_of(st.just(()), _tiers()),
    ),
    st.builds(
        PlanCompletionRule,
        per_missing=st.one_of(
            st.none(), st.decimals(min_value=D("0.01"), max_value=D(3), places=2)
        ),
        if_none=st.sampled_from(["full", "zero"]),
    ),
)


@given(RULES)
def test_every_rule_round_trips_through_its_text(rule: Rule) -> None:
    assert parse_rule_text(format_rule(rule)) == rule
