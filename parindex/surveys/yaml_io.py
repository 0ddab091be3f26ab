"""Questionnaires as YAML (the shipped ones live in `library/`), read strictly: an unknown key is a
problem, not something silently ignored.

    questionnaire: {code: SIPAS-2024, name: ..., audience: citizens, note: ...}
    sections:
    - code: TC
      title: Tiếp cận dịch vụ
      element: TC                 # absent for the respondent's profile
      questions:
      - {code: TC2, text: ..., kind: scale5, rated: true}
      - {code: LV, text: ..., kind: choice, options: [{code: ho_tich, label: Hộ tịch}, ...]}
      - {code: CD1, text: ..., kind: choice, rated: true,
         options: [{code: A, label: Tốt, weight: 1}, ...]}
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from parindex.frameworks.issues import FileIssue, FrameworkFileError
from parindex.frameworks.rules import Problem, to_decimal
from parindex.surveys.spec import Option, Question, QuestionnaireSpec, Section

LIBRARY = Path(__file__).resolve().parent / "library"


class _Reader:
    def __init__(self) -> None:
        self.issues: list[FileIssue] = []

    def fail(self, problem: str, where: str, /, **params: Any) -> None:
        self.issues.append(FileIssue(Problem(problem, params, where)))

    def keys(self, data: Mapping[str, Any], allowed: set[str], where: str) -> None:
        for key in data:
            if key not in allowed:
                self.fail("file.unknown_key", where, key=str(key))

    def option(self, data: Any, where: str) -> Option:
        if not isinstance(data, Mapping):
            self.fail("file.list_shape", where, field="options")
            return Option("", "")
        self.keys(data, {"code", "label", "weight"}, where)
        weight = None
        if data.get("weight") is not None:
            try:
                weight = to_decimal(data["weight"])
            except ValueError:
                self.fail("file.not_a_number", where, field="weight", value=str(data["weight"]))
        return Option(str(data.get("code", "")), str(data.get("label", "")), weight)

    def question(self, data: Any, where: str) -> Question:
        if not isinstance(data, Mapping):
            self.fail("file.node_shape", where)
            return Question("", "", "text")
        code = str(data.get("code", ""))
        self.keys(data, {"code", "text", "kind", "options", "required", "rated"}, code or where)
        return Question(
            code=code,
            text=str(data.get("text", "")),
            kind=str(data.get("kind", "")),
            options=tuple(self.option(o, code) for o in data.get("options") or []),
            required=bool(data.get("required", True)),
            rated=bool(data.get("rated", False)),
        )

    def section(self, data: Any) -> Section:
        if not isinstance(data, Mapping):
            self.fail("file.node_shape", "")
            return Section("", "")
        code = str(data.get("code", ""))
        self.keys(data, {"code", "title", "element", "questions"}, code)
        return Section(
            code=code,
            title=str(data.get("title", "")),
            element=str(data.get("element") or ""),
            questions=tuple(self.question(q, code) for q in data.get("questions") or []),
        )


def load_questionnaire(text: str | bytes) -> QuestionnaireSpec:
    """The questionnaire a YAML text holds; FrameworkFileError with every problem found."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        detail = str(getattr(exc, "problem", "") or "")
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            problem = Problem("file.yaml_syntax_at", {"line": mark.line + 1, "detail": detail})
            raise FrameworkFileError([FileIssue(problem, row=mark.line + 1)]) from None
        raise FrameworkFileError(
            [FileIssue(Problem("file.yaml_syntax", {"detail": detail}))]
        ) from None
    reader = _Reader()
    if not isinstance(data, Mapping) or not isinstance(data.get("questionnaire"), Mapping):
        raise FrameworkFileError([FileIssue(Problem("file.no_questionnaire"))])
    head = data["questionnaire"]
    reader.keys(head, {"code", "name", "audience", "note"}, "")
    reader.keys(data, {"questionnaire", "sections"}, "")
    spec = QuestionnaireSpec(
        code=str(head.get("code", "")),
        name=str(head.get("name", "")),
        audience=str(head.get("audience", "")),
        note=str(head.get("note", "")),
        sections=tuple(reader.section(s) for s in data.get("sections") or []),
    )
    if reader.issues:
        raise FrameworkFileError(reader.issues)
    return spec


def shipped(name: str) -> QuestionnaireSpec:
    return load_questionnaire((LIBRARY / name).read_text(encoding="utf-8"))


def to_data(spec: QuestionnaireSpec) -> dict[str, Any]:
    """The questionnaire as JSON-ready data (how it is stored), read back by `from_data`."""

    def option(o: Option) -> dict[str, Any]:
        data: dict[str, Any] = {"code": o.code, "label": o.label}
        if o.weight is not None:
            data["weight"] = str(o.weight)
        return data

    return {
        "questionnaire": {
            "code": spec.code,
            "name": spec.name,
            "audience": spec.audience,
            "note": spec.note,
        },
        "sections": [
            {
                "code": s.code,
                "title": s.title,
                "element": s.element,
                "questions": [
                    {
                        "code": q.code,
                        "text": q.text,
                        "kind": q.kind,
                        "options": [option(o) for o in q.options],
                        "required": q.required,
                        "rated": q.rated,
                    }
                    for q in s.questions
                ],
            }
            for s in spec.sections
        ],
    }


def to_yaml(spec: QuestionnaireSpec) -> str:
    """The questionnaire as YAML to read and edit: what `load_questionnaire` reads back, without
    the entries that hold their default (no options, required, not rated, no element)."""

    def question(q: Question) -> dict[str, Any]:
        data: dict[str, Any] = {"code": q.code, "text": q.text, "kind": q.kind}
        if q.rated:
            data["rated"] = True
        if not q.required:
            data["required"] = False
        if q.options:
            data["options"] = [
                {"code": o.code, "label": o.label}
                | ({} if o.weight is None else {"weight": o.weight})
                for o in q.options
            ]
        return data

    head: dict[str, Any] = {"code": spec.code, "name": spec.name, "audience": spec.audience}
    if spec.note:
        head["note"] = spec.note
    sections = []
    for s in spec.sections:
        section: dict[str, Any] = {"code": s.code, "title": s.title}
        if s.element:
            section["element"] = s.element
        section["questions"] = [question(q) for q in s.questions]
        sections.append(section)
    top = yaml.dump(
        {"questionnaire": head},
        Dumper=_Dumper,
        default_flow_style=False,
        allow_unicode=True,
        sort_keys=False,
        width=100,
    )
    rest = yaml.dump(
        {"sections": sections},
        Dumper=_Dumper,
        default_flow_style=None,  # an option on one line: {code: A, label: Tốt, weight: 1}
        allow_unicode=True,
        sort_keys=False,
        width=100,
    )
    return top + rest


class _Dumper(yaml.SafeDumper):
    """Writes a Decimal weight as the number it is (1, 0.6), not as a quoted text."""


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value.normalize(), "f")
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return dumper.represent_scalar(tag, text)


_Dumper.add_representer(Decimal, _decimal)


def from_data(data: Mapping[str, Any]) -> QuestionnaireSpec:
    return load_questionnaire(yaml.safe_dump(dict(data), allow_unicode=True))
