"""Creating, revoking and checking API tokens (audited)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from parindex.api.models import ApiToken
from parindex.audit.actions import record
from parindex.audit.models import AuditAction

if TYPE_CHECKING:
    from parindex.accounts.models import User

TOKEN_START = "pi_"  # noqa: S105 - the public start of every token, not a secret
# last_used_at is written at most once a minute per token (not on every request).
_TOUCH_EVERY = timedelta(minutes=1)


def hash_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`: the row, and the plaintext (shown once, never stored)."""
    name = name.strip()[:100] or "API"
    with transaction.atomic():
        while True:
            prefix = secrets.token_hex(4)
            if not ApiToken.objects.filter(prefix=prefix).exists():
                break
        plaintext = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
        token = ApiToken.objects.create(
            user=user, name=name, prefix=prefix, key_hash=hash_key(plaintext)
        )
        record(
            actor=user,
            action=AuditAction.API_TOKEN_CREATE,
            obj=token,
            unit=user.unit,
            new={"name": name, "prefix": prefix},
        )
    return token, plaintext


def revoke_token(token: ApiToken, *, by: User) -> ApiToken:
    """Revoke a token at once (revoking a revoked token changes nothing)."""
    if token.revoked_at is not None:
        return token
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(
            actor=by,
            action=AuditAction.API_TOKEN_REVOKE,
            obj=token,
            unit=token.user.unit,
            old={"name": token.name, "prefix": token.prefix},
        )
    return token


def authenticate(plaintext: str) -> ApiToken | None:
    """The active token of an active user matching `plaintext`, else None (constant-time)."""
    if not plaintext.startswith(TOKEN_START):
        return None
    prefix = plaintext[len(TOKEN_START) :].split("_", 1)[0]
    token = (
        ApiToken.objects.active()
        .select_related("user")
        .filter(prefix=prefix, user__is_active=True)
        .first()
    )
    if token is None or not secrets.compare_digest(token.key_hash, hash_key(plaintext)):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > _TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
