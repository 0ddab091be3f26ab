"""Every write of the yearly cycle: calendar, self-assessment, evidence, submission, appraisal,
explanations and locks.

Each action checks the calendar, the status and the version of what it changes, writes in one
transaction and records the change in the audit trail (who, when, old, new, why). Permissions are
the caller's check (`permissions.py`), as everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, BinaryIO

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from parindex.accounts.permissions import Perm, can, forget_grants
from parindex.assessments.models import (
    Answer,
    AnswerDocument,
    AppraisalStatus,
    Assessment,
    Assignment,
    Cycle,
    Document,
    Status,
)
from parindex.audit.actions import record
from parindex.audit.models import AuditAction
from parindex.frameworks.models import EvidenceRequirement, Framework, Node
from parindex.frameworks.models import Status as FrameworkStatus
from parindex.frameworks.rules import SURVEY_SOURCES, AnswerError, Problem, parse_rule
from parindex.orgunits.models import Level, Unit

if TYPE_CHECKING:
    from parindex.accounts.models import User


class AssessmentError(Exception):
    """An action of the cycle was refused; `problems` says why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.code for p in problems))
        self.problems = problems


def _refuse(problem: str, /, **params: Any) -> AssessmentError:
    return AssessmentError([Problem(problem, params)])


# --- the calendar --------------------------------------------------------------------------------


def group_of(framework: Framework, unit: Unit) -> str:
    """The framework's unit group a commune falls in ("" when the framework has no groups)."""
    for group in framework.groups:
        if unit.kind in group.get("kinds", []):
            return str(group.get("code", ""))
    return ""


def open_cycle(
    *,
    by: User | None,
    framework: Framework,
    scope: Unit,
    year: int,
    name: str,
    self_opens_on: dt.date,
    self_deadline: dt.date,
    appraisal_deadline: dt.date,
    rounds: int = 1,
    **dates: dt.date | None,
) -> Cycle:
    """A cycle with an assessment (and an empty answer per scored criterion) for every commune of
    the scope that exists during the year assessed."""
    if framework.status != FrameworkStatus.PUBLISHED:
        raise _refuse("cycle.framework_not_published", code=framework.code)
    if not framework.year_from <= year <= framework.year_to:
        raise _refuse("cycle.year_outside_framework", year=year, years=framework.years)
    if scope.level not in {Level.PROVINCE, Level.DISTRICT}:
        raise _refuse("cycle.scope_level", unit=scope.name)
    if Cycle.objects.filter(scope=scope, year=year).exists():
        raise _refuse("cycle.exists", unit=scope.name, year=year)
    if not self_opens_on <= self_deadline <= appraisal_deadline:
        raise _refuse("cycle.dates_order")
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    communes = list(
        Unit.objects.within(scope)
        .filter(level=Level.COMMUNE, valid_from__lte=end)
        .exclude(valid_to__lt=start)
        .order_by("name")
    )
    if not communes:
        raise _refuse("cycle.no_communes", unit=scope.name, year=year)
    leaves = _scored_nodes(framework)
    with transaction.atomic():
        cycle = Cycle(
            framework=framework,
            scope=scope,
            year=year,
            name=name,
            rounds=rounds,
            self_opens_on=self_opens_on,
            self_deadline=self_deadline,
            appraisal_deadline=appraisal_deadline,
            created_by=by,
            **dates,
        )
        cycle.full_clean(exclude=["framework", "scope", "created_by"])
        cycle.save()
        assessments = Assessment.objects.bulk_create(
            Assessment(cycle=cycle, unit=u, group=group_of(framework, u)) for u in communes
        )
        Answer.objects.bulk_create(
            Answer(assessment=a, node=node)
            for a in assessments
            for node, groups in leaves
            if not groups or not a.group or a.group in groups
        )
        record(
            actor=by,
            action=AuditAction.CYCLE_CREATE,
            obj=cycle,
            unit=scope,
            new={
                "name": name,
                "framework": framework.code,
                "year": year,
                "communes": len(assessments),
            },
        )
    return cycle


