"""Scoring rules: how the answer a commune records for a sub-criterion becomes points.

Pure Python over `Decimal` (no Django, no database), so the scoring engine, the what-if preview,
the validators and the tests all use the same arithmetic.

Seven kinds, each kept as data on the framework's node (`to_dict()` / `parse_rule()`):

- levels, answer `{"level": code}`: the points of the chosen level ("on time 1; late 0,5; not
  done 0");
- yes_no, `{"yes": bool}`: max, or 0;
- proportional, `{"achieved": a, "required": r}`: max × min(1, (a ÷ r) ÷ target%); r = 0 gives
  full points or 0, as the rule says;
- tiers, `{"value": v}`: the points of the first tier whose threshold ≤ v ("≥ 90%: 2; ≥ 70%: 1;
  ≥ 0%: 0");
- deduction, `{"count": n}`: max(0, max − step × n);
- survey, `{"index": i}` (0–100 %): max × i ÷ 100, or tiers on i;
- plan_completion, `{"done": d, "planned": p}`: max × d ÷ p, or max(0, max − per_missing × (p − d));
  p = 0 gives 0 or full points, as the rule says.

Rounding, the one documented step: every rule's result is rounded once, to 2 decimal places,
half up (0,005 → 0,01), after the whole formula is computed exactly; nothing in between is rounded.
A node's points are then always within 0..max and sums of nodes are exact.

Seed 003's "6/7 tasks: 2,85/3" is not 6/7 × 3 (= 2,57): it is what `plan_completion` with
`per_missing` 0,15 gives (3 − 0,15 × 1). Provinces use their own formulas, which is why rules are
data.

Every score keeps its raw inputs and a line of arithmetic (`Score.working`), so anyone can
recompute it. Problems are returned as codes with parameters (`Problem`); the framework app turns
them into Vietnamese or English sentences.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, ClassVar

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)


class RuleKind(StrEnum):
    LEVELS = "levels"
    YES_NO = "yes_no"
    PROPORTIONAL = "proportional"
    TIERS = "tiers"
    DEDUCTION = "deduction"
    SURVEY = "survey"
    PLAN_COMPLETION = "plan_completion"


class Source(StrEnum):
    """Where a sub-criterion's points come from."""

    APPRAISED = "appraised"  # self-assessed with evidence, then appraised
    SURVEY_CITIZENS = "survey_citizens"  # sociological survey of citizens (SIPAS)
    SURVEY_OFFICIALS = "survey_officials"  # sociological survey of officials
    COMPUTED = "computed"  # computed by the system (e.g. share of the PAR plan's tasks done)


SURVEY_SOURCES = frozenset({Source.SURVEY_CITIZENS, Source.SURVEY_OFFICIALS})

# Which rules fit which source: a survey criterion takes its points from a survey index, the
# plan-completion rule is computed from the plan's tasks, the others are answered and appraised.
SOURCES_OF_RULE: dict[RuleKind, frozenset[Source]] = {
    RuleKind.LEVELS: frozenset({Source.APPRAISED}),
    RuleKind.YES_NO: frozenset({Source.APPRAISED}),
    RuleKind.PROPORTIONAL: frozenset({Source.APPRAISED, Source.COMPUTED}),
    RuleKind.TIERS: frozenset({Source.APPRAISED, Source.COMPUTED}),
    RuleKind.DEDUCTION: frozenset({Source.APPRAISED, Source.COMPUTED}),
    RuleKind.SURVEY: SURVEY_SOURCES,
    RuleKind.PLAN_COMPLETION: frozenset({Source.COMPUTED, Source.APPRAISED}),
}


@dataclass(frozen=True)
class Problem:
    """Something wrong with a framework, a rule or an answer: a code and its parameters.

    `node` is the code of the criterion it concerns ("" for the framework itself).
    """

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    node: str = ""

    def at(self, node: str) -> Problem:
        return Problem(self.code, self.params, node)


