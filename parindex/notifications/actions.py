"""Writing notifications: `notify` for any feature, `mark_read` for the user."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from parindex.notifications.models import Notification

if TYPE_CHECKING:
    from parindex.accounts.models import User


def notify(*, users: Iterable[User], key: str, title: str, body: str, url: str = "") -> int:
    """Notify each user once per `key` (in the app, and by e-mail after the commit)."""
    from parindex.notifications.tasks import email_notification

    created = []
    for user in users:
        if not user.is_active:
            continue
        notification, new = Notification.objects.get_or_create(
            user=user, key=key, defaults={"title": title, "body": body, "url": url}
        )
        if new:
            created.append(notification.pk)
    for pk in created:
        transaction.on_commit(partial(email_notification.enqueue, pk))
    return len(created)


def mark_read(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
