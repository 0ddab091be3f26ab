"""Writes of campaigns, rules, targets, nominations and the council's review: checked, audited,
one transaction each.

Refusals are `AwardError` with every problem found at once (see `problems.py`), so a commune
learns in one go that its nomination lacks the minutes *and* the achievement report; nothing is
half-saved.

Nominations (seed 004): a commune's leader or officers draft one, cite the documents of their
commune (or upload new ones through the evidence upload, which checks the content) for each
document the campaign requires, and submit it — refused while a required document is missing,
and after the last day for nominations (the deadline's day included). The council then records
votes and decides; each decision keeps the eligibility as it read then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, BinaryIO

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from parindex.accounts.models import Role, RoleGrant, User
from parindex.audit.actions import changed, record
from parindex.audit.models import AuditAction
from parindex.awards import eligibility, selectors
from parindex.awards.eligibility import RuleProblem
from parindex.awards.models import (
    AppliesTo,
    Campaign,
    CampaignStatus,
    CampaignTarget,
    CouncilRecord,
    EligibilityRule,
    Nomination,
    NominationDocument,
    NominationStatus,
    NomineeKind,
    RecordKind,
)
from parindex.frameworks.rules import Problem
from parindex.notifications.actions import notify
from parindex.orgunits.models import Level

if TYPE_CHECKING:
    from parindex.assessments.models import Cycle, Document
    from parindex.orgunits.models import Unit
    from parindex.plans.models import Target


class AwardError(Exception):
    """A change refused; `problems` says every reason."""

    def __init__(self, problems: Sequence[Problem | RuleProblem]) -> None:
        super().__init__("; ".join(p.code for p in problems))
        self.problems = list(problems)


def _problem(code: str, /, **params: Any) -> Problem:
    return Problem(code, params)


def _refuse(code: str, /, **params: Any) -> AwardError:
    return AwardError([_problem(code, **params)])


def clean_lines(values: Iterable[str]) -> list[str]:
    """Lines as a list: trimmed, without empty ones or repeats, in order."""
    return list(dict.fromkeys(v.strip().lstrip("-+• ").strip() for v in values if v.strip()))


def _vn_day(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


# --- campaigns -----------------------------------------------------------------------------------

CAMPAIGN_FIELDS = (
    "name",
    "number",
    "scope",
    "cycle",
    "period_from",
    "period_to",
    "for_collectives",
    "for_individuals",
    "content",
    "award_forms",
    "required_documents",
    "nomination_deadline",
    "signer",
)


def _campaign_problems(campaign: Campaign) -> list[Problem]:
    problems = []
    if not campaign.name.strip():
        problems.append(_problem("campaign.name"))
    if campaign.period_to < campaign.period_from:
        problems.append(_problem("campaign.period"))
    if campaign.nomination_deadline < campaign.period_from:
        problems.append(_problem("campaign.deadline"))
    issuer, scope, cycle = campaign.issuer, campaign.scope, campaign.cycle
    if not issuer.covers(scope):
        problems.append(_problem("campaign.scope", scope=scope.name, issuer=issuer.name))
    if not (cycle.scope.covers(scope) or scope.covers(cycle.scope)):
        problems.append(_problem("campaign.cycle_scope", cycle=cycle.name, scope=scope.name))
    if not (campaign.for_collectives or campaign.for_individuals):
        problems.append(_problem("campaign.competitors"))
    if not campaign.award_forms:
        problems.append(_problem("campaign.award_forms"))
    return problems


def _shown(campaign: Campaign, name: str) -> Any:
    value = getattr(campaign, name)
    if name in {"scope", "cycle"}:
        return str(value)
    return value


def create_campaign(
    *,
    by: User | None,
    issuer: Unit,
    cycle: Cycle,
    name: str,
    period_from: dt.date,
    period_to: dt.date,
    nomination_deadline: dt.date,
    scope: Unit | None = None,
    number: str = "",
    content: str = "",
    for_collectives: bool = True,
    for_individuals: bool = True,
    award_forms: Iterable[str] = (),
    required_documents: Iterable[str] = (),
    signer: str = "",
) -> Campaign:
    """A draft campaign of `issuer` over the communes of `scope` (the issuer's by default)."""
    campaign = Campaign(
        issuer=issuer,
        scope=scope or issuer,
        cycle=cycle,
        name=name.strip(),
        number=number.strip(),
        period_from=period_from,
        period_to=period_to,
        nomination_deadline=nomination_deadline,
        content=content.strip(),
        for_collectives=for_collectives,
        for_individuals=for_individuals,
        award_forms=clean_lines(award_forms),
        required_documents=clean_lines(required_documents),
        signer=signer.strip(),
        created_by=by,
    )
    problems = _campaign_problems(campaign)
    if problems:
        raise AwardError(problems)
    with transaction.atomic():
        campaign.save()
        record(
            actor=by,
            action=AuditAction.AWARD_CAMPAIGN_CREATE,
            obj=campaign,
            unit=issuer,
            new={name: _shown(campaign, name) for name in CAMPAIGN_FIELDS},
        )
    return campaign


def update_campaign(campaign: Campaign, *, by: User | None, **changes: Any) -> Campaign:
    """Change the campaign's details (not once its awards are decided)."""
    unknown = set(changes) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise TypeError(f"not a campaign field: {sorted(unknown)}")
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status == CampaignStatus.DECIDED:
            raise _refuse("campaign.decided")
        old = {name: _shown(locked, name) for name in changes}
        for name, value in changes.items():
            if name in {"award_forms", "required_documents"}:
                value = clean_lines(value)
            elif isinstance(value, str):
                value = value.strip()
            setattr(locked, name, value)
        problems = _campaign_problems(locked)
        if problems:
            raise AwardError(problems)
        new = {name: _shown(locked, name) for name in changes}
        if new == old:
            return locked
        locked.save()
        before, after = changed(old, new)
        record(
            actor=by,
            action=AuditAction.AWARD_CAMPAIGN_UPDATE,
            obj=locked,
            unit=locked.issuer,
            old=before,
            new=after,
        )
    return locked


# Which status may follow which: a closed campaign can be opened again (a deadline extended);
# the decision is the last step.
TRANSITIONS: dict[str, set[str]] = {
    CampaignStatus.DRAFT: {CampaignStatus.OPEN},
    CampaignStatus.OPEN: {CampaignStatus.CLOSED, CampaignStatus.DECIDED},
    CampaignStatus.CLOSED: {CampaignStatus.OPEN, CampaignStatus.DECIDED},
    CampaignStatus.DECIDED: set(),
}


def set_campaign_status(
    campaign: Campaign,
    *,
    by: User | None,
    to: str,
    decision_number: str = "",
    decided_on: dt.date | None = None,
) -> Campaign:
    """Open, close or mark the awards decided (with the decision's number and date; every
    submitted nomination must be decided first)."""
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if to not in TRANSITIONS.get(locked.status, set()):
            raise _refuse(
                "campaign.status",
                status=locked.get_status_display(),
                to=CampaignStatus(to).label if to in CampaignStatus.values else to,
            )
        old = {"status": locked.status}
        locked.status = to
        fields = ["status"]
        if to == CampaignStatus.DECIDED:
            pending = locked.nominations.filter(status=NominationStatus.SUBMITTED).count()
            if pending:
                raise _refuse("campaign.pending", count=pending)
            locked.decision_number = decision_number.strip()
            locked.decided_on = decided_on or timezone.localdate()
            fields += ["decision_number", "decided_on"]
        locked.save(update_fields=fields)
        record(
            actor=by,
            action=AuditAction.AWARD_CAMPAIGN_STATUS,
            obj=locked,
            unit=locked.issuer,
            old=old,
            new={name: getattr(locked, name) for name in fields},
        )
    return locked


# --- rules and targets ---------------------------------------------------------------------------


def save_rule(
    campaign: Campaign,
    *,
    by: User | None,
    data: Any,
    name: str = "",
    applies_to: str = AppliesTo.BOTH,
    rule: EligibilityRule | None = None,
) -> EligibilityRule:
    """Add a rule to the campaign, or change one; the data is checked and stored canonical."""
    if campaign.status == CampaignStatus.DECIDED:
        raise _refuse("campaign.decided")
    try:
        canonical = eligibility.to_data(eligibility.parse(data))
    except eligibility.RuleError as exc:
        raise AwardError(exc.problems) from exc
    if applies_to not in AppliesTo.values:
        applies_to = AppliesTo.BOTH
    with transaction.atomic():
        old = None
        if rule is None:
            last = campaign.rules.aggregate(p=Max("position"))["p"] or 0
            rule = EligibilityRule(campaign=campaign, position=last + 1)
        else:
            old = {"name": rule.name, "applies_to": rule.applies_to, "data": rule.data}
        rule.name, rule.applies_to, rule.data = name.strip()[:200], applies_to, canonical
        rule.save()
        record(
            actor=by,
            action=AuditAction.AWARD_RULE_CHANGE,
            obj=campaign,
            unit=campaign.issuer,
            old=old,
            new={"rule": rule.pk, "name": rule.name, "applies_to": applies_to, "data": canonical},
        )
    return rule


def delete_rule(rule: EligibilityRule, *, by: User | None) -> None:
    campaign = rule.campaign
    if campaign.status == CampaignStatus.DECIDED:
        raise _refuse("campaign.decided")
    with transaction.atomic():
        record(
            actor=by,
            action=AuditAction.AWARD_RULE_CHANGE,
            obj=campaign,
            unit=campaign.issuer,
            old={"rule": rule.pk, "name": rule.name, "data": rule.data},
            new=None,
        )
        rule.delete()


def add_target(
    campaign: Campaign,
    *,
    by: User | None,
    name: str,
    target_text: str = "",
    plan_target: Target | None = None,
) -> CampaignTarget:
    if campaign.status == CampaignStatus.DECIDED:
        raise _refuse("campaign.decided")
    if not name.strip():
        raise _refuse("target.name")
    if plan_target is not None and not campaign.issuer.covers(plan_target.plan.unit):
        raise _refuse("target.plan")
    with transaction.atomic():
        last = campaign.targets.aggregate(p=Max("position"))["p"] or 0
        target = CampaignTarget.objects.create(
            campaign=campaign,
            position=last + 1,
            name=name.strip(),
            target_text=target_text.strip(),
            plan_target=plan_target,
        )
        record(
            actor=by,
            action=AuditAction.AWARD_CAMPAIGN_UPDATE,
            obj=campaign,
            unit=campaign.issuer,
            new={"target": target.name, "value": target.target_text, "plan_target": plan_target},
        )
    return target


def remove_target(target: CampaignTarget, *, by: User | None) -> None:
    campaign = target.campaign
    if campaign.status == CampaignStatus.DECIDED:
        raise _refuse("campaign.decided")
    with transaction.atomic():
        record(
            actor=by,
            action=AuditAction.AWARD_CAMPAIGN_UPDATE,
            obj=campaign,
            unit=campaign.issuer,
            old={"target": target.name, "value": target.target_text},
        )
        target.delete()


# --- nominations ---------------------------------------------------------------------------------


def _open_problems(campaign: Campaign, today: dt.date) -> list[Problem]:
    """Why a nomination cannot be sent now (the campaign's status, its deadline)."""
    if campaign.status != CampaignStatus.OPEN:
        return [_problem("nomination.closed", status=campaign.get_status_display())]
    if today > campaign.nomination_deadline:
        return [_problem("nomination.deadline", deadline=_vn_day(campaign.nomination_deadline))]
    return []


def _draft_only(nomination: Nomination) -> None:
    if nomination.status != NominationStatus.DRAFT:
        raise _refuse("nomination.not_draft", status=nomination.get_status_display().lower())


def _nominee_problems(
    campaign: Campaign,
    *,
    unit: Unit,
    kind: str,
    name: str,
    position: str,
    award_form: str,
    nominee_unit: Unit | None,
) -> list[Problem]:
    problems = []
    if unit.level != Level.COMMUNE or not campaign.scope.covers(unit):
        problems.append(_problem("nomination.unit", unit=unit.name))
    if kind not in NomineeKind.values:
        kind = NomineeKind.COLLECTIVE
    allowed = (
        campaign.for_collectives if kind == NomineeKind.COLLECTIVE else campaign.for_individuals
    )
    if not allowed:
        problems.append(_problem("nomination.kind", kind=NomineeKind(kind).label.lower()))
    if (
        kind == NomineeKind.COLLECTIVE
        and nominee_unit is not None
        and not (nominee_unit.pk == unit.pk or (nominee_unit.parent_id == unit.pk))
    ):
        problems.append(_problem("nomination.nominee_unit", unit=unit.name))
    if not name.strip():
        problems.append(_problem("nomination.name"))
    if kind == NomineeKind.INDIVIDUAL and not position.strip():
        problems.append(_problem("nomination.position"))
    if award_form not in (campaign.award_forms or []):
        problems.append(_problem("nomination.award_form", form=award_form))
    return problems


def create_nomination(
    campaign: Campaign,
    *,
    by: User | None,
    unit: Unit,
    kind: str,
    award_form: str,
    name: str = "",
    position: str = "",
    nominee_unit: Unit | None = None,
    achievements: str = "",
    today: dt.date | None = None,
) -> Nomination:
    """A draft nomination of `unit` (a commune of the campaign's scope): itself or one of its
    offices (a collective), or one of its people (an individual)."""
    today = today or timezone.localdate()
    if kind == NomineeKind.COLLECTIVE:
        nominee_unit = nominee_unit or unit
        name = name.strip() or nominee_unit.name
    else:
        nominee_unit = None
    problems = _open_problems(campaign, today) + _nominee_problems(
        campaign,
        unit=unit,
        kind=kind,
        name=name,
        position=position,
        award_form=award_form,
        nominee_unit=nominee_unit,
    )
    if problems:
        raise AwardError(problems)
    with transaction.atomic():
        nomination = Nomination.objects.create(
            campaign=campaign,
            unit=unit,
            kind=kind,
            nominee_unit=nominee_unit,
            name=name.strip(),
            position=position.strip(),
            award_form=award_form,
            achievements=achievements.strip(),
            created_by=by,
        )
        record(
            actor=by,
            action=AuditAction.NOMINATION_CREATE,
            obj=nomination,
            unit=unit,
            new={
                "campaign": campaign.name,
                "kind": kind,
                "name": nomination.name,
                "position": nomination.position,
                "award_form": award_form,
            },
        )
    return nomination


NOMINATION_FIELDS = ("name", "position", "award_form", "achievements", "nominee_unit")


def update_nomination(nomination: Nomination, *, by: User | None, **changes: Any) -> Nomination:
    """Change a draft nomination's nominee, award form or achievements."""
    unknown = set(changes) - set(NOMINATION_FIELDS)
    if unknown:
        raise TypeError(f"not a nomination field: {sorted(unknown)}")
    _draft_only(nomination)
    merged = {name: getattr(nomination, name) for name in NOMINATION_FIELDS} | changes
    if nomination.kind == NomineeKind.COLLECTIVE:
        merged["nominee_unit"] = merged["nominee_unit"] or nomination.unit
        merged["name"] = str(merged["name"]).strip() or merged["nominee_unit"].name
    else:
        merged["nominee_unit"] = None
    problems = _nominee_problems(
        nomination.campaign,
        unit=nomination.unit,
        kind=nomination.kind,
        name=merged["name"],
        position=merged["position"],
        award_form=merged["award_form"],
        nominee_unit=merged["nominee_unit"],
    )
    if problems:
        raise AwardError(problems)
    old = {name: getattr(nomination, name) for name in NOMINATION_FIELDS}
    with transaction.atomic():
        for name in NOMINATION_FIELDS:
            value = merged[name]
            setattr(nomination, name, value.strip() if isinstance(value, str) else value)
        new = {name: getattr(nomination, name) for name in NOMINATION_FIELDS}
        if new == old:
            return nomination
        nomination.save()
        before, after = changed(old, new)
        record(
            actor=by,
            action=AuditAction.NOMINATION_UPDATE,
            obj=nomination,
            unit=nomination.unit,
            old=before,
            new=after,
        )
    return nomination


def cite_document(
    nomination: Nomination, document: Document, *, by: User | None, requirement: str = ""
) -> NominationDocument:
    """Attach one of the nominating unit's documents, as a required document or as an extra."""
    _draft_only(nomination)
    if document.unit_id != nomination.unit_id:
        raise _refuse("document.other_unit")
    requirement = requirement.strip()
    if requirement and requirement not in (nomination.campaign.required_documents or []):
        raise _refuse("nomination.requirement", name=requirement)
    with transaction.atomic():
        citation, created = NominationDocument.objects.get_or_create(
            nomination=nomination, document=document, requirement=requirement
        )
        if not created:
            raise _refuse("nomination.document_cited")
        record(
            actor=by,
            action=AuditAction.NOMINATION_DOCUMENT,
            obj=nomination,
            unit=nomination.unit,
            new={"document": document.name, "requirement": requirement},
        )
    return citation


def upload_and_cite(
    nomination: Nomination,
    *,
    by: User | None,
    name: str,
    content: bytes | BinaryIO,
    max_bytes: int,
    requirement: str = "",
    number: str = "",
    issued_on: dt.date | None = None,
    summary: str = "",
) -> NominationDocument:
    """Upload a new document of the nominating unit (checked by its content, as every evidence
    document: `assessments.uploads`) and attach it; UploadRefusedError stores nothing."""
    from parindex.assessments.actions import upload_document

    _draft_only(nomination)
    requirement = requirement.strip()
    if requirement and requirement not in (nomination.campaign.required_documents or []):
        raise _refuse("nomination.requirement", name=requirement)
    with transaction.atomic():
        document = upload_document(
            by=by,
            unit=nomination.unit,
            name=name,
            content=content,
            number=number,
            issued_on=issued_on,
            summary=summary or requirement,
            max_bytes=max_bytes,
        )
        return cite_document(nomination, document, by=by, requirement=requirement)


def uncite_document(citation: NominationDocument, *, by: User | None) -> None:
    nomination = citation.nomination
    _draft_only(nomination)
    with transaction.atomic():
        record(
            actor=by,
            action=AuditAction.NOMINATION_DOCUMENT,
            obj=nomination,
            unit=nomination.unit,
            old={"document": citation.document.name, "requirement": citation.requirement},
        )
        citation.delete()


def _people(unit_id: int, roles: Sequence[str]) -> list[User]:
    grants = RoleGrant.objects.active().filter(unit_id=unit_id, role__in=roles)
    return list(User.objects.filter(grants__in=grants).distinct())


def submit_nomination(
    nomination: Nomination, *, by: User | None, today: dt.date | None = None
) -> Nomination:
    """Send the nomination to the issuer: refused, with every reason at once, when the campaign
    is not open, the last day for nominations has passed, or a required document is missing."""
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = (
            Nomination.objects.select_for_update().select_related("campaign").get(pk=nomination.pk)
        )
        _draft_only(locked)
        campaign = locked.campaign
        problems = _open_problems(campaign, today)
        missing = selectors.missing_documents(locked)
        if missing:
            problems.append(_problem("nomination.missing_documents", missing="; ".join(missing)))
        if problems:
            raise AwardError(problems)
        locked.status = NominationStatus.SUBMITTED
        # The demo passes the day it submits on; a real submission is now.
        now = timezone.now()
        if today != timezone.localdate():
            now = timezone.make_aware(dt.datetime.combine(today, dt.time(9, 0)))
        locked.submitted_at, locked.submitted_by = now, by
        locked.save(update_fields=["status", "submitted_at", "submitted_by"])
        record(
            actor=by,
            action=AuditAction.NOMINATION_SUBMIT,
            obj=locked,
            unit=locked.unit,
            old={"status": NominationStatus.DRAFT.value},
            new={"status": locked.status, "documents": locked.citations.count()},
        )
        notify(
            users=_people(campaign.issuer_id, [Role.SECRETARIAT]),
            key=f"nomination:{locked.pk}:submitted",
            title=f"Đề nghị khen thưởng: {locked.name}",
            body=f"{locked.unit.name} gửi đề nghị {locked.award_form} ({campaign.name}).",
            url=reverse("awards:nomination", args=[locked.pk]),
        )
    return locked


def _reviewable(nomination: Nomination) -> None:
    if nomination.campaign.status == CampaignStatus.DECIDED:
        raise _refuse("campaign.decided")
    if nomination.status == NominationStatus.DRAFT:
        raise _refuse("nomination.not_submitted", status=nomination.get_status_display().lower())


def _eligibility_now(nomination: Nomination) -> dict[str, Any]:
    """What the council saw: eligible or not, on which published figures (kept with the
    decision; language-neutral)."""
    found = selectors.evidence(nomination)
    if found.published is None:
        return {"published": None}
    return {
        "published": found.published.publication.version,
        "eligible": found.eligible,
        "percent": str(found.result.percent) if found.result else None,
        "rank": found.rank,
        "previous_percent": str(found.before.result.percent) if found.before else None,
    }


def record_votes(
    nomination: Nomination,
    *,
    by: User | None,
    votes_for: int,
    votes_against: int,
    votes_abstain: int,
    note: str = "",
) -> CouncilRecord:
    """The council's vote on a nomination: how many for, against and abstaining."""
    _reviewable(nomination)
    counts = (votes_for, votes_against, votes_abstain)
    if any(c is None or c < 0 for c in counts) or sum(counts) == 0:
        raise _refuse("nomination.votes")
    with transaction.atomic():
        entry = CouncilRecord.objects.create(
            nomination=nomination,
            kind=RecordKind.VOTE,
            votes_for=votes_for,
            votes_against=votes_against,
            votes_abstain=votes_abstain,
            note=note.strip(),
            eligibility=_eligibility_now(nomination),
            by=by,
        )
        record(
            actor=by,
            action=AuditAction.NOMINATION_VOTE,
            obj=nomination,
            unit=nomination.unit,
            new={"for": votes_for, "against": votes_against, "abstain": votes_abstain},
            reason=entry.note,
        )
    return entry


def decide_nomination(
    nomination: Nomination, *, by: User | None, outcome: str, reason: str = ""
) -> Nomination:
    """Accept the nomination or not (a reason is required to refuse); audited, with the
    eligibility as it read at the time; the nominating unit is told."""
    reason = reason.strip()
    if outcome not in {NominationStatus.ACCEPTED, NominationStatus.REJECTED}:
        raise _refuse("nomination.outcome")
    if outcome == NominationStatus.REJECTED and not reason:
        raise _refuse("nomination.reason")
    with transaction.atomic():
        locked = (
            Nomination.objects.select_for_update()
            .select_related("campaign", "unit")
            .get(pk=nomination.pk)
        )
        _reviewable(locked)
        old = {"status": locked.status}
        seen = _eligibility_now(locked)
        locked.status = outcome
        locked.decision_reason = reason
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decision_reason", "decided_at"])
        CouncilRecord.objects.create(
            nomination=locked,
            kind=RecordKind.DECISION,
            outcome=outcome,
            note=reason,
            eligibility=seen,
            by=by,
        )
        record(
            actor=by,
            action=AuditAction.NOMINATION_DECIDE,
            obj=locked,
            unit=locked.unit,
            old=old,
            new={"status": outcome, "eligibility": seen},
            reason=reason,
        )
        verdict = (
            "được chấp thuận" if outcome == NominationStatus.ACCEPTED else "không được chấp thuận"
        )
        notify(
            users=_people(locked.unit_id, [Role.COMMUNE_LEADER, Role.COMMUNE_OFFICER]),
            key=f"nomination:{locked.pk}:decided:{locked.records.count()}",
            title=f"Đề nghị khen thưởng {verdict}: {locked.name}",
            body=f"{locked.campaign.name}. {reason}".strip(),
            url=reverse("awards:nomination", args=[locked.pk]),
        )
    return locked
