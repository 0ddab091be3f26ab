"""Every write to a framework: create (from data or a file), edit a draft, publish, archive, clone.

Each action checks what the data must satisfy, changes it in one transaction and writes the audit
trail (who, when, old, new, why). Permission is the caller's check (`permissions.py`), as in every
app. A published framework is never edited in place: assessments hang on it; a change is a new
version made with `clone_framework`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from parindex.audit.actions import changed, record
from parindex.audit.models import AuditAction
from parindex.frameworks.excel_io import read_xlsx
from parindex.frameworks.issues import FileIssue, FrameworkFileError
from parindex.frameworks.models import (
    EvidenceRequirement,
    Framework,
    Node,
    Status,
    sort_key,
)
from parindex.frameworks.rules import Problem
from parindex.frameworks.selectors import KNOWN_KINDS, node_spec, problems_of, spec_of
from parindex.frameworks.spec import (
    EvidenceSpec,
    FrameworkSpec,
    NodeSpec,
    node_problems,
    parent_code,
    validate,
)
from parindex.frameworks.yaml_io import load_yaml
from parindex.orgunits.models import Level

if TYPE_CHECKING:
    from parindex.accounts.models import User
    from parindex.orgunits.models import Unit

ISSUER_LEVELS = frozenset({Level.PROVINCE, Level.DISTRICT})


class FrameworkError(Exception):
    """A framework action was refused; `problems` says why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.code for p in problems))
        self.problems = problems


class FrameworkNotEditableError(FrameworkError):
    """Only a draft can be edited; published and archived frameworks are frozen."""


class FrameworkInvalidError(FrameworkError):
    """The framework has problems that forbid the action (publishing, a node's edit)."""


def _refuse_unless_draft(framework: Framework) -> None:
    if framework.status != Status.DRAFT:
        raise FrameworkNotEditableError(
            [Problem("action.not_draft", {"status": framework.get_status_display()})]
        )


def _check_owner(owner: Unit, code: str, *, exclude: int | None = None) -> list[Problem]:
    problems = []
    if owner.level not in ISSUER_LEVELS:
        problems.append(Problem("action.owner_level", {"unit": owner.name}))
    taken = Framework.objects.filter(owner=owner, code=code)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        problems.append(Problem("action.code_taken", {"code": code, "unit": owner.name}))
    return problems


# --- creating ------------------------------------------------------------------------------------


def _store_nodes(framework: Framework, spec: FrameworkSpec) -> int:
    """Write the spec's tree under `framework`: one insert per level, one for the evidence."""
    level: list[tuple[NodeSpec, Node | None]] = [(f, None) for f in spec.fields]
    depth = 1
    count = 0
    evidence: list[EvidenceRequirement] = []
    while level:
        rows = []
        for position, (item, parent) in enumerate(level):
            siblings_before = sum(1 for _i, p in level[:position] if p is parent)
            rows.append(
                Node(
                    framework=framework,
                    parent=parent,
                    code=item.code,
                    depth=depth,
                    position=siblings_before,
                    sort_key=sort_key(parent.sort_key if parent else "", siblings_before),
                    title=item.title,
                    max_points=item.maximum,
                    source=item.source,
                    rule=item.rule.to_dict() if item.rule is not None else None,
                    guidance=item.guidance,
                    groups=list(item.groups),
                    responsible=item.responsible,
                    note=item.note,
                )
            )
        created = Node.objects.bulk_create(rows)
        count += len(created)
        next_level: list[tuple[NodeSpec, Node | None]] = []
        for (item, _parent), node in zip(level, created, strict=True):
            evidence.extend(
                EvidenceRequirement(node=node, title=e.title, required=e.required, position=i)
                for i, e in enumerate(item.evidence)
            )
            next_level.extend((child, node) for child in item.children)
        level = next_level
        depth += 1
    EvidenceRequirement.objects.bulk_create(evidence)
    return count


