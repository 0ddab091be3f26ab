"""Two-step login (TOTP): enrolment from the security page with a QR code and the secret, the code
asked after the password, the requirement for secretariat and administrator accounts — with real
codes computed from the device's key."""

from __future__ import annotations

import base64
import re
import time

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from parindex.audit.models import AuditEntry
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice, *, step: int = 0) -> str:
    """The code the authenticator app shows now (step=1: the next 30 seconds' code)."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, drift=step):06d}"


def _login(client: Client, username: str) -> object:
    return client.post(
        reverse("accounts:login"), {"username": username, "password": factories.PASSWORD}
    )


def _enrol(client: Client, world: World, role: str) -> TOTPDevice:
    page = client.get(reverse("accounts:two_factor"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=world.users[role], confirmed=False)
    html = page.content.decode()
    assert "<svg" in html  # the QR code, inline
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', html)
    assert secret is not None
    typed = secret.group(1).replace(" ", "")
    assert base64.b32decode(typed + "=" * (-len(typed) % 8)) == device.bin_key
    response = client.post(reverse("accounts:two_factor"), {"code": _code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_enrolment_then_login_asks_for_the_code(world: World) -> None:
    client = Client()
    assert _login(client, "secretariat").status_code == 302  # type: ignore[attr-defined]
    device = _enrol(client, world, "secretariat")
    entry = AuditEntry.objects.filter(
        object_type="accounts.user", object_id=str(world.users["secretariat"].pk)
    ).latest("pk")
    assert entry is not None
    assert entry.new_value == {"two_factor": True}
    client.post(reverse("accounts:logout"))

    client = Client()
    response = _login(client, "secretariat")
    assert response.status_code == 302  # type: ignore[attr-defined]
    # the password alone opens nothing but the code page
    home = client.get(reverse("home"))
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("accounts:two_factor_verify"))
    assert client.get(reverse("accounts:user_list")).status_code == 302
    htmx = client.get(reverse("accounts:user_list"), headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"].startswith(reverse("accounts:two_factor_verify"))
    # a wrong code is refused
    wrong = client.post(reverse("accounts:two_factor_verify"), {"code": "000000"})
    assert wrong.status_code == 422
    assert client.get(reverse("home")).status_code == 302
    # the right one (the next time step: the enrolment used this one) lets in
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    ok = client.post(
        reverse("accounts:two_factor_verify"),
        {"code": _code(device, step=1), "next": reverse("accounts:user_list")},
    )
    assert ok.status_code == 302
    assert ok["Location"] == reverse("accounts:user_list")
    assert client.get(reverse("accounts:user_list")).status_code == 200


def test_a_code_is_used_once(world: World) -> None:
    client = Client()
    _login(client, "viewer")
    device = _enrol(client, world, "viewer")
    client.post(reverse("accounts:logout"))
    client = Client()
    _login(client, "viewer")
    code = _code(device)  # the code just used for the enrolment
    assert client.post(reverse("accounts:two_factor_verify"), {"code": code}).status_code == 422


def test_the_verify_page_refuses_an_outside_next(world: World) -> None:
    client = Client()
    _login(client, "viewer")
    device = _enrol(client, world, "viewer")
    client.post(reverse("accounts:logout"))
    client = Client()
    _login(client, "viewer")
    response = client.post(
        reverse("accounts:two_factor_verify"),
        {"code": _code(device, step=1), "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_turning_it_off_needs_a_current_code(world: World) -> None:
    client = Client()
    _login(client, "viewer")
    device = _enrol(client, world, "viewer")
    client.post(reverse("accounts:two_factor_disable"), {"code": "123456"})
    assert TOTPDevice.objects.filter(user=world.users["viewer"], confirmed=True).exists()
    # a wrong code slows the next try (django-otp's throttling): as if the delay had passed
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    client.post(reverse("accounts:two_factor_disable"), {"code": _code(device, step=1)})
    assert not TOTPDevice.objects.filter(user=world.users["viewer"]).exists()


@override_settings(TWO_FACTOR_REQUIRED=True)
def test_required_for_secretariat_and_administrators(world: World) -> None:
    client = Client()
    _login(client, "admin")
    # sent to enrol; nothing else is reachable until then
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two_factor")
    assert client.get(reverse("accounts:user_list"))["Location"] == reverse("accounts:two_factor")
    device = _enrol(client, world, "system_admin")
    assert client.get(reverse("home")).status_code == 200
    # and it cannot be turned off
    response = client.post(reverse("accounts:two_factor_disable"), {"code": _code(device, step=1)})
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=world.users["system_admin"], confirmed=True).exists()

    # other roles are not asked
    officer = Client()
    _login(officer, "officer_a")
    assert officer.get(reverse("home")).status_code == 200


def test_an_account_without_two_step_login_is_not_asked(world: World) -> None:
    client = Client()
    _login(client, "officer_a")
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("accounts:two_factor_verify")).status_code == 302


def test_codes_are_time_based() -> None:
    """The codes the tests type are the RFC 6238 ones an authenticator app computes."""
    key = bytes(range(20))
    now = totp(key, step=30, t0=0, digits=6)
    assert 0 <= now < 10**6
    assert totp(key, t0=-30, step=30) == totp(key, t0=0, step=30, drift=1)
    assert int(time.time()) > 0
