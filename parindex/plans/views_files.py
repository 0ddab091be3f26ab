"""A plan's files: the Excel templates of its appendices, their import, and the Word document.

Templates and imports are for those who change the plan, the Word document for its readers
(`permissions.py`: a plan out of reach is a 404, a read-only plan refuses a change with a 403).
An import is checked whole: a file with any wrong row saves nothing, the page lists every problem
by row and column, and the user fixes the file and uploads it again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from parindex.common.import_files import ImportFile
from parindex.plans import files
from parindex.plans.permissions import plan_for_edit, plan_for_read

if TYPE_CHECKING:
    from parindex.accounts.models import User
    from parindex.plans.models import Plan

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class WorkbookForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Workbook (.xlsx)"), validators=[ImportFile("xlsx")])

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > files.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large (at most %(mb)s MB).") % {"mb": files.MAX_BYTES // 2**20}
            )
        return upload


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def tasks_template(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for_edit(request, pk)
    return _download(files.tasks_template_xlsx(plan), XLSX, f"mau-nhiem-vu-{plan.year}.xlsx")


@login_required
@require_GET
def targets_template(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for_edit(request, pk)
    return _download(files.targets_template_xlsx(plan), XLSX, f"mau-chi-tieu-{plan.year}.xlsx")


@login_required
@require_GET
def export_docx(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_for_read(request, pk)
    return _download(files.plan_docx(plan), DOCX, files.docx_filename(plan))


@login_required
@require_http_methods(["GET", "POST"])
def import_tasks(request: HttpRequest, pk: int) -> HttpResponse:
    return _import(request, plan_for_edit(request, pk), "tasks")


@login_required
@require_http_methods(["GET", "POST"])
def import_targets(request: HttpRequest, pk: int) -> HttpResponse:
    return _import(request, plan_for_edit(request, pk), "targets")


def _import(request: HttpRequest, plan: Plan, what: str) -> HttpResponse:
    form = WorkbookForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data["file"].read()
            user = cast("User", request.user)
            if what == "tasks":
                report = files.import_tasks(plan, data, by=user)
            else:
                report = files.import_targets(plan, data, by=user)
            if report.saved:
                if what == "tasks":
                    text = _("%(added)d tasks added, %(skipped)d already in the plan.")
                else:
                    text = _("%(added)d targets added, %(skipped)d already in the plan.")
                messages.success(request, text % {"added": report.added, "skipped": report.skipped})
                anchor = "#nhiem-vu" if what == "tasks" else "#chi-tieu"
                return redirect(reverse("plans:plan", args=[plan.pk]) + anchor)
    errors = [
        {"row": p.row or "", "column": p.column, "message": p.message}
        for p in (report.problems if report else [])
    ]
    if what == "tasks":
        title = _("Import tasks (Excel)")
        template_url = reverse("plans:tasks_template", args=[plan.pk])
        columns = " | ".join(files.TASK_COLUMNS)
    else:
        title = _("Import targets (Excel)")
        template_url = reverse("plans:targets_template", args=[plan.pk])
        columns = " | ".join(files.target_columns(plan.year))
    return render(
        request,
        "plans/import.html",
        {
            "plan": plan,
            "what": what,
            "title": title,
            "columns": columns,
            "template_url": template_url,
            "form": form,
            "report": report,
            "errors": errors,
            "filename": getattr(request.FILES.get("file"), "name", ""),
        },
        status=status,
    )