def create_framework(
    *,
    by: User | None,
    owner: Unit,
    spec: FrameworkSpec,
    previous: Framework | None = None,
    reason: str = "",
) -> Framework:
    """A new draft framework holding `spec`. FrameworkInvalidError when the owner or code is wrong.

    The tree itself may still have problems (a draft is work in progress); publishing checks it.
    """
    problems = _check_owner(owner, spec.code)
    if problems:
        raise FrameworkInvalidError(problems)
    with transaction.atomic():
        framework = Framework(
            owner=owner,
            code=spec.code,
            version=(previous.version + 1) if previous else 1,
            name=spec.name,
            year_from=spec.year_from,
            year_to=spec.year_to,
            scored_level=spec.level,
            decision=spec.decision,
            description=spec.description,
            total=spec.total,
            bonus_max=spec.bonus_max,
            bonus_needs_evidence=spec.bonus_needs_evidence,
            penalty_max=spec.penalty_max,
            penalty_needs_evidence=spec.penalty_needs_evidence,
            bands=[{"code": b.code, "label": b.label, "min": str(b.minimum)} for b in spec.bands],
            groups=[{"code": g.code, "name": g.name, "kinds": list(g.kinds)} for g in spec.groups],
            previous=previous,
            created_by=by,
        )
        framework.full_clean(exclude=["owner", "previous", "created_by"])
        try:
            with transaction.atomic():
                framework.save()
        except IntegrityError:
            raise FrameworkInvalidError(
                [Problem("action.code_taken", {"code": spec.code, "unit": owner.name})]
            ) from None
        count = _store_nodes(framework, spec)
        record(
            actor=by,
            action=AuditAction.FRAMEWORK_CREATE,
            obj=framework,
            unit=owner,
            new={
                "code": framework.code,
                "name": framework.name,
                "years": framework.years,
                "criteria": count,
            },
            reason=reason,
        )
    return framework


@dataclass
class ImportResult:
    framework: Framework | None = None
    issues: list[FileIssue] = field(default_factory=list)
    rows_of: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.framework is not None


def read_framework_file(data: bytes, filename: str) -> tuple[FrameworkSpec, dict[str, int]]:
    """The spec a .yaml/.yml/.xlsx file holds (with the Excel row of each node)."""
    name = filename.lower()
    if not data:
        raise FrameworkFileError([FileIssue(Problem("file.empty"))])
    if name.endswith((".yaml", ".yml")):
        return load_yaml(data), {}
    if name.endswith(".xlsx"):
        return read_xlsx(data)
    raise FrameworkFileError([FileIssue(Problem("file.unsupported_type"))])


def import_framework(*, by: User | None, owner: Unit, data: bytes, filename: str) -> ImportResult:
    """Read, check and store a framework file as a new draft, or store nothing and say why.

    Every problem is reported at once, located by sheet, row and column (Excel) or by code (YAML).
    A file whose framework would not pass publication's checks is refused whole.
    """
    try:
        spec, rows_of = read_framework_file(data, filename)
    except FrameworkFileError as exc:
        return ImportResult(issues=exc.issues)
    sheet = "Tiêu chí" if rows_of else ""
    issues = [
        FileIssue(p, sheet if p.node else ("Thông tin" if rows_of else ""), rows_of.get(p.node))
        for p in validate(spec, known_kinds=KNOWN_KINDS)
    ]
    issues.extend(FileIssue(p) for p in _check_owner(owner, spec.code))
    if issues:
        return ImportResult(issues=issues, rows_of=rows_of)
    framework = create_framework(by=by, owner=owner, spec=spec, reason=filename)
    return ImportResult(framework=framework, rows_of=rows_of)


# --- editing a draft -----------------------------------------------------------------------------

FRAMEWORK_FIELDS = (
    "name",
    "code",
    "year_from",
    "year_to",
    "scored_level",
    "decision",
    "description",
    "total",
    "bonus_max",
    "bonus_needs_evidence",
    "penalty_max",
    "penalty_needs_evidence",
    "bands",
    "groups",
)


def update_framework(
    framework: Framework, *, by: User | None, changes: dict[str, Any]
) -> Framework:
    """Change a draft's own facts (name, years, total, caps, bands, groups ...), audited."""
    _refuse_unless_draft(framework)
    unknown = set(changes) - set(FRAMEWORK_FIELDS)
    if unknown:
        raise ValueError(f"not framework fields: {sorted(unknown)}")
    old = {k: getattr(framework, k) for k in changes if getattr(framework, k) != changes[k]}
    if not old:
        return framework
    if "code" in old:
        problems = _check_owner(framework.owner, changes["code"], exclude=framework.pk)
        if problems:
            raise FrameworkInvalidError(problems)
    for key, value in changes.items():
        setattr(framework, key, value)
    framework.full_clean(exclude=["owner", "previous", "created_by", "published_by"])
    with transaction.atomic():
        framework.save()
        record(
            actor=by,
            action=AuditAction.FRAMEWORK_UPDATE,
            obj=framework,
            unit=framework.owner,
            old=old,
            new={k: changes[k] for k in old},
        )
    return framework


