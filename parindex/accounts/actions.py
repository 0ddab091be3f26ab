"""Every write to accounts and role grants, each checked and audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from parindex.accounts.exceptions import PermissionDeniedError, RoleNotAllowedHereError
from parindex.accounts.models import RoleGrant, User
from parindex.accounts.permissions import (
    ROLE_LEVELS,
    Perm,
    can,
    can_grant_role,
    can_manage_user,
    forget_grants,
)
from parindex.audit.actions import record
from parindex.audit.models import AuditAction
from parindex.orgunits.models import Unit


def create_user(
    *,
    by: User | None,
    username: str,
    full_name: str,
    email: str = "",
    unit: Unit | None,
    password: str | None = None,
    job_title: str = "",
    phone: str = "",
) -> User:
    """Create an account belonging to `unit`. `by=None` is the system itself (demo, commands)."""
    if by is not None and not (unit is not None and can(by, Perm.MANAGE_USERS, unit)):
        raise PermissionDeniedError
    with transaction.atomic():
        user = User(
            username=username,
            full_name=full_name,
            email=email,
            unit=unit,
            job_title=job_title,
            phone=phone,
        )
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        record(
            actor=by,
            action=AuditAction.USER_CREATE,
            obj=user,
            unit=unit,
            new={"username": username, "full_name": full_name, "unit": unit},
        )
    return user


EDITABLE_FIELDS = ("full_name", "email", "job_title", "phone", "unit")


def update_user(*, by: User, user: User, changes: dict[str, object], reason: str = "") -> User:
    """Change an account's details; moving it to another unit needs the right on both units."""
    if not can_manage_user(by, user):
        raise PermissionDeniedError
    new_unit = changes.get("unit", user.unit)
    if new_unit != user.unit and not (
        isinstance(new_unit, Unit) and can(by, Perm.MANAGE_USERS, new_unit)
    ):
        raise PermissionDeniedError
    old = {f: getattr(user, f) for f in EDITABLE_FIELDS if f in changes}
    diff = {f: v for f, v in changes.items() if f in EDITABLE_FIELDS and old.get(f) != v}
    if not diff:
        return user
    with transaction.atomic():
        for name, value in diff.items():
            setattr(user, name, value)
        user.full_clean(exclude=["password"])
        user.save(update_fields=list(diff))
        record(
            actor=by,
            action=AuditAction.USER_UPDATE,
            obj=user,
            unit=user.unit,
            old={f: old[f] for f in diff},
            new=diff,
            reason=reason,
        )
    return user


def set_password_by_manager(*, by: User, user: User, password: str) -> None:
    """A manager gives an account a new password (officers often have no email to reset it)."""
    if not can_manage_user(by, user) or by.pk == user.pk:
        raise PermissionDeniedError
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        record(
            actor=by,
            action=AuditAction.PASSWORD_CHANGE,
            obj=user,
            unit=user.unit,
            reason="Set by an account manager",
        )


def set_user_active(*, by: User, user: User, active: bool, reason: str = "") -> User:
    if not can_manage_user(by, user) or by.pk == user.pk:
        raise PermissionDeniedError
    with transaction.atomic():
        old = user.is_active
        user.is_active = active
        user.save(update_fields=["is_active"])
        record(
            actor=by,
            action=AuditAction.USER_UPDATE,
            obj=user,
            unit=user.unit,
            old={"is_active": old},
            new={"is_active": active},
            reason=reason,
        )
    return user


def grant_role(
    *,
    by: User | None,
    user: User,
    role: str,
    unit: Unit,
    field_codes: list[str] | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    reason: str = "",
) -> RoleGrant:
    """Grant `role` on `unit` (and so on its subtree). `by=None` is the system itself."""
    if unit.level not in ROLE_LEVELS.get(role, frozenset()):
        raise RoleNotAllowedHereError
    if by is not None and not (can_grant_role(by, role, unit) and can_manage_user(by, user)):
        raise PermissionDeniedError
    with transaction.atomic():
        grant = RoleGrant(
            user=user,
            role=role,
            unit=unit,
            field_codes=sorted(set(field_codes or [])),
            valid_from=valid_from or timezone.localdate(),
            valid_to=valid_to,
            granted_by=by,
        )
        grant.full_clean()
        grant.save()
        record(
            actor=by,
            action=AuditAction.ROLE_GRANT,
            obj=user,
            unit=unit,
            new={"role": role, "unit": unit, "field_codes": grant.field_codes},
            reason=reason,
        )
    forget_grants(user)
    return grant


def revoke_role(*, by: User | None, grant: RoleGrant, reason: str = "") -> RoleGrant:
    if by is not None and not can_grant_role(by, grant.role, grant.unit):
        raise PermissionDeniedError
    with transaction.atomic():
        grant.revoked_at = timezone.now()
        grant.save(update_fields=["revoked_at"])
        record(
            actor=by,
            action=AuditAction.ROLE_REVOKE,
            obj=grant.user,
            unit=grant.unit,
            old={"role": grant.role, "unit": grant.unit},
            reason=reason,
        )
    forget_grants(grant.user)
    return grant


def record_password_change(*, user: User) -> None:
    """Called after Django's password change view saved the new password."""
    record(actor=user, action=AuditAction.PASSWORD_CHANGE, obj=user, unit=user.unit)
