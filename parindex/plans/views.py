"""Plan pages: the list, a plan with its targets and tasks, forms, the board and the calendar, the
index fed from the tasks, and an improvement plan drafted from a commune's lost points.

Read by the roles covering the plan's unit; changed by its officers or the secretariat above
(`permissions.py`): a read out of reach is a 404, a write a 403.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import TYPE_CHECKING, Any, cast

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

from parindex.accounts.permissions import Perm, concerning, units_where
from parindex.assessments.models import Assessment, Cycle, Document
from parindex.plans import actions, rules, services
from parindex.plans.forms import (
    IssueForm,
    PlanEditForm,
    PlanForm,
    ReportForm,
    StatusForm,
    TargetForm,
    TaskForm,
)
from parindex.plans.models import Kind, Plan, PlanStatus, Task, TaskStatus
from parindex.plans.permissions import may_edit, may_read, plan_for_edit, plan_for_read
from parindex.plans.problems import message

if TYPE_CHECKING:
    from parindex.accounts.models import User


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)


def _problems(request: HttpRequest, exc: actions.PlanError) -> None:
    for problem in exc.problems:
        messages.error(request, message(problem))


def _editable_units(request: HttpRequest) -> Any:
    user = _user(request)
    return (
        (units_where(user, Perm.ENTER_ASSESSMENT) | units_where(user, Perm.MANAGE_CAMPAIGNS))
        .exclude(kind="co_quan")
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=timezone.localdate()))
        .distinct()
        .order_by("name")
    )


def _documents(plan: Plan) -> Any:
    return Document.objects.filter(unit=plan.unit).order_by("-uploaded_at")


# --- plans ---------------------------------------------------------------------------------------


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    condition = concerning(request.user, "unit__path")  # type: ignore[arg-type]
    plans = (
        Plan.objects.filter(condition).select_related("unit")
        if condition is not None
        else Plan.objects.none()
    )
    year = request.GET.get("nam", "")
    kind = request.GET.get("loai", "")
    if year.isdigit():
        plans = plans.filter(year=int(year))
    if kind in Kind.values:
        plans = plans.filter(kind=kind)
    return render(
        request,
        "plans/plan_list.html",
        {
            "plans": plans.order_by("-year", "unit__name", "kind")[:500],
            "year": year,
            "kind": kind,
            "kinds": Kind.choices,
            "can_create": _editable_units(request).exists(),
        },
    )


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    units = _editable_units(request)
    if not units.exists():
        raise PermissionDenied
    form = PlanForm(
        request.POST or None,
        units=units,
        initial={"year": timezone.localdate().year, "unit": units.first()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = actions.create_plan(
                by=_user(request),
                unit=data["unit"],
                year=data["year"],
                kind=data["kind"],
                title=data["title"],
                grounds=data["grounds"],
                purpose=data["purpose"],
            )
        except actions.PlanError as exc:
            _problems(request, exc)
        else:
            return redirect("plans:plan", pk=plan.pk)
    return render(request, "plans/plan_form.html", {"form": form})


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for_read(request, pk)
    lead = request.GET.get("chu-tri", "")
    group = request.GET.get("linh-vuc", "")
    status = request.GET.get("trang-thai", "")
    tasks = list(services.filtered_tasks(plan, lead=lead, group=group, status=status))
    today = timezone.localdate()
    facts = actions.task_facts(plan)
    completion = rules.completion(facts)
    overdue = sum(1 for f in facts if rules.is_overdue(f, today))
    all_tasks = plan.tasks.values_list("lead", "group")
    cycle = services.cycle_of(plan)
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "editable": may_edit(request.user, plan.unit) and plan.status != PlanStatus.CLOSED,  # type: ignore[arg-type]
            "targets": services.target_rows(plan),
            "tasks": [
                (
                    t,
                    rules.is_overdue(rules.TaskFact(t.status, t.due_on, t.done_on), today),
                    rules.Due(t.due_kind, t.due_on).label(),
                )
                for t in tasks
            ],
            "completion": completion,
            "overdue": overdue,
            "leads": sorted({lead for lead, _g in all_tasks if lead}),
            "groups": sorted({g for _l, g in all_tasks if g}),
            "statuses": [*TaskStatus.choices, ("overdue", _("Overdue"))],
            "filters": {"lead": lead, "group": group, "status": status},
            "cycle": cycle if plan.kind == Kind.ANNUAL else None,
            "review_cycle": cycle,
        },
    )


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for_edit(request, pk)
    form = PlanEditForm(
        request.POST or None,
        initial={"title": plan.title, "grounds": plan.grounds, "purpose": plan.purpose},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_plan(plan, by=_user(request), **form.cleaned_data)
        except actions.PlanError as exc:
            _problems(request, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("plans:plan", pk=plan.pk)
    return render(request, "plans/plan_edit.html", {"plan": plan, "form": form})


@login_required
def plan_issue(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for_edit(request, pk)
    form = IssueForm(request.POST or None, documents=_documents(plan))
    if request.method == "POST" and form.is_valid():
        try:
            actions.issue_plan(
                plan,
                by=_user(request),
                number=form.cleaned_data["number"],
                issued_on=form.cleaned_data["issued_on"],
                document=form.cleaned_data["document"],
            )
        except actions.PlanError as exc:
            _problems(request, exc)
        else:
            messages.success(request, _("The plan is issued."))
            return redirect("plans:plan", pk=plan.pk)
    return render(request, "plans/plan_issue.html", {"plan": plan, "form": form})


# --- targets -------------------------------------------------------------------------------------


@login_required
def target_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for_edit(request, pk)
    form = TargetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        name = data.pop("name")
        try:
            actions.add_target(plan, by=_user(request), name=name, **data)
        except actions.PlanError as exc:
            _problems(request, exc)
        else:
            messages.success(request, _("Target added."))
            return redirect(reverse("plans:plan", args=[plan.pk]) + "#chi-tieu")
    return render(request, "plans/target_form.html", {"plan": plan, "form": form})


@login_required
def target_report(request: HttpRequest, pk: int, target_pk: int) -> HttpResponse:
    plan = plan_for_read(request, pk)
    target = get_object_or_404(plan.targets, pk=target_pk)
    editable = may_edit(request.user, plan.unit)  # type: ignore[arg-type]
    if request.method == "POST" and not editable:
        raise PermissionDenied
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.report_target(
                target,
                by=_user(request),
                period=form.cleaned_data["period"],
                value=form.cleaned_data["value"],
                note=form.cleaned_data["note"],
            )
        except actions.PlanError as exc:
            _problems(request, exc)
        else:
            messages.success(request, _("Value recorded."))
            return redirect("plans:target_report", pk=plan.pk, target_pk=target.pk)
    return render(
        request,
        "plans/target_report.html",
        {
            "plan": plan,
            "target": target,
            "form": form,
            "editable": editable,
            "reports": target.reports.select_related("reported_by").order_by("period"),
        },
    )


# --- tasks ---------------------------------------------------------------------------------------


@login_required
def task_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for_edit(request, pk)
    form = TaskForm(request.POST or None, year=plan.year)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        title, due = data.pop("title"), data.pop("due")
        try:
            actions.add_task(plan, by=_user(request), title=title, due=due, **data)
        except actions.PlanError as exc:
            _problems(request, exc)
        else:
            messages.success(request, _("Task added."))
            return redirect(reverse("plans:plan", args=[plan.pk]) + "#nhiem-vu")
    return render(request, "plans/task_form.html", {"plan": plan, "form": form})


@login_required
def task_edit(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    plan = plan_for_read(request, pk)
    task = get_object_or_404(plan.tasks, pk=task_pk)
    editable = may_edit(request.user, plan.unit) and plan.status != PlanStatus.CLOSED  # type: ignore[arg-type]
    if request.method == "POST" and not editable:
        raise PermissionDenied
    due = rules.Due(task.due_kind, task.due_on)
    form = TaskForm(
        request.POST or None,
        year=plan.year,
        initial={
            "code": task.code,
            "group": task.group,
            "title": task.title,
            "product": task.product,
            "lead": task.lead,
            "coordinating": task.coordinating,
            "due": due.label(),
            "node_code": task.node_code,
        },
    )
    status_form = StatusForm(
        initial={
            "status": task.status,
            "done_on": task.done_on.strftime("%d/%m/%Y") if task.done_on else "",
        },
        documents=_documents(plan),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        new_due = data.pop("due")
        try:
            actions.update_task(task, by=_user(request), due=new_due, **data)
        except actions.PlanError as exc:
            _problems(request, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(reverse("plans:plan", args=[plan.pk]) + "#nhiem-vu")
    return render(
        request,
        "plans/task_edit.html",
        {
            "plan": plan,
            "task": task,
            "form": form,
            "status_form": status_form,
            "editable": editable,
            "due": due,
            "overdue": rules.is_overdue(
                rules.TaskFact(task.status, task.due_on, task.done_on), timezone.localdate()
            ),
        },
    )


def _back(request: HttpRequest, plan: Plan) -> str:
    target = request.POST.get("next", "")
    allowed = (
        reverse("plans:plan", args=[plan.pk]),
        reverse("plans:board", args=[plan.pk]),
        reverse("plans:calendar", args=[plan.pk]),
    )
    return target if target.split("?")[0].split("#")[0] in allowed else allowed[0]


@login_required
@require_POST
def task_status(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    plan = plan_for_edit(request, pk)
    task = get_object_or_404(plan.tasks, pk=task_pk)
    form = StatusForm(request.POST, documents=_documents(plan))
    if form.is_valid():
        try:
            actions.set_task_status(
                task,
                by=_user(request),
                status=form.cleaned_data["status"],
                done_on=form.cleaned_data["done_on"],
                product_document=form.cleaned_data["product_document"],
            )
        except actions.PlanError as exc:
            _problems(request, exc)
        else:
            messages.success(request, _("Task updated: %(s)s.") % {"s": task.get_status_display()})
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect(_back(request, plan))


@login_required
def task_board(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for_read(request, pk)
    today = timezone.localdate()
    columns = []
    tasks = list(plan.tasks.order_by("due_on", "position"))
    for status, label in TaskStatus.choices:
        cards = [
            (
                t,
                rules.is_overdue(rules.TaskFact(t.status, t.due_on, t.done_on), today),
                rules.Due(t.due_kind, t.due_on).label(),
            )
            for t in tasks
            if t.status == status
        ]
        columns.append({"status": status, "label": label, "cards": cards})
    return render(
        request,
        "plans/board.html",
        {
            "plan": plan,
            "columns": columns,
            "statuses": TaskStatus.choices,
            "editable": may_edit(request.user, plan.unit) and plan.status != PlanStatus.CLOSED,  # type: ignore[arg-type]
        },
    )


@login_required
def task_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """A month's grid of the tasks due in it (a month's or quarter's task on its last day)."""
    plan = plan_for_read(request, pk)
    today = timezone.localdate()
    month_text = request.GET.get("thang", "")
    try:
        year, month = (int(x) for x in month_text.split("-"))
        first = dt.date(year, month, 1)
    except ValueError:
        first = (today if today.year == plan.year else dt.date(plan.year, 1, 1)).replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    tasks = plan.tasks.filter(due_on__range=(first, last)).order_by("due_on", "position")
    by_day: dict[dt.date, list[tuple[Task, bool]]] = {}
    for task in tasks:
        overdue = rules.is_overdue(rules.TaskFact(task.status, task.due_on, task.done_on), today)
        by_day.setdefault(task.due_on, []).append((task, overdue))
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        weeks.append(
            [
                {
                    "day": day,
                    "in_month": day.month == first.month,
                    "tasks": by_day.get(day, []),
                    "today": day == today,
                }
                for day in week
            ]
        )
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = last + dt.timedelta(days=1)
    return render(
        request,
        "plans/calendar.html",
        {
            "plan": plan,
            "weeks": weeks,
            "first": first,
            "previous": f"{previous.year}-{previous.month:02d}",
            "following": f"{following.year}-{following.month:02d}",
            "listed": [(day, items) for day, items in sorted(by_day.items())],
        },
    )


