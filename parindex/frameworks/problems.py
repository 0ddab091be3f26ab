"""Problems (codes with parameters, from the pure modules) as sentences in the user's language."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from parindex.frameworks.issues import FileIssue
from parindex.frameworks.rules import Problem

MESSAGES: dict[str, Promise] = {
    # answers
    "answer.missing": _("The answer needs a value for “%(input)s”."),
    "answer.not_a_number": _("“%(input)s” must be a number."),
    "answer.negative": _("“%(input)s” cannot be negative."),
    "answer.not_whole": _("“%(input)s” must be a whole number."),
    "answer.percent_above_100": _("“%(input)s” is a percentage: at most 100."),
    "answer.unknown_level": _("“%(value)s” is not one of the rule's levels."),
    "answer.done_above_planned": _("More tasks done than planned."),
    # rules
    "rule.not_a_mapping": _("The rule is not written as a rule."),
    "rule.unknown_kind": _("Unknown kind of rule “%(kind)s”."),
    "rule.unknown_param": _("The rule has settings it does not use: %(param)s."),
    "rule.param_missing": _("The rule needs “%(param)s”."),
    "rule.param_not_a_number": _("The rule's “%(param)s” must be a number."),
    "rule.param_choice": _("The rule's “%(param)s” must be one of: %(allowed)s."),
    "rule.levels_too_few": _("A rule by levels needs at least two levels."),
    "rule.level_shape": _("Each level needs a name and its points, and nothing else."),
    "rule.level_label_empty": _("A level has no name."),
    "rule.level_duplicate": _("Two levels are named “%(label)s”."),
    "rule.tiers_missing": _("A rule by tiers needs its tiers."),
    "rule.tier_shape": _("Each tier needs a threshold and its points, and nothing else."),
    "rule.tiers_too_few": _("A rule by tiers needs at least two tiers."),
    "rule.tiers_order": _(
        "Tiers must go from the highest threshold down: %(second)s comes after %(first)s."
    ),
    "rule.tiers_not_monotone": _(
        "The tier from %(low)s gives more points than the tier from %(high)s."
    ),
    "rule.tiers_no_zero": _(
        "The lowest tier starts at %(lowest)s: values below it get no points defined; "
        "add a tier from 0."
    ),
    "rule.tier_threshold_range": _("Threshold %(value)s is outside 0–100%%."),
    "rule.points_negative": _("%(points)s points: points cannot be negative."),
    "rule.points_above_max": _("%(points)s points is above the criterion's maximum %(maximum)s."),
    "rule.points_places": _("%(points)s: points have at most 2 decimal places."),
    "rule.max_unreachable": _(
        "The best outcome gives %(best)s points, not the maximum %(maximum)s: the maximum could "
        "never be reached."
    ),
    "rule.target_range": _("The target rate %(target)s%% must be above 0 and at most 100."),
    "rule.step_positive": _("The deduction per occurrence (%(step)s) must be above 0."),
    "rule.step_above_max": _(
        "The deduction per occurrence (%(step)s) is above the maximum %(maximum)s."
    ),
    "rule.source_mismatch": _("A rule “%(kind)s” does not fit points from “%(source)s”."),
    # rule text (Excel and the edit form)
    "ruletext.unknown_kind": _(
        "“%(text)s” is not a kind of rule: write có/không, mức, tỷ lệ, bậc, trừ, khảo sát or "
        "kế hoạch."
    ),
    "ruletext.no_parts": _("A yes/no rule takes nothing after it (“%(text)s”)."),
    "ruletext.part_shape": _("“%(text)s” should read “name = value”."),
    "ruletext.unknown_part": _("“%(text)s” is not a setting of this kind of rule."),
    "ruletext.if_none": _("“%(text)s”: write “đủ điểm” or “0 điểm”."),
    "ruletext.unit": _("“%(text)s”: write “%%” or “số”."),
    # the framework
    "framework.code_empty": _("The framework has no code."),
    "framework.name_empty": _("The framework has no name."),
    "framework.years": _("The last year (%(end)s) is before the first (%(start)s)."),
    "framework.total": _("The total %(total)s must be above 0, with at most 2 decimal places."),
    "framework.cap": _("The %(which)s cap %(value)s must be 0 or more, with at most 2 decimals."),
    "framework.no_fields": _("The framework has no field yet."),
    "framework.fields_sum": _(
        "The fields add up to %(sum)s, not the framework's total %(total)s%(group)s."
    ),
    "group.empty": _("A unit group needs a code and a name (%(code)s)."),
    "group.duplicate": _("Two unit groups have the code “%(code)s”."),
    "group.unknown_kind": _("Unit group %(code)s: unknown unit kinds %(kinds)s."),
    "band.order": _("Bands go from the highest down: “%(second)s” comes after “%(first)s”."),
    "band.duplicate": _("Two bands have the code “%(code)s”."),
    "band.empty": _("A band needs a code and a name (%(code)s)."),
    "band.range": _("Band “%(label)s” starts at %(minimum)s, outside 0 and the total."),
    "band.no_zero": _("The lowest band (“%(label)s”) must start at 0, so every total has a band."),
    # nodes
    "node.code_empty": _("A criterion has no code (“%(title)s”)."),
    "node.code_shape": _("Code “%(code)s” must be numbers separated by dots, like 2.3.1."),
    "node.code_parent": _("Code %(code)s does not continue its parent's code %(parent)s."),
    "node.code_parent_missing": _(
        "Code %(code)s looks like it belongs under %(parent)s, which is not there."
    ),
    "node.code_duplicate": _("Code %(code)s is used %(times)s times."),
    "node.too_deep": _("Level %(depth)s: a framework has at most %(max_depth)s levels."),
    "node.title_empty": _("The criterion has no title."),
    "node.max_positive": _("The maximum %(maximum)s must be above 0."),
    "node.max_places": _("The maximum %(maximum)s has more than 2 decimal places."),
    "node.unknown_source": _("Unknown source of points “%(source)s”."),
    "node.source_missing": _("A scored criterion needs its source of points."),
    "node.rule_missing": _("A scored criterion needs a scoring rule."),
    "node.rule_on_parent": _(
        "A criterion with sub-criteria adds up their points: it has no rule of its own."
    ),
    "node.children_sum": _(
        "Its sub-criteria add up to %(sum)s, not its maximum %(maximum)s%(group)s."
    ),
    "node.unknown_group": _("Unknown unit groups: %(groups)s."),
    "node.group_outside_parent": _(
        "It applies to unit groups its parent %(parent)s does not apply to."
    ),
    "evidence.title_empty": _("An evidence document has no name."),
    "evidence.duplicate": _("The document “%(title)s” is listed twice."),
    # actions
    "action.not_draft": _(
        "This framework is %(status)s: only a draft can be changed. Make a new version instead."
    ),
    "action.not_published": _(
        "Only a published framework can be archived (this one is %(status)s)."
    ),
    "action.owner_level": _("%(unit)s cannot issue a framework: choose a province or a district."),
    "action.code_taken": _("%(unit)s already has a framework with the code %(code)s."),
    "action.changed_meanwhile": _(
        "Someone else saved this criterion after you opened it. Your changes were not saved: "
        "reload it to see theirs, then make your changes again."
    ),
    # files
    "file.unsupported_type": _("Please upload a .yaml, .yml or .xlsx file."),
    "file.empty": _("The file is empty."),
    "file.too_large": _("The file is too large (at most %(mb)s MB)."),
    "file.not_utf8": _("The file must be saved as UTF-8."),
    "file.yaml_syntax": _("The YAML cannot be read: %(detail)s."),
    "file.unreadable_excel": _("The Excel file cannot be read."),
    "file.no_framework": _("The file has no “framework:” section."),
    "file.no_fields": _("The file has no “fields:” list."),
    "file.unknown_key": _("Unknown entry “%(key)s”."),
    "file.adjustment_shape": _(
        "“bonus” and “penalty” are written as {max: ..., needs_evidence: ...}."
    ),
    "file.list_shape": _("“%(field)s” must be a list."),
    "file.node_shape": _("A criterion is not written as a mapping (code, title, max ...)."),
    "file.evidence_shape": _("An evidence document is written as a name or {title, required}."),
    "file.not_a_number": _("“%(value)s” is not a number (%(field)s)."),
    "file.not_a_year": _("“%(value)s” is not a year (%(field)s)."),
    "file.not_yes_no": _("“%(value)s”: write “có” or “không”."),
    "file.too_many_rows": _("At most %(rows)s rows per sheet."),
    "file.sheet_empty": _("The sheet is empty."),
    "file.sheet_missing": _("The sheet “%(sheet)s” is missing."),
    "file.missing_columns": _("Missing columns: %(columns)s."),
    "file.code_repeated": _("Code %(code)s is already on row %(row)s."),
    "file.parent_missing": _(
        "No row above has the code %(parent)s, under which %(code)s would sit."
    ),
    "file.unknown_source": _(
        "“%(value)s” is not a source: write Thẩm định, Khảo sát người dân, Khảo sát cán bộ or "
        "Hệ thống tính."
    ),
    "file.max_missing": _("The maximum points are missing."),
    "file.unknown_fact": _("Unknown line “%(label)s”."),
    "file.fact_missing": _("The line “%(label)s” is missing."),
    "file.unknown_level": _("“%(value)s” is not a level (Cấp xã, Cấp huyện, Cấp tỉnh)."),
    "file.unknown_kind": _("“%(value)s” is not a kind of unit."),
}

INPUT_LABELS: dict[str, Promise] = {
    "level": _("level"),
    "yes": _("yes/no"),
    "achieved": _("number achieved"),
    "required": _("number required"),
    "value": _("value"),
    "count": _("count"),
    "index": _("index (%)"),
    "done": _("tasks done"),
    "planned": _("tasks planned"),
    "bonus": _("bonus"),
    "penalty": _("penalty"),
}

CAP_NAMES: dict[str, Promise] = {"bonus": _("bonus"), "penalty": _("penalty")}


def _show(key: str, value: Any) -> str:
    from parindex.frameworks.models import SourceChoice
    from parindex.frameworks.rules import RuleKind

    if isinstance(value, Decimal):
        places = max(0, -value.normalize().as_tuple().exponent)  # type: ignore[operator]
        return number_format(value, min(places, 2))
    if key == "input":
        return str(INPUT_LABELS.get(str(value), value))
    if key == "which":
        return str(CAP_NAMES.get(str(value), value))
    if key == "source" and value in SourceChoice.values:
        return str(SourceChoice(value).label)
    if key == "kind" and value in RuleKind.__members__.values():
        from parindex.frameworks.display import RULE_NAMES

        return str(RULE_NAMES[RuleKind(value)])
    if key == "group" and value:
        return " " + gettext("(group %(name)s)") % {"name": value}
    return str(value)


def message(problem: Problem) -> str:
    """The problem as a sentence in the active language."""
    template = MESSAGES.get(problem.code)
    if template is None:
        return problem.code
    params = {k: _show(k, v) for k, v in problem.params.items()}
    try:
        return str(template) % params
    except (KeyError, ValueError, TypeError):
        return str(template)


def issue_rows(
    issues: list[FileIssue], rows_of: dict[str, int] | None = None
) -> list[dict[str, Any]]:
    """Import issues as table rows: sheet, row, column, criterion code, message."""
    rows_of = rows_of or {}
    out = []
    for issue in issues:
        row = issue.row
        if row is None and issue.problem.node:
            row = rows_of.get(issue.problem.node)
        out.append(
            {
                "sheet": issue.sheet,
                "row": row,
                "column": issue.column,
                "node": issue.problem.node,
                "message": message(issue.problem),
            }
        )
    return out
