from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.accounts.models import RoleGrant
from parindex.accounts.permissions import Perm, can, has_perm_anywhere, units_where
from parindex.common.dates import parse_day
from parindex.common.guards import require_any, require_read
from parindex.orgunits.forms import UnitImportForm
from parindex.orgunits.importers import import_successions, import_units
from parindex.orgunits.models import Level, Unit
from parindex.orgunits.selectors import lineage


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    require_any(request, Perm.VIEW_UNIT)
    typed = request.GET.get("ngay", "")
    typed_day = parse_day(typed)
    day = typed_day or timezone.localdate()
    if typed and typed_day is None:
        messages.warning(
            request, _("“%(v)s” is not a date (dd/mm/yyyy): showing today.") % {"v": typed}
        )
    units = units_where(request.user, Perm.VIEW_UNIT).valid_on(day)  # type: ignore[arg-type]
    level = request.GET.get("cap", "")
    if level in Level.values:
        units = units.filter(level=level)
    query = request.GET.get("q", "").strip()
    if query:
        units = units.filter(Q(name__icontains=query) | Q(code=query))
    page = Paginator(units.order_by("path"), 100).get_page(request.GET.get("page"))
    shallowest = min((u.path.count("/") for u in page.object_list), default=2)
    context = {
        "page": page,
        "day": day,
        "level": level,
        "query": query,
        "levels": Level.choices,
        "rows": [(u, min(u.path.count("/") - shallowest, 3)) for u in page.object_list],
        "can_import": has_perm_anywhere(request.user, Perm.MANAGE_UNITS),  # type: ignore[arg-type]
    }
    template = "orgunits/unit_list.html#results" if request.htmx else "orgunits/unit_list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.select_related("parent"), pk=pk)
    require_read(request, Perm.VIEW_UNIT, unit)
    children = unit.children.order_by("path")
    grants = []
    if can(request.user, Perm.MANAGE_USERS, unit):  # type: ignore[arg-type]
        grants = list(RoleGrant.objects.active().filter(unit=unit).select_related("user"))
    return render(
        request,
        "orgunits/unit_detail.html",
        {
            "unit": unit,
            "ancestors": unit.ancestors(),
            "children": children,
            "lineage": lineage(unit),
            "grants": grants,
            "can_manage": can(request.user, Perm.MANAGE_UNITS, unit),  # type: ignore[arg-type]
        },
    )


@login_required
def unit_import(request: HttpRequest) -> HttpResponse:
    require_any(request, Perm.MANAGE_UNITS)
    form = UnitImportForm(request.POST or None, request.FILES or None, initial={"what": "units"})
    report = None
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        importer = (
            import_successions if form.cleaned_data["what"] == "successions" else import_units
        )
        report = importer(by=request.user, upload=upload, filename=upload.name)  # type: ignore[arg-type]
        if report.ok:
            messages.success(
                request,
                _("Import done: %(c)d created, %(u)d updated, %(n)d unchanged.")
                % {"c": report.created, "u": report.updated, "n": report.unchanged},
            )
            return redirect("orgunits:import")
        else:
            status = 422
    elif request.method == "POST":
        status = 422
    return render(
        request, "orgunits/unit_import.html", {"form": form, "report": report}, status=status
    )


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    """An empty import sheet with the headers and two example rows."""
    require_any(request, Perm.MANAGE_UNITS)
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    if sheet is None:  # a new workbook always has one sheet
        raise RuntimeError("openpyxl gave no active sheet")
    sheet.title = "Don vi"
    sheet.append(["Mã", "Tên", "Loại", "Mã cấp trên", "Hiệu lực từ", "Hiệu lực đến"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(["30", "Tỉnh Hải Dương", "tỉnh", "", "01/01/2020", "30/06/2025"])
    sheet.append(["300", "Huyện Thanh Miện", "huyện", "30", "01/01/2020", "30/06/2025"])
    sheet.append(["11239", "Thị trấn Thanh Miện", "thị trấn", "300", "01/01/2020", "30/06/2025"])
    for column, width in zip("ABCDEF", (10, 34, 16, 14, 14, 14), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-don-vi.xlsx"'
    return response


@login_required
def unit_pick(request: HttpRequest) -> HttpResponse:
    """Options for a unit field: units valid today in the user's user-management scope."""
    require_any(request, Perm.MANAGE_USERS)
    from parindex.accounts.forms import scope_units

    field = request.GET.get("field", "q")
    query = request.GET.get(field if field.endswith("_q") else "q", "").strip()
    units = []
    if query:
        units = list(
            scope_units(request.user).filter(Q(name__icontains=query) | Q(code__startswith=query))[  # type: ignore[arg-type]
                :50
            ]
        )
    return render(request, "orgunits/unit_options.html", {"units": units})