class RuleError(Exception):
    """A rule's data cannot be read; `problems` says why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.code for p in problems))
        self.problems = problems


class AnswerError(Exception):
    """An answer does not fit its rule (a missing value, a percentage above 100, ...)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem


@dataclass(frozen=True)
class Score:
    """Points with what produced them: the rule's kind, the raw inputs and the arithmetic."""

    points: Decimal
    maximum: Decimal
    kind: str
    inputs: Mapping[str, str]
    working: str

    @property
    def lost(self) -> Decimal:
        return self.maximum - self.points


# --- numbers -------------------------------------------------------------------------------------


def to_decimal(value: object) -> Decimal:
    """A Decimal from an int, a Decimal, a float (by its shortest text) or a text with , or .

    Raises ValueError for anything else, for NaN and for infinities.
    """
    if isinstance(value, bool):
        raise ValueError("a yes/no is not a number")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        if text.endswith("%"):
            text = text[:-1]
        if "," in text and "." in text:
            raise ValueError(f"ambiguous number {value!r}")
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation as exc:
            raise ValueError(f"not a number: {value!r}") from exc
    else:
        raise ValueError(f"not a number: {value!r}")
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return number


def round_points(value: Decimal) -> Decimal:
    """The one rounding step: 2 decimal places, half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def has_two_places_at_most(value: Decimal) -> bool:
    return value == value.quantize(CENT)


def fmt(value: Decimal, decimal_mark: str = ",") -> str:
    """A number for the working line: no needless zeros, Vietnamese decimal comma by default."""
    if value == value.to_integral_value():
        text = f"{value.quantize(Decimal(1)):f}"
    else:
        text = f"{value.normalize():f}"
    return text.replace(".", decimal_mark)


def plain(value: Decimal) -> str:
    """A number as stored: '0.5', '3', never an exponent or needless zeros."""
    if value == value.to_integral_value():
        return f"{value.quantize(Decimal(1)):f}"
    return f"{value.normalize():f}"


def slug(text: str) -> str:
    """'Đúng hạn' -> 'dung_han': a level's code, made from its label."""
    folded = unicodedata.normalize("NFD", text.strip().lower()).replace("đ", "d")
    folded = "".join(ch for ch in folded if unicodedata.category(ch) != "Mn")
    out = "".join(ch if ch.isalnum() else "_" for ch in folded)
    return "_".join(part for part in out.split("_") if part)


# --- answers -------------------------------------------------------------------------------------


def _number(answer: Mapping[str, Any], key: str, *, whole: bool = False) -> Decimal:
    if key not in answer or answer[key] in (None, ""):
        raise AnswerError(Problem("answer.missing", {"input": key}))
    try:
        number = to_decimal(answer[key])
    except ValueError as exc:
        raise AnswerError(Problem("answer.not_a_number", {"input": key})) from exc
    if number < 0:
        raise AnswerError(Problem("answer.negative", {"input": key}))
    if whole and number != number.to_integral_value():
        raise AnswerError(Problem("answer.not_whole", {"input": key}))
    return number


def _percent(answer: Mapping[str, Any], key: str) -> Decimal:
    number = _number(answer, key)
    if number > HUNDRED:
        raise AnswerError(Problem("answer.percent_above_100", {"input": key}))
    return number


# --- tiers (shared by the tiers and survey rules) ------------------------------------------------


@dataclass(frozen=True)
class Tier:
    minimum: Decimal  # the value from which (inclusive) the tier applies
    points: Decimal


