"""View guards over the permission service: a denied read is a 404, a denied write a 403."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from parindex.accounts.permissions import Perm, can, has_perm_anywhere


def require_read(request: HttpRequest, perm: Perm, obj: Any) -> None:
    """404 rather than 403: we never confirm that another unit's object exists."""
    if not can(request.user, perm, obj):  # type: ignore[arg-type]
        raise Http404


def require_write(request: HttpRequest, perm: Perm, obj: Any) -> None:
    if not can(request.user, perm, obj):  # type: ignore[arg-type]
        raise PermissionDenied


def require_any(request: HttpRequest, perm: Perm) -> None:
    """For list pages: the user must hold `perm` somewhere."""
    if not has_perm_anywhere(request.user, perm):  # type: ignore[arg-type]
        raise PermissionDenied
