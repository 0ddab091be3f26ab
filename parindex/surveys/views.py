"""Survey pages: questionnaires, campaigns, their collection and results, sample sizes, officials'
respondents, paper forms (template and import).

Read by the scope's roles; changed by its secretariat (a read out of reach is a 404, a write a 403).
Paper forms are also keyed in by the users a campaign names and, when it allows it, by communes
for themselves (`permissions.paper_units`). Questionnaires are read by every signed-in user.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parindex.accounts.permissions import Perm, can, concerning, has_perm_anywhere, units_where
from parindex.common.guards import require_any
from parindex.frameworks.rules import Problem
from parindex.surveys import actions
from parindex.surveys.forms import (
    CampaignForm,
    ListUploadForm,
    PaperEntryForm,
    PaperForm,
    QuestionnaireCopyForm,
    QuestionnaireTextForm,
    QuestionnaireUploadForm,
    RespondentForm,
    SampleForm,
)
from parindex.surveys.models import Campaign, Questionnaire
from parindex.surveys.permissions import (
    can_edit_questionnaire,
    can_enter_paper,
    can_manage_questionnaires,
    paper_units,
)
from parindex.surveys.problems import message
from parindex.surveys.selectors import campaign_results, collection
from parindex.surveys.stats import CONFIDENCE_Z

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Files larger than this are imported by the background worker, with a progress bar.
BACKGROUND_BYTES = 300 * 1024


def _may_read(request: HttpRequest, campaign: Campaign) -> bool:
    return can(request.user, Perm.VIEW_UNIT, campaign.scope) or can(  # type: ignore[arg-type]
        request.user,  # type: ignore[arg-type]
        Perm.MANAGE_CAMPAIGNS,
        campaign.scope,
    )


def _campaign(request: HttpRequest, pk: int, *, manage: bool = False) -> Campaign:
    campaign = get_object_or_404(
        Campaign.objects.select_related("scope", "questionnaire", "cycle"), pk=pk
    )
    if not _may_read(request, campaign):
        raise Http404
    if manage and not can(request.user, Perm.MANAGE_CAMPAIGNS, campaign.scope):  # type: ignore[arg-type]
        raise PermissionDenied
    return campaign


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    condition = concerning(request.user, "scope__path")  # type: ignore[arg-type]
    campaigns = (
        Campaign.objects.filter(condition).select_related("scope", "questionnaire")
        if condition is not None
        else Campaign.objects.none()
    )
    rows = [
        {
            "campaign": c,
            "read": _may_read(request, c),
            # a commune keying in its own forms reaches the import page from here
            "enter": can_enter_paper(request.user, c),  # type: ignore[arg-type]
        }
        for c in campaigns.order_by("-year", "name")
    ]
    return render(
        request,
        "surveys/campaign_list.html",
        {
            "rows": rows,
            "can_open": has_perm_anywhere(request.user, Perm.MANAGE_CAMPAIGNS),  # type: ignore[arg-type]
        },
    )


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    require_any(request, Perm.MANAGE_CAMPAIGNS)
    form = CampaignForm(
        request.POST or None,
        scopes=units_where(request.user, Perm.MANAGE_CAMPAIGNS),  # type: ignore[arg-type]
        initial={"target_per_commune": 50},
    )
    if request.method == "POST" and form.is_valid():
        from parindex.assessments.models import Cycle

        data = form.cleaned_data
        cycle = Cycle.objects.filter(scope=data["scope"], year=data["year"]).first()
        try:
            campaign = actions.open_campaign(by=request.user, cycle=cycle, **data)  # type: ignore[arg-type]
        except actions.SurveyError as exc:
            form.add_error(None, [message(p) for p in exc.problems])
        else:
            messages.success(request, _("Survey campaign opened."))
            return redirect("surveys:campaign", campaign.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "surveys/campaign_form.html", {"form": form}, status=status)


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    spec = campaign.questionnaire.parsed()
    results = campaign_results(campaign)
    rows = collection(campaign)
    profile = [q for s in spec.sections if not s.element for q in s.questions if q.kind == "choice"]
    split_code = request.GET.get("theo", "")
    split = next((q for q in profile if q.code == split_code), None)
    by_option: list[dict[str, Any]] = []
    if split is not None:
        from parindex.surveys.selectors import campaign_forms
        from parindex.surveys.stats import compute_by

        grouped = compute_by(spec, campaign_forms(campaign), split.code)
        by_option = [
            {
                "option": option,
                "results": grouped.get(option.code, {}),
                "forms": sum(r.forms for r in grouped.get(option.code, {}).values()),
            }
            for option in split.options
        ]
    closing_soon = (campaign.closes_on - timezone.localdate()).days <= 7
    for row in rows:
        row["result"] = results.get(row["unit"].code)
        row["behind"] = closing_soon and row["total"] < row["target"]
    officials = campaign.questionnaire.audience == "officials"
    by_form = []
    if officials:
        from parindex.surveys.selectors import results_by_form

        by_form = [
            {
                "form": code,
                "results": grouped,
                "forms": sum(r.forms for r in grouped.values()),
            }
            for code, grouped in results_by_form(campaign).items()
        ]
    return render(
        request,
        "surveys/campaign_detail.html",
        {
            "campaign": campaign,
            "elements": spec.elements,
            "rows": rows,
            "collected": sum(r["total"] for r in rows),
            "target": sum(r["target"] for r in rows),
            "manage": can(request.user, Perm.MANAGE_CAMPAIGNS, campaign.scope),  # type: ignore[arg-type]
            "enter": can_enter_paper(request.user, campaign),  # type: ignore[arg-type]
            "behind": sum(1 for r in rows if r["behind"]),
            "profile": profile,
            "split": split,
            "by_option": by_option,
            "officials": officials,
            "by_form": by_form,
            "sources": {r["target_source"] for r in rows},
            "z": CONFIDENCE_Z.get(campaign.confidence),
            "chart": _collection_chart(rows),
            "chart_height": 80 + 34 * len(rows),
        },
    )


def _collection_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Collected against target per commune, for `static/js/charts.js` (horizontal bars: the
    communes' names stay readable on a phone). The table beside it has the same numbers."""
    return {
        "type": "bar",
        "labels": [row["unit"].name for row in rows],
        "datasets": [
            {"label": _("Valid forms"), "data": [row["total"] for row in rows]},
            {"label": _("Target"), "data": [row["target"] for row in rows]},
        ],
        "options": {"indexAxis": "y", "scales": {"x": {"beginAtZero": True}}},
    }