def _tiers_problems(tiers: tuple[Tier, ...], maximum: Decimal, *, percent: bool) -> list[Problem]:
    problems: list[Problem] = []
    if len(tiers) < 2:
        return [Problem("rule.tiers_too_few")]
    for before, after in itertools.pairwise(tiers):
        if after.minimum >= before.minimum:
            problems.append(
                Problem("rule.tiers_order", {"first": before.minimum, "second": after.minimum})
            )
        if after.points > before.points:
            problems.append(
                Problem(
                    "rule.tiers_not_monotone",
                    {"low": after.minimum, "high": before.minimum},
                )
            )
    if tiers[-1].minimum != 0:
        problems.append(Problem("rule.tiers_no_zero", {"lowest": tiers[-1].minimum}))
    for tier in tiers:
        if tier.minimum < 0 or (percent and tier.minimum > HUNDRED):
            problems.append(Problem("rule.tier_threshold_range", {"value": tier.minimum}))
        problems.extend(_points_problems(tier.points, maximum))
    if tiers and max(t.points for t in tiers) != maximum:
        problems.append(
            Problem(
                "rule.max_unreachable",
                {"best": max(t.points for t in tiers), "maximum": maximum},
            )
        )
    return problems


def _points_problems(points: Decimal, maximum: Decimal) -> list[Problem]:
    if points < 0:
        return [Problem("rule.points_negative", {"points": points})]
    if points > maximum:
        return [Problem("rule.points_above_max", {"points": points, "maximum": maximum})]
    if not has_two_places_at_most(points):
        return [Problem("rule.points_places", {"points": points})]
    return []


def _tier_for(tiers: tuple[Tier, ...], value: Decimal) -> Tier:
    for tier in tiers:
        if value >= tier.minimum:
            return tier
    return Tier(ZERO, ZERO)  # below every threshold: refused by validation, 0 if it happens


def _tiers_to_list(tiers: tuple[Tier, ...]) -> list[dict[str, str]]:
    return [{"min": plain(t.minimum), "points": plain(t.points)} for t in tiers]


def _tiers_from(data: Any) -> tuple[Tier, ...]:
    if not isinstance(data, list | tuple) or not data:
        raise RuleError([Problem("rule.tiers_missing")])
    tiers = []
    for item in data:
        if not isinstance(item, Mapping) or set(item) != {"min", "points"}:
            raise RuleError([Problem("rule.tier_shape")])
        tiers.append(
            Tier(_param_number(item["min"], "min"), _param_number(item["points"], "points"))
        )
    return tuple(tiers)


def _param_number(value: Any, name: str) -> Decimal:
    try:
        return to_decimal(value)
    except ValueError as exc:
        raise RuleError([Problem("rule.param_not_a_number", {"param": name})]) from exc


def _choice(data: Mapping[str, Any], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = str(data.get(name) or default)
    if value not in allowed:
        raise RuleError(
            [Problem("rule.param_choice", {"param": name, "allowed": ", ".join(allowed)})]
        )
    return value


# --- the rules -----------------------------------------------------------------------------------


class Rule:
    """A scoring rule. Subclasses are frozen dataclasses."""

    kind: ClassVar[RuleKind]
    # The answer's inputs, in the order a form asks for them.
    inputs: ClassVar[tuple[str, ...]]

    def to_dict(self) -> dict[str, Any]:
        raise NotImplementedError

    def problems(self, maximum: Decimal) -> list[Problem]:
        """What makes this rule unfit for a node of `maximum` points ([] when it fits)."""
        raise NotImplementedError

    def score(self, maximum: Decimal, answer: Mapping[str, Any], *, mark: str = ",") -> Score:
        """The points for `answer`; AnswerError when it does not fit the rule."""
        raise NotImplementedError


@dataclass(frozen=True)
class Level:
    label: str
    points: Decimal

    @property
    def code(self) -> str:
        return slug(self.label)


@dataclass(frozen=True)
class LevelsRule(Rule):
    """Pick one of listed outcomes, each with its points."""

    levels: tuple[Level, ...]
    kind: ClassVar[RuleKind] = RuleKind.LEVELS
    inputs: ClassVar[tuple[str, ...]] = ("level",)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "levels": [{"label": lv.label, "points": plain(lv.points)} for lv in self.levels],
        }

    def problems(self, maximum: Decimal) -> list[Problem]:
        if len(self.levels) < 2:
            return [Problem("rule.levels_too_few")]
        problems: list[Problem] = []
        seen: set[str] = set()
        for level in self.levels:
            if not level.code:
                problems.append(Problem("rule.level_label_empty"))
            elif level.code in seen:
                problems.append(Problem("rule.level_duplicate", {"label": level.label}))
            seen.add(level.code)
            problems.extend(_points_problems(level.points, maximum))
        best = max(lv.points for lv in self.levels)
        if best != maximum:
            problems.append(Problem("rule.max_unreachable", {"best": best, "maximum": maximum}))
        return problems

    def level(self, code: str) -> Level | None:
        return next((lv for lv in self.levels if lv.code == code), None)

    def score(self, maximum: Decimal, answer: Mapping[str, Any], *, mark: str = ",") -> Score:
        code = answer.get("level")
        if code in (None, ""):
            raise AnswerError(Problem("answer.missing", {"input": "level"}))
        level = self.level(str(code)) or self.level(slug(str(code)))
        if level is None:
            raise AnswerError(Problem("answer.unknown_level", {"value": code}))
        points = round_points(min(level.points, maximum))
        return Score(
            points,
            maximum,
            self.kind,
            {"level": level.code},
            f"«{level.label}» = {fmt(points, mark)}",
        )


