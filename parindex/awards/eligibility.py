"""Award eligibility rules as data, and their evaluation — pure Python, no Django, no database.

A rule says which published index results make a unit (or a person of that unit) eligible for an
award. It is data: JSON in the database, edited as YAML on the campaign's page, e.g. seed 004's
"the unit's index is at least 80% and higher than the year before, or at least 83%":

    any:
      - all:
          - percent: ">= 80"
          - higher_than_last_year: true
      - percent: ">= 83"

The grammar (`parse`):
- `{all: [rule, ...]}` holds when every rule holds, `{any: [rule, ...]}` when at least one does
  (nested freely, at most `MAX_DEPTH` levels); a list at the top is read as `all`;
- `{percent: ">= 80"}`: the total as a share of the framework's maximum (the published percent);
- `{total: ">= 80"}`: the total in points;
- `{field: "9", percent: ">= 90"}` or `{field: "9", points: ">= 30"}`: a field's (or any
  criterion's) points, or their share of its maximum;
- `{rank: "<= 10"}`: the rank in the published ranking (1 is the best);
- `{change: ">= 1"}`: the total minus last year's total, in points (`{change: ..., measure:
  percent}`: the difference of the percentages);
- `{higher_than_last_year: true}` (or the bare word in a list): the percent is strictly higher
  than last year's (`measure: total` compares the totals) — equal is not higher;
- `{plan_target: "1.1", state: met}`: the state of target 1.1 of the unit's annual plan of the
  results' year (`state` may be a list: met, on_track, at_risk, missed, not_reported, unknown).
A comparison is written "<op> <number>" with >=, >, <=, <, = (≥ and ≤ too) and a decimal point or
comma; a bare number means ">=". Numbers are Decimal, never float.

Evaluation (`evaluate(rule, facts)`) returns a `Check` tree mirroring the rule: each clause with
its figures (the unit's value, last year's, the plan target's state) and whether it held. "Last
year" is the unit's latest earlier published result (for a merged commune, its predecessors'
weighted result, `scoring.services.previous_result`); without one, "higher than last year" and
"change" do not hold and say so (`missing = "previous"`). A unit absent from the publication holds
no clause (`missing = "result"`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

MAX_DEPTH = 8
CENT = Decimal("0.01")
HUNDRED = Decimal(100)

# The states of a plan target (`plans.rules.TargetState`; a test keeps the two lists equal).
TARGET_STATES = ("met", "on_track", "at_risk", "missed", "not_reported", "unknown")


class Kind(StrEnum):
    ALL = "all"
    ANY = "any"
    PERCENT = "percent"
    TOTAL = "total"
    FIELD = "field"
    RANK = "rank"
    CHANGE = "change"
    HIGHER = "higher_than_last_year"
    PLAN_TARGET = "plan_target"


GROUPS = (Kind.ALL, Kind.ANY)
COMPARED = (Kind.PERCENT, Kind.TOTAL, Kind.RANK, Kind.CHANGE)

# Operators as written (and their aliases) → the canonical one.
_OPS = {">=": ">=", "≥": ">=", "=>": ">=", ">": ">", "<=": "<=", "≤": "<=", "=<": "<=", "<": "<"}
_OPS |= {"=": "=", "==": "="}
# What a comparison that failed reads as: "81,50 < 83".
NEGATED = {">=": "<", ">": "≤", "<=": ">", "<": "≥", "=": "≠"}
SHOWN = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "="}
_COMPARISON = re.compile(r"^\s*(>=|=>|<=|=<|==|≥|≤|>|<|=)?\s*([+-]?\d+(?:[.,]\d+)?)\s*%?\s*$")


@dataclass(frozen=True)
class Comparison:
    op: str  # canonical: >=, >, <=, <, =
    value: Decimal

    def holds(self, actual: Decimal) -> bool:
        if self.op == ">=":
            return actual >= self.value
        if self.op == ">":
            return actual > self.value
        if self.op == "<=":
            return actual <= self.value
        if self.op == "<":
            return actual < self.value
        return actual == self.value

    @property
    def text(self) -> str:
        return f"{self.op} {_number(self.value)}"


@dataclass(frozen=True)
class Clause:
    """One node of a rule: a group (all, any) of clauses, or a condition on the figures."""

    kind: Kind
    comparison: Comparison | None = None
    code: str = ""  # the field's code (field) or the plan target's (plan_target)
    measure: str = ""  # field: percent | points; change and higher: percent | total
    states: tuple[str, ...] = ()  # plan_target: the states that satisfy it
    children: tuple[Clause, ...] = ()

    def walk(self) -> list[Clause]:
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out

    @property
    def compared(self) -> Comparison:
        """The comparison of a compared clause (percent, total, field, rank, change)."""
        if self.comparison is None:
            raise ValueError(f"a {self.kind} clause has no comparison")
        return self.comparison

    @property
    def uses_plan_targets(self) -> bool:
        return any(c.kind == Kind.PLAN_TARGET for c in self.walk())


@dataclass(frozen=True)
class RuleProblem:
    """Something wrong in a rule's data: a code, where ("any › 1 › all › 2"), parameters."""

    code: str
    where: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)