def _allowed_names(campaign: Campaign, allowed: set[int] | None) -> list[str]:
    """The communes a user keys in, when not all (for the import page to say so)."""
    if allowed is None:
        return []
    communes = actions.campaign_communes(campaign).values()
    return sorted(u.name for u in communes if u.pk in allowed)


@login_required
def paper_template(request: HttpRequest, pk: int) -> HttpResponse:
    """The workbook to key paper forms into: one row a form, one column a question."""
    from parindex.surveys.paper import template_xlsx

    campaign, allowed = _paper_campaign(request, pk)
    response = HttpResponse(template_xlsx(campaign, only=allowed), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="phieu-giay-{campaign.questionnaire.code.lower()}.xlsx"'
    )
    return response


def _paper_campaign(request: HttpRequest, pk: int) -> tuple[Campaign, set[int] | None]:
    """The campaign whose paper forms the user may key in, and the communes they may key in
    (None = all); 404 for a campaign they cannot even read, 403 for one they only read."""
    campaign = get_object_or_404(
        Campaign.objects.select_related("scope", "questionnaire", "cycle"), pk=pk
    )
    allowed = paper_units(request.user, campaign)  # type: ignore[arg-type]
    if allowed is not None and not allowed:
        if _may_read(request, campaign):
            raise PermissionDenied
        raise Http404
    return campaign, allowed