@dataclass(frozen=True)
class YesNoRule(Rule):
    """Done or not: max points, or none."""

    kind: ClassVar[RuleKind] = RuleKind.YES_NO
    inputs: ClassVar[tuple[str, ...]] = ("yes",)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind.value}

    def problems(self, maximum: Decimal) -> list[Problem]:
        return []

    def score(self, maximum: Decimal, answer: Mapping[str, Any], *, mark: str = ",") -> Score:
        value = answer.get("yes")
        if isinstance(value, str):
            folded = slug(value)
            if folded in {"1", "true", "yes", "co", "dat", "x"}:
                value = True
            elif folded in {"0", "false", "no", "khong", "khong_dat"}:
                value = False
        if not isinstance(value, bool):
            raise AnswerError(Problem("answer.missing", {"input": "yes"}))
        points = maximum if value else ZERO
        word = "✓" if value else "✗"
        return Score(
            round_points(points),
            maximum,
            self.kind,
            {"yes": "1" if value else "0"},
            f"{word} = {fmt(points, mark)}",
        )


@dataclass(frozen=True)
class ProportionalRule(Rule):
    """achieved ÷ required, against a target rate, times the maximum, capped at the maximum.

    `target` is the rate (in %) that earns full points: 100 by default; 90 means "90% or more of
    the digitised dossiers earns the whole". With nothing required (required = 0) the node earns
    full points (`if_none`: "full") or none ("zero").
    """

    target: Decimal = HUNDRED
    if_none: str = "full"
    achieved_label: str = ""
    required_label: str = ""
    kind: ClassVar[RuleKind] = RuleKind.PROPORTIONAL
    inputs: ClassVar[tuple[str, ...]] = ("achieved", "required")

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind.value}
        if self.target != HUNDRED:
            data["target"] = plain(self.target)
        if self.if_none != "full":
            data["if_none"] = self.if_none
        if self.achieved_label:
            data["achieved_label"] = self.achieved_label
        if self.required_label:
            data["required_label"] = self.required_label
        return data

    def problems(self, maximum: Decimal) -> list[Problem]:
        if not ZERO < self.target <= HUNDRED:
            return [Problem("rule.target_range", {"target": self.target})]
        return []

    def score(self, maximum: Decimal, answer: Mapping[str, Any], *, mark: str = ",") -> Score:
        achieved = _number(answer, "achieved")
        required = _number(answer, "required")
        inputs = {"achieved": plain(achieved), "required": plain(required)}
        if required == 0:
            points = maximum if self.if_none == "full" else ZERO
            working = f"{fmt(achieved, mark)}/0 → {fmt(points, mark)}"
            return Score(round_points(points), maximum, self.kind, inputs, working)
        share = achieved * HUNDRED / (required * self.target)
        ratio = f"{fmt(achieved, mark)}/{fmt(required, mark)}"
        if self.target != HUNDRED:
            ratio = f"({ratio}) ÷ {fmt(self.target, mark)}%"
        if share >= 1:
            points = maximum
            working = f"{ratio} ≥ 1 → {fmt(points, mark)}"
        else:
            points = round_points(maximum * share)
            working = f"{fmt(maximum, mark)} × {ratio} = {fmt(points, mark)}"
        return Score(round_points(points), maximum, self.kind, inputs, working)


