"""Results pages: the leaders' dashboard, a commune's scorecard and what-if, the publication
workflow, and the public pages of published results.

A cycle's whole results are read by the roles of its scope (`VIEW_RESULTS` on the scope); a
commune's officers read their commune's scorecard only, and see its rank once published. A read
out of reach is a 404, a write a 403. The public pages need no login and show only published
versions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parindex.accounts.permissions import Perm, can
from parindex.assessments.models import Assessment, Cycle
from parindex.plans.permissions import may_edit
from parindex.scoring import integrity, reports, selectors, services
from parindex.scoring.engine import (
    Board,
    UnitResult,
    compare,
    fixes_by_gain,
    lost_points,
    pareto,
    what_if,
)
from parindex.scoring.models import ExportJob, Publication, PublicationState
from parindex.scoring.problems import message

if TYPE_CHECKING:
    from parindex.accounts.models import User


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)


def _cycle(request: HttpRequest, pk: int) -> tuple[Cycle, bool]:
    """The cycle and whether the user sees its whole scope; 404 when they see none of it."""
    cycle = get_object_or_404(Cycle.objects.select_related("scope", "framework"), pk=pk)
    if selectors.sees_scope(request.user, cycle):  # type: ignore[arg-type]
        return cycle, True
    if selectors.own_units(request.user, cycle):  # type: ignore[arg-type]
        return cycle, False
    raise Http404


def _problems(request: HttpRequest, exc: services.ScoringError) -> None:
    for problem in exc.problems:
        messages.error(request, message(problem))


@login_required
def cycle_list(request: HttpRequest) -> HttpResponse:
    rows = []
    for cycle in selectors.result_cycles(request.user):  # type: ignore[arg-type]
        scope_user = selectors.sees_scope(request.user, cycle)  # type: ignore[arg-type]
        mine = [] if scope_user else selectors.own_units(request.user, cycle)  # type: ignore[arg-type]
        if not scope_user and not mine:
            continue
        rows.append(
            {
                "cycle": cycle,
                "scope_user": scope_user,
                "mine": mine,
                "current": services.current_publication(cycle),
            }
        )
    return render(request, "scoring/cycle_list.html", {"rows": rows})


@login_required
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    cycle, scope_user = _cycle(request, pk)
    if not scope_user:  # a commune's officers read their own scorecard (linked from the list)
        raise Http404
    shown = selectors.shown_board(cycle, request.GET.get("phien-ban"), scope_user=True)
    board = shown.board
    group = request.GET.get("nhom") or None
    if group is not None and group not in board.groups:
        group = None
    results = board.ordered(group)
    chosen = board.result(request.GET.get("xa", "")) or (results[0] if results else None)
    field_code = request.GET.get("linh-vuc", "")
    field_ranks = board.field_ranks(field_code) if field_code else None
    top_losses = pareto(results)
    context: dict[str, Any] = {
        "cycle": cycle,
        "shown": shown,
        "board": board,
        "group": group,
        "fields": board.tree.fields,
        "rows": selectors.ranking_rows(board, group, field_ranks),
        "averages": [board.averages.get(f.code) for f in board.tree.fields],
        "field_code": field_code,
        "field_ranks": field_ranks,
        "pareto": top_losses[:15],
        "chosen": chosen,
        "versions": selectors.published_versions(cycle, scope_user=True),
        "current": services.current_publication(cycle),
        "charts": {
            "bars": selectors.bar_chart(results, _("Total"), board.tree.total),
            "bands": selectors.distribution_chart(board, _("Communes"), _("No band")),
            "pareto": selectors.pareto_chart(
                top_losses[:15], (_("Points lost"), _("Cumulative %"))
            ),
            "radar": (
                selectors.radar_chart(board, chosen, (chosen.name, _("Average of the scope")))
                if chosen
                else None
            ),
        },
        "summary": _summary(board, results),
        "group_names": _group_names(cycle),
        "export_kinds": list(reports.KINDS.items()),
        "scope_user": True,
        "version_param": _version_param(shown, cycle),
    }
    return render(request, "scoring/dashboard.html", context)


def _version_param(shown: selectors.Shown, cycle: Cycle) -> str:
    """What links and forms carry to keep showing the same figures."""
    if shown.publication is not None:
        return str(shown.publication.version)
    return selectors.LIVE if services.current_publication(cycle) else ""


def _group_names(cycle: Cycle) -> dict[str, str]:
    return {str(g.get("code")): str(g.get("name")) for g in cycle.framework.groups or []}


def _summary(board: Board, results: list[UnitResult]) -> dict[str, Any]:
    if not results:
        return {"count": 0}
    totals = [r.total for r in results]
    return {
        "count": len(results),
        "average": board.averages.get(""),
        "best": max(results, key=lambda r: r.total),
        "worst": min(results, key=lambda r: r.total),
        "max": max(totals),
        "min": min(totals),
        "self_assessed": sum(1 for r in results if r.self_assessed_count),
    }


def _commune(request: HttpRequest, cycle: Cycle, code: str, scope_user: bool) -> Assessment:
    assessment = (
        Assessment.objects.filter(cycle=cycle, unit__code=code).select_related("unit").first()
    )
    if assessment is None:
        raise Http404
    if not scope_user and not can(request.user, Perm.VIEW_RESULTS, assessment.unit):  # type: ignore[arg-type]
        raise Http404
    return assessment


@login_required
def scorecard(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    cycle, scope_user = _cycle(request, pk)
    assessment = _commune(request, cycle, code, scope_user)
    shown = selectors.shown_board(cycle, request.GET.get("phien-ban"), scope_user=scope_user)
    result = shown.board.result(code)
    if result is None:
        raise Http404
    # A commune sees its rank only once published; the scope's users always.
    rank_visible = scope_user or not shown.live
    before = services.previous_result(cycle, assessment.unit)
    history = services.history(assessment.unit)
    changes = compare(result, before.result) if before else []
    context = {
        "cycle": cycle,
        "shown": shown,
        "result": result,
        "unit": assessment.unit,
        "scope_user": scope_user,
        "rank": shown.board.ranks.get(code) if rank_visible else None,
        "group_rank": shown.board.group_ranks.get(code) if rank_visible else None,
        "count": len(shown.board.results),
        "losses": lost_points(result),
        "fixes": fixes_by_gain(result),
        "before": before,
        "changes": {c.code: c for c in changes},
        "field_changes": [c for c in changes if "." not in c.code],
        "history": history,
        "versions": selectors.published_versions(cycle, scope_user=scope_user),
        "group_names": _group_names(cycle),
        "version_param": _version_param(shown, cycle),
        "can_plan": may_edit(request.user, assessment.unit),  # type: ignore[arg-type]
        "charts": {
            "radar": selectors.radar_chart(
                shown.board, result, (result.name, _("Average of the scope"))
            )
            if rank_visible
            else None,
            "trend": selectors.trend_chart(history, _("Total")) if len(history) > 1 else None,
        },
    }
    return render(request, "scoring/scorecard.html", context)


@login_required
def what_if_view(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    cycle, scope_user = _cycle(request, pk)
    _commune(request, cycle, code, scope_user)
    shown = selectors.shown_board(cycle, request.GET.get("phien-ban"), scope_user=scope_user)
    result = shown.board.result(code)
    if result is None:
        raise Http404
    fixes = [c for c in request.GET.getlist("sua") if (n := result.node(c)) and n.is_leaf]
    rank_visible = scope_user or not shown.live
    plan = what_if(
        shown.board.tree, result, fixes, others=shown.board.results if rank_visible else ()
    )
    return render(
        request,
        "scoring/_what_if.html",
        {
            "result": result,
            "plan": plan,
            "fixes": fixes,
            "rank": shown.board.ranks.get(code) if rank_visible else None,
            "count": len(shown.board.results),
        },
    )


# --- publication ---------------------------------------------------------------------------------


@login_required
def publication(request: HttpRequest, pk: int) -> HttpResponse:
    cycle, scope_user = _cycle(request, pk)
    if not scope_user:
        raise Http404
    user = request.user
    not_locked = Assessment.objects.filter(cycle=cycle).exclude(status="locked").count()
    versions = list(selectors.published_versions(cycle, scope_user=True))
    for version in versions:
        version.integrity = integrity.verify(version)  # type: ignore[attr-defined]
    return render(
        request,
        "scoring/publication.html",
        {
            "cycle": cycle,
            "versions": versions,
            "current": services.current_publication(cycle),
            "not_locked": not_locked,
            "can_prepare": can(user, Perm.MANAGE_CAMPAIGNS, cycle.scope),  # type: ignore[arg-type]
            "can_approve": can(user, Perm.APPROVE_PUBLICATION, cycle.scope),  # type: ignore[arg-type]
            "fields": cycle.framework.nodes.filter(depth=1).order_by("sort_key"),
        },
    )


def _manage(request: HttpRequest, pk: int, perm: Perm) -> Cycle:
    cycle, scope_user = _cycle(request, pk)
    if not scope_user:
        raise Http404
    if not can(request.user, perm, cycle.scope):  # type: ignore[arg-type]
        raise PermissionDenied
    return cycle


@login_required
@require_POST
def prepare(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _manage(request, pk, Perm.MANAGE_CAMPAIGNS)
    try:
        pub = services.prepare_publication(
            cycle,
            by=_user(request),
            reason=request.POST.get("reason", ""),  # type: ignore[arg-type]
        )
    except services.ScoringError as exc:
        _problems(request, exc)
    else:
        messages.success(
            request,
            _("Version %(v)s is ready for the council's approval.") % {"v": pub.version},
        )
    return redirect("scoring:publication", pk=cycle.pk)


def _version(cycle: Cycle, version: int) -> Publication:
    return get_object_or_404(Publication, cycle=cycle, version=version)


@login_required
@require_POST
def approve(request: HttpRequest, pk: int, version: int) -> HttpResponse:
    cycle = _manage(request, pk, Perm.APPROVE_PUBLICATION)
    pub = _version(cycle, version)
    try:
        if request.POST.get("decision_kind") == "reject":
            services.reject_publication(
                pub,
                by=_user(request),
                reason=request.POST.get("reason", ""),  # type: ignore[arg-type]
            )
            messages.success(request, _("The version was sent back to the secretariat."))
        else:
            services.approve_publication(
                pub,
                by=_user(request),
                decision=request.POST.get("decision", ""),  # type: ignore[arg-type]
            )
            messages.success(request, _("Version %(v)s is approved.") % {"v": pub.version})
    except services.ScoringError as exc:
        _problems(request, exc)
    return redirect("scoring:publication", pk=cycle.pk)


@login_required
@require_POST
def publish(request: HttpRequest, pk: int, version: int) -> HttpResponse:
    cycle = _manage(request, pk, Perm.MANAGE_CAMPAIGNS)
    pub = _version(cycle, version)
    try:
        services.publish(pub, by=_user(request))
    except services.ScoringError as exc:
        _problems(request, exc)
    else:
        messages.success(request, _("Version %(v)s is published.") % {"v": pub.version})
    return redirect("scoring:publication", pk=cycle.pk)


@login_required
@require_POST
def ranking_settings(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _manage(request, pk, Perm.MANAGE_CAMPAIGNS)
    codes = set(cycle.framework.nodes.filter(depth=1).values_list("code", flat=True))
    chosen = [c for c in request.POST.getlist("tie_break") if c in codes]
    if len(chosen) != len(request.POST.getlist("tie_break")):
        messages.error(request, _("Unknown field in the tie-break."))
        return redirect("scoring:publication", pk=cycle.pk)
    services.set_tie_break(cycle, chosen, by=_user(request))
    messages.success(request, _("Ranking settings saved."))
    return redirect("scoring:publication", pk=cycle.pk)


# --- public pages --------------------------------------------------------------------------------


def public_list(request: HttpRequest) -> HttpResponse:
    current = (
        Publication.objects.filter(state=PublicationState.PUBLISHED)
        .select_related("cycle__scope")
        .order_by("-cycle__year", "cycle__scope__name")
    )
    return render(request, "scoring/public_list.html", {"publications": current})


def _public(pk: int, version: str | None) -> Publication:
    qs = Publication.objects.select_related("cycle__scope").filter(
        cycle_id=pk, state__in=[PublicationState.PUBLISHED, PublicationState.SUPERSEDED]
    )
    if version:
        try:
            pub = qs.filter(version=int(version)).first()
        except ValueError:
            raise Http404 from None
    else:
        pub = qs.filter(state=PublicationState.PUBLISHED).first()
    if pub is None:
        raise Http404
    return pub


def public_ranking(request: HttpRequest, pk: int) -> HttpResponse:
    pub = _public(pk, request.GET.get("phien-ban"))
    board = services.published_board(pub)
    return render(
        request,
        "scoring/public_ranking.html",
        {
            "pub": pub,
            "board": board,
            "rows": selectors.ranking_rows(board),
            "fields": board.tree.fields,
            "versions": Publication.objects.filter(
                cycle_id=pk,
                state__in=[PublicationState.PUBLISHED, PublicationState.SUPERSEDED],
            ).order_by("-version"),
        },
    )


def public_scorecard(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    pub = _public(pk, request.GET.get("phien-ban"))
    board = services.published_board(pub)
    result = board.result(code)
    if result is None:
        raise Http404
    return render(
        request,
        "scoring/public_scorecard.html",
        {
            "pub": pub,
            "result": result,
            "rank": board.ranks.get(code),
            "count": len(board.results),
            "losses": lost_points(result),
            "ranking_url": reverse("public:ranking", args=[pk]),
        },
    )


# --- exports -------------------------------------------------------------------------------------


def _shown_publication(cycle: Cycle, version: str | None) -> Publication | None:
    if not version or version == selectors.LIVE:
        return None
    try:
        return get_object_or_404(Publication, cycle=cycle, version=int(version))
    except ValueError:
        raise Http404 from None


@login_required
@require_POST
def export(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Queue a long export (report, score table, every scorecard); the job page shows progress."""
    cycle, scope_user = _cycle(request, pk)
    if not scope_user:
        raise Http404
    if kind not in reports.KINDS:
        raise Http404
    publication = _shown_publication(cycle, request.POST.get("phien-ban"))
    job = reports.queue_export(cycle, kind, by=_user(request), publication=publication)
    return redirect("scoring:export_job", pk=cycle.pk, job_pk=job.pk)


