"""Questionnaires as plain data: sections, questions, answer scales, and how they are scored.

Pure Python (no Django), so the statistics, the importers and the public form read the same
definition. A questionnaire is versioned data kept as YAML (`library/`), editable while a draft
and frozen once answers exist.

Kinds of question:
- `scale5`: the 5-point satisfaction scale (1 rất không hài lòng … 5 rất hài lòng); a question
  marked `rated` counts in the satisfaction rate of its section (its element);
- `yes_no`, `choice` (one of listed options), `text` (free text);
- options may carry a `weight` (officials' surveys: A 100%, B 60%, C 20%, D 0%), and then the
  question counts in the weighted score of its section.
Profile questions (age group, sex, education, occupation, procedure field, channel) are `choice`
questions of a section whose `element` is empty; they describe respondents and split results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from parindex.frameworks.rules import Problem

KINDS = ("scale5", "yes_no", "choice", "text")
SCALE5 = (
    ("1", "Rất không hài lòng"),
    ("2", "Không hài lòng"),
    ("3", "Bình thường"),
    ("4", "Hài lòng"),
    ("5", "Rất hài lòng"),
)
SATISFIED = frozenset({"4", "5"})  # "hài lòng" or "rất hài lòng" (MOHA's default method)
YES_NO = (("1", "Có"), ("0", "Không"))


@dataclass(frozen=True)
class Option:
    code: str
    label: str
    weight: Decimal | None = None  # share of the points this answer earns (1, 0.6, 0.2, 0)


@dataclass(frozen=True)
class Question:
    code: str
    text: str
    kind: str
    options: tuple[Option, ...] = ()
    required: bool = True
    rated: bool = False  # counts in its section's satisfaction rate (scale5) or weighted score

    def choices(self) -> tuple[Option, ...]:
        if self.kind == "scale5":
            return tuple(Option(code, label) for code, label in SCALE5)
        if self.kind == "yes_no":
            return tuple(Option(code, label) for code, label in YES_NO)
        return self.options

    def accepts(self, value: str) -> bool:
        if self.kind == "text":
            return True
        return value in {o.code for o in self.choices()}

    @property
    def weighted(self) -> bool:
        return any(o.weight is not None for o in self.options)


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    element: str = ""  # the element of the index it measures (TC, TT, CC, KQ, PA); "" = profile
    questions: tuple[Question, ...] = ()


@dataclass(frozen=True)
class QuestionnaireSpec:
    code: str
    name: str
    audience: str  # "citizens" (SIPAS) or "officials"
    sections: tuple[Section, ...] = field(default_factory=tuple)
    note: str = ""

    def questions(self) -> list[tuple[Section, Question]]:
        return [(s, q) for s in self.sections for q in s.questions]

    def question(self, code: str) -> Question | None:
        return next((q for _s, q in self.questions() if q.code == code), None)

    @property
    def elements(self) -> list[Section]:
        return [s for s in self.sections if s.element]


def validate(spec: QuestionnaireSpec) -> list[Problem]:
    """Every problem of a questionnaire (unique codes, known kinds, options where needed ...)."""
    problems: list[Problem] = []
    if not spec.code.strip() or not spec.name.strip():
        problems.append(Problem("survey.code_name"))
    if spec.audience not in {"citizens", "officials"}:
        problems.append(Problem("survey.audience", {"value": spec.audience}))
    seen: set[str] = set()
    sections: set[str] = set()
    for section in spec.sections:
        if section.code in sections:
            problems.append(Problem("survey.section_duplicate", {"code": section.code}))
        sections.add(section.code)
        if not section.questions:
            problems.append(Problem("survey.section_empty", {"code": section.code}))
        for question in section.questions:
            where = question.code
            if not question.code or question.code in seen:
                problems.append(Problem("survey.question_code", {"code": question.code}, where))
            seen.add(question.code)
            if question.kind not in KINDS:
                problems.append(Problem("survey.kind", {"kind": question.kind}, where))
            if question.kind == "choice" and len(question.options) < 2:
                problems.append(Problem("survey.options", {}, where))
            codes = [o.code for o in question.options]
            if len(codes) != len(set(codes)):
                problems.append(Problem("survey.option_duplicate", {}, where))
            for option in question.options:
                if option.weight is not None and not Decimal(0) <= option.weight <= Decimal(1):
                    problems.append(Problem("survey.weight", {"value": option.weight}, where))
            if question.rated and question.kind != "scale5" and not question.weighted:
                problems.append(Problem("survey.rated_kind", {}, where))
            if question.rated and not section.element:
                problems.append(Problem("survey.rated_profile", {}, where))
    if not spec.elements:
        problems.append(Problem("survey.no_element"))
    return problems