class RuleError(Exception):
    """A rule's data cannot be read; `problems` lists every reason."""

    def __init__(self, problems: Sequence[RuleProblem]) -> None:
        super().__init__("; ".join(f"{p.where}: {p.code}" for p in problems))
        self.problems = list(problems)


# --- reading a rule ------------------------------------------------------------------------------


def parse(data: Any) -> Clause:
    """The rule in `data` (as JSON or YAML gives it); RuleError listing every problem."""
    problems: list[RuleProblem] = []
    clause = _parse(data, "", 1, problems)
    if problems or clause is None:
        raise RuleError(problems or [RuleProblem("rule.empty")])
    return clause


def _path(where: str, part: object) -> str:
    return f"{where} › {part}" if where else str(part)


def _parse(data: Any, where: str, depth: int, problems: list[RuleProblem]) -> Clause | None:
    if depth > MAX_DEPTH:
        problems.append(RuleProblem("rule.too_deep", where, {"depth": MAX_DEPTH}))
        return None
    if isinstance(data, list):
        return _group(Kind.ALL, data, where, depth, problems)
    if isinstance(data, str) and data.strip() == Kind.HIGHER:
        return Clause(Kind.HIGHER, measure="percent")
    if not isinstance(data, Mapping) or not data:
        problems.append(RuleProblem("rule.not_a_clause", where, {"value": _shown(data)}))
        return None
    keys = {str(k) for k in data}
    if keys & {Kind.ALL, Kind.ANY}:
        kind = Kind.ALL if Kind.ALL in keys else Kind.ANY
        if len(keys) != 1:
            problems.append(RuleProblem("rule.extra_keys", where, {"keys": _keys(keys - {kind})}))
            return None
        items = data[kind]
        if not isinstance(items, list):
            problems.append(RuleProblem("rule.group_list", _path(where, kind), {"kind": kind}))
            return None
        return _group(kind, items, _path(where, kind), depth, problems)
    if Kind.FIELD in keys:
        return _field(data, keys, where, problems)
    if Kind.PLAN_TARGET in keys:
        return _plan_target(data, keys, where, problems)
    if Kind.HIGHER in keys:
        return _higher(data, keys, where, problems)
    found = [k for k in COMPARED if k in keys]
    if len(found) != 1:
        problems.append(RuleProblem("rule.unknown", where, {"keys": _keys(keys)}))
        return None
    kind = Kind(found[0])
    allowed = {kind, "measure"} if kind == Kind.CHANGE else {kind}
    if keys - allowed:
        problems.append(RuleProblem("rule.extra_keys", where, {"keys": _keys(keys - allowed)}))
        return None
    comparison = _comparison(data[kind], _path(where, kind), problems)
    measure = ""
    if kind == Kind.CHANGE:
        measure = _measure(data.get("measure", "total"), ("total", "percent"), where, problems)
    if comparison is None:
        return None
    return Clause(kind, comparison, measure=measure)