@dataclass(frozen=True)
class TiersRule(Rule):
    """Points by thresholds on a value (a rate in % by default): the first tier it reaches."""

    tiers: tuple[Tier, ...]
    percent: bool = True
    value_label: str = ""
    kind: ClassVar[RuleKind] = RuleKind.TIERS
    inputs: ClassVar[tuple[str, ...]] = ("value",)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind.value, "tiers": _tiers_to_list(self.tiers)}
        if not self.percent:
            data["percent"] = False
        if self.value_label:
            data["value_label"] = self.value_label
        return data

    def problems(self, maximum: Decimal) -> list[Problem]:
        return _tiers_problems(self.tiers, maximum, percent=self.percent)

    def score(self, maximum: Decimal, answer: Mapping[str, Any], *, mark: str = ",") -> Score:
        value = _percent(answer, "value") if self.percent else _number(answer, "value")
        tier = _tier_for(self.tiers, value)
        unit = "%" if self.percent else ""
        points = round_points(min(tier.points, maximum))
        working = (
            f"{fmt(value, mark)}{unit} ≥ {fmt(tier.minimum, mark)}{unit} → {fmt(points, mark)}"
        )
        return Score(points, maximum, self.kind, {"value": plain(value)}, working)


@dataclass(frozen=True)
class DeductionRule(Rule):
    """The maximum less `step` points per occurrence (late report, disciplined official ...),
    never below 0."""

    step: Decimal
    count_label: str = ""
    kind: ClassVar[RuleKind] = RuleKind.DEDUCTION
    inputs: ClassVar[tuple[str, ...]] = ("count",)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind.value, "step": plain(self.step)}
        if self.count_label:
            data["count_label"] = self.count_label
        return data

    def problems(self, maximum: Decimal) -> list[Problem]:
        if self.step <= 0:
            return [Problem("rule.step_positive", {"step": self.step})]
        if self.step > maximum:
            return [Problem("rule.step_above_max", {"step": self.step, "maximum": maximum})]
        if not has_two_places_at_most(self.step):
            return [Problem("rule.points_places", {"points": self.step})]
        return []

    def score(self, maximum: Decimal, answer: Mapping[str, Any], *, mark: str = ",") -> Score:
        count = _number(answer, "count", whole=True)
        raw = maximum - self.step * count
        points = round_points(max(ZERO, raw))
        working = f"{fmt(maximum, mark)} − {fmt(self.step, mark)} × {fmt(count, mark)}"
        working += f" = {fmt(points, mark)}" if raw >= 0 else f" < 0 → {fmt(points, mark)}"
        return Score(points, maximum, self.kind, {"count": plain(count)}, working)


@dataclass(frozen=True)
class SurveyRule(Rule):
    """Points from a survey index (0–100 %): index% × max, or tiers on the index.

    `element` names the part of the questionnaire the index comes from (e.g. "TC", access to the
    service); empty for the overall index. Which survey (citizens or officials) is the node's
    source.
    """

    element: str = ""
    tiers: tuple[Tier, ...] = ()
    kind: ClassVar[RuleKind] = RuleKind.SURVEY
    inputs: ClassVar[tuple[str, ...]] = ("index",)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind.value}
        if self.element:
            data["element"] = self.element
        if self.tiers:
            data["tiers"] = _tiers_to_list(self.tiers)
        return data

    def problems(self, maximum: Decimal) -> list[Problem]:
        if self.tiers:
            return _tiers_problems(self.tiers, maximum, percent=True)
        return []

    def score(self, maximum: Decimal, answer: Mapping[str, Any], *, mark: str = ",") -> Score:
        index = _percent(answer, "index")
        inputs = {"index": plain(index)}
        if self.tiers:
            tier = _tier_for(self.tiers, index)
            points = round_points(min(tier.points, maximum))
            working = f"{fmt(index, mark)}% ≥ {fmt(tier.minimum, mark)}% → {fmt(points, mark)}"
        else:
            points = round_points(maximum * index / HUNDRED)
            working = f"{fmt(maximum, mark)} × {fmt(index, mark)}% = {fmt(points, mark)}"
        return Score(points, maximum, self.kind, inputs, working)


