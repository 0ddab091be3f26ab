"""Survey statistics: satisfaction rates, element indices and the SIPAS index of each commune.

Pure Python (no Django, no database): the results pages, the feed into the PAR Index and the tests
all use the same arithmetic. The method is MOHA's default (docs/domain.md, "SIPAS"):

- a rated `scale5` question: its satisfaction rate is
  pct = k ÷ n × 100, k = answers "4" (hài lòng) or "5" (rất hài lòng) (`spec.SATISFIED`),
  n = valid answers (one of "1".."5"; a missing, blank or unknown value is not an answer);
- a rated question whose options carry a weight (officials' surveys: A 1, B 0,6, C 0,2, D 0):
  pct = (sum of the chosen options' weights) ÷ n × 100, n = answers naming a weighted option
  (this is checked first, so weights written on a scale5 question's options are used);
- questions that are not rated, and profile sections (no `element`), never count;
- an element's index (a section with an `element`) = mean of the rates of its rated questions
  that have at least one answer (n > 0); None when none has;
- the commune's index = mean of its element indices that are not None; None when all are;
- forms marked `excluded` (quality checks) never count: `UnitResult.forms` is the number of valid
  forms, and a commune whose forms are all excluded is listed with 0 forms and no index.

Every rate of a question comes with its n and, for satisfaction rates, a 95% Wilson score interval
(z = 1,96). With p̂ = k ÷ n:

    centre     = (p̂ + z²/2n) ÷ (1 + z²/n)
    half-width = z · √(p̂(1 − p̂)/n + z²/4n²) ÷ (1 + z²/n)
    low, high  = (centre − half-width) × 100, (centre + half-width) × 100

It stays within 0..100 and always contains p̂, unlike the textbook p̂ ± z√(p̂(1−p̂)/n); 50 forms at
p̂ = 50% give 36,64..63,36 (± 13,36 points). A weighted score has no such interval (low/high None).

Sample size (Cochran): n0 = z²·p(1 − p) ÷ e², with the finite population correction
n = n0 ÷ (1 + (n0 − 1) ÷ N), rounded up; N = dossiers handled in the year (None = infinite),
p = 0,5 (the most cautious), z of the confidence level (`CONFIDENCE_Z`: 90% 1,645, 95% 1,96,
99% 2,576). N = 300 at 95% and ±10 points: n0 = 96,04, n = 96,04 ÷ 1,3168 = 72,93… → 73.

Rounding, the one documented step (as in `frameworks.rules`): every published number (pct, low,
high, index) is rounded once, to 2 decimal places, half up (0,005 → 0,01), from its exact value.
Rates, means and sample sizes are computed as exact fractions (`fractions.Fraction`: k ÷ n, the
weights and the means lose nothing), so an index is the mean of the exact rates, never of the
rounded ones; the Wilson bounds, which need a square root, are computed with `Decimal` to 50
significant digits before their rounding.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from parindex.surveys.spec import SATISFIED, SCALE5, Option, Question, QuestionnaireSpec

Z95 = Decimal("1.96")
# z of the confidence levels a computed sample size may use: two-sided standard normal quantiles,
# to 3 decimal places as in survey manuals (90% 1,645; 95% 1,96; 99% 2,576).
CONFIDENCE_Z = {90: Decimal("1.645"), 95: Z95, 99: Decimal("2.576")}
SCALE5_CODES = frozenset(code for code, _label in SCALE5)
PRECISION = 50  # significant digits of the Wilson bounds before their rounding
_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)
_ZERO = Decimal(0)


@dataclass(frozen=True)
class Form:
    """One filled form: the commune's code and its answers (question code -> option code or text).

    A missing or blank value means the question was not answered.
    """

    unit: str
    answers: Mapping[str, str]
    excluded: bool = False  # excluded forms (quality checks) never count


@dataclass(frozen=True)
class Rate:
    """A question's rate in % (2 places) over `n` valid answers, with its 95% Wilson interval.

    `low`/`high` are None when n == 0 (then pct is 0 and the question does not count) and for
    weighted scores.
    """

    n: int
    pct: Decimal
    low: Decimal | None
    high: Decimal | None


@dataclass(frozen=True)
class SectionResult:
    code: str
    element: str
    questions: Mapping[str, Rate]  # the rated questions of the section, by code
    index: Decimal | None  # mean of its questions' exact rates, rounded; None when no answer


@dataclass(frozen=True)
class UnitResult:
    unit: str
    forms: int  # valid (not excluded) forms
    sections: tuple[SectionResult, ...]  # one per section with an element, in order
    index: Decimal | None  # mean of the exact element indices, rounded; None when none


# --- rounding ------------------------------------------------------------------------------------


def _publish(value: Fraction) -> Decimal:
    """The one rounding step, on an exact value: 2 decimal places, half up."""
    cents = abs(value) * 100
    whole = math.floor(cents + Fraction(1, 2))
    return Decimal(-whole if value < 0 else whole).scaleb(-2)


def _publish_decimal(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def _mean(values: Sequence[Fraction]) -> Fraction | None:
    return sum(values, Fraction(0)) / len(values) if values else None


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    text = value.strip()
    return text or None


# --- one question --------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8192)
def wilson(k: int, n: int, z: Decimal = Z95) -> tuple[Decimal, Decimal]:
    """The Wilson score interval of k successes out of n, in % (2 places half up).

    Raises ValueError unless 0 ≤ k ≤ n and n > 0. Kept for each (k, n, z): a whole country's
    results ask for the same few thousand pairs over and over.
    """
    if n <= 0 or not 0 <= k <= n:
        raise ValueError(f"wilson needs 0 <= k <= n and n > 0, got k={k}, n={n}")
    with localcontext() as ctx:
        ctx.prec = PRECISION
        dk, dn, zz = Decimal(k), Decimal(n), z * z
        p = dk / dn
        denominator = 1 + zz / dn
        centre = (p + zz / (2 * dn)) / denominator
        half = z * (p * (1 - p) / dn + zz / (4 * dn * dn)).sqrt() / denominator
        # Exactly 0 at k = 0 and 100 at k = n; the clamp only absorbs the last digit's error.
        low = max(_ZERO, (centre - half) * _HUNDRED)
        high = min(_HUNDRED, (centre + half) * _HUNDRED)
    return _publish_decimal(low), _publish_decimal(high)


def _tally(values: Iterable[str | None]) -> dict[str | None, int]:
    """How many times each raw value occurs."""
    counts: dict[str | None, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def _satisfied(counts: Mapping[str | None, int]) -> tuple[int, int]:
    """(satisfied answers, valid answers) among scale5 values, from each raw value's count."""
    k = n = 0
    for raw, count in counts.items():
        value = _clean(raw)
        if value in SCALE5_CODES:
            n += count
            if value in SATISFIED:
                k += count
    return k, n


