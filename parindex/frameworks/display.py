"""How rules and sources read on the pages."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parindex.frameworks.rule_text import format_rule
from parindex.frameworks.rules import Rule, RuleKind

RULE_NAMES: dict[RuleKind, Promise] = {
    RuleKind.LEVELS: _("levels"),
    RuleKind.YES_NO: _("yes/no"),
    RuleKind.PROPORTIONAL: _("proportional"),
    RuleKind.TIERS: _("tiers"),
    RuleKind.DEDUCTION: _("deduction"),
    RuleKind.SURVEY: _("survey index"),
    RuleKind.PLAN_COMPLETION: _("plan completion"),
}

# Examples for the edit form, one per kind of rule: what a secretariat types.
RULE_EXAMPLES = [
    "có/không",
    "mức: Đúng hạn = 1; Trễ hạn = 0,5; Không ban hành = 0",
    "tỷ lệ: mục tiêu = 90%; đạt = Số hồ sơ số hóa; yêu cầu = Tổng số hồ sơ",
    "bậc: ≥ 100% = 3; ≥ 98% = 2; ≥ 95% = 1; ≥ 0% = 0",
    "trừ: mỗi lần = 0,25; đếm = Số báo cáo trễ hạn",
    "khảo sát",
    "kế hoạch: trừ mỗi nhiệm vụ = 0,15",
]


def rule_text(rule: Rule | None) -> str:
    """The rule's settings for the tree (its kind is shown beside them): "Đúng hạn = 1; ..."."""
    return format_rule(rule).partition(":")[2].strip() if rule is not None else ""