def _scored_nodes(framework: Framework) -> list[tuple[Node, set[str]]]:
    """The leaves of the framework with the unit groups they apply to (their own and their
    ancestors'; empty = all)."""
    nodes = list(framework.nodes.order_by("sort_key"))
    by_pk = {n.pk: n for n in nodes}
    parents = {n.parent_id for n in nodes}
    leaves = []
    for node in nodes:
        if node.pk in parents:
            continue
        groups: set[str] = set()
        walk: Node | None = node
        while walk is not None:
            if walk.groups:
                groups = set(walk.groups) if not groups else groups & set(walk.groups)
            walk = by_pk.get(walk.parent_id) if walk.parent_id else None
        leaves.append((node, groups))
    return leaves


CALENDAR_FIELDS = (
    "name",
    "rounds",
    "self_opens_on",
    "self_deadline",
    "appraisal_deadline",
    "appraisal2_deadline",
    "explanation_from",
    "explanation_to",
    "council_on",
    "publish_on",
)


def update_calendar(cycle: Cycle, *, by: User | None, changes: Mapping[str, Any]) -> Cycle:
    """Change the phases' dates (audited)."""
    old = {k: getattr(cycle, k) for k in changes if k in CALENDAR_FIELDS}
    old = {k: v for k, v in old.items() if v != changes[k]}
    if not old:
        return cycle
    for key in old:
        setattr(cycle, key, changes[key])
    if not cycle.self_opens_on <= cycle.self_deadline <= cycle.appraisal_deadline:
        cycle.refresh_from_db()
        raise _refuse("cycle.dates_order")
    with transaction.atomic():
        cycle.save()
        record(
            actor=by,
            action=AuditAction.CYCLE_UPDATE,
            obj=cycle,
            unit=cycle.scope,
            old=old,
            new={k: changes[k] for k in old},
        )
    return cycle


# --- self-assessment -----------------------------------------------------------------------------


def record_answer_change(
    answer: Answer,
    *,
    by: User | None,
    old: dict[str, Any],
    new: dict[str, Any],
    reason: str = "",
    action: str = AuditAction.SCORE_CHANGE,
) -> Answer:
    """Save a changed answer: its version moves on (so an edit from an older one is refused) and
    the change goes to the audit trail. Every write of an answer ends here."""
    answer.version += 1
    answer.updated_by = by
    answer.save()
    record(
        actor=by,
        action=action,
        obj=answer,
        unit=answer.assessment.unit,
        old=old,
        new=new,
        reason=reason,
    )
    return answer


def _locked_answer(answer: Answer, expected_version: int | None) -> Answer:
    stored = Answer.objects.select_for_update().select_related("node").get(pk=answer.pk)
    if expected_version is not None and stored.version != expected_version:
        raise _refuse("answer.changed_meanwhile", code=stored.node.code)
    return stored


def save_answer(
    answer: Answer,
    *,
    by: User | None,
    value: Mapping[str, Any] | None,
    note: str,
    expected_version: int | None = None,
) -> Answer:
    """Record the commune's answer to a criterion; its rule computes the points.

    An empty answer clears the points. Refused once the commune submitted, after the deadline
    (unless reopened), when locked, and when someone else saved the criterion meanwhile.
    """
    assessment = answer.assessment
    if not assessment.entry_open():
        raise _refuse("assessment.entry_closed", status=assessment.get_status_display())
    node = answer.node
    if node.source in SURVEY_SOURCES:
        raise _refuse("answer.from_survey", code=node.code)
    points = None
    working = ""
    if value:
        rule = parse_rule(node.rule)
        try:
            score = rule.score(node.max_points, value)
        except AnswerError as exc:
            raise AssessmentError([exc.problem.at(node.code)]) from None
        points, working = score.points, score.working
    with transaction.atomic():
        stored = _locked_answer(answer, expected_version)
        old = {"value": stored.self_value, "points": stored.self_points, "note": stored.self_note}
        new = {"value": dict(value) if value else None, "points": points, "note": note}
        if old == new:
            return stored
        stored.self_value = new["value"]
        stored.self_points = points
        stored.self_working = working[:300]
        stored.self_note = note
        record_answer_change(stored, by=by, old=old, new=new, reason="tự đánh giá")
    return stored


