"""Frameworks as YAML: the readable format the shipped frameworks are kept in.

    framework:
      code: PAR-XA-2025
      name: Bộ chỉ số CCHC của UBND cấp xã
      year_from: 2025
      year_to: 2025
      level: commune
      decision: Quyết định số .../QĐ-UBND ngày ...
      total: 100
      bonus: {max: 2, needs_evidence: true}
      penalty: {max: 5, needs_evidence: true}
      bands: [{code: XS, label: Xuất sắc, min: 90}, ...]
      groups: [{code: xa, name: Xã, kinds: [xa, thi_tran]}, ...]
    fields:
      - code: "1"
        title: Công tác chỉ đạo, điều hành CCHC
        max: 12
        children:
          - code: "1.1"
            ...
            children:
              - code: "1.1.1"
                title: ...
                max: 1
                source: appraised   # appraised | survey_citizens | survey_officials | computed
                rule: {kind: levels, levels: [{label: Đúng hạn, points: 1}, ...]}
                evidence: [Kế hoạch CCHC năm, {title: Báo cáo ..., required: false}]
                guidance: ...
                groups: [xa]                # only for these unit groups; absent = all
                responsible: Văn phòng HĐND và UBND
                note: seed 003; "minh họa" marks an illustrative value

`dump_yaml(load_yaml(text))` is stable, and `load_yaml(dump_yaml(spec)) == spec`.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import yaml

from parindex.frameworks.issues import FileIssue, FrameworkFileError
from parindex.frameworks.rules import Problem, RuleError, parse_rule, plain, to_decimal
from parindex.frameworks.spec import (
    DEFAULT_TOTAL,
    BandSpec,
    EvidenceSpec,
    FrameworkSpec,
    GroupSpec,
    NodeSpec,
)

FRAMEWORK_KEYS = {
    "code",
    "name",
    "year_from",
    "year_to",
    "level",
    "decision",
    "description",
    "total",
    "bonus",
    "penalty",
    "bands",
    "groups",
}
NODE_KEYS = {
    "code",
    "title",
    "max",
    "source",
    "rule",
    "guidance",
    "evidence",
    "groups",
    "responsible",
    "note",
    "children",
}
MAX_BYTES = 2 * 1024 * 1024
NUMBER_KEYS = {"points", "min", "target", "step", "per_missing"}


class _Reader:
    def __init__(self) -> None:
        self.issues: list[FileIssue] = []

    def fail(self, problem: str, where: str, /, **params: Any) -> None:
        self.issues.append(FileIssue(Problem(problem, params, where)))

    def number(self, value: Any, where: str, name: str, default: Decimal | None = None) -> Decimal:
        if value is None and default is not None:
            return default
        try:
            return to_decimal(value)
        except ValueError:
            self.fail("file.not_a_number", where, field=name, value=str(value)[:40])
            return Decimal(0)

    def year(self, value: Any, where: str, name: str) -> int:
        if isinstance(value, int) and not isinstance(value, bool) and 1990 <= value <= 2100:
            return value
        if isinstance(value, str) and value.strip().isdigit() and 1990 <= int(value) <= 2100:
            return int(value)
        self.fail("file.not_a_year", where, field=name, value=str(value)[:40])
        return 0

    def text(self, data: Mapping[str, Any], key: str) -> str:
        value = data.get(key)
        return "" if value is None else str(value).strip()

    def unknown_keys(self, data: Mapping[str, Any], allowed: set[str], where: str) -> None:
        for key in data:
            if key not in allowed:
                self.fail("file.unknown_key", where, key=str(key))

    def framework(self, data: Any) -> FrameworkSpec | None:
        if not isinstance(data, Mapping) or not isinstance(data.get("framework"), Mapping):
            self.fail("file.no_framework", "")
            return None
        head = data["framework"]
        self.unknown_keys(head, FRAMEWORK_KEYS, "")
        self.unknown_keys(data, {"framework", "fields"}, "")
        bonus = head.get("bonus") or {}
        penalty = head.get("penalty") or {}
        if not isinstance(bonus, Mapping) or not isinstance(penalty, Mapping):
            self.fail("file.adjustment_shape", "")
            bonus, penalty = {}, {}
        fields = data.get("fields")
        if not isinstance(fields, list):
            self.fail("file.no_fields", "")
            fields = []
        return FrameworkSpec(
            code=self.text(head, "code"),
            name=self.text(head, "name"),
            year_from=self.year(head.get("year_from"), "", "year_from"),
            year_to=self.year(head.get("year_to", head.get("year_from")), "", "year_to"),
            level=self.text(head, "level") or "commune",
            decision=self.text(head, "decision"),
            description=self.text(head, "description"),
            total=self.number(head.get("total"), "", "total", DEFAULT_TOTAL),
            bonus_max=self.number(bonus.get("max"), "", "bonus", Decimal(0)),
            bonus_needs_evidence=bool(bonus.get("needs_evidence", True)),
            penalty_max=self.number(penalty.get("max"), "", "penalty", Decimal(0)),
            penalty_needs_evidence=bool(penalty.get("needs_evidence", True)),
            bands=tuple(self.band(b) for b in self.items(head.get("bands"), "bands")),
            groups=tuple(self.group(g) for g in self.items(head.get("groups"), "groups")),
            fields=tuple(self.node(f, "") for f in fields),
        )

    def items(self, value: Any, name: str) -> list[Mapping[str, Any]]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            self.fail("file.list_shape", "", field=name)
            return []
        return value

    def band(self, data: Mapping[str, Any]) -> BandSpec:
        self.unknown_keys(data, {"code", "label", "min"}, "")
        return BandSpec(
            self.text(data, "code"),
            self.text(data, "label"),
            self.number(data.get("min"), "", "bands.min"),
        )

    def group(self, data: Mapping[str, Any]) -> GroupSpec:
        self.unknown_keys(data, {"code", "name", "kinds"}, "")
        kinds = data.get("kinds") or []
        if not isinstance(kinds, list):
            self.fail("file.list_shape", "", field="groups.kinds")
            kinds = []
        return GroupSpec(self.text(data, "code"), self.text(data, "name"), tuple(map(str, kinds)))

    def node(self, data: Any, parent: str) -> NodeSpec:
        if not isinstance(data, Mapping):
            self.fail("file.node_shape", parent)
            return NodeSpec("", "", Decimal(0))
        code = self.text(data, "code")
        where = code or parent
        self.unknown_keys(data, NODE_KEYS, where)
        rule = None
        if data.get("rule") is not None:
            try:
                rule = parse_rule(data["rule"])
            except RuleError as exc:
                self.issues.extend(FileIssue(p.at(where)) for p in exc.problems)
        evidence = []
        for item in data.get("evidence") or []:
            if isinstance(item, str):
                evidence.append(EvidenceSpec(item.strip()))
            elif isinstance(item, Mapping) and "title" in item:
                self.unknown_keys(item, {"title", "required"}, where)
                evidence.append(
                    EvidenceSpec(self.text(item, "title"), bool(item.get("required", True)))
                )
            else:
                self.fail("file.evidence_shape", where)
        groups = data.get("groups") or []
        children = data.get("children") or []
        if not isinstance(groups, list) or not isinstance(children, list):
            self.fail("file.list_shape", where, field="groups/children")
            groups, children = [], []
        return NodeSpec(
            code=code,
            title=self.text(data, "title"),
            maximum=self.number(data.get("max"), where, "max"),
            source=self.text(data, "source"),
            rule=rule,
            guidance=self.text(data, "guidance"),
            evidence=tuple(evidence),
            groups=tuple(str(g) for g in groups),
            responsible=self.text(data, "responsible"),
            note=self.text(data, "note"),
            children=tuple(self.node(c, where) for c in children),
        )


def load_yaml(text: str | bytes) -> FrameworkSpec:
    """The framework a YAML text holds; FrameworkFileError with every problem found."""
    if len(text) > MAX_BYTES:
        raise FrameworkFileError([FileIssue(Problem("file.too_large", {"mb": 2}))])
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FrameworkFileError([FileIssue(Problem("file.not_utf8"))]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise FrameworkFileError(
            [
                FileIssue(
                    Problem("file.yaml_syntax", {"detail": str(getattr(exc, "problem", ""))}),
                    row=line,
                )
            ]
        ) from None
    reader = _Reader()
    spec = reader.framework(data)
    if reader.issues or spec is None:
        raise FrameworkFileError(reader.issues)
    return spec


# --- writing -------------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    pass


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    text = plain(value)
    tag = "tag:yaml.org,2002:int" if "." not in text else "tag:yaml.org,2002:float"
    return dumper.represent_scalar(tag, text)


_Dumper.add_representer(Decimal, _represent_decimal)


def _numbers(value: Any, key: str = "") -> Any:
    """Rule data stores numbers as text ('0.5'); YAML shows them as numbers."""
    if isinstance(value, dict):
        return {k: _numbers(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers(v, key) for v in value]
    if key in NUMBER_KEYS and isinstance(value, str):
        return Decimal(value)
    return value


def _node_data(node: NodeSpec) -> dict[str, Any]:
    data: dict[str, Any] = {"code": node.code, "title": node.title, "max": node.maximum}
    if node.source:
        data["source"] = node.source
    if node.rule is not None:
        data["rule"] = _numbers(node.rule.to_dict())
    if node.evidence:
        data["evidence"] = [
            e.title if e.required else {"title": e.title, "required": False} for e in node.evidence
        ]
    for key in ("guidance", "responsible", "note"):
        if getattr(node, key):
            data[key] = getattr(node, key)
    if node.groups:
        data["groups"] = list(node.groups)
    if node.children:
        data["children"] = [_node_data(c) for c in node.children]
    return data


def spec_to_data(spec: FrameworkSpec) -> dict[str, Any]:
    head: dict[str, Any] = {
        "code": spec.code,
        "name": spec.name,
        "year_from": spec.year_from,
        "year_to": spec.year_to,
        "level": spec.level,
    }
    if spec.decision:
        head["decision"] = spec.decision
    if spec.description:
        head["description"] = spec.description
    head["total"] = spec.total
    head["bonus"] = {"max": spec.bonus_max, "needs_evidence": spec.bonus_needs_evidence}
    head["penalty"] = {"max": spec.penalty_max, "needs_evidence": spec.penalty_needs_evidence}
    if spec.bands:
        head["bands"] = [{"code": b.code, "label": b.label, "min": b.minimum} for b in spec.bands]
    if spec.groups:
        head["groups"] = [
            {"code": g.code, "name": g.name, "kinds": list(g.kinds)} for g in spec.groups
        ]
    return {"framework": head, "fields": [_node_data(f) for f in spec.fields]}


def dump_yaml(spec: FrameworkSpec) -> str:
    body = yaml.dump(
        spec_to_data(spec),
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
        default_flow_style=None,
    )
    return f"# ParIndex framework {spec.code} ({spec.year_from}-{spec.year_to})\n{body}"