def _job(request: HttpRequest, pk: int, job_pk: int) -> tuple[Cycle, ExportJob]:
    cycle, scope_user = _cycle(request, pk)
    if not scope_user:
        raise Http404
    return cycle, get_object_or_404(ExportJob, cycle=cycle, pk=job_pk)


@login_required
def export_job(request: HttpRequest, pk: int, job_pk: int) -> HttpResponse:
    """The job's progress (the page polls itself with htmx), then its download link."""
    cycle, job = _job(request, pk, job_pk)
    template = "scoring/_export_job.html" if request.htmx else "scoring/export_job.html"  # type: ignore[attr-defined]
    return render(
        request, template, {"cycle": cycle, "job": job, "label": reports.KINDS.get(job.kind)}
    )


@login_required
def export_file(request: HttpRequest, pk: int, job_pk: int) -> HttpResponse:
    _unused, job = _job(request, pk, job_pk)
    if job.state != ExportJob.State.DONE or job.data is None:
        raise Http404
    response = HttpResponse(bytes(job.data), content_type=job.content_type)
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    return response


@login_required
def scorecard_file(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """One commune's one-page scorecard (PDF), from the figures the page shows."""
    cycle, scope_user = _cycle(request, pk)
    assessment = _commune(request, cycle, code, scope_user)
    shown = selectors.shown_board(cycle, request.GET.get("phien-ban"), scope_user=scope_user)
    if shown.board.result(code) is None:
        raise Http404
    data = reports.scorecard_pdf(
        shown.board,
        code,
        # A commune sees its rank once published; the scope's users always.
        show_rank=scope_user or not shown.live,
        cycle_meta=reports.cycle_meta_of(cycle, shown.publication),
        history=services.history(assessment.unit),
        previous=services.previous_result(cycle, assessment.unit),
    )
    response = HttpResponse(data, content_type="application/pdf")
    version = f"-v{shown.publication.version}" if shown.publication else ""
    response["Content-Disposition"] = (
        f'attachment; filename="phieu-ket-qua-{code}-{cycle.year}{version}.pdf"'
    )
    return response
