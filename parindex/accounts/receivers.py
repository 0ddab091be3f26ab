"""Record login lockouts (django-axes) in the audit trail."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.dispatch import receiver

from parindex.accounts.models import User
from parindex.audit.actions import record
from parindex.audit.models import AuditAction


@receiver(user_locked_out)
def on_locked_out(sender: Any, request: Any, username: str | None = None, **kwargs: Any) -> None:
    user = User.objects.filter(username=username).first() if username else None
    if user is None:
        return
    record(
        actor=None, action=AuditAction.LOGIN_LOCKOUT, obj=user, unit=user.unit,
        new={"ip": kwargs.get("ip_address") or ""},
        reason="Too many failed logins",
    )
