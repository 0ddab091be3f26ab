"""Eligibility in words: the verdict with the clause that decided and its figures, the rule read
aloud, and the clause tree for the page — in the user's language, numbers the Vietnamese way
("Đủ điều kiện: chỉ số 84,20% ≥ 83%"; "Không đủ điều kiện: chỉ số 81,50% ≥ 80% nhưng không cao
hơn năm trước (2024: 82,10%); chỉ số 81,50% < 83%").

What decides (`eligibility.deciding` in words):
- a clause: its own figures, with the operator it met, or its negation when it failed;
- `all` held: each clause, joined by "and"; `all` failed: the clauses that held "but" those that
  failed;
- `any` held: the first clause that held; `any` failed: each alternative's reason, by "; ".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from parindex.awards.eligibility import NEGATED, SHOWN, Check, Clause, Kind


def figure(value: Decimal | None, places: int = 2) -> str:
    """84,20 (2 places, the active language's way)."""
    if value is None:
        return "—"
    return number_format(value, places, force_grouping=True)


def bound(value: Decimal) -> str:
    """A rule's threshold with only the decimals it needs: 80 · 82,5."""
    places = 0 if value == value.to_integral() else min(2, -value.normalize().as_tuple().exponent)  # type: ignore[operator]
    return number_format(value, places, force_grouping=True)


def signed(value: Decimal) -> str:
    text = figure(abs(value))
    return f"+{text}" if value > 0 else f"−{text}" if value < 0 else text


def state_name(state: str) -> str:
    names = {
        "met": _("met"),
        "on_track": _("on track"),
        "at_risk": _("at risk"),
        "missed": _("missed"),
        "not_reported": _("not reported"),
        "unknown": _("not measurable"),
    }
    return names.get(state, state)


def _previous(check: Check, *, percent: bool) -> str:
    value = figure(check.previous) + ("%" if percent else "")
    if check.previous_year is not None:
        value = f"{check.previous_year}: {value}"
    if check.combined:
        value = _("%(value)s, merged units' weighted result") % {"value": value}
    return value


def phrase(check: Check) -> str:
    """One clause with its figures, as it held or failed."""
    clause = check.clause
    if check.missing == "result":
        return _("no published result")
    op = value = ""
    if clause.comparison is not None:
        op = SHOWN[clause.comparison.op] if check.held else NEGATED[clause.comparison.op]
        value = bound(clause.comparison.value)
    if clause.kind == Kind.PERCENT:
        return _("index %(actual)s%% %(op)s %(value)s%%") % {
            "actual": figure(check.actual),
            "op": op,
            "value": value,
        }
    if clause.kind == Kind.TOTAL:
        return _("total %(actual)s points %(op)s %(value)s") % {
            "actual": figure(check.actual),
            "op": op,
            "value": value,
        }
    if clause.kind == Kind.FIELD:
        if check.missing:
            return _("the result has no field %(code)s") % {"code": clause.code}
        if clause.measure == "percent":
            text = _("field %(code)s at %(actual)s%% of its maximum %(op)s %(value)s%%")
        else:
            text = _("field %(code)s %(actual)s points %(op)s %(value)s")
        return text % {
            "code": clause.code,
            "actual": figure(check.actual),
            "op": op,
            "value": value,
        }
    if clause.kind == Kind.RANK:
        return _("rank %(actual)s %(op)s %(value)s") % {
            "actual": bound(check.actual) if check.actual is not None else "—",
            "op": op,
            "value": value,
        }
    if clause.kind in {Kind.HIGHER, Kind.CHANGE}:
        return _year_phrase(check, op)
    return _target_phrase(check)


def _year_phrase(check: Check, op: str) -> str:
    clause = check.clause
    percent = clause.measure == "percent"
    if check.missing == "previous":
        return _("no published result of an earlier year to compare with")
    if clause.kind == Kind.HIGHER:
        text = (
            _("higher than last year (%(previous)s)")
            if check.held
            else _("not higher than last year (%(previous)s)")
        )
        return text % {"previous": _previous(check, percent=percent)}
    text = (
        _("change over last year %(actual)s%% %(op)s %(value)s%% (last year %(previous)s)")
        if percent
        else _("change over last year %(actual)s points %(op)s %(value)s (last year %(previous)s)")
    )
    return text % {
        "actual": signed(check.actual) if check.actual is not None else "—",
        "op": op,
        "value": bound(clause.compared.value),
        "previous": _previous(check, percent=percent),
    }


def _target_phrase(check: Check) -> str:
    code = check.clause.code
    if check.missing == "plan":
        return _("no issued annual plan of the results' year")
    if check.missing == "target":
        return _("the annual plan has no target %(code)s") % {"code": code}
    wanted = ", ".join(state_name(s) for s in check.clause.states)
    if check.held:
        return _("plan target %(code)s %(state)s") % {
            "code": code,
            "state": state_name(check.state),
        }
    return _("plan target %(code)s %(state)s, not %(wanted)s") % {
        "code": code,
        "state": state_name(check.state),
        "wanted": wanted,
    }


def _and(parts: list[str]) -> str:
    return _(" and ").join(parts)


def why(check: Check) -> str:
    """The reason of the outcome (see the module's docstring)."""
    if not check.children:
        return phrase(check)
    if check.missing == "result" or all(c.missing == "result" for c in check.leaves()):
        return _("no published result")
    if check.clause.kind == Kind.ANY:
        if check.held:
            return why(next(c for c in check.children if c.held))
        return "; ".join(why(c) for c in check.children)
    if check.held:
        return _and([why(c) for c in check.children])
    held = [why(c) for c in check.children if c.held]
    failed = _and([why(c) for c in check.children if not c.held])
    if not held:
        return failed
    return _("%(held)s but %(failed)s") % {"held": _and(held), "failed": failed}


def verdict(check: Check) -> str:
    """ "Eligible: index 84.20% ≥ 83%" / "Not eligible: ..." """
    if check.held:
        return _("Eligible: %(why)s") % {"why": why(check)}
    return _("Not eligible: %(why)s") % {"why": why(check)}


def rule_text(clause: Clause, *, top: bool = True) -> str:
    """The rule read aloud: "(index ≥ 80% and higher than last year) or index ≥ 83%"."""
    if clause.kind in {Kind.ALL, Kind.ANY}:
        joiner = _(" and ") if clause.kind == Kind.ALL else _(" or ")
        text = joiner.join(rule_text(c, top=False) for c in clause.children)
        return text if top or len(clause.children) == 1 else f"({text})"
    op = value = ""
    if clause.comparison is not None:
        op, value = SHOWN[clause.comparison.op], bound(clause.comparison.value)
    if clause.kind == Kind.PERCENT:
        return _("index %(op)s %(value)s%%") % {"op": op, "value": value}
    if clause.kind == Kind.TOTAL:
        return _("total %(op)s %(value)s points") % {"op": op, "value": value}
    if clause.kind == Kind.FIELD:
        if clause.measure == "percent":
            return _("field %(code)s %(op)s %(value)s%% of its maximum") % {
                "code": clause.code,
                "op": op,
                "value": value,
            }
        return _("field %(code)s %(op)s %(value)s points") % {
            "code": clause.code,
            "op": op,
            "value": value,
        }
    if clause.kind == Kind.RANK:
        return _("rank %(op)s %(value)s") % {"op": op, "value": value}
    if clause.kind == Kind.CHANGE:
        unit = "%" if clause.measure == "percent" else ""
        return _("change over last year %(op)s %(value)s%(unit)s") % {
            "op": op,
            "value": value,
            "unit": unit,
        }
    if clause.kind == Kind.HIGHER:
        return _("higher than last year")
    return _("plan target %(code)s %(states)s") % {
        "code": clause.code,
        "states": " / ".join(state_name(s) for s in clause.states),
    }


@dataclass(frozen=True)
class Line:
    """One row of the clause tree on a page."""

    depth: int
    text: str
    held: bool
    group: bool


def lines(check: Check, depth: int = 0) -> list[Line]:
    """The evaluated rule as indented lines: groups say "all of" / "any of", clauses their
    figures."""
    if not check.children:
        return [Line(depth, phrase(check), check.held, False)]
    label = _("All of:") if check.clause.kind == Kind.ALL else _("Any of:")
    out = [Line(depth, label, check.held, True)]
    for child in check.children:
        out.extend(lines(child, depth + 1))
    return out