@dataclass(frozen=True)
class PlanCompletionRule(Rule):
    """Points from the PAR plan's tasks: done ÷ planned × max, or max less `per_missing` per task
    not done (seed 003: 6 of 7 with 0,15 per task gives 2,85/3). No task planned gives 0 points
    (`if_none`: "zero", no plan was made) or full points ("full")."""

    per_missing: Decimal | None = None
    if_none: str = "zero"
    kind: ClassVar[RuleKind] = RuleKind.PLAN_COMPLETION
    inputs: ClassVar[tuple[str, ...]] = ("done", "planned")

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind.value}
        if self.per_missing is not None:
            data["per_missing"] = plain(self.per_missing)
        if self.if_none != "zero":
            data["if_none"] = self.if_none
        return data

    def problems(self, maximum: Decimal) -> list[Problem]:
        if self.per_missing is None:
            return []
        if self.per_missing <= 0:
            return [Problem("rule.step_positive", {"step": self.per_missing})]
        if self.per_missing > maximum:
            return [Problem("rule.step_above_max", {"step": self.per_missing, "maximum": maximum})]
        if not has_two_places_at_most(self.per_missing):
            return [Problem("rule.points_places", {"points": self.per_missing})]
        return []

    def score(self, maximum: Decimal, answer: Mapping[str, Any], *, mark: str = ",") -> Score:
        done = _number(answer, "done", whole=True)
        planned = _number(answer, "planned", whole=True)
        if done > planned:
            raise AnswerError(Problem("answer.done_above_planned"))
        inputs = {"done": plain(done), "planned": plain(planned)}
        if planned == 0:
            points = maximum if self.if_none == "full" else ZERO
            return Score(
                round_points(points), maximum, self.kind, inputs, f"0/0 → {fmt(points, mark)}"
            )
        if self.per_missing is None:
            points = round_points(maximum * done / planned)
            working = (
                f"{fmt(maximum, mark)} × {fmt(done, mark)}/{fmt(planned, mark)}"
                f" = {fmt(points, mark)}"
            )
        else:
            missing = planned - done
            raw = maximum - self.per_missing * missing
            points = round_points(max(ZERO, raw))
            working = (
                f"{fmt(done, mark)}/{fmt(planned, mark)}: {fmt(maximum, mark)} − "
                f"{fmt(self.per_missing, mark)} × {fmt(missing, mark)} = {fmt(points, mark)}"
            )
        return Score(points, maximum, self.kind, inputs, working)


# --- reading rules from data ----------------------------------------------------------------------


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    return "" if value is None else str(value).strip()