def _node_checks(
    framework: Framework, data: NodeSpec, parent: Node | None, *, is_leaf: bool, exclude: int | None
) -> list[Problem]:
    parent_spec = (
        NodeSpec(parent.code, parent.title, parent.max_points, groups=tuple(parent.groups))
        if parent
        else None
    )
    # A node with children is checked as one (no rule needed); a leaf must have its rule.
    children = () if is_leaf else (NodeSpec("", "", Decimal(1)),)
    depth = parent.depth + 1 if parent else 1
    group_codes = {g.get("code", "") for g in framework.groups}
    problems = node_problems(replace(data, children=children), parent_spec, depth, group_codes)
    if not is_leaf and data.rule is None:
        problems = [
            p for p in problems if p.code not in {"node.rule_missing", "node.source_missing"}
        ]
    taken = framework.nodes.filter(code=data.code)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if data.code and taken.exists():
        problems.append(Problem("node.code_duplicate", {"code": data.code, "times": 2}))
    return problems


def _node_values(node: Node) -> dict[str, Any]:
    return {
        "code": node.code,
        "title": node.title,
        "max_points": node.max_points,
        "source": node.source,
        "rule": node.rule,
        "evidence": [{"title": e.title, "required": e.required} for e in node.evidence.all()],
        "guidance": node.guidance,
        "groups": list(node.groups),
        "responsible": node.responsible,
        "note": node.note,
    }


def _apply(node: Node, data: NodeSpec) -> None:
    node.code = data.code
    node.title = data.title
    node.max_points = data.maximum
    node.source = data.source
    node.rule = data.rule.to_dict() if data.rule is not None else None
    node.guidance = data.guidance
    node.groups = list(data.groups)
    node.responsible = data.responsible
    node.note = data.note


def _set_evidence(node: Node, items: tuple[EvidenceSpec, ...]) -> None:
    node.evidence.all().delete()
    EvidenceRequirement.objects.bulk_create(
        EvidenceRequirement(node=node, title=e.title, required=e.required, position=i)
        for i, e in enumerate(items)
    )


def add_node(framework: Framework, *, by: User | None, parent: Node | None, data: NodeSpec) -> Node:
    """A new node at the end of `parent`'s children (or a new field), audited."""
    _refuse_unless_draft(framework)
    problems = _node_checks(framework, data, parent, is_leaf=True, exclude=None)
    if problems:
        raise FrameworkInvalidError(problems)
    with transaction.atomic():
        siblings = framework.nodes.filter(parent=parent)
        position = (max((n.position for n in siblings), default=-1)) + 1
        node = Node(
            framework=framework,
            parent=parent,
            depth=parent.depth + 1 if parent else 1,
            position=position,
            sort_key=sort_key(parent.sort_key if parent else "", position),
        )
        _apply(node, data)
        node.save()
        _set_evidence(node, data.evidence)
        record(
            actor=by,
            action=AuditAction.CRITERION_CREATE,
            obj=node,
            unit=framework.owner,
            new=_node_values(node),
        )
        Framework.objects.filter(pk=framework.pk).update(updated_at=timezone.now())
    return node


def update_node(node: Node, *, by: User | None, data: NodeSpec, expected_version: str = "") -> Node:
    """Change a draft's node; a new code carries over to its descendants' codes. Audited.

    `expected_version` is the node's `version_token` when the form was opened: another person's
    save in between is refused instead of silently overwritten.
    """
    framework = node.framework
    _refuse_unless_draft(framework)
    is_leaf = not node.children.exists()
    problems = _node_checks(framework, data, node.parent, is_leaf=is_leaf, exclude=node.pk)
    if problems:
        raise FrameworkInvalidError(problems)
    with transaction.atomic():
        # The stored node, locked: compared with what the editor saw, it is what the audit's
        # "old" shows.
        stored = Node.objects.select_for_update().get(pk=node.pk)
        if expected_version and expected_version != version_token(stored):
            raise FrameworkInvalidError([Problem("action.changed_meanwhile")])
        old = _node_values(stored)
        old_code = stored.code
        _apply(node, data)
        node.save()
        _set_evidence(node, data.evidence)
        if data.code != old_code:
            for descendant in framework.nodes.filter(code__startswith=f"{old_code}."):
                descendant.code = data.code + descendant.code[len(old_code) :]
                descendant.save(update_fields=["code"])
        before, after = changed(old, _node_values(node))
        if after:
            record(
                actor=by,
                action=AuditAction.CRITERION_UPDATE,
                obj=node,
                unit=framework.owner,
                old=before,
                new=after,
            )
        Framework.objects.filter(pk=framework.pk).update(updated_at=timezone.now())
    return node