# --- evidence documents --------------------------------------------------------------------------


def upload_document(
    *,
    by: User | None,
    unit: Unit,
    name: str,
    content: bytes | BinaryIO,
    number: str = "",
    issued_on: dt.date | None = None,
    summary: str = "",
    max_bytes: int,
) -> Document:
    """Check a file by its content and size, then store it outside the web root (audited).

    UploadRefusedError (from `uploads.check_upload`) when it is refused: nothing is stored.
    """
    from parindex.assessments.uploads import check_upload

    checked = check_upload(name, content, max_bytes=max_bytes)
    data = content if isinstance(content, bytes) else content.read()
    with transaction.atomic():
        document = Document(
            unit=unit,
            name=checked.name,
            kind=checked.kind,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            number=number,
            issued_on=issued_on,
            summary=summary,
            uploaded_by=by,
        )
        document.file.save(checked.name, ContentFile(data), save=False)
        document.save()
        record(
            actor=by,
            action=AuditAction.DOCUMENT_UPLOAD,
            obj=document,
            unit=unit,
            new={
                "file": checked.name,
                "size": checked.size,
                "sha256": checked.sha256,
                "number": number,
                "summary": summary,
            },
        )
        # Read its text, facts and signature in the background once the upload is committed.
        from parindex.evidence.services import queue_reading

        queue_reading(document)
    return document


def cite_document(
    answer: Answer,
    document: Document,
    *,
    by: User | None,
    requirement: EvidenceRequirement | None = None,
) -> AnswerDocument:
    """Attach one of the commune's documents to a criterion (as a required document, or not):
    while the self-assessment is open, or with an explanation the appraisal asked for."""
    assessment = answer.assessment
    if not _evidence_open(answer):
        raise _refuse("assessment.entry_closed", status=assessment.get_status_display())
    if document.unit_id != assessment.unit_id:
        raise _refuse("document.other_unit")
    if requirement is not None and requirement.node_id != answer.node_id:
        raise _refuse("document.other_requirement")
    existing = AnswerDocument.objects.filter(
        answer=answer, document=document, requirement=requirement
    ).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        citation = AnswerDocument.objects.create(
            answer=answer, document=document, requirement=requirement
        )
        Answer.objects.filter(pk=answer.pk).update(version=F("version") + 1)
        record(
            actor=by,
            action=AuditAction.DOCUMENT_CITE,
            obj=answer,
            unit=assessment.unit,
            new={"document": document, "requirement": requirement.title if requirement else ""},
        )
    return citation


def _evidence_open(answer: Answer) -> bool:
    assessment = answer.assessment
    if assessment.entry_open():
        return True
    return (
        assessment.status == Status.APPRAISING
        and assessment.cycle.explanations_open()
        and answer.appraisal_status in {AppraisalStatus.ADJUSTED, AppraisalStatus.QUESTIONED}
    )


def uncite_document(citation: AnswerDocument, *, by: User | None) -> None:
    answer = citation.answer
    assessment = answer.assessment
    if not _evidence_open(answer):
        raise _refuse("assessment.entry_closed", status=assessment.get_status_display())
    with transaction.atomic():
        record(
            actor=by,
            action=AuditAction.DOCUMENT_UNCITE,
            obj=answer,
            unit=assessment.unit,
            old={
                "document": citation.document,
                "requirement": citation.requirement.title if citation.requirement else "",
            },
        )
        citation.delete()
        Answer.objects.filter(pk=answer.pk).update(version=F("version") + 1)


# --- submission ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    """A criterion that blocks submission: unanswered, or claiming points without its documents."""

    answer: Answer
    unanswered: bool
    missing: tuple[str, ...]  # titles of the required documents not attached


