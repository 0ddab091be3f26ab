"""Survey pages: campaigns, their collection and results, paper forms (template and import).

Read by the scope's roles; changed by its secretariat (a read out of reach is a 404, a write a 403).
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
from parindex.surveys import actions
from parindex.surveys.forms import CampaignForm, PaperForm
from parindex.surveys.models import Campaign
from parindex.surveys.problems import message
from parindex.surveys.selectors import campaign_results, collection

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Files larger than this are imported by the background worker, with a progress bar.
BACKGROUND_BYTES = 300 * 1024


def _campaign(request: HttpRequest, pk: int, *, manage: bool = False) -> Campaign:
    campaign = get_object_or_404(
        Campaign.objects.select_related("scope", "questionnaire", "cycle"), pk=pk
    )
    if not (
        can(request.user, Perm.VIEW_UNIT, campaign.scope)  # type: ignore[arg-type]
        or can(request.user, Perm.MANAGE_CAMPAIGNS, campaign.scope)  # type: ignore[arg-type]
    ):
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
    return render(
        request,
        "surveys/campaign_list.html",
        {
            "campaigns": campaigns.order_by("-year", "name"),
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
    return render(
        request,
        "surveys/campaign_detail.html",
        {
            "campaign": campaign,
            "elements": spec.elements,
            "rows": rows,
            "collected": sum(r["total"] for r in rows),
            "target": campaign.target_per_commune * len(rows),
            "manage": can(request.user, Perm.MANAGE_CAMPAIGNS, campaign.scope),  # type: ignore[arg-type]
            "behind": sum(1 for r in rows if r["behind"]),
            "profile": profile,
            "split": split,
            "by_option": by_option,
        },
    )


@login_required
def paper_template(request: HttpRequest, pk: int) -> HttpResponse:
    """The workbook to key paper forms into: one row a form, one column a question."""
    from parindex.surveys.paper import template_xlsx

    campaign = _campaign(request, pk, manage=True)
    response = HttpResponse(template_xlsx(campaign), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="phieu-giay-{campaign.questionnaire.code.lower()}.xlsx"'
    )
    return response


@login_required
def paper_import(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk, manage=True)
    form = PaperForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid() and form.cleaned_data["file"].size > BACKGROUND_BYTES:
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
            if report.saved:
                status = 200
                messages.success(
                    request,
                    _("%(added)d forms added, %(skipped)d already imported, %(bad)d rows refused.")
                    % {"added": report.added, "skipped": report.skipped, "bad": report.bad_rows},
                )
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
        {"campaign": campaign, "form": form, "report": report, "errors": errors},
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
    from parindex.frameworks.rules import Problem

    campaign = _campaign(request, pk, manage=True)
    job = get_object_or_404(campaign.imports, pk=job_pk)
    errors = [
        {
            "row": e["row"] or "",
            "column": e["column"],
            "message": message(Problem(e["code"], e["params"])),
        }
        for e in job.report.get("errors", [])
    ]
    context = {"campaign": campaign, "job": job, "errors": errors}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "surveys/_job.html", context)
    return render(request, "surveys/import_job.html", context)