def _group(
    kind: Kind, items: list[Any], where: str, depth: int, problems: list[RuleProblem]
) -> Clause | None:
    if not items:
        problems.append(RuleProblem("rule.group_empty", where or str(kind), {"kind": kind}))
        return None
    before = len(problems)
    children = [
        _parse(item, _path(where, i), depth + 1, problems) for i, item in enumerate(items, 1)
    ]
    if len(problems) > before:
        return None
    return Clause(kind, children=tuple(c for c in children if c is not None))


def _field(
    data: Mapping[str, Any], keys: set[str], where: str, problems: list[RuleProblem]
) -> Clause | None:
    code = str(data[Kind.FIELD] if data[Kind.FIELD] is not None else "").strip()
    measures = [m for m in ("percent", "points") if m in keys]
    extra = keys - {Kind.FIELD, "percent", "points"}
    if extra:
        problems.append(RuleProblem("rule.extra_keys", where, {"keys": _keys(extra)}))
        return None
    if not code:
        problems.append(RuleProblem("rule.field_code", _path(where, Kind.FIELD)))
        return None
    if len(measures) != 1:
        problems.append(RuleProblem("rule.field_measure", where, {"code": code}))
        return None
    comparison = _comparison(data[measures[0]], _path(where, measures[0]), problems)
    if comparison is None:
        return None
    return Clause(Kind.FIELD, comparison, code=code, measure=measures[0])


def _plan_target(
    data: Mapping[str, Any], keys: set[str], where: str, problems: list[RuleProblem]
) -> Clause | None:
    extra = keys - {Kind.PLAN_TARGET, "state"}
    if extra:
        problems.append(RuleProblem("rule.extra_keys", where, {"keys": _keys(extra)}))
        return None
    raw = data[Kind.PLAN_TARGET]
    code = str(raw if raw is not None else "").strip()
    if not code:
        problems.append(RuleProblem("rule.target_code", _path(where, Kind.PLAN_TARGET)))
        return None
    given = data.get("state", "met")
    states = [given] if isinstance(given, str) else given
    if not isinstance(states, list) or not states:
        problems.append(RuleProblem("rule.target_state", _path(where, "state"), {"value": ""}))
        return None
    wrong = [str(s) for s in states if str(s).strip() not in TARGET_STATES]
    if wrong:
        problems.append(
            RuleProblem(
                "rule.target_state",
                _path(where, "state"),
                {"value": ", ".join(wrong), "states": ", ".join(TARGET_STATES)},
            )
        )
        return None
    return Clause(
        Kind.PLAN_TARGET, code=code, states=tuple(dict.fromkeys(str(s).strip() for s in states))
    )


def _higher(
    data: Mapping[str, Any], keys: set[str], where: str, problems: list[RuleProblem]
) -> Clause | None:
    extra = keys - {Kind.HIGHER, "measure"}
    if extra:
        problems.append(RuleProblem("rule.extra_keys", where, {"keys": _keys(extra)}))
        return None
    value = data[Kind.HIGHER]
    measure = data.get("measure", "percent")
    if isinstance(value, str) and value in {"percent", "total"}:
        measure = value
    elif value is not True:
        problems.append(RuleProblem("rule.higher_value", _path(where, Kind.HIGHER)))
        return None
    checked = _measure(measure, ("percent", "total"), where, problems)
    return Clause(Kind.HIGHER, measure=checked) if checked else None


def _measure(value: Any, allowed: tuple[str, ...], where: str, problems: list[RuleProblem]) -> str:
    text = str(value).strip()
    if text not in allowed:
        problems.append(
            RuleProblem(
                "rule.measure",
                _path(where, "measure"),
                {"value": text, "allowed": ", ".join(allowed)},
            )
        )
        return ""
    return text