# --- the index -----------------------------------------------------------------------------------


@login_required
@require_POST
def feed(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for_edit(request, pk)
    cycle = services.cycle_of(plan)
    if cycle is None:
        raise Http404
    try:
        changed = actions.feed_index(plan, cycle, by=_user(request))
    except actions.PlanError as exc:
        _problems(request, exc)
    else:
        if changed:
            messages.success(
                request,
                _("Points of %(codes)s updated from the tasks.") % {"codes": ", ".join(changed)},
            )
        else:
            messages.info(request, _("The points already match the tasks."))
    return redirect("plans:plan", pk=plan.pk)


@login_required
@require_POST
def improvement_create(request: HttpRequest, cycle_pk: int, code: str) -> HttpResponse:
    """Draft an improvement plan from the commune's lost points in the cycle."""
    cycle = get_object_or_404(Cycle.objects.select_related("framework", "scope"), pk=cycle_pk)
    assessment = (
        Assessment.objects.filter(cycle=cycle, unit__code=code).select_related("unit").first()
    )
    if assessment is None or not may_read(request.user, assessment.unit):  # type: ignore[arg-type]
        raise Http404
    if not may_edit(request.user, assessment.unit):  # type: ignore[arg-type]
        raise PermissionDenied
    try:
        plan = services.draft_improvement_plan(cycle, assessment.unit, by=_user(request))
    except actions.PlanError as exc:
        _problems(request, exc)
        return redirect("scoring:scorecard", pk=cycle.pk, code=code)
    messages.success(
        request,
        _("Draft made: one task for each sub-criterion that lost points. Edit it, then issue it."),
    )
    return redirect("plans:plan", pk=plan.pk)
