"""Who reads and who changes a plan: the unit's own officers and the scope above it.

Read: anyone whose role covers the plan's unit (`VIEW_UNIT`). Change: the unit's officers
(`ENTER_ASSESSMENT`) or the secretariat above (`MANAGE_CAMPAIGNS`). A denied read is a 404 (we
never confirm another unit's plan exists), a denied write a 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from parindex.accounts.permissions import Perm, can
from parindex.plans.models import Plan

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from parindex.accounts.models import User
    from parindex.orgunits.models import Unit


def may_read(user: User | AnonymousUser, unit: Unit) -> bool:
    return can(user, Perm.VIEW_UNIT, unit)


def may_edit(user: User | AnonymousUser, unit: Unit) -> bool:
    return can(user, Perm.ENTER_ASSESSMENT, unit) or can(user, Perm.MANAGE_CAMPAIGNS, unit)


def plan_for_read(request: HttpRequest, pk: int) -> Plan:
    plan = get_object_or_404(Plan.objects.select_related("unit", "document"), pk=pk)
    if not may_read(request.user, plan.unit):  # type: ignore[arg-type]
        raise Http404
    return plan


def plan_for_edit(request: HttpRequest, pk: int) -> Plan:
    plan = plan_for_read(request, pk)
    if not may_edit(request.user, plan.unit):  # type: ignore[arg-type]
        raise PermissionDenied
    return plan
