"""A scoring rule as one line of text, for the Excel layout and the edit form.

Secretariats write rules in a cell, so the text reads like the decision they copy it from:

| rule | text |
| --- | --- |
| yes/no | `có/không` |
| levels | `mức: Đúng hạn = 1; Trễ hạn = 0,5; Không ban hành = 0` |
| proportional | `tỷ lệ: mục tiêu = 90%; đạt = Số hồ sơ số hóa; yêu cầu = Tổng số hồ sơ` |
| tiers | `bậc: ≥ 100% = 3; ≥ 98% = 2; ≥ 95% = 1; ≥ 0% = 0` |
| deduction | `trừ: mỗi lần = 0,25; đếm = Số báo cáo trễ hạn` |
| survey | `khảo sát` or `khảo sát: yếu tố = TC; ≥ 90% = 2; ≥ 0% = 0` |
| plan completion | `kế hoạch` or `kế hoạch: trừ mỗi nhiệm vụ = 0,15` |

Optional parts: `không yêu cầu = 0 điểm` (proportional, nothing required gives 0 instead of full),
`giá trị = ...` and `đơn vị = số` (tiers on a count rather than a %), `không có nhiệm vụ = đủ
điểm` (plan). Accents, case and the English words (yes/no, levels, proportional, tiers, deduction,
survey, plan; target, achieved, required, step, count, element, per missing) are accepted too.
Numbers take a decimal comma or point. `format_rule` writes the Vietnamese form, and
`parse_rule_text(format_rule(r))` gives `r` back exactly.
"""

from __future__ import annotations

import re
from typing import Any

from parindex.frameworks.rules import (
    HUNDRED,
    DeductionRule,
    LevelsRule,
    PlanCompletionRule,
    Problem,
    ProportionalRule,
    Rule,
    RuleError,
    RuleKind,
    SurveyRule,
    Tier,
    TiersRule,
    YesNoRule,
    fmt,
    parse_rule,
    slug,
)

KIND_WORDS: dict[str, RuleKind] = {
    "co_khong": RuleKind.YES_NO,
    "yes_no": RuleKind.YES_NO,
    "muc": RuleKind.LEVELS,
    "muc_do": RuleKind.LEVELS,
    "levels": RuleKind.LEVELS,
    "ty_le": RuleKind.PROPORTIONAL,
    "ti_le": RuleKind.PROPORTIONAL,
    "proportional": RuleKind.PROPORTIONAL,
    "bac": RuleKind.TIERS,
    "tiers": RuleKind.TIERS,
    "tru": RuleKind.DEDUCTION,
    "tru_diem": RuleKind.DEDUCTION,
    "deduction": RuleKind.DEDUCTION,
    "khao_sat": RuleKind.SURVEY,
    "dieu_tra": RuleKind.SURVEY,
    "survey": RuleKind.SURVEY,
    "ke_hoach": RuleKind.PLAN_COMPLETION,
    "plan": RuleKind.PLAN_COMPLETION,
    "plan_completion": RuleKind.PLAN_COMPLETION,
}

# Part keys (folded) per rule kind -> the rule's parameter.
PART_KEYS: dict[RuleKind, dict[str, str]] = {
    RuleKind.PROPORTIONAL: {
        "muc_tieu": "target",
        "target": "target",
        "dat": "achieved_label",
        "achieved": "achieved_label",
        "yeu_cau": "required_label",
        "required": "required_label",
        "khong_yeu_cau": "if_none",
        "if_none": "if_none",
    },
    RuleKind.TIERS: {
        "gia_tri": "value_label",
        "value": "value_label",
        "don_vi": "unit",
        "unit": "unit",
    },
    RuleKind.DEDUCTION: {
        "moi_lan": "step",
        "step": "step",
        "dem": "count_label",
        "count": "count_label",
    },
    RuleKind.SURVEY: {"yeu_to": "element", "element": "element"},
    RuleKind.PLAN_COMPLETION: {
        "tru_moi_nhiem_vu": "per_missing",
        "per_missing": "per_missing",
        "khong_co_nhiem_vu": "if_none",
        "if_none": "if_none",
    },
}
FULL_WORDS = {"du_diem", "full", "toi_da"}
ZERO_WORDS = {"0_diem", "0", "zero", "khong_diem"}
TIER = re.compile(r"([0-9][0-9.,]*)%?")


def _fold(text: str) -> str:
    return slug(text.replace("/", " "))