def completeness(assessment: Assessment) -> list[Gap]:
    """Every criterion that blocks submission, in the framework's order.

    A criterion answered at 0 points needs no document: the leader may submit it at 0 on purpose.
    """
    answers = list(
        assessment.answers.select_related("node")
        .prefetch_related("citations", "node__evidence")
        .order_by("node__sort_key")
    )
    gaps = []
    for answer in answers:
        if answer.node.source in SURVEY_SOURCES:
            continue
        if answer.self_value is None or answer.self_points is None:
            gaps.append(Gap(answer, True, ()))
            continue
        if answer.self_points == Decimal(0):
            continue
        cited = {c.requirement_id for c in answer.citations.all()}
        missing = tuple(
            r.title for r in answer.node.evidence.all() if r.required and r.pk not in cited
        )
        if missing:
            gaps.append(Gap(answer, False, missing))
    return gaps


def submit_assessment(assessment: Assessment, *, by: User | None) -> Assessment:
    """The commune leader sends the self-assessment; refused while any criterion blocks it."""
    if not assessment.entry_open():
        raise _refuse("assessment.entry_closed", status=assessment.get_status_display())
    gaps = completeness(assessment)
    if gaps:
        raise AssessmentError(
            [
                Problem(
                    "submit.unanswered" if g.unanswered else "submit.missing_documents",
                    {"documents": "; ".join(g.missing)},
                    g.answer.node.code,
                )
                for g in gaps
            ]
        )
    with transaction.atomic():
        assessment.status = Status.SUBMITTED
        assessment.submitted_at = timezone.now()
        assessment.submitted_by = by
        assessment.reopened_until = None
        assessment.save(update_fields=["status", "submitted_at", "submitted_by", "reopened_until"])
        record(
            actor=by,
            action=AuditAction.ASSESSMENT_SUBMIT,
            obj=assessment,
            unit=assessment.unit,
            old={"status": Status.DRAFT.value},
            new={"status": Status.SUBMITTED.value, "points": self_total(assessment)},
        )
    return assessment


def self_total(assessment: Assessment) -> Decimal:
    total = sum(
        (a.self_points for a in assessment.answers.all() if a.self_points is not None), Decimal(0)
    )
    return total.quantize(Decimal("0.01"))


def reopen_assessment(
    assessment: Assessment, *, by: User | None, until: dt.date, reason: str
) -> Assessment:
    """The secretariat lets a commune change and submit again until a day (reason required)."""
    if not reason.strip():
        raise _refuse("reason.required")
    if assessment.status not in {Status.DRAFT, Status.SUBMITTED}:
        raise _refuse("assessment.not_reopenable", status=assessment.get_status_display())
    if assessment.cycle.self_closed_at is not None:
        raise _refuse("cycle.self_closed")
    with transaction.atomic():
        old = {"status": assessment.status, "reopened_until": assessment.reopened_until}
        assessment.status = Status.DRAFT
        assessment.reopened_until = until
        assessment.save(update_fields=["status", "reopened_until"])
        record(
            actor=by,
            action=AuditAction.ASSESSMENT_REOPEN,
            obj=assessment,
            unit=assessment.unit,
            old=old,
            new={"status": Status.DRAFT.value, "reopened_until": until},
            reason=reason,
        )
    return assessment


# --- appraisal -----------------------------------------------------------------------------------


def assign_appraisers(
    cycle: Cycle,
    *,
    by: User | None,
    appraiser: User,
    units: list[Unit],
    field_codes: list[str],
) -> int:
    """Assign an appraiser to many communes at once (an existing assignment is updated)."""
    in_cycle = set(cycle.assessments.values_list("unit_id", flat=True))
    outside = [u.name for u in units if u.pk not in in_cycle]
    if outside:
        raise _refuse("assign.outside_cycle", units=", ".join(outside[:5]))
    forget_grants(appraiser)
    not_covered = [u.name for u in units if not can(appraiser, Perm.APPRAISE, u)]
    if not_covered:
        raise _refuse("assign.not_appraiser", name=str(appraiser), units=", ".join(not_covered[:5]))
    with transaction.atomic():
        for unit in units:
            Assignment.objects.update_or_create(
                cycle=cycle,
                appraiser=appraiser,
                unit=unit,
                defaults={"field_codes": list(field_codes)},
            )
        record(
            actor=by,
            action=AuditAction.APPRAISAL_ASSIGN,
            obj=cycle,
            unit=cycle.scope,
            new={
                "appraiser": appraiser,
                "communes": [u.name for u in units],
                "field_codes": field_codes,
            },
        )
    return len(units)