@login_required
def paper_import(request: HttpRequest, pk: int) -> HttpResponse:
    campaign, allowed = _paper_campaign(request, pk)
    form = PaperForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST":
        status = 422
        # Larger than the import takes: refused at once below, never queued.
        largest = actions.MAX_WORKBOOK_MB * 1024 * 1024
        if form.is_valid() and BACKGROUND_BYTES < form.cleaned_data["file"].size <= largest:
            upload = form.cleaned_data["file"]
            job = actions.queue_paper_import(
                campaign,
                by=request.user,  # type: ignore[arg-type]
                data=upload.read(),
                filename=upload.name,
                only_valid=form.cleaned_data["only_valid"],
            )
            return redirect("surveys:import_job", campaign.pk, job.pk)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            report = actions.import_paper(
                campaign,
                by=request.user,  # type: ignore[arg-type]
                data=upload.read(),
                filename=upload.name,
                only_valid=form.cleaned_data["only_valid"],
            )
            if report.saved:  # the report below says what was added, skipped and refused
                status = 200
    errors = (
        [
            {"row": e.row or "", "column": e.column, "message": message(e.problem)}
            for e in report.errors
        ]
        if report
        else []
    )
    return render(
        request,
        "surveys/paper_import.html",
        {
            "campaign": campaign,
            "form": form,
            "report": report,
            "errors": errors,
            "read": _may_read(request, campaign),
            "communes": _allowed_names(campaign, allowed),
        },
        status=status,
    )


@login_required
@require_POST
def campaign_feed(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk, manage=True)
    try:
        changed = actions.feed_cycle(campaign, by=request.user)  # type: ignore[arg-type]
    except actions.SurveyError as exc:
        for problem in exc.problems:
            messages.error(request, message(problem))
    else:
        messages.success(request, _("%(n)d survey criteria of the cycle updated.") % {"n": changed})
    return redirect("surveys:campaign", campaign.pk)


@login_required
def campaign_links(request: HttpRequest, pk: int) -> HttpResponse:
    """Each commune's anonymous link and its printable QR-code poster."""
    campaign = _campaign(request, pk, manage=True)
    links = actions.public_links(campaign)
    return render(
        request,
        "surveys/campaign_links.html",
        {
            "campaign": campaign,
            "links": [
                (
                    link,
                    request.build_absolute_uri(reverse("surveys:public_start", args=[link.token])),
                )
                for link in links
            ],
        },
    )