def version_token(node: Node) -> str:
    """A fingerprint of the node's current content, to detect a concurrent edit."""
    import hashlib
    import json

    values = _node_values(node)
    text = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def delete_node(node: Node, *, by: User | None) -> None:
    """Remove a node of a draft with its whole subtree, audited."""
    framework = node.framework
    _refuse_unless_draft(framework)
    with transaction.atomic():
        removed = list(
            framework.nodes.filter(code__startswith=f"{node.code}.").values_list("code", flat=True)
        )
        old = _node_values(node) | {"sub_criteria": removed}
        record(
            actor=by,
            action=AuditAction.CRITERION_DELETE,
            obj=node,
            unit=framework.owner,
            old=old,
        )
        node.delete()
        Framework.objects.filter(pk=framework.pk).update(updated_at=timezone.now())


# --- life cycle ----------------------------------------------------------------------------------


def publish_framework(framework: Framework, *, by: User | None) -> Framework:
    """Publish a draft that passes every check; from now on it is frozen."""
    _refuse_unless_draft(framework)
    problems = problems_of(framework)
    if problems:
        raise FrameworkInvalidError(problems)
    with transaction.atomic():
        framework.status = Status.PUBLISHED
        framework.published_at = timezone.now()
        framework.published_by = by
        framework.save(update_fields=["status", "published_at", "published_by", "updated_at"])
        record(
            actor=by,
            action=AuditAction.FRAMEWORK_PUBLISH,
            obj=framework,
            unit=framework.owner,
            old={"status": Status.DRAFT.value},
            new={"status": Status.PUBLISHED.value},
        )
    return framework


def archive_framework(framework: Framework, *, by: User | None, reason: str = "") -> Framework:
    """Retire a published framework (it stays readable, with its history)."""
    if framework.status != Status.PUBLISHED:
        raise FrameworkNotEditableError(
            [Problem("action.not_published", {"status": framework.get_status_display()})]
        )
    with transaction.atomic():
        framework.status = Status.ARCHIVED
        framework.archived_at = timezone.now()
        framework.save(update_fields=["status", "archived_at", "updated_at"])
        record(
            actor=by,
            action=AuditAction.FRAMEWORK_ARCHIVE,
            obj=framework,
            unit=framework.owner,
            old={"status": Status.PUBLISHED.value},
            new={"status": Status.ARCHIVED.value},
            reason=reason,
        )
    return framework


def delete_framework(framework: Framework, *, by: User | None) -> None:
    """Delete a draft (never a published or archived framework)."""
    _refuse_unless_draft(framework)
    with transaction.atomic():
        record(
            actor=by,
            action=AuditAction.FRAMEWORK_DELETE,
            obj=framework,
            unit=framework.owner,
            old={"code": framework.code, "name": framework.name, "years": framework.years},
        )
        framework.delete()


def clone_framework(
    framework: Framework,
    *,
    by: User | None,
    code: str,
    name: str,
    year_from: int,
    year_to: int,
) -> Framework:
    """A new draft version of `framework` for other years: the same tree, ready to edit."""
    if year_to < year_from:
        raise FrameworkInvalidError(
            [Problem("framework.years", {"start": year_from, "end": year_to})]
        )
    spec = replace(spec_of(framework), code=code, name=name, year_from=year_from, year_to=year_to)
    return create_framework(
        by=by,
        owner=framework.owner,
        spec=spec,
        previous=framework,
        reason=f"{framework.code} → {code}",
    )


def suggested_code(framework: Framework, year: int) -> str:
    """PAR-XA-2025 for 2026 -> PAR-XA-2026; otherwise the code with the year appended."""
    old = str(framework.year_from)
    if old in framework.code:
        return framework.code.replace(old, str(year))
    return f"{framework.code}-{year}"


def parent_of_code(framework: Framework, code: str) -> Node | None:
    """The node a new code would sit under ('2.3.1' -> node 2.3), or None for a field."""
    up = parent_code(code)
    return framework.nodes.filter(code=up).first() if up else None


def node_data_of(node: Node) -> NodeSpec:
    """A node's current content (without its children), to change a few fields of it with
    `dataclasses.replace` and save it with `update_node`."""
    return node_spec(node)
