"""What a criterion asks the commune to answer, from its rule, and reading that answer from a form.

The points always come from the rule (`Rule.score`), never from a number typed as points.
Criteria fed by a survey are not answered here: their points come from the survey's results.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parindex.frameworks.rules import (
    SURVEY_SOURCES,
    DeductionRule,
    LevelsRule,
    PlanCompletionRule,
    ProportionalRule,
    Rule,
    SurveyRule,
    TiersRule,
    YesNoRule,
    fmt,
)


@dataclass(frozen=True)
class Input:
    """One input of an answer form."""

    name: str  # the answer's key ("level", "achieved" ...)
    kind: str  # "choice" | "yes_no" | "number" | "count"
    label: str | Promise
    choices: tuple[tuple[str, str], ...] = ()
    suffix: str = ""  # "%" after a rate


def inputs_for(rule: Rule | None, source: str) -> list[Input]:
    """The inputs the commune fills for a criterion ([] when its points come from a survey)."""
    if rule is None or source in SURVEY_SOURCES or isinstance(rule, SurveyRule):
        return []
    if isinstance(rule, LevelsRule):
        return [
            Input(
                "level",
                "choice",
                _("Result"),
                tuple((lv.code, f"{lv.label} ({fmt(lv.points)})") for lv in rule.levels),
            )
        ]
    if isinstance(rule, YesNoRule):
        return [Input("yes", "yes_no", _("Done"))]
    if isinstance(rule, ProportionalRule):
        return [
            Input("achieved", "number", rule.achieved_label or _("Achieved")),
            Input("required", "number", rule.required_label or _("Required")),
        ]
    if isinstance(rule, TiersRule):
        return [
            Input(
                "value",
                "number",
                rule.value_label or (_("Rate") if rule.percent else _("Value")),
                suffix="%" if rule.percent else "",
            )
        ]
    if isinstance(rule, DeductionRule):
        return [Input("count", "count", rule.count_label or _("Number of occurrences"))]
    if isinstance(rule, PlanCompletionRule):
        return [
            Input("done", "count", _("Tasks done on time")),
            Input("planned", "count", _("Tasks in the plan")),
        ]
    return []


def read_answer(rule: Rule | None, source: str, data: Mapping[str, Any]) -> dict[str, Any] | None:
    """The answer posted in `data` (field names prefixed "a_"), or None when nothing was filled.

    Values are kept as typed (text); the rule reads and checks them when it scores.
    """
    answer: dict[str, Any] = {}
    for item in inputs_for(rule, source):
        raw = data.get(f"a_{item.name}")
        if raw is None or str(raw).strip() == "":
            continue
        if item.kind == "yes_no":
            answer[item.name] = str(raw) == "1"
        else:
            answer[item.name] = str(raw).strip()
    return answer or None