def qr_svg(url: str) -> str:
    """A QR code of `url` as an SVG element (no image file, no network)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=2)
    return image.to_string(encoding="unicode")


@login_required
def poster(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    """An A4 poster for the one-stop desk: the commune, the survey, the QR code and the link."""
    from django.template.loader import render_to_string
    from weasyprint import HTML

    campaign = _campaign(request, pk, manage=True)
    link = get_object_or_404(campaign.links.select_related("unit"), pk=link_pk)
    url = request.build_absolute_uri(reverse("surveys:public_start", args=[link.token]))
    html = render_to_string(
        "surveys/poster.html", {"campaign": campaign, "link": link, "url": url, "qr": qr_svg(url)}
    )
    pdf = HTML(string=html, encoding="utf-8").write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ap-phich-{link.unit.code}.pdf"'
    return response


@login_required
def flagged_forms(request: HttpRequest, pk: int) -> HttpResponse:
    """Forms flagged by the quality checks, and those excluded, with the exclusion form."""
    campaign = _campaign(request, pk, manage=True)
    forms = (
        campaign.responses.filter(Q(excluded=True) | ~Q(flags=[]))
        .select_related("unit")
        .order_by("unit__name", "form_number")
    )
    return render(request, "surveys/flagged.html", {"campaign": campaign, "forms": forms[:500]})


@login_required
@require_POST
def exclude(request: HttpRequest, pk: int, response_pk: int) -> HttpResponse:
    campaign = _campaign(request, pk, manage=True)
    response = get_object_or_404(campaign.responses.select_related("unit"), pk=response_pk)
    try:
        actions.exclude_response(response, by=request.user, reason=request.POST.get("reason", ""))  # type: ignore[arg-type]
    except actions.SurveyError as exc:
        for problem in exc.problems:
            messages.error(request, message(problem))
    else:
        messages.success(request, _("Form %(n)s excluded.") % {"n": response.form_number})
    return redirect("surveys:flagged", campaign.pk)


@login_required
def export(request: HttpRequest, pk: int, what: str, fmt: str) -> HttpResponse:
    """The anonymised raw answers, or the results table, as Excel or CSV."""
    from parindex.surveys.exports import raw_rows, result_rows, to_csv

    campaign = _campaign(request, pk)
    if what not in {"du-lieu", "ket-qua"} or fmt not in {"xlsx", "csv"}:
        raise Http404
    if what == "du-lieu" and not can(request.user, Perm.MANAGE_CAMPAIGNS, campaign.scope):  # type: ignore[arg-type]
        raise PermissionDenied
    columns, rows = raw_rows(campaign) if what == "du-lieu" else result_rows(campaign)
    name = f"{what}-{campaign.questionnaire.code.lower()}-{campaign.year}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(to_csv(columns, rows), content_type="text/csv; charset=utf-8")
    else:
        from parindex.reports.xlsx import Sheet, render_xlsx

        sheet = Sheet(name=what, columns=tuple(columns), rows=tuple(tuple(r) for r in rows))
        response = HttpResponse(render_xlsx([sheet]), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def import_job(request: HttpRequest, pk: int, job_pk: int) -> HttpResponse:
    """A background import's progress, then its report (the page polls itself with htmx)."""
    campaign, _allowed = _paper_campaign(request, pk)
    jobs = campaign.imports.all()
    if not can(request.user, Perm.MANAGE_CAMPAIGNS, campaign.scope):  # type: ignore[arg-type]
        jobs = jobs.filter(created_by_id=request.user.pk)  # others see their own imports only
    job = get_object_or_404(jobs, pk=job_pk)
    errors = [
        {
            "row": e["row"] or "",
            "column": e["column"],
            "message": message(Problem(e["code"], e["params"])),
        }
        for e in job.report.get("errors", [])
    ]
    context = {
        "campaign": campaign,
        "job": job,
        "errors": errors,
        "read": _may_read(request, campaign),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "surveys/_job.html", context)
    return render(request, "surveys/import_job.html", context)


# --- questionnaires ------------------------------------------------------------------------------


def _questionnaire(request: HttpRequest, pk: int) -> Questionnaire:
    return get_object_or_404(Questionnaire, pk=pk)


def _problem_rows(problems: list[Problem]) -> list[dict[str, str]]:
    return [{"where": p.node, "message": message(p)} for p in problems]


@login_required
def questionnaire_list(request: HttpRequest) -> HttpResponse:
    """Every questionnaire (shared reference data), draft or frozen, with its campaigns' count."""
    from django.db.models import Count, Exists, OuterRef

    from parindex.surveys.models import Response

    condition = concerning(request.user, "scope__path")  # type: ignore[arg-type]
    used = (
        dict(
            Campaign.objects.filter(condition)
            .values("questionnaire_id")
            .annotate(n=Count("pk"))
            .values_list("questionnaire_id", "n")
        )
        if condition is not None
        else {}
    )
    questionnaires = list(
        Questionnaire.objects.annotate(
            frozen_now=Exists(Response.objects.filter(campaign__questionnaire=OuterRef("pk")))
        ).order_by("code")
    )
    for questionnaire in questionnaires:
        questionnaire.campaigns = used.get(questionnaire.pk, 0)  # type: ignore[attr-defined]
    return render(
        request,
        "surveys/questionnaire_list.html",
        {
            "questionnaires": questionnaires,
            "can_manage": can_manage_questionnaires(request.user),  # type: ignore[arg-type]
        },
    )