def _comparison(value: Any, where: str, problems: list[RuleProblem]) -> Comparison | None:
    if isinstance(value, bool) or value is None:
        match = None
    elif isinstance(value, int | Decimal):
        return Comparison(">=", Decimal(value))
    elif isinstance(value, float):
        # YAML reads 82.5 as a float: take its shortest decimal text, never its binary value.
        match = _COMPARISON.match(repr(value))
    else:
        match = _COMPARISON.match(str(value))
    if match is None:
        problems.append(RuleProblem("rule.comparison", where, {"value": _shown(value)}))
        return None
    op = _OPS[match.group(1) or ">="]
    try:
        number = Decimal(match.group(2).replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern only matches numbers
        problems.append(RuleProblem("rule.comparison", where, {"value": _shown(value)}))
        return None
    return Comparison(op, number)


def _keys(keys: set[str]) -> str:
    return ", ".join(sorted(keys))


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _number(value: Decimal) -> str:
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


# --- writing a rule back -------------------------------------------------------------------------


def to_data(clause: Clause) -> Any:
    """The rule as canonical JSON (what is stored, and dumped to YAML for editing)."""
    if clause.kind in GROUPS:
        return {clause.kind.value: [to_data(c) for c in clause.children]}
    if clause.kind == Kind.FIELD:
        return {"field": clause.code, clause.measure: clause.compared.text}
    if clause.kind == Kind.PLAN_TARGET:
        states: Any = clause.states[0] if len(clause.states) == 1 else list(clause.states)
        return {"plan_target": clause.code, "state": states}
    if clause.kind == Kind.HIGHER:
        if clause.measure == "total":
            return {"higher_than_last_year": True, "measure": "total"}
        return {"higher_than_last_year": True}
    data: dict[str, Any] = {clause.kind.value: clause.compared.text}
    if clause.kind == Kind.CHANGE and clause.measure == "percent":
        data["measure"] = "percent"
    return data


# Seed 004 (Phường 6, Cao Lãnh, 2023): "đơn vị có Chỉ số CCHC từ 80% trở lên ... và Chỉ số năm sau
# phải cao hơn năm trước liền kề hoặc đạt Chỉ số CCHC từ 83% trở lên".
SEED_004: dict[str, Any] = {
    "any": [
        {"all": [{"percent": ">= 80"}, {"higher_than_last_year": True}]},
        {"percent": ">= 83"},
    ]
}
PRESETS: dict[str, dict[str, Any]] = {"seed004": SEED_004}
# The name a preset's rule is saved under (data, in the documents' language).
PRESET_NAMES = {"seed004": "Chỉ số CCHC từ 80% trở lên và cao hơn năm trước, hoặc từ 83% trở lên"}


def combine(rules: Sequence[Clause]) -> Clause | None:
    """Several rules that all apply (one per line of a campaign): all of them must hold."""
    if not rules:
        return None
    if len(rules) == 1:
        return rules[0]
    return Clause(Kind.ALL, children=tuple(rules))


# --- the figures and the evaluation --------------------------------------------------------------


@dataclass(frozen=True)
class Previous:
    """Last year's published result: the unit's own, or its predecessors' weighted one."""

    total: Decimal
    percent: Decimal
    year: int | None = None
    combined: bool = False


@dataclass(frozen=True)
class Facts:
    """A unit's published figures as the rules read them (None: there is no published result)."""

    total: Decimal | None = None
    percent: Decimal | None = None
    rank: int | None = None
    nodes: Mapping[str, tuple[Decimal, Decimal]] = field(default_factory=dict)  # (points, max)
    previous: Previous | None = None
    # The unit's annual plan's targets by code → state; None when it has no plan.
    targets: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Check:
    """A clause evaluated: whether it held and the figures it compared."""

    clause: Clause
    held: bool
    actual: Decimal | None = None  # the unit's figure (a change for `change`)
    previous: Decimal | None = None  # last year's figure (higher, change)
    previous_year: int | None = None
    combined: bool = False  # last year's figure is the predecessors' weighted result
    state: str = ""  # plan_target: the target's state
    missing: str = ""  # result | previous | node | plan | target: why a figure is missing
    children: tuple[Check, ...] = ()

    def leaves(self) -> list[Check]:
        if not self.children:
            return [self]
        return [leaf for child in self.children for leaf in child.leaves()]


def percent_of(points: Decimal, maximum: Decimal) -> Decimal:
    """points ÷ maximum × 100, rounded once to 2 places half up (the engine's rule)."""
    if maximum <= 0:
        return Decimal(0)
    return (points * HUNDRED / maximum).quantize(CENT, rounding=ROUND_HALF_UP)


def evaluate(clause: Clause, facts: Facts) -> Check:
    """The clause on the unit's figures, with every sub-clause's figures and outcome.

    Every clause is evaluated (no short cut), so the page can show each one's figures."""
    if clause.kind in GROUPS:
        children = tuple(evaluate(c, facts) for c in clause.children)
        held = (
            all(c.held for c in children)
            if clause.kind == Kind.ALL
            else any(c.held for c in children)
        )
        return Check(clause, held, children=children)
    if clause.kind == Kind.PLAN_TARGET:
        return _target_check(clause, facts)
    if facts.total is None or facts.percent is None:
        return Check(clause, False, missing="result")
    if clause.kind in {Kind.HIGHER, Kind.CHANGE}:
        now = facts.percent if clause.measure == "percent" else facts.total
        return _year_check(clause, now, facts.previous)
    actual: Decimal | None
    if clause.kind == Kind.PERCENT:
        actual = facts.percent
    elif clause.kind == Kind.TOTAL:
        actual = facts.total
    elif clause.kind == Kind.RANK:
        actual = Decimal(facts.rank) if facts.rank is not None else None
    else:  # a field
        node = facts.nodes.get(clause.code)
        if node is None:
            return Check(clause, False, missing="node")
        points, maximum = node
        actual = percent_of(points, maximum) if clause.measure == "percent" else points
    if actual is None:
        return Check(clause, False, missing="result")
    return Check(clause, clause.compared.holds(actual), actual=actual)


def _year_check(clause: Clause, now: Decimal, before: Previous | None) -> Check:
    by_percent = clause.measure == "percent"
    if before is None:
        actual = now if clause.kind == Kind.HIGHER else None
        return Check(clause, False, actual=actual, missing="previous")
    then = before.percent if by_percent else before.total
    if clause.kind == Kind.HIGHER:
        held, actual = now > then, now
    else:
        actual = now - then
        held = clause.compared.holds(actual)
    return Check(
        clause,
        held,
        actual=actual,
        previous=then,
        previous_year=before.year,
        combined=before.combined,
    )


def _target_check(clause: Clause, facts: Facts) -> Check:
    if facts.targets is None:
        return Check(clause, False, missing="plan")
    state = facts.targets.get(clause.code)
    if state is None:
        return Check(clause, False, missing="target")
    return Check(clause, state in clause.states, state=state)


def deciding(check: Check) -> tuple[list[Check], list[Check]]:
    """The leaves that decided the outcome, as (held, failed):
    - a clause: itself;
    - `all` held: every child's; `all` failed: the failed children's, with the held ones beside
      them ("81,50% ≥ 80%, but not higher than last year");
    - `any` held: the first child that held; `any` failed: every child's reasons."""
    if not check.children:
        return ([check], []) if check.held else ([], [check])
    if check.clause.kind == Kind.ANY and check.held:
        first = next(c for c in check.children if c.held)
        return deciding(first)
    held: list[Check] = []
    failed: list[Check] = []
    for child in check.children:
        if check.clause.kind == Kind.ALL and child.held:  # beside the failed ones
            held.extend(deciding(child)[0])
            continue
        h, f = deciding(child)
        held.extend(h)
        failed.extend(f)
    return held, failed