def parse_rule(data: Any) -> Rule:
    """A rule from its data (a YAML mapping or a stored JSON dict). RuleError when unreadable.

    This reads the rule's shape only; whether it fits its node's maximum is `Rule.problems`.
    """
    if not isinstance(data, Mapping):
        raise RuleError([Problem("rule.not_a_mapping")])
    try:
        kind = RuleKind(str(data.get("kind", "")))
    except ValueError:
        raise RuleError([Problem("rule.unknown_kind", {"kind": data.get("kind", "")})]) from None
    known = {
        RuleKind.LEVELS: {"levels"},
        RuleKind.YES_NO: set(),
        RuleKind.PROPORTIONAL: {"target", "if_none", "achieved_label", "required_label"},
        RuleKind.TIERS: {"tiers", "percent", "value_label"},
        RuleKind.DEDUCTION: {"step", "count_label"},
        RuleKind.SURVEY: {"element", "tiers"},
        RuleKind.PLAN_COMPLETION: {"per_missing", "if_none"},
    }[kind]
    unknown = sorted(set(data) - known - {"kind"})
    if unknown:
        raise RuleError([Problem("rule.unknown_param", {"param": ", ".join(unknown)})])
    if kind is RuleKind.LEVELS:
        items = data.get("levels")
        if not isinstance(items, list | tuple) or not items:
            raise RuleError([Problem("rule.levels_too_few")])
        levels = []
        for item in items:
            if not isinstance(item, Mapping) or set(item) != {"label", "points"}:
                raise RuleError([Problem("rule.level_shape")])
            levels.append(Level(_text(item, "label"), _param_number(item["points"], "points")))
        return LevelsRule(tuple(levels))
    if kind is RuleKind.YES_NO:
        return YesNoRule()
    if kind is RuleKind.PROPORTIONAL:
        target = _param_number(data["target"], "target") if "target" in data else HUNDRED
        return ProportionalRule(
            target=target,
            if_none=_choice(data, "if_none", ("full", "zero"), "full"),
            achieved_label=_text(data, "achieved_label"),
            required_label=_text(data, "required_label"),
        )
    if kind is RuleKind.TIERS:
        percent = data.get("percent", True)
        if not isinstance(percent, bool):
            raise RuleError(
                [Problem("rule.param_choice", {"param": "percent", "allowed": "true, false"})]
            )
        return TiersRule(
            _tiers_from(data.get("tiers")), percent=percent, value_label=_text(data, "value_label")
        )
    if kind is RuleKind.DEDUCTION:
        if "step" not in data:
            raise RuleError([Problem("rule.param_missing", {"param": "step"})])
        return DeductionRule(
            _param_number(data["step"], "step"), count_label=_text(data, "count_label")
        )
    if kind is RuleKind.SURVEY:
        tiers = _tiers_from(data["tiers"]) if data.get("tiers") else ()
        return SurveyRule(element=_text(data, "element"), tiers=tiers)
    per_missing = data.get("per_missing")
    return PlanCompletionRule(
        per_missing=None
        if per_missing in (None, "")
        else _param_number(per_missing, "per_missing"),
        if_none=_choice(data, "if_none", ("zero", "full"), "zero"),
    )


def rule_problems(rule: Rule, maximum: Decimal, source: str) -> list[Problem]:
    """Everything that makes `rule` unfit for a node of `maximum` points fed by `source`."""
    problems = list(rule.problems(maximum))
    if (
        source
        and source in Source.__members__.values()
        and Source(source) not in SOURCES_OF_RULE[rule.kind]
    ):
        problems.append(Problem("rule.source_mismatch", {"kind": rule.kind, "source": source}))
    return problems


# --- bonus and penalty points ---------------------------------------------------------------------


@dataclass(frozen=True)
class Adjusted:
    """The total after bonus and penalty points, with the capped amounts that were applied."""

    base: Decimal
    bonus: Decimal
    penalty: Decimal
    total: Decimal
    working: str


def adjusted_total(
    base: Decimal,
    *,
    bonus: Decimal = ZERO,
    penalty: Decimal = ZERO,
    bonus_cap: Decimal = ZERO,
    penalty_cap: Decimal = ZERO,
    mark: str = ",",
) -> Adjusted:
    """Appraised points + bonus − penalty, each capped by the framework, never below 0."""
    if bonus < 0 or penalty < 0:
        raise AnswerError(
            Problem("answer.negative", {"input": "bonus" if bonus < 0 else "penalty"})
        )
    bonus_used = min(bonus, bonus_cap)
    penalty_used = min(penalty, penalty_cap)
    total = round_points(max(ZERO, base + bonus_used - penalty_used))
    working = f"{fmt(base, mark)} + {fmt(bonus_used, mark)} − {fmt(penalty_used, mark)}"
    working += f" = {fmt(total, mark)}"
    return Adjusted(base, bonus_used, penalty_used, total, working)