def _satisfaction(counts: Mapping[str | None, int]) -> tuple[Rate, Fraction | None]:
    k, n = _satisfied(counts)
    if n == 0:
        return Rate(0, _publish(Fraction(0)), None, None), None
    exact = Fraction(100 * k, n)
    low, high = wilson(k, n)
    return Rate(n, _publish(exact), low, high), exact


def satisfaction(values: Iterable[str | None]) -> Rate:
    """Satisfaction rate of a scale5 question: answers 4 or 5 ÷ valid answers (1..5) × 100."""
    return _satisfaction(_tally(values))[0]


def _weighted(
    counts: Mapping[str | None, int], options: Sequence[Option]
) -> tuple[Rate, Fraction | None]:
    weights = {o.code: Fraction(o.weight) for o in options if o.weight is not None}
    total = Fraction(0)
    n = 0
    for raw, count in counts.items():
        value = _clean(raw)
        if value is not None and value in weights:
            n += count
            total += weights[value] * count
    if n == 0:
        return Rate(0, _publish(Fraction(0)), None, None), None
    exact = total * 100 / n
    return Rate(n, _publish(exact), None, None), exact


def weighted(values: Iterable[str | None], options: Sequence[Option]) -> Rate:
    """Weighted score of a question: mean weight of the chosen options × 100 (no interval).

    Only answers naming an option with a weight are valid.
    """
    return _weighted(_tally(values), options)[0]


def _question_rate(
    question: Question, counts: Mapping[str | None, int]
) -> tuple[Rate, Fraction | None]:
    if question.weighted:
        return _weighted(counts, question.options)
    return _satisfaction(counts)


def _counts(question: Question) -> bool:
    return question.rated and (question.weighted or question.kind == "scale5")


# --- communes ------------------------------------------------------------------------------------


# Answers counted by question and raw value: {question code: {value: number of answers}}.
Counts = Mapping[str, Mapping[str | None, int]]
_NO_ANSWER: Mapping[str | None, int] = {}


def _unit_result(spec: QuestionnaireSpec, unit: str, forms: int, counts: Counts) -> UnitResult:
    """A commune's results from its number of valid forms and its answers' counts: every figure
    depends only on how many valid forms gave each value to each question."""
    sections: list[SectionResult] = []
    indices: list[Fraction] = []
    for section in spec.elements:
        rates: dict[str, Rate] = {}
        exact_rates: list[Fraction] = []
        for question in section.questions:
            if not _counts(question):
                continue
            rate, exact = _question_rate(question, counts.get(question.code, _NO_ANSWER))
            rates[question.code] = rate
            if exact is not None:
                exact_rates.append(exact)
        index = _mean(exact_rates)
        if index is not None:
            indices.append(index)
        sections.append(
            SectionResult(
                section.code,
                section.element,
                rates,
                None if index is None else _publish(index),
            )
        )
    overall = _mean(indices)
    return UnitResult(unit, forms, tuple(sections), None if overall is None else _publish(overall))


