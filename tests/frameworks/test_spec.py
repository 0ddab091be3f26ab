"""Validation: the shipped framework passes; each mistake is refused naming its node and what is
wrong."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from parindex.frameworks.library import shipped
from parindex.frameworks.problems import message
from parindex.frameworks.rules import (
    Level,
    LevelsRule,
    Problem,
    ProportionalRule,
    SurveyRule,
    YesNoRule,
)
from parindex.frameworks.selectors import KNOWN_KINDS
from parindex.frameworks.spec import (
    BandSpec,
    EvidenceSpec,
    FrameworkSpec,
    GroupSpec,
    NodeSpec,
    validate,
)

D = Decimal


def leaf(code: str, maximum: str, **kw: object) -> NodeSpec:
    return NodeSpec(
        code=code,
        title=kw.pop("title", f"Tiêu chí {code}"),  # type: ignore[arg-type]
        maximum=D(maximum),
        source=kw.pop("source", "appraised"),  # type: ignore[arg-type]
        rule=kw.pop("rule", YesNoRule()),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def inner(code: str, maximum: str, *children: NodeSpec, **kw: object) -> NodeSpec:
    return NodeSpec(code, f"Mục {code}", D(maximum), children=children, **kw)  # type: ignore[arg-type]


def small(*fields: NodeSpec, **kw: object) -> FrameworkSpec:
    return FrameworkSpec(
        code="T-2025",
        name="Thử",
        year_from=2025,
        year_to=2025,
        total=kw.pop("total", D(10)),  # type: ignore[arg-type]
        fields=fields
        or (
            inner("1", "6", inner("1.1", "6", leaf("1.1.1", "4"), leaf("1.1.2", "2"))),
            inner("2", "4", leaf("2.1", "4", source="survey_citizens", rule=SurveyRule())),
        ),
        **kw,  # type: ignore[arg-type]
    )


def found(spec: FrameworkSpec) -> list[tuple[str, str]]:
    return [(p.node, p.code) for p in validate(spec, known_kinds=KNOWN_KINDS)]


def test_the_shipped_framework_validates_and_totals_100() -> None:
    spec = shipped()
    assert validate(spec, known_kinds=KNOWN_KINDS) == []
    assert spec.total == 100
    leaves = spec.leaves()
    assert len(leaves) == 48  # seed 003: "40/48 chỉ tiêu đạt điểm tối đa"
    assert sum((n.maximum for n in leaves), D(0)) == 100
    assert [(f.code, f.maximum) for f in spec.fields] == [
        ("1", 12),
        ("2", 5),
        ("3", 14),
        ("4", 4),
        ("5", 7),
        ("6", 5),
        ("7", 11),
        ("8", 6),
        ("9", 36),
    ]
    # seed 003's fields: direction 12, procedures 14, e-government 11, records 6, SIPAS 36, rest 21
    rest = sum(f.maximum for f in spec.fields if f.code in {"2", "4", "5", "6"})
    assert rest == 21
    # every source of points is used, and the rules seed 003's results need are there
    assert {n.source for n in leaves} == {"appraised", "computed", "survey_citizens"}
    assert spec.node("1.1.2").rule.to_dict() == {"kind": "plan_completion", "per_missing": "0.15"}  # type: ignore[union-attr]
    assert [e.title for e in spec.node("7.1.1").evidence] == [  # type: ignore[union-attr]
        "Quyết định kiện toàn Ban biên tập Trang thông tin điện tử"
    ]


def test_a_small_framework_is_valid() -> None:
    assert found(small()) == []


def test_children_that_do_not_add_up_are_named() -> None:
    spec = small(
        inner("1", "6", inner("1.1", "6", leaf("1.1.1", "4"), leaf("1.1.2", "1.5"))),
        inner("2", "4", leaf("2.1", "4")),
    )
    problems = validate(spec)
    assert [(p.node, p.code) for p in problems] == [("1.1", "node.children_sum")]
    assert message(problems[0]) == "Các mục con cộng lại được 5,5 điểm, không bằng điểm tối đa 6."


def test_fields_must_add_up_to_the_total() -> None:
    spec = replace(small(), total=D(100))
    problems = validate(spec)
    assert [(p.node, p.code) for p in problems] == [("", "framework.fields_sum")]
    assert "10" in message(problems[0])
    assert "100" in message(problems[0])


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        (leaf("1.1", "6", rule=None), ("1.1", "node.rule_missing")),
        (leaf("1.1", "6", source=""), ("1.1", "node.source_missing")),
        (leaf("1.1", "6", source="magic"), ("1.1", "node.unknown_source")),
        (leaf("1.1", "0", title="Không điểm"), ("1.1", "node.max_positive")),
        (leaf("1.1", "6", title=" "), ("1.1", "node.title_empty")),
        (leaf("2.9", "6"), ("2.9", "node.code_parent")),
        (leaf("1.1", "6", rule=SurveyRule()), ("1.1", "rule.source_mismatch")),
        (
            leaf("1.1", "6", rule=LevelsRule((Level("A", D(5)), Level("B", D(0))))),
            ("1.1", "rule.max_unreachable"),
        ),
        (leaf("1.1", "6", groups=("phuong",)), ("1.1", "node.unknown_group")),
        (
            leaf("1.1", "6", evidence=(EvidenceSpec("Kế hoạch"), EvidenceSpec("kế hoạch"))),
            ("1.1", "evidence.duplicate"),
        ),
        (leaf("1.1", "6", rule=ProportionalRule(target=D(0))), ("1.1", "rule.target_range")),
    ],
)
def test_each_node_mistake_names_its_node(node: NodeSpec, expected: tuple[str, str]) -> None:
    spec = small(inner("1", "6", node), inner("2", "4", leaf("2.1", "4")))
    assert expected in found(spec)


def test_three_decimals_and_duplicates_and_depth() -> None:
    spec = small(
        inner("1", "6", leaf("1.1", "5.995"), leaf("1.1", "0.005")),
        inner(
            "2",
            "4",
            inner("2.1", "4", inner("2.1.1", "4", inner("2.1.1.1", "4", leaf("2.1.1.1.1", "4")))),
        ),
    )
    problems = found(spec)
    assert ("1.1", "node.max_places") in problems
    assert ("1.1", "node.code_duplicate") in problems
    assert ("2.1.1.1.1", "node.too_deep") in problems


def test_a_rule_on_a_parent_is_refused() -> None:
    spec = small(
        replace(inner("1", "6", leaf("1.1", "6")), rule=YesNoRule(), source="appraised"),
        inner("2", "4", leaf("2.1", "4")),
    )
    assert ("1", "node.rule_on_parent") in found(spec)


def test_unit_groups_each_add_up_on_their_own() -> None:
    groups = (GroupSpec("xa", "Xã", ("xa", "thi_tran")), GroupSpec("phuong", "Phường", ("phuong",)))
    # Field 2 holds one criterion for communes and another for wards: each group totals 10.
    field_2 = inner(
        "2", "4", leaf("2.1", "4", groups=("xa",)), leaf("2.2", "4", groups=("phuong",))
    )
    field_1 = inner("1", "6", inner("1.1", "6", leaf("1.1.1", "4"), leaf("1.1.2", "2")))
    assert found(small(field_1, field_2, groups=groups)) == []
    # A ward criterion worth 3 instead of 4: the wards' set no longer adds up.
    wrong = inner("2", "4", leaf("2.1", "4", groups=("xa",)), leaf("2.2", "3", groups=("phuong",)))
    problems = validate(small(field_1, wrong, groups=groups))
    assert [(p.node, p.code) for p in problems] == [("2", "node.children_sum")]
    assert "Phường" in message(problems[0])


def test_framework_facts_are_checked() -> None:
    spec = replace(
        small(),
        code=" ",
        year_from=2026,
        year_to=2025,
        bonus_max=D(-1),
        bands=(BandSpec("A", "Tốt", D(50)), BandSpec("B", "Khá", D(70))),
        groups=(GroupSpec("xa", "Xã", ("lang",)), GroupSpec("xa", "Xã 2", ())),
    )
    codes = {code for _node, code in found(spec)}
    assert {
        "framework.code_empty",
        "framework.years",
        "framework.cap",
        "band.order",
        "band.no_zero",
        "group.unknown_kind",
        "group.duplicate",
    } <= codes


def test_every_problem_code_has_a_message() -> None:
    from pathlib import Path

    from parindex.frameworks.problems import MESSAGES

    source = "".join(
        p.read_text(encoding="utf-8")
        for p in (Path(__file__).resolve().parents[2] / "parindex" / "frameworks").glob("*.py")
    )
    import re

    used = set(
        re.findall(
            r'"((?:answer|rule|ruletext|framework|group|band|node|evidence|file|action)\.[a-z_0-9]+)"',
            source,
        )
    )
    assert used - set(MESSAGES) == set()
    assert message(Problem("nobody.knows")) == "nobody.knows"
