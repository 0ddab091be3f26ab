"""Who sees and who changes a framework.

The secretariat (and the system administrator) of the issuing unit manages its frameworks: drafts,
publication, archiving. A published or archived framework is also read by everyone it concerns:
anyone whose role covers the issuing unit, and anyone whose role sits on a unit under it (the
communes it scores read their criteria, guidance and required documents). Drafts stay with the
managers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from parindex.accounts.permissions import (
    Perm,
    active_grants,
    can,
    concerning,
    is_system_admin,
    units_where,
)
from parindex.frameworks.models import Framework, Status

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from parindex.accounts.models import User


def can_manage_framework(user: User | AnonymousUser, framework: Framework) -> bool:
    return can(user, Perm.MANAGE_FRAMEWORKS, framework.owner)


def _grant_paths(user: User | AnonymousUser) -> list[str]:
    return [path for g in active_grants(user) for path in g.cover_paths]  # type: ignore[attr-defined]


def can_view_framework(user: User | AnonymousUser, framework: Framework) -> bool:
    if can_manage_framework(user, framework):
        return True
    if framework.status == Status.DRAFT:
        return False
    owner_path = framework.owner.path
    return any(
        owner_path.startswith(path) or path.startswith(owner_path) for path in _grant_paths(user)
    )


def visible_frameworks(user: User | AnonymousUser) -> QuerySet[Framework]:
    """Every framework the user may read (see the module's docstring)."""
    if is_system_admin(user):
        return Framework.objects.all()
    condition = Q(owner__in=units_where(user, Perm.MANAGE_FRAMEWORKS))
    concerned = concerning(user, "owner__path")
    if concerned is not None:
        condition |= Q(concerned, ~Q(status=Status.DRAFT))
    return Framework.objects.filter(condition)