def _detail_context(request: HttpRequest, questionnaire: Questionnaire) -> dict[str, Any]:
    condition = concerning(request.user, "scope__path")  # type: ignore[arg-type]
    campaigns = (
        Campaign.objects.filter(condition, questionnaire=questionnaire).select_related("scope")
        if condition is not None
        else Campaign.objects.none()
    )
    return {
        "questionnaire": questionnaire,
        "spec": questionnaire.parsed(),
        "frozen": questionnaire.frozen,
        "campaigns": campaigns.order_by("-year", "name"),
        "can_manage": can_manage_questionnaires(request.user),  # type: ignore[arg-type]
        "can_edit": can_edit_questionnaire(request.user, questionnaire),  # type: ignore[arg-type]
        "copy_form": QuestionnaireCopyForm(
            initial={"code": actions.next_version_code(questionnaire.code)}
        ),
    }


@login_required
def questionnaire_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One questionnaire: its sections, questions and answers (with their weights)."""
    questionnaire = _questionnaire(request, pk)
    return render(
        request, "surveys/questionnaire_detail.html", _detail_context(request, questionnaire)
    )


@login_required
def questionnaire_yaml(request: HttpRequest, pk: int) -> HttpResponse:
    from parindex.surveys.yaml_io import to_yaml

    questionnaire = _questionnaire(request, pk)
    response = HttpResponse(
        to_yaml(questionnaire.parsed()), content_type="application/x-yaml; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{questionnaire.code.lower()}.yaml"'
    return response


@login_required
def questionnaire_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a questionnaire's YAML while no answer uses it; a frozen one offers a new version.

    A refused text comes back as it was sent, with every problem listed.
    """
    from parindex.surveys.yaml_io import to_yaml

    questionnaire = _questionnaire(request, pk)
    if not can_edit_questionnaire(request.user, questionnaire):  # type: ignore[arg-type]
        raise PermissionDenied
    frozen = questionnaire.frozen
    form = QuestionnaireTextForm(
        request.POST or None, initial={"text": to_yaml(questionnaire.parsed())}
    )
    problems: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                changed = actions.update_questionnaire(
                    questionnaire,
                    by=request.user,  # type: ignore[arg-type]
                    text=form.cleaned_data["text"],
                )
            except actions.SurveyError as exc:
                problems = _problem_rows(exc.problems)
                frozen = questionnaire.frozen
            else:
                if changed:
                    messages.success(request, _("Questionnaire saved."))
                else:
                    messages.info(request, _("Nothing changed."))
                return redirect("surveys:questionnaire", questionnaire.pk)
    context = _detail_context(request, questionnaire)
    context.update({"form": form, "problems": problems, "frozen": frozen})
    return render(request, "surveys/questionnaire_edit.html", context, status=status)


@login_required
@require_POST
def questionnaire_copy(request: HttpRequest, pk: int) -> HttpResponse:
    """A new version: the same questions under a new code, then opened for editing."""
    questionnaire = _questionnaire(request, pk)
    if not can_manage_questionnaires(request.user):  # type: ignore[arg-type]
        raise PermissionDenied
    form = QuestionnaireCopyForm(request.POST)
    if form.is_valid():
        try:
            copy = actions.copy_questionnaire(
                questionnaire,
                by=request.user,  # type: ignore[arg-type]
                code=form.cleaned_data["code"],
            )
        except actions.SurveyError as exc:
            for problem in exc.problems:
                form.add_error("code", message(problem))
        else:
            messages.success(
                request,
                _("New version %(code)s made: edit it, then open campaigns with it.")
                % {"code": copy.code},
            )
            return redirect("surveys:questionnaire_edit", copy.pk)
    context = _detail_context(request, questionnaire)
    context["copy_form"] = form
    return render(request, "surveys/questionnaire_detail.html", context, status=422)


