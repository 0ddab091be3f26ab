"""Two-step login with time-based codes (TOTP, RFC 6238, django-otp's TOTPDevice).

An account turns it on from its security page: a device is made unconfirmed, its secret shown as
a QR code and as text for the authenticator app, and confirmed by the first code the app shows.
From then on the password alone opens nothing but the code page (TwoFactorMiddleware). A code is
accepted once (django-otp refuses a code of a time step already used) and wrong codes slow the
next tries (django-otp's throttling).

With TWO_FACTOR_REQUIRED, accounts holding a role of TWO_FACTOR_REQUIRED_ROLES must enrol: right
after their password they reach only their enrolment.

What the middleware needs is put in the session at login (no query on every request):
SESSION_STATE is "verify" (the code is still to be given) or "enrol" (enrolment is required).
"""

from __future__ import annotations

import base64
import io
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from parindex.accounts.models import RoleGrant, User
from parindex.audit.actions import record
from parindex.audit.models import AuditAction

SESSION_STATE = "parindex_two_factor"
DEVICE_NAME = "authenticator"


def has_device(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_required(user: User) -> bool:
    """Two-step login is required for this account (setting on, and a role that needs it)."""
    if not settings.TWO_FACTOR_REQUIRED:
        return False
    return (
        RoleGrant.objects.active()
        .filter(user=user, role__in=settings.TWO_FACTOR_REQUIRED_ROLES)
        .exists()
    )


def session_state(request: HttpRequest) -> str:
    return str(request.session.get(SESSION_STATE, ""))


@receiver(user_logged_in)
def on_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    import time

    from parindex.accounts.middleware import LAST_SEEN_KEY

    if request is None or not hasattr(request, "session"):
        return
    request.session[LAST_SEEN_KEY] = int(time.time())
    if getattr(user, "otp_device", None) is not None:
        # Verified in the same step (not the case with the password form).
        request.session.pop(SESSION_STATE, None)
    elif has_device(user):
        request.session[SESSION_STATE] = "verify"
    elif is_required(user):
        request.session[SESSION_STATE] = "enrol"
    else:
        request.session.pop(SESSION_STATE, None)


def pending_device(user: User) -> TOTPDevice:
    """The account's unconfirmed device (made on first use): its secret is what enrolment shows."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_of(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it typed: base32, in groups of four."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG QR code (no image request, nothing inline to run)."""
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2
    )
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    # Drop the XML declaration: the SVG is embedded in the page.
    return svg[svg.index("<svg") :] if "<svg" in svg else svg


def _clean(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())


def confirm(request: HttpRequest, user: User, device: TOTPDevice, code: str) -> bool:
    """Confirm the pending device with a code from the app; the session counts as verified."""
    code = _clean(code)
    if not code or not device.verify_token(code):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record(
            actor=user,
            action=AuditAction.USER_UPDATE,
            obj=user,
            unit=user.unit,
            old={"two_factor": False},
            new={"two_factor": True},
            reason="Two-step login turned on",
        )
    otp_login(request, device)
    request.session.pop(SESSION_STATE, None)
    return True


def verify(request: HttpRequest, user: User, code: str) -> bool:
    """The login's second step: a code of the account's confirmed device."""
    code = _clean(code)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None or not code or not device.verify_token(code):
        return False
    otp_login(request, device)
    request.session.pop(SESSION_STATE, None)
    request.session.cycle_key()
    return True


def turn_off(user: User, *, by: User, code: str) -> bool:
    """Remove the account's devices, given a current code. Refused where it is required."""
    code = _clean(code)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None or is_required(user) or not code or not device.verify_token(code):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        record(
            actor=by,
            action=AuditAction.USER_UPDATE,
            obj=user,
            unit=user.unit,
            old={"two_factor": True},
            new={"two_factor": False},
            reason="Two-step login turned off",
        )
    return True
