"""What changed between two versions of a framework: added, removed, renumbered, re-pointed.

Pure Python over two `FrameworkSpec`s. Nodes are matched by code first; a removed node and an
added node with the same title are one node that moved or was renumbered ("2.3.1" became
"2.4.1"). A matched node whose maximum changed is "re-pointed"; other edits (title, rule, source,
evidence, groups, guidance) are "changed". Each change lists its fields with old and new values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from parindex.frameworks.rule_text import format_rule
from parindex.frameworks.spec import FrameworkSpec, NodeSpec


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    MOVED = "moved"  # renumbered or put under another parent, same title
    REPOINTED = "repointed"  # maximum points changed
    CHANGED = "changed"


@dataclass(frozen=True)
class FieldChange:
    name: str  # title, max, source, rule, evidence, groups, guidance, code
    old: str
    new: str


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    code: str  # the new code (the old one for a removed node)
    title: str
    old_code: str = ""
    fields: tuple[FieldChange, ...] = field(default_factory=tuple)
    old_max: Decimal | None = None
    new_max: Decimal | None = None


def _flat(spec: FrameworkSpec) -> dict[str, NodeSpec]:
    return {node.code: node for node, _parent, _depth in spec.walk()}


def _norm(title: str) -> str:
    return " ".join(title.lower().split())


def _values(node: NodeSpec) -> dict[str, str]:
    return {
        "title": node.title,
        "max": str(node.maximum.normalize()),
        "source": node.source,
        "rule": format_rule(node.rule) if node.rule is not None else "",
        "evidence": "; ".join(
            e.title + ("" if e.required else " (không bắt buộc)") for e in node.evidence
        ),
        "groups": ", ".join(node.groups),
        "guidance": node.guidance,
    }


def _field_changes(old: NodeSpec, new: NodeSpec) -> tuple[FieldChange, ...]:
    before, after = _values(old), _values(new)
    changes = [FieldChange(k, before[k], after[k]) for k in before if before[k] != after[k]]
    if old.code != new.code:
        changes.insert(0, FieldChange("code", old.code, new.code))
    return tuple(changes)


def compare(old: FrameworkSpec, new: FrameworkSpec) -> list[Change]:
    """The changes from `old` to `new`, in the new tree's order, removed nodes last."""
    before, after = _flat(old), _flat(new)
    removed = [c for c in before if c not in after]
    added = [c for c in after if c not in before]
    # A removed and an added node with the same title are one node, moved or renumbered.
    moved: dict[str, str] = {}
    free = {c: _norm(before[c].title) for c in removed}
    for code in added:
        title = _norm(after[code].title)
        match = next((old_code for old_code, t in free.items() if t == title), None)
        if match is not None:
            moved[code] = match
            del free[match]
    changes: list[Change] = []
    for code, node in after.items():
        if code in moved:
            was = before[moved[code]]
            changes.append(
                Change(
                    ChangeKind.MOVED,
                    code,
                    node.title,
                    was.code,
                    _field_changes(was, node),
                    was.maximum,
                    node.maximum,
                )
            )
        elif code not in before:
            changes.append(Change(ChangeKind.ADDED, code, node.title, new_max=node.maximum))
        else:
            fields = _field_changes(before[code], node)
            if not fields:
                continue
            kind = (
                ChangeKind.REPOINTED if before[code].maximum != node.maximum else ChangeKind.CHANGED
            )
            changes.append(
                Change(kind, code, node.title, code, fields, before[code].maximum, node.maximum)
            )
    changes.extend(
        Change(ChangeKind.REMOVED, code, before[code].title, code, old_max=before[code].maximum)
        for code in free
    )
    return changes


def framework_changes(old: FrameworkSpec, new: FrameworkSpec) -> list[FieldChange]:
    """Changes of the framework's own facts (total, caps, bands, groups, years ...)."""
    pairs = {
        "name": (old.name, new.name),
        "years": (f"{old.year_from}-{old.year_to}", f"{new.year_from}-{new.year_to}"),
        "decision": (old.decision, new.decision),
        "total": (str(old.total.normalize()), str(new.total.normalize())),
        "bonus": (str(old.bonus_max.normalize()), str(new.bonus_max.normalize())),
        "penalty": (str(old.penalty_max.normalize()), str(new.penalty_max.normalize())),
        "bands": (
            "; ".join(f"{b.label} ≥ {b.minimum.normalize()}" for b in old.bands),
            "; ".join(f"{b.label} ≥ {b.minimum.normalize()}" for b in new.bands),
        ),
        "groups": (
            "; ".join(g.name for g in old.groups),
            "; ".join(g.name for g in new.groups),
        ),
    }
    return [FieldChange(k, a, b) for k, (a, b) in pairs.items() if a != b]
