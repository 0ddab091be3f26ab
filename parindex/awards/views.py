"""Campaign pages: the list, a campaign with every candidate's eligibility (sortable), its rules
(YAML editor), targets, nominations with their documents and evidence, the council's review, and
the decision as Word and Excel files.

Thin: permissions in `permissions.py` (a read out of reach is a 404, a write a 403), reads in
`selectors.py`, writes in `actions.py`, words in `explain.py`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parindex.accounts.permissions import Perm, concerning, has_perm_anywhere, units_where
from parindex.assessments.models import Cycle, Document
from parindex.awards import actions, eligibility, explain, exports, selectors
from parindex.awards.forms import (
    DEFAULT_DOCUMENTS,
    CampaignForm,
    CiteForm,
    DecideForm,
    NominationEditForm,
    NominationForm,
    RuleForm,
    StatusForm,
    TargetForm,
    UploadForm,
    VoteForm,
    rule_yaml,
)
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
)
from parindex.awards.permissions import (
    campaign_for_manage,
    campaign_for_read,
    campaign_for_scope,
    competing_units,
    may_edit_nomination,
    may_manage,
    may_nominate,
    may_read,
    may_review,
    nominating_units,
    nomination_for_edit,
    nomination_for_read,
    nomination_for_review,
    sees_all,
)
from parindex.awards.problems import message
from parindex.orgunits.models import Level, Unit

if TYPE_CHECKING:
    from parindex.accounts.models import User

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)


def _problems(request: HttpRequest, exc: actions.AwardError) -> None:
    for problem in exc.problems:
        messages.error(request, message(problem))


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- campaigns -----------------------------------------------------------------------------------


@login_required
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    condition = concerning(user, "issuer__path")
    found = (
        Campaign.objects.filter(condition).select_related("issuer", "cycle")
        if condition is not None
        else Campaign.objects.none()
    )
    campaigns = [c for c in found if may_read(user, c)]
    return render(
        request,
        "awards/campaign_list.html",
        {
            "campaigns": campaigns,
            "can_create": has_perm_anywhere(user, Perm.MANAGE_CAMPAIGNS),
        },
    )


def _issuers(user: User) -> Any:
    today = timezone.localdate()
    return (
        units_where(user, Perm.MANAGE_CAMPAIGNS)
        .filter(level__in=[Level.PROVINCE, Level.DISTRICT])
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .order_by("path")
    )


def _cycles(user: User) -> Any:
    return (
        Cycle.objects.filter(scope__in=units_where(user, Perm.MANAGE_CAMPAIGNS))
        .select_related("scope")
        .order_by("-year", "scope__name")
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not has_perm_anywhere(user, Perm.MANAGE_CAMPAIGNS):
        raise PermissionDenied
    issuers, cycles = _issuers(user), _cycles(user)
    first = issuers.first()
    initial = {
        "for_collectives": True,
        "for_individuals": True,
        "required_documents": "\n".join(DEFAULT_DOCUMENTS),
        "award_forms": f"Giấy khen của Chủ tịch UBND {first.name}" if first else "",
        "issuer": first,
        "cycle": cycles.first(),
    }
    form = CampaignForm(request.POST or None, issuers=issuers, cycles=cycles, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                campaign = actions.create_campaign(by=user, **data)
            except actions.AwardError as exc:
                _problems(request, exc)
            else:
                messages.success(
                    request,
                    _("Campaign created as a draft: add its eligibility rule, then open it."),
                )
                return redirect("awards:rules", pk=campaign.pk)
    return render(request, "awards/campaign_form.html", {"form": form}, status=status)


def _slug(text: str) -> str:
    from parindex.frameworks.rules import slug

    return slug(text)


# The candidates' table: each column's natural order (a "-" before the key reverses it).
SORTS: dict[str, Any] = {
    "hang": lambda c: (c.rank, _slug(c.unit.name)),
    "ten": lambda c: (_slug(c.unit.name),),
    "chi-so": lambda c: (-c.result.percent, c.rank),
    "thay-doi": lambda c: (c.change is None, -(c.change or 0), c.rank),
    "dieu-kien": lambda c: (not c.eligible, c.rank),
}


def _sorted(rows: list[dict[str, Any]], order: str) -> tuple[list[dict[str, Any]], str]:
    key = order.lstrip("-")
    if key not in SORTS:
        key, order = "hang", "hang"
    rows = sorted(rows, key=lambda row: SORTS[key](row["candidate"]), reverse=order.startswith("-"))
    return rows, order


@login_required
@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    campaign = campaign_for_read(request, pk)
    found = selectors.candidates(campaign)
    shown = request.GET.get("loc", "")
    chosen = found.rows
    if shown == "du":
        chosen = [c for c in chosen if c.eligible]
    elif shown == "khong":
        chosen = [c for c in chosen if c.eligible is False]
    rows: list[dict[str, Any]] = [
        {"candidate": c, "verdict": explain.verdict(c.check) if c.check is not None else ""}
        for c in chosen
    ]
    rows, order = _sorted(rows, request.GET.get("sap-xep", "hang"))
    everyone = sees_all(user, campaign)
    nominations = Nomination.objects.filter(campaign=campaign).select_related("unit")
    if not everyone:
        nominations = nominations.filter(unit__in=competing_units(user, campaign))
    rules = [
        (rule, explain.rule_text(eligibility.parse(rule.data)))
        for rule in selectors.rules_of(campaign)
    ]
    context = {
        "campaign": campaign,
        "found": found,
        "rows": rows,
        "order": order,
        "shown": shown,
        "rules": rules,
        "rule_text": explain.rule_text(found.rule) if found.rule else "",
        "targets": selectors.target_states(campaign),
        "nominations": nominations.order_by("unit__name", "kind", "name"),
        "sees_all": everyone,
        "can_manage": may_manage(user, campaign),
        "can_review": may_review(user, campaign),
        "can_nominate": may_nominate(user, campaign)
        and campaign.status == CampaignStatus.OPEN
        and timezone.localdate() <= campaign.nomination_deadline,
        "deadline_passed": timezone.localdate() > campaign.nomination_deadline,
        "statuses": CampaignStatus,
    }
    return render(request, "awards/campaign_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    campaign = campaign_for_manage(request, pk)
    initial = {
        "name": campaign.name,
        "number": campaign.number,
        "cycle": campaign.cycle,
        "period_from": f"{campaign.period_from:%d/%m/%Y}",
        "period_to": f"{campaign.period_to:%d/%m/%Y}",
        "nomination_deadline": f"{campaign.nomination_deadline:%d/%m/%Y}",
        "for_collectives": campaign.for_collectives,
        "for_individuals": campaign.for_individuals,
        "content": campaign.content,
        "award_forms": "\n".join(campaign.award_forms or []),
        "required_documents": "\n".join(campaign.required_documents or []),
        "signer": campaign.signer,
    }
    form = CampaignForm(
        request.POST or None,
        issuers=Unit.objects.none(),
        cycles=_cycles(user) | Cycle.objects.filter(pk=campaign.cycle_id),
        fixed_issuer=True,
        initial=initial,
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                actions.update_campaign(campaign, by=user, **form.cleaned_data)
            except actions.AwardError as exc:
                _problems(request, exc)
            else:
                messages.success(request, _("Campaign saved."))
                return redirect("awards:campaign", pk=campaign.pk)
    return render(
        request, "awards/campaign_form.html", {"form": form, "campaign": campaign}, status=status
    )


@login_required
@require_POST
def campaign_status(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_for_manage(request, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("awards:campaign", pk=campaign.pk)
    try:
        campaign = actions.set_campaign_status(
            campaign,
            by=_user(request),
            to=form.cleaned_data["to"],
            decision_number=form.cleaned_data["decision_number"],
            decided_on=form.cleaned_data["decided_on"],
        )
    except actions.AwardError as exc:
        _problems(request, exc)
    else:
        messages.success(
            request,
            _("The campaign is now: %(status)s.") % {"status": campaign.get_status_display()},
        )
    return redirect("awards:campaign", pk=campaign.pk)


# --- rules and targets ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign's eligibility rules, edited as YAML; a rule that cannot be read is shown
    with every problem and nothing is saved (the text stays in the box)."""
    user = _user(request)
    campaign = campaign_for_manage(request, pk)
    existing = selectors.rules_of(campaign)
    editing: EligibilityRule | None = None
    chosen = request.POST.get("rule") or request.GET.get("quy-tac")
    if chosen:
        editing = get_object_or_404(EligibilityRule, pk=chosen, campaign=campaign)
    status = 200
    if request.method == "POST" and request.POST.get("delete") and editing is not None:
        try:
            actions.delete_rule(editing, by=user)
        except actions.AwardError as exc:
            _problems(request, exc)
        else:
            messages.success(request, _("Rule deleted."))
        return redirect("awards:rules", pk=campaign.pk)
    preset = request.GET.get("mau", "")
    initial: dict[str, Any] = {"applies_to": AppliesTo.BOTH}
    if editing is not None:
        initial = {
            "name": editing.name,
            "applies_to": editing.applies_to,
            "text": rule_yaml(editing.data),
        }
    elif preset in eligibility.PRESETS or not existing:
        initial |= {
            "name": eligibility.PRESET_NAMES.get(preset, eligibility.PRESET_NAMES["seed004"]),
            "text": rule_yaml(eligibility.PRESETS.get(preset, eligibility.SEED_004)),
        }
    form = RuleForm(request.POST or None, initial=initial)
    preview = None
    if request.method == "POST":
        status = 422
        if form.is_valid():
            clause = eligibility.parse(form.cleaned_data["text"])
            if request.POST.get("preview"):
                status = 200
                found = selectors.candidates(campaign, rule=clause)
                preview = {"rule": explain.rule_text(clause), "found": found}
            else:
                try:
                    actions.save_rule(
                        campaign,
                        by=user,
                        data=form.cleaned_data["text"],
                        name=form.cleaned_data["name"],
                        applies_to=form.cleaned_data["applies_to"],
                        rule=editing,
                    )
                except actions.AwardError as exc:
                    _problems(request, exc)
                else:
                    messages.success(request, _("Rule saved."))
                    return redirect("awards:campaign", pk=campaign.pk)
    listed = [(rule, explain.rule_text(eligibility.parse(rule.data))) for rule in existing]
    return render(
        request,
        "awards/rules.html",
        {
            "campaign": campaign,
            "form": form,
            "editing": editing,
            "rules": listed,
            "preview": preview,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def targets(request: HttpRequest, pk: int) -> HttpResponse:
    from parindex.plans.models import Target

    user = _user(request)
    campaign = campaign_for_manage(request, pk)
    plan_targets = (
        Target.objects.filter(plan__unit=campaign.issuer, heading=False)
        .select_related("plan")
        .order_by("-plan__year", "plan__title", "position")
    )
    form = TargetForm(request.POST or None, plan_targets=plan_targets)
    status = 200
    if request.method == "POST":
        removed = request.POST.get("remove")
        if removed:
            target = get_object_or_404(CampaignTarget, pk=removed, campaign=campaign)
            try:
                actions.remove_target(target, by=user)
            except actions.AwardError as exc:
                _problems(request, exc)
            return redirect("awards:targets", pk=campaign.pk)
        status = 422
        if form.is_valid():
            try:
                actions.add_target(campaign, by=user, **form.cleaned_data)
            except actions.AwardError as exc:
                _problems(request, exc)
            else:
                messages.success(request, _("Target added."))
                return redirect("awards:targets", pk=campaign.pk)
    return render(
        request,
        "awards/targets.html",
        {"campaign": campaign, "form": form, "targets": selectors.target_states(campaign)},
        status=status,
    )


# --- the council's review and the decision -------------------------------------------------------


@login_required
@require_GET
def review(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    campaign = campaign_for_scope(request, pk)
    shown = selectors.published(campaign)
    nominations = list(
        Nomination.objects.filter(campaign=campaign)
        .exclude(status=NominationStatus.DRAFT)
        .select_related("unit", "campaign__cycle", "campaign__issuer", "campaign__scope")
        .order_by("kind", "unit__name", "name")
    )
    votes: dict[int, CouncilRecord] = {}
    for entry in CouncilRecord.objects.filter(nomination__in=nominations, kind="vote").order_by(
        "at", "pk"
    ):
        votes[entry.nomination_id] = entry
    rows = []
    for nomination in nominations:
        found = selectors.evidence(nomination, shown=shown)
        rows.append(
            {
                "nomination": nomination,
                "evidence": found,
                "verdict": explain.verdict(found.check) if found.check is not None else "",
                "vote": votes.get(nomination.pk),
                "missing": selectors.missing_documents(nomination),
            }
        )
    drafts = Nomination.objects.filter(campaign=campaign, status=NominationStatus.DRAFT).count()
    return render(
        request,
        "awards/review.html",
        {
            "campaign": campaign,
            "rows": rows,
            "drafts": drafts,
            "can_review": may_review(user, campaign),
            "can_manage": may_manage(user, campaign),
            "pending": sum(1 for n in nominations if n.status == NominationStatus.SUBMITTED),
        },
    )


@login_required
@require_GET
def export_docx(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_for_scope(request, pk)
    return _download(exports.decision_docx(campaign), DOCX, exports.filename(campaign, "docx"))


@login_required
@require_GET
def export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_for_scope(request, pk)
    return _download(exports.decision_xlsx(campaign), XLSX, exports.filename(campaign, "xlsx"))


# --- nominations ---------------------------------------------------------------------------------


def _kinds(campaign: Campaign) -> list[tuple[str, str]]:
    out = []
    if campaign.for_collectives:
        out.append((NomineeKind.COLLECTIVE.value, str(NomineeKind.COLLECTIVE.label)))
    if campaign.for_individuals:
        out.append((NomineeKind.INDIVIDUAL.value, str(NomineeKind.INDIVIDUAL.label)))
    return out


def _offices(units: Any) -> Any:
    return Unit.objects.filter(Q(pk__in=units) | Q(parent__in=units, level=Level.OFFICE)).order_by(
        "path"
    )


@login_required
@require_http_methods(["GET", "POST"])
def nomination_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    campaign = campaign_for_read(request, pk)
    units = nominating_units(user, campaign)
    if campaign.status == CampaignStatus.DRAFT or not units.exists():
        raise PermissionDenied
    form = NominationForm(
        request.POST or None,
        units=units,
        offices=_offices(units.values("pk")),
        kinds=_kinds(campaign),
        award_forms=campaign.award_forms or [],
        initial={"unit": units.first()},
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                nomination = actions.create_nomination(campaign, by=user, **form.cleaned_data)
            except actions.AwardError as exc:
                _problems(request, exc)
            else:
                messages.success(
                    request, _("Nomination drafted: attach its documents, then submit it.")
                )
                return redirect("awards:nomination", pk=nomination.pk)
    return render(
        request,
        "awards/nomination_form.html",
        {
            "campaign": campaign,
            "form": form,
            "deadline_passed": timezone.localdate() > campaign.nomination_deadline,
        },
        status=status,
    )


@login_required
@require_GET
def nomination_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    nomination = nomination_for_read(request, pk)
    campaign = nomination.campaign
    editable = may_edit_nomination(user, nomination) and nomination.status == NominationStatus.DRAFT
    required, extras = selectors.checklist(nomination)
    found = selectors.evidence(nomination)
    documents = Document.objects.filter(unit=nomination.unit).order_by("-uploaded_at")
    reviewable = (
        may_review(user, campaign)
        and nomination.status != NominationStatus.DRAFT
        and campaign.status != CampaignStatus.DECIDED
    )
    missing = [row.name for row in required if not row.met]
    first_missing = {"requirement": missing[0] if missing else ""}
    context = {
        "nomination": nomination,
        "campaign": campaign,
        "required": required,
        "extras": extras,
        "missing": missing,
        "evidence": found,
        "verdict": explain.verdict(found.check) if found.check is not None else "",
        "lines": explain.lines(found.check) if found.check is not None else [],
        "rule_text": explain.rule_text(found.rule) if found.rule else "",
        "editable": editable,
        "cite_form": CiteForm(
            documents=documents, required=campaign.required_documents or [], initial=first_missing
        )
        if editable
        else None,
        "upload_form": UploadForm(required=campaign.required_documents or [], initial=first_missing)
        if editable
        else None,
        "has_documents": documents.exists(),
        "max_mb": settings.EVIDENCE_MAX_MB,
        "reviewable": reviewable,
        "vote_form": VoteForm() if reviewable else None,
        "decide_form": DecideForm() if reviewable else None,
        "records": nomination.records.select_related("by").order_by("at", "pk"),
        "deadline_passed": timezone.localdate() > campaign.nomination_deadline,
    }
    return render(request, "awards/nomination_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def nomination_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    nomination = nomination_for_edit(request, pk)
    campaign = nomination.campaign
    form = NominationEditForm(
        request.POST or None,
        units=Unit.objects.none(),
        offices=_offices([nomination.unit_id]),
        kinds=_kinds(campaign),
        award_forms=campaign.award_forms or [],
        initial={
            "nominee_unit": nomination.nominee_unit,
            "name": nomination.name,
            "position": nomination.position,
            "award_form": nomination.award_form,
            "achievements": nomination.achievements,
        },
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                actions.update_nomination(nomination, by=user, **form.cleaned_data)
            except actions.AwardError as exc:
                _problems(request, exc)
            else:
                messages.success(request, _("Nomination saved."))
                return redirect("awards:nomination", pk=nomination.pk)
    return render(
        request,
        "awards/nomination_form.html",
        {"campaign": campaign, "nomination": nomination, "form": form},
        status=status,
    )


def _back(nomination: Nomination) -> HttpResponse:
    return redirect("awards:nomination", pk=nomination.pk)


@login_required
@require_POST
def nomination_cite(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = nomination_for_edit(request, pk)
    documents = Document.objects.filter(unit=nomination.unit)
    form = CiteForm(
        request.POST, documents=documents, required=nomination.campaign.required_documents or []
    )
    if not form.is_valid():
        messages.error(request, _("Choose one of the unit's documents."))
        return _back(nomination)
    try:
        actions.cite_document(
            nomination,
            form.cleaned_data["document"],
            by=_user(request),
            requirement=form.cleaned_data["requirement"] or "",
        )
    except actions.AwardError as exc:
        _problems(request, exc)
    else:
        messages.success(request, _("Document attached."))
    return _back(nomination)


@login_required
@require_POST
def nomination_upload(request: HttpRequest, pk: int) -> HttpResponse:
    from parindex.assessments.uploads import UploadRefusedError

    nomination = nomination_for_edit(request, pk)
    form = UploadForm(
        request.POST, request.FILES, required=nomination.campaign.required_documents or []
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return _back(nomination)
    upload = form.cleaned_data["file"]
    try:
        actions.upload_and_cite(
            nomination,
            by=_user(request),
            name=upload.name,
            content=upload,
            max_bytes=settings.EVIDENCE_MAX_MB * 1024 * 1024,
            requirement=form.cleaned_data["requirement"] or "",
            number=form.cleaned_data["number"],
            issued_on=form.cleaned_data["issued_on"],
        )
    except UploadRefusedError as exc:
        messages.error(request, exc.message)
    except actions.AwardError as exc:
        _problems(request, exc)
    else:
        messages.success(request, _("“%(name)s” uploaded and attached.") % {"name": upload.name})
    return _back(nomination)


@login_required
@require_POST
def nomination_uncite(request: HttpRequest, pk: int, citation_pk: int) -> HttpResponse:
    nomination = nomination_for_edit(request, pk)
    citation = get_object_or_404(
        NominationDocument.objects.select_related("document", "nomination"),
        pk=citation_pk,
        nomination=nomination,
    )
    try:
        actions.uncite_document(citation, by=_user(request))
    except actions.AwardError as exc:
        _problems(request, exc)
    else:
        messages.success(request, _("Document removed from the nomination."))
    return _back(nomination)


@login_required
@require_POST
def nomination_submit(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = nomination_for_edit(request, pk)
    try:
        actions.submit_nomination(nomination, by=_user(request))
    except actions.AwardError as exc:
        _problems(request, exc)
    else:
        messages.success(
            request,
            _("Nomination submitted to %(unit)s.") % {"unit": nomination.campaign.issuer.name},
        )
    return _back(nomination)


@login_required
@require_POST
def nomination_vote(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = nomination_for_review(request, pk)
    form = VoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, message(actions._problem("nomination.votes")))
        return _back(nomination)
    try:
        actions.record_votes(nomination, by=_user(request), **form.cleaned_data)
    except actions.AwardError as exc:
        _problems(request, exc)
    else:
        messages.success(request, _("Vote recorded."))
    return _back(nomination)


@login_required
@require_POST
def nomination_decide(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = nomination_for_review(request, pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, message(actions._problem("nomination.outcome")))
        return _back(nomination)
    try:
        decided = actions.decide_nomination(
            nomination,
            by=_user(request),
            outcome=form.cleaned_data["outcome"],
            reason=form.cleaned_data["reason"],
        )
    except actions.AwardError as exc:
        _problems(request, exc)
    else:
        messages.success(
            request, _("Decision recorded: %(status)s.") % {"status": decided.get_status_display()}
        )
    return _back(nomination)