def close_self_assessment(cycle: Cycle, *, by: User | None) -> Cycle:
    """Chốt: the self-assessment scores are closed and appraisal starts; submitted assessments
    move to appraisal, the others stay as they are (at their points, to be appraised too)."""
    if cycle.self_closed_at is not None:
        raise _refuse("cycle.self_closed")
    with transaction.atomic():
        cycle.self_closed_at = timezone.now()
        cycle.save(update_fields=["self_closed_at"])
        moved = cycle.assessments.filter(status__in=[Status.DRAFT, Status.SUBMITTED]).update(
            status=Status.APPRAISING
        )
        record(
            actor=by,
            action=AuditAction.SELF_CLOSE,
            obj=cycle,
            unit=cycle.scope,
            new={"closed_at": cycle.self_closed_at, "assessments": moved},
        )
    return cycle


AGREE, ADJUST, QUESTION = "agree", "adjust", "question"


def current_round(cycle: Cycle, day: dt.date | None = None) -> int:
    """The appraisal round under way: the second once the first one's deadline has passed."""
    day = day or timezone.localdate()
    return 2 if cycle.rounds == 2 and day > cycle.appraisal_deadline else 1


def appraise_answer(
    answer: Answer,
    *,
    by: User | None,
    decision: str,
    value: Mapping[str, Any] | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Answer:
    """Agree with the commune's points, adjust them (a new answer gives new points, with a
    reason), or ask for an explanation (with a reason). Also the final decision after one."""
    assessment = answer.assessment
    if assessment.status != Status.APPRAISING:
        raise _refuse("appraisal.not_open", status=assessment.get_status_display())
    if decision not in {AGREE, ADJUST, QUESTION}:
        raise ValueError(decision)
    if decision != AGREE and not reason.strip():
        raise _refuse("reason.required")
    node = answer.node
    points = None
    working = ""
    new_value: dict[str, Any] | None = None
    if decision == ADJUST:
        if not value:
            raise _refuse("appraisal.value_required", code=node.code)
        try:
            score = parse_rule(node.rule).score(node.max_points, value)
        except AnswerError as exc:
            raise AssessmentError([exc.problem.at(node.code)]) from None
        points, working, new_value = score.points, score.working, dict(value)
    with transaction.atomic():
        stored = _locked_answer(answer, expected_version)
        if decision == AGREE:
            if stored.self_points is None:
                raise _refuse("appraisal.nothing_to_agree", code=node.code)
            new_value, points, working = stored.self_value, stored.self_points, stored.self_working
        old = {
            "appraisal": stored.appraisal_status,
            "points": stored.appraised_points,
            "reason": stored.appraisal_reason,
        }
        status = {
            AGREE: AppraisalStatus.AGREED,
            ADJUST: AppraisalStatus.ADJUSTED,
            QUESTION: AppraisalStatus.QUESTIONED,
        }[decision]
        stored.appraisal_status = status
        if decision != QUESTION:
            stored.appraised_value = new_value
            stored.appraised_points = points
            stored.appraised_working = working[:300]
        stored.appraisal_reason = reason.strip()
        stored.appraisal_round = current_round(assessment.cycle)
        stored.appraised_by = by
        stored.appraised_at = timezone.now()
        record_answer_change(
            stored,
            by=by,
            old=old,
            new={
                "appraisal": status.value,
                "points": stored.appraised_points,
                "reason": stored.appraisal_reason,
            },
            reason=reason or "thẩm định",
        )
    return stored


def agree_field(
    assessment: Assessment, *, by: User | None, field_code: str, allowed: set[str] | None = None
) -> int:
    """Agree in bulk with every not-yet-appraised, answered criterion of a field."""
    count = 0
    answers = assessment.answers.select_related("node", "assessment").filter(
        node__code__startswith=f"{field_code}.",
        appraisal_status=AppraisalStatus.PENDING,
        self_points__isnull=False,
    )
    for answer in answers:
        if allowed is not None and answer.node.code not in allowed:
            continue
        appraise_answer(answer, by=by, decision=AGREE)
        count += 1
    return count


def explain_answer(answer: Answer, *, by: User | None, text: str) -> Answer:
    """The commune answers an adjustment or a question, within the explanation window."""
    assessment = answer.assessment
    if assessment.status == Status.LOCKED:
        raise _refuse("assessment.locked")
    if not assessment.cycle.explanations_open():
        raise _refuse("explanation.closed")
    if not text.strip():
        raise _refuse("explanation.empty")
    with transaction.atomic():
        stored = _locked_answer(answer, None)
        if stored.appraisal_status not in {AppraisalStatus.ADJUSTED, AppraisalStatus.QUESTIONED}:
            raise _refuse("explanation.not_asked", code=stored.node.code)
        old = stored.explanation
        stored.explanation = text.strip()
        stored.explained_at = timezone.now()
        record_answer_change(
            stored,
            by=by,
            old={"explanation": old},
            new={"explanation": stored.explanation},
            action=AuditAction.EXPLANATION,
        )
    return stored


def lock_assessment(assessment: Assessment, *, by: User | None) -> Assessment:
    """The secretariat locks a commune's result once every criterion is appraised."""
    if assessment.status == Status.LOCKED:
        raise _refuse("assessment.locked")
    if assessment.status != Status.APPRAISING:
        raise _refuse("lock.not_appraising", status=assessment.get_status_display())
    open_items = [
        a.node.code
        for a in assessment.answers.select_related("node").order_by("node__sort_key")
        if a.node.source not in SURVEY_SOURCES
        and a.appraisal_status in {AppraisalStatus.PENDING, AppraisalStatus.QUESTIONED}
    ]
    if open_items:
        raise _refuse("lock.open_items", codes=", ".join(open_items))
    with transaction.atomic():
        assessment.status = Status.LOCKED
        assessment.locked_at = timezone.now()
        assessment.locked_by = by
        assessment.save(update_fields=["status", "locked_at", "locked_by"])
        record(
            actor=by,
            action=AuditAction.LOCK,
            obj=assessment,
            unit=assessment.unit,
            old={"status": Status.APPRAISING.value},
            new={"status": Status.LOCKED.value, "points": appraised_total(assessment)},
        )
    return assessment


def unlock_assessment(assessment: Assessment, *, by: User | None, reason: str) -> Assessment:
    """Reopen a locked result for appraisal: only explicitly, with a reason."""
    if assessment.status != Status.LOCKED:
        raise _refuse("unlock.not_locked")
    if not reason.strip():
        raise _refuse("reason.required")
    with transaction.atomic():
        assessment.status = Status.APPRAISING
        assessment.locked_at = None
        assessment.locked_by = None
        assessment.save(update_fields=["status", "locked_at", "locked_by"])
        record(
            actor=by,
            action=AuditAction.UNLOCK,
            obj=assessment,
            unit=assessment.unit,
            old={"status": Status.LOCKED.value},
            new={"status": Status.APPRAISING.value},
            reason=reason,
        )
    return assessment


def appraised_total(assessment: Assessment) -> Decimal:
    """Appraised points where appraised, otherwise self-assessed (survey criteria excluded)."""
    total = Decimal(0)
    for answer in assessment.answers.all():
        points = (
            answer.appraised_points if answer.appraised_points is not None else answer.self_points
        )
        total += points or Decimal(0)
    return total.quantize(Decimal("0.01"))
