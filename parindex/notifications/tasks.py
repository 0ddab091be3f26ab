"""Background work of notifications: the e-mail copy of a notification."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import task

from parindex.notifications.models import Notification


@task()
def email_notification(notification_id: int, site: str = "") -> bool:
    """Send one notification by e-mail; True when sent (once: a rerun sends nothing again)."""
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None or notification.emailed_at is not None or not notification.user.email:
        return False
    link = f"\n\n{site}{notification.url}" if notification.url else ""
    send_mail(
        subject=f"[ParIndex] {notification.title}",
        message=f"{notification.body}{link}",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[notification.user.email],
    )
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True