def parse_rule_text(text: str) -> Rule:
    """The rule a cell's text describes; RuleError with what is wrong."""
    head, _colon, rest = text.strip().partition(":")
    kind = KIND_WORDS.get(_fold(head))
    if kind is None:
        raise RuleError([Problem("ruletext.unknown_kind", {"text": head.strip()[:40]})])
    parts = [p.strip() for p in re.split(r"[;\n]", rest) if p.strip()]
    data: dict[str, Any] = {"kind": kind.value}
    if kind is RuleKind.YES_NO:
        if parts:
            raise RuleError([Problem("ruletext.no_parts", {"text": parts[0][:40]})])
        return parse_rule(data)
    levels: list[dict[str, str]] = []
    tiers: list[dict[str, str]] = []
    keys = PART_KEYS.get(kind, {})
    for part in parts:
        left, equals, right = part.rpartition("=")
        left, right = left.strip(), right.strip()
        if not equals or not left or not right:
            raise RuleError([Problem("ruletext.part_shape", {"text": part[:40]})])
        if kind is RuleKind.LEVELS:
            levels.append({"label": left, "points": right})
            continue
        threshold = _tier_threshold(left) if kind in (RuleKind.TIERS, RuleKind.SURVEY) else None
        if threshold is not None:
            tiers.append({"min": threshold, "points": right})
            continue
        param = keys.get(_fold(left))
        if param is None:
            raise RuleError([Problem("ruletext.unknown_part", {"text": left[:40]})])
        data[param] = _part_value(param, right)
    if kind is RuleKind.LEVELS:
        data["levels"] = levels
    if tiers:
        data["tiers"] = tiers
    if kind is RuleKind.TIERS:
        data["percent"] = data.pop("unit", "%") == "%"
    return parse_rule(data)


def _tier_threshold(left: str) -> str | None:
    """'≥ 90%', '>= 90', 'từ 90%' or '90' -> '90'; None when the text is not a threshold."""
    text = left.strip().lower().replace(" ", "")
    for prefix in ("≥", ">=", "=>", "từ", "tu", "from"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    match = TIER.fullmatch(text)
    return match.group(1) if match else None


def _part_value(param: str, value: str) -> Any:
    folded = _fold(value)
    if param == "if_none":
        if folded in FULL_WORDS:
            return "full"
        if folded in ZERO_WORDS:
            return "zero"
        raise RuleError([Problem("ruletext.if_none", {"text": value[:40]})])
    if param == "unit":
        if value.strip() == "%" or folded in {"phan_tram", "percent"}:
            return "%"
        if folded in {"so", "so_luong", "number", "count"}:
            return "number"
        raise RuleError([Problem("ruletext.unit", {"text": value[:40]})])
    if param == "target":
        return value.strip().rstrip("%").strip()
    return value


def format_rule(rule: Rule) -> str:
    """The Vietnamese text of a rule (what `parse_rule_text` reads back)."""
    if isinstance(rule, YesNoRule):
        return "có/không"
    if isinstance(rule, LevelsRule):
        return "mức: " + "; ".join(f"{lv.label} = {fmt(lv.points)}" for lv in rule.levels)
    parts: list[str] = []
    if isinstance(rule, ProportionalRule):
        head = "tỷ lệ"
        if rule.target != HUNDRED:
            parts.append(f"mục tiêu = {fmt(rule.target)}%")
        if rule.achieved_label:
            parts.append(f"đạt = {rule.achieved_label}")
        if rule.required_label:
            parts.append(f"yêu cầu = {rule.required_label}")
        if rule.if_none == "zero":
            parts.append("không yêu cầu = 0 điểm")
    elif isinstance(rule, TiersRule):
        head = "bậc"
        parts.extend(_format_tiers(rule.tiers, "%" if rule.percent else ""))
        if rule.value_label:
            parts.append(f"giá trị = {rule.value_label}")
        if not rule.percent:
            parts.append("đơn vị = số")
    elif isinstance(rule, DeductionRule):
        head = "trừ"
        parts.append(f"mỗi lần = {fmt(rule.step)}")
        if rule.count_label:
            parts.append(f"đếm = {rule.count_label}")
    elif isinstance(rule, SurveyRule):
        head = "khảo sát"
        if rule.element:
            parts.append(f"yếu tố = {rule.element}")
        parts.extend(_format_tiers(rule.tiers, "%"))
    elif isinstance(rule, PlanCompletionRule):
        head = "kế hoạch"
        if rule.per_missing is not None:
            parts.append(f"trừ mỗi nhiệm vụ = {fmt(rule.per_missing)}")
        if rule.if_none == "full":
            parts.append("không có nhiệm vụ = đủ điểm")
    else:  # pragma: no cover - every kind is above
        raise TypeError(rule)
    return f"{head}: {'; '.join(parts)}" if parts else head


def _format_tiers(tiers: tuple[Tier, ...], unit: str) -> list[str]:
    return [f"≥ {fmt(t.minimum)}{unit} = {fmt(t.points)}" for t in tiers]
