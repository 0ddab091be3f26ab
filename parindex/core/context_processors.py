"""The navigation, by role: each entry shows only when its permission is held somewhere."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parindex.accounts.permissions import Perm, has_perm_anywhere, roles_for

NAV: list[tuple[str, Any, Perm | None]] = [
    ("home", _("Home"), None),
    ("orgunits:list", _("Units"), Perm.VIEW_UNIT),
    ("frameworks:list", _("Frameworks"), Perm.VIEW_UNIT),
    ("assessments:cycles", _("Assessment"), Perm.VIEW_UNIT),
    ("surveys:campaigns", _("Surveys"), Perm.MANAGE_CAMPAIGNS),
    ("scoring:cycles", _("Results"), Perm.VIEW_RESULTS),
    ("plans:plans", _("Plans"), Perm.VIEW_UNIT),
    ("awards:campaigns", _("Emulation"), Perm.VIEW_UNIT),
    ("accounts:user_list", _("Accounts"), Perm.MANAGE_USERS),
    ("audit:list", _("Audit trail"), Perm.VIEW_AUDIT),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {"nav_items": [], "user_roles": []}
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = [
        {"url": reverse(name), "label": label, "active": current == name}
        for name, label, perm in NAV
        if perm is None or has_perm_anywhere(user, perm)  # type: ignore[arg-type]
    ]
    from parindex.accounts.models import Role

    return {
        "nav_items": items,
        "user_roles": [Role(r).label for r in sorted(roles_for(user))],  # type: ignore[arg-type]
    }