@login_required
def questionnaire_upload(request: HttpRequest) -> HttpResponse:
    """A new questionnaire from a YAML file, checked whole before anything is saved."""
    if not can_manage_questionnaires(request.user):  # type: ignore[arg-type]
        raise PermissionDenied
    form = QuestionnaireUploadForm(request.POST or None, request.FILES or None)
    problems: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                questionnaire = actions.create_questionnaire(
                    by=request.user,  # type: ignore[arg-type]
                    text=upload.read(actions.MAX_QUESTIONNAIRE_KB * 1024 + 1),
                    filename=upload.name,
                )
            except actions.SurveyError as exc:
                problems = _problem_rows(exc.problems)
            else:
                messages.success(
                    request,
                    _("Questionnaire %(code)s added: it can be edited until answers use it.")
                    % {"code": questionnaire.code},
                )
                return redirect("surveys:questionnaire", questionnaire.pk)
    return render(
        request,
        "surveys/questionnaire_upload.html",
        {"form": form, "problems": problems},
        status=status,
    )


# --- sample size and dossiers --------------------------------------------------------------------


def _dossier_value(text: str) -> tuple[int | None, bool]:
    """A typed number of dossiers: (N, True), (None, True) when empty, (None, False) when bad."""
    digits = text.strip().replace(".", "").replace(" ", "").replace("\u00a0", "")
    if not digits:
        return None, True
    if not digits.isdigit():
        return None, False
    return int(digits), True


