"""Record login lockouts (django-axes) in the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.dispatch import receiver
from django.utils import timezone

from parindex.accounts.models import User
from parindex.audit.actions import record
from parindex.audit.models import AuditAction, AuditEntry


@receiver(user_locked_out)
def on_locked_out(sender: Any, request: Any, username: str | None = None, **kwargs: Any) -> None:
    user = User.objects.filter(username=username).first() if username else None
    if user is None:
        return
    # One entry per lockout: a locked-out user who keeps trying re-fires the signal.
    since = timezone.now() - dt.timedelta(hours=float(settings.AXES_COOLOFF_TIME))
    if AuditEntry.objects.filter(
        action=AuditAction.LOGIN_LOCKOUT, object_id=str(user.pk), at__gte=since
    ).exists():
        return
    record(
        actor=None,
        action=AuditAction.LOGIN_LOCKOUT,
        obj=user,
        unit=user.unit,
        new={"ip": kwargs.get("ip_address") or ""},
        reason="Too many failed logins",
    )
