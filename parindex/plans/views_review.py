"""The monthly review pages (seed 000): a commune's checklist of every sub-criterion for a month,
and the reviews kept.

Read by the roles covering the commune (`VIEW_UNIT`: its own users and the scope's); saved by its
officers or the secretariat above (`permissions.may_edit`). A read out of reach is a 404, a write
a 403. The items saved are always computed here, never taken from the form.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parindex.assessments.models import Assessment, Cycle
from parindex.plans import actions, review
from parindex.plans.models import Review, TaskStatus
from parindex.plans.permissions import may_edit, may_read
from parindex.plans.problems import message

if TYPE_CHECKING:
    from parindex.accounts.models import User

ONLY_GAPS = "chi-thieu"
MONTH = "thang"
NOTE_MAX = 5000


def _assessment(request: HttpRequest, cycle_pk: int, code: str) -> Assessment:
    """The commune's assessment in the cycle; 404 when it does not exist or is out of reach."""
    cycle = get_object_or_404(Cycle.objects.select_related("framework", "scope"), pk=cycle_pk)
    assessment = (
        Assessment.objects.filter(cycle=cycle, unit__code=code).select_related("unit").first()
    )
    if assessment is None or not may_read(request.user, assessment.unit):  # type: ignore[arg-type]
        raise Http404
    return assessment


def _month_short(month: str) -> str:
    """'2026-03' -> '3/2026'."""
    return f"{int(month[5:])}/{month[:4]}"


def _month_label(month: str) -> str:
    return _("Month %(month)s") % {"month": _month_short(month)}


def _who(review: Review | None) -> str:
    user = review.created_by if review is not None else None
    if user is None:
        return "—"
    return user.get_full_name() or user.username


def _shift(month: str, by: int) -> str:
    index = int(month[:4]) * 12 + int(month[5:]) - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _context(assessment: Assessment, items: list[dict[str, Any]], month: str) -> dict[str, Any]:
    return {
        "assessment": assessment,
        "cycle": assessment.cycle,
        "unit": assessment.unit,
        "month": month,
        "month_label": _month_label(month),
        "month_short": _month_short(month),
        "summary": review.summary(items),
        "task_statuses": dict(TaskStatus.choices),
        "bases": {
            "appraised": _("appraised"),
            "self": _("self-assessed"),
            "missing": _("no score yet"),
        },
        "reasons": {
            review.POINTS: _("below the maximum"),
            review.UNANSWERED: _("no score yet"),
            review.DOCUMENTS: _("a required document is missing"),
            review.TASKS: _("a task is overdue"),
        },
    }


@login_required
@require_http_methods(["GET", "POST"])
def review_page(request: HttpRequest, cycle_pk: int, code: str) -> HttpResponse:
    """This month's checklist (or the month asked); POST keeps it as the month's review."""
    assessment = _assessment(request, cycle_pk, code)
    unit = assessment.unit
    editable = may_edit(request.user, unit)  # type: ignore[arg-type]
    data = request.POST if request.method == "POST" else request.GET
    asked = data.get(MONTH, "")
    month = asked if review.is_month(asked) else timezone.localdate().strftime("%Y-%m")
    saved = Review.objects.filter(unit=unit, cycle=assessment.cycle, month=month).first()
    note = saved.note if saved else ""
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        note = request.POST.get("note", "")[:NOTE_MAX]
        try:
            actions.save_review(
                by=cast("User", request.user),
                unit=unit,
                cycle=assessment.cycle,
                month=asked,  # refused with a message when it is not a month
                items=review.review_items(assessment.cycle, unit, month),
                note=note,
            )
        except actions.PlanError as exc:
            for problem in exc.problems:
                messages.error(request, message(problem))
        else:
            messages.success(
                request,
                _("The review of %(month)s is saved as it is today.")
                % {"month": _month_short(month)},
            )
            return redirect("plans:review_saved", cycle_pk=cycle_pk, code=code, month=month)
    items = review.review_items(assessment.cycle, unit, month)
    only_gaps = request.GET.get(ONLY_GAPS) == "1"
    context = _context(assessment, items, month) | {
        "items": [i for i in items if i["flag"] == "gap"] if only_gaps else items,
        "only_gaps": only_gaps,
        "editable": editable,
        "saved": saved,
        "saved_by": _who(saved),
        "note": note,
        "previous_month": _shift(month, -1),
        "next_month": _shift(month, 1),
        "reviews": [
            {"month": r.month, "label": _month_label(r.month), "at": r.created_at, "by": _who(r)}
            for r in Review.objects.filter(unit=unit, cycle=assessment.cycle)
            .select_related("created_by")
            .defer("items")
        ],
    }
    return render(request, "plans/review.html", context)


@login_required
def review_saved(request: HttpRequest, cycle_pk: int, code: str, month: str) -> HttpResponse:
    """A month's review as it was kept."""
    assessment = _assessment(request, cycle_pk, code)
    if not review.is_month(month):
        raise Http404
    saved = get_object_or_404(
        Review.objects.select_related("created_by"),
        unit=assessment.unit,
        cycle=assessment.cycle,
        month=month,
    )
    items = [i for i in saved.items if isinstance(i, dict)]
    only_gaps = request.GET.get(ONLY_GAPS) == "1"
    context = _context(assessment, items, month) | {
        "items": [i for i in items if i.get("flag") == "gap"] if only_gaps else items,
        "only_gaps": only_gaps,
        "saved": saved,
        "saved_by": _who(saved),
    }
    return render(request, "plans/review_saved.html", context)