def compute(spec: QuestionnaireSpec, forms: Iterable[Form]) -> dict[str, UnitResult]:
    """Every commune's results, by commune code (sorted): rates, element indices, index.

    A commune appears as soon as it has a form, excluded or not; excluded forms count nowhere.
    """
    valid: dict[str, int] = {}
    counts: dict[str, dict[str, dict[str | None, int]]] = {}
    for form in forms:
        valid.setdefault(form.unit, 0)
        if form.excluded:
            continue
        valid[form.unit] += 1
        unit_counts = counts.setdefault(form.unit, {})
        for question, value in form.answers.items():
            by_value = unit_counts.setdefault(question, {})
            by_value[value] = by_value.get(value, 0) + 1
    return {
        unit: _unit_result(spec, unit, valid[unit], counts.get(unit, {})) for unit in sorted(valid)
    }


def compute_counts(
    spec: QuestionnaireSpec,
    forms: Mapping[str, int],
    answers: Iterable[tuple[str, str, str | None, int]],
) -> dict[str, UnitResult]:
    """`compute` from counts, as a database aggregation gives them: `forms` is every commune
    with a form (excluded or not) and its number of valid forms; `answers` the rows (commune,
    question, raw value, number of valid forms giving that value). Same results as `compute`
    over the forms themselves."""
    counts: dict[str, dict[str, dict[str | None, int]]] = {}
    for unit, question, value, number in answers:
        by_value = counts.setdefault(unit, {}).setdefault(question, {})
        by_value[value] = by_value.get(value, 0) + number
    return {
        unit: _unit_result(spec, unit, forms[unit], counts.get(unit, {})) for unit in sorted(forms)
    }


def compute_by(
    spec: QuestionnaireSpec, forms: Iterable[Form], question_code: str
) -> dict[str, dict[str, UnitResult]]:
    """The results split by the answer to a (profile) question: {option code: {unit: result}}.

    One entry per option of the question, in its order (empty when nobody chose it); for a text
    question, one per distinct answer, sorted. Forms that leave the question blank, or answer it
    with an unknown option, are in no group. Each group is `compute` over its forms.
    """
    question = spec.question(question_code)
    if question is None:
        raise KeyError(question_code)
    choices = [o.code for o in question.choices()]
    groups: dict[str, list[Form]] = {code: [] for code in choices}
    for form in forms:
        value = _clean(form.answers.get(question_code))
        if value is None:
            continue
        if value in groups:
            groups[value].append(form)
        elif not choices:
            groups[value] = [form]
    keys = choices or sorted(groups)
    return {key: compute(spec, groups[key]) for key in keys}


# --- sample size ---------------------------------------------------------------------------------


def cochran(
    population: int | None, margin: Decimal, *, z: Decimal = Z95, p: Decimal = Decimal("0.5")
) -> int:
    """Forms needed for a margin of error `margin` (a fraction: 0.1 = ±10 points), rounded up.

    n0 = z²·p(1 − p) ÷ e², then n = n0 ÷ (1 + (n0 − 1) ÷ N) for a population of N (None =
    infinite; N = 0 needs no form). cochran(None, 0.1) = ⌈96,04⌉ = 97.
    """
    if not 0 < margin <= 1:
        raise ValueError(f"margin must be within (0, 1], got {margin}")
    if not 0 < p < 1:
        raise ValueError(f"p must be within (0, 1), got {p}")
    if z <= 0:
        raise ValueError(f"z must be positive, got {z}")
    if population is not None and population < 0:
        raise ValueError(f"population must not be negative, got {population}")
    if population == 0:
        return 0
    e, zf, pf = Fraction(margin), Fraction(z), Fraction(p)
    needed = zf * zf * pf * (1 - pf) / (e * e)
    if population is not None:
        needed = needed / (1 + (needed - 1) / population)
    return math.ceil(needed)


def sample_size(population: int | None, *, confidence: int, margin_points: Decimal) -> int:
    """Cochran's n for a confidence level (90, 95 or 99 %) and a margin of error in percentage
    points (10 = ±10 points): `cochran` with z = CONFIDENCE_Z[confidence], e = margin ÷ 100.

    Raises KeyError for another confidence level, ValueError for a margin outside (0, 100].
    """
    return cochran(population, margin_points / 100, z=CONFIDENCE_Z[confidence])
