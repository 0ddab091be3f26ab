from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from parindex.accounts.permissions import Perm, is_system_admin, units_where
from parindex.audit.models import AuditAction, AuditEntry
from parindex.common.dates import parse_day
from parindex.common.guards import require_any


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    """The trail, scoped to the user's units; entries with no unit only for system admins."""
    require_any(request, Perm.VIEW_AUDIT)
    entries = AuditEntry.objects.select_related("unit")
    scope = units_where(request.user, Perm.VIEW_AUDIT)  # type: ignore[arg-type]
    if not is_system_admin(request.user):  # type: ignore[arg-type]
        entries = entries.filter(unit__in=scope)
    filters = {k: request.GET.get(k, "").strip() for k in ("action", "actor", "unit", "from", "to")}
    if filters["action"] in AuditAction.values:
        entries = entries.filter(action=filters["action"])
    if filters["actor"]:
        entries = entries.filter(actor_name__icontains=filters["actor"])
    if filters["unit"]:
        entries = entries.filter(
            Q(unit__name__icontains=filters["unit"]) | Q(unit__code=filters["unit"])
        )
    for key, lookup in (("from", "at__date__gte"), ("to", "at__date__lte")):
        if not filters[key]:
            continue
        day = parse_day(filters[key])
        if day is None:
            messages.warning(
                request,
                _("“%(v)s” is not a date (dd/mm/yyyy): that filter was left out.")
                % {"v": filters[key]},
            )
        else:
            entries = entries.filter(**{lookup: day})
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    template = "audit/audit_list.html#results" if request.htmx else "audit/audit_list.html"  # type: ignore[attr-defined]
    return render(
        request, template, {"page": page, "filters": filters, "actions": AuditAction.choices}
    )