@login_required
def sample(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign's sample size: fixed or computed (settings and formula), the dossiers each
    commune handled (typed in the table or imported from Excel) and the target they give."""
    from parindex.surveys.selectors import targets

    campaign = _campaign(request, pk, manage=True)
    which = request.POST.get("form", "") if request.method == "POST" else ""
    settings_form = SampleForm(
        request.POST if which == "settings" else None,
        initial={
            "sample_method": campaign.sample_method,
            "target_per_commune": campaign.target_per_commune,
            "confidence": campaign.confidence,
            "margin": campaign.margin,
        },
    )
    upload_form = ListUploadForm(
        request.POST if which == "upload" else None, request.FILES if which == "upload" else None
    )
    communes = sorted(actions.campaign_communes(campaign).values(), key=lambda u: u.name)
    typed: dict[int, str] = {}
    table_errors: dict[int, str] = {}
    problems: list[dict[str, Any]] = []
    report = None
    status = 200
    if which == "settings":
        status = 422
        if settings_form.is_valid():
            data = settings_form.cleaned_data
            try:
                changed = actions.set_sample_size(
                    campaign,
                    by=request.user,  # type: ignore[arg-type]
                    method=data["sample_method"],
                    target_per_commune=data["target_per_commune"],
                    confidence=data["confidence"],
                    margin=data["margin"],
                )
            except actions.SurveyError as exc:
                settings_form.add_error(None, [message(p) for p in exc.problems])
            else:
                messages.success(
                    request, _("Sample size saved.") if changed else _("Nothing changed.")
                )
                return redirect("surveys:sample", campaign.pk)
    elif which == "table":
        status = 422
        counts: dict[int, int | None] = {}
        for unit in communes:
            text = request.POST.get(f"n_{unit.pk}", "")
            typed[unit.pk] = text
            value, ok = _dossier_value(text)
            if ok:
                counts[unit.pk] = value
            else:
                table_errors[unit.pk] = message(
                    Problem("dossiers.not_a_number", {"value": text.strip()})
                )
        if not table_errors:
            saved = actions.set_dossiers(campaign, by=request.user, counts=counts)  # type: ignore[arg-type]
            messages.success(request, _("Dossiers saved for %(n)d communes.") % {"n": saved})
            return redirect("surveys:sample", campaign.pk)
    elif which == "upload":
        status = 422
        if upload_form.is_valid():
            upload = upload_form.cleaned_data["file"]
            report = actions.import_dossiers(
                campaign,
                by=request.user,  # type: ignore[arg-type]
                data=upload.read(),
                filename=upload.name,
            )
            problems = _row_problems(report.errors)
            if report.saved:
                messages.success(
                    request,
                    _("Dossiers saved for %(n)d communes (%(s)d unchanged).")
                    % {"n": report.changed, "s": report.skipped},
                )
                return redirect("surveys:sample", campaign.pk)
    goals = targets(campaign)
    rows = [
        {
            "unit": unit,
            "value": typed.get(
                unit.pk,
                "" if goals[unit.pk]["dossiers"] is None else str(goals[unit.pk]["dossiers"]),
            ),
            "error": table_errors.get(unit.pk, ""),
            **goals[unit.pk],
        }
        for unit in communes
    ]
    return render(
        request,
        "surveys/sample.html",
        {
            "campaign": campaign,
            "settings_form": settings_form,
            "upload_form": upload_form,
            "rows": rows,
            "problems": problems,
            "report": report,
            "z": CONFIDENCE_Z.get(campaign.confidence),
            "officials": campaign.questionnaire.audience == "officials",
        },
        status=status,
    )


def _row_problems(errors: list[actions.RowError]) -> list[dict[str, Any]]:
    return [{"row": e.row or "", "column": e.column, "message": message(e.problem)} for e in errors]


@login_required
def sample_template(request: HttpRequest, pk: int) -> HttpResponse:
    """The workbook of dossiers: every commune's code and name, and its number when entered."""
    from parindex.reports.xlsx import Sheet, render_xlsx

    campaign = _campaign(request, pk, manage=True)
    entered = dict(campaign.units.values_list("unit_id", "dossiers"))
    communes = sorted(actions.campaign_communes(campaign).values(), key=lambda u: u.code)
    sheet = Sheet(
        name="Số hồ sơ",
        columns=("Mã xã", "Tên xã", "Số hồ sơ"),
        rows=tuple((u.code, u.name, entered.get(u.pk)) for u in communes),
        widths=(10, 40, 12),
    )
    response = HttpResponse(render_xlsx([sheet]), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="so-ho-so-{campaign.year}.xlsx"'
    return response


# --- who keys in paper forms ---------------------------------------------------------------------


@login_required
def paper_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """Who may import paper forms besides the secretariat: named users, and communes for
    themselves."""
    from parindex.accounts.models import User
    from parindex.orgunits.models import Unit

    campaign = _campaign(request, pk, manage=True)
    scope_units = Unit.objects.within(campaign.scope)
    users = (
        User.objects.filter(
            Q(is_active=True, unit__in=scope_units) | Q(pk__in=campaign.enterers.all())
        )
        .distinct()
        .order_by("full_name", "username")
    )
    form = PaperEntryForm(
        request.POST or None,
        users=users,
        initial={
            "enterers": list(campaign.enterers.all()),
            "communes_enter_own": campaign.communes_enter_own,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = actions.set_paper_entry(
                campaign,
                by=request.user,  # type: ignore[arg-type]
                enterers=form.cleaned_data["enterers"],
                communes_enter_own=form.cleaned_data["communes_enter_own"],
            )
        except actions.SurveyError as exc:
            form.add_error(None, [message(p) for p in exc.problems])
        else:
            messages.success(request, _("Saved.") if changed else _("Nothing changed."))
            return redirect("surveys:campaign", campaign.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "surveys/paper_entry.html", {"campaign": campaign, "form": form}, status=status
    )


# --- officials' respondents ----------------------------------------------------------------------


def _officials_campaign(request: HttpRequest, pk: int) -> Campaign:
    campaign = _campaign(request, pk, manage=True)
    if campaign.questionnaire.audience != "officials":
        raise Http404
    return campaign


@login_required
def respondents(request: HttpRequest, pk: int) -> HttpResponse:
    """The officials of a survey: each with their form, the communes they rate, their personal
    link and how many forms they sent; added one by one or from Excel."""
    from parindex.orgunits.models import Unit
    from parindex.surveys.selectors import respondents_overview

    campaign = _officials_campaign(request, pk)
    which = request.POST.get("form", "") if request.method == "POST" else ""
    communes = Unit.objects.filter(
        pk__in=[u.pk for u in actions.campaign_communes(campaign).values()]
    ).order_by("name")
    add_form = RespondentForm(request.POST if which == "add" else None, communes=communes)
    upload_form = ListUploadForm(
        request.POST if which == "upload" else None, request.FILES if which == "upload" else None
    )
    problems: list[dict[str, Any]] = []
    status = 200
    if which == "add":
        status = 422
        if add_form.is_valid():
            data = add_form.cleaned_data
            try:
                respondent = actions.add_respondent(
                    campaign,
                    by=request.user,  # type: ignore[arg-type]
                    name=data["name"],
                    position=data["position"],
                    form_code=data["form_code"],
                    units=data["units"],
                )
            except actions.SurveyError as exc:
                add_form.add_error(None, [message(p) for p in exc.problems])
            else:
                messages.success(
                    request,
                    _("%(name)s added (%(code)s).")
                    % {"name": respondent.name, "code": respondent.code},
                )
                return redirect("surveys:respondents", campaign.pk)
    elif which == "upload":
        status = 422
        if upload_form.is_valid():
            upload = upload_form.cleaned_data["file"]
            report = actions.import_respondents(
                campaign,
                by=request.user,  # type: ignore[arg-type]
                data=upload.read(),
                filename=upload.name,
            )
            problems = _row_problems(report.errors)
            if report.saved:
                messages.success(
                    request,
                    _("%(added)d respondents added, %(skipped)d already on the list.")
                    % {"added": report.changed, "skipped": report.skipped},
                )
                return redirect("surveys:respondents", campaign.pk)
    rows = respondents_overview(campaign)
    for row in rows:
        row["url"] = request.build_absolute_uri(
            reverse("surveys:respondent_home", args=[row["respondent"].token])
        )
    return render(
        request,
        "surveys/respondents.html",
        {
            "campaign": campaign,
            "rows": rows,
            "add_form": add_form,
            "upload_form": upload_form,
            "problems": problems,
        },
        status=status,
    )


@login_required
def respondents_template(request: HttpRequest, pk: int) -> HttpResponse:
    """The workbook to list officials in: one row a person; a sheet of the communes' codes."""
    from parindex.reports.xlsx import Sheet, render_xlsx

    campaign = _officials_campaign(request, pk)
    people = Sheet(
        name="Người trả lời",
        columns=("Họ tên", "Chức vụ", "Mẫu phiếu", "Mã xã đánh giá"),
        rows=(),
        widths=(30, 40, 12, 40),
    )
    communes = Sheet(
        name="Mã xã",
        columns=("Mã xã", "Tên"),
        rows=tuple(
            (code, unit.name) for code, unit in sorted(actions.campaign_communes(campaign).items())
        ),
        widths=(10, 40),
    )
    response = HttpResponse(render_xlsx([people, communes]), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="nguoi-tra-loi-{campaign.year}.xlsx"'
    return response


@login_required
@require_POST
def respondent_remove(request: HttpRequest, pk: int, respondent_pk: int) -> HttpResponse:
    campaign = _officials_campaign(request, pk)
    respondent = get_object_or_404(campaign.respondents, pk=respondent_pk)
    try:
        actions.remove_respondent(respondent, by=request.user)  # type: ignore[arg-type]
    except actions.SurveyError as exc:
        for problem in exc.problems:
            messages.error(request, message(problem))
    else:
        messages.success(request, _("%(name)s removed from the list.") % {"name": respondent.name})
    return redirect("surveys:respondents", campaign.pk)
