"""Login protection: lockout after failed logins with a clear Vietnamese message, idle sessions
ended, strong passwords required."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse

from parindex.accounts.middleware import LAST_SEEN_KEY
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_lockout_after_the_limit_with_a_vietnamese_message(world: World) -> None:
    client = Client(headers={"accept-language": "vi"})
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(
            reverse("accounts:login"), {"username": "viewer", "password": f"sai-{attempt}"}
        )
        assert response.status_code == 200  # the form again, with its error
    response = client.post(reverse("accounts:login"), {"username": "viewer", "password": "sai"})
    assert response.status_code == 429
    page = client.post(
        reverse("accounts:login"), {"username": "viewer", "password": factories.PASSWORD}
    )
    assert page.status_code == 429
    text = page.content.decode()
    assert "Đăng nhập đang bị tạm khóa" in text
    assert "_auth_user_id" not in client.session


@override_settings(SESSION_IDLE_MINUTES=30)
def test_an_idle_session_ends(world: World) -> None:
    client = Client()
    client.post(reverse("accounts:login"), {"username": "viewer", "password": factories.PASSWORD})
    assert client.get(reverse("home")).status_code == 200
    # 29 minutes without a request: still in
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 29 * 60
    session.save()
    assert client.get(reverse("home")).status_code == 200
    # 31 minutes: logged out and sent to the login page, back to where they were afterwards
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(reverse("orgunits:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "next=" in response["Location"]
    assert "_auth_user_id" not in client.session
    login = client.get(response["Location"]).content.decode()
    assert "Your session ended" in login or "Phiên làm việc" in login
    # htmx requests are redirected as a whole page
    client.post(reverse("accounts:login"), {"username": "viewer", "password": factories.PASSWORD})
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 31 * 60
    session.save()
    htmx = client.get(reverse("orgunits:list"), headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"].startswith(reverse("accounts:login"))


def test_activity_keeps_the_session_alive(world: World) -> None:
    client = Client()
    client.post(reverse("accounts:login"), {"username": "viewer", "password": factories.PASSWORD})
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 20 * 60
    session.save()
    client.get(reverse("home"))  # activity: the clock restarts
    assert int(time.time()) - client.session[LAST_SEEN_KEY] < 5


def test_the_session_has_an_absolute_limit() -> None:
    assert settings.SESSION_COOKIE_AGE <= 12 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert 0 < settings.SESSION_IDLE_MINUTES * 60 < settings.SESSION_COOKIE_AGE


@pytest.mark.parametrize(
    "password",
    [
        "short-1",  # too short
        "matkhaudainhungchicochu",  # letters only
        "12345678901234",  # digits only
        "password1234",  # common
        "viewer2026",  # like the username
    ],
)
def test_weak_passwords_are_refused(world: World, password: str) -> None:
    with pytest.raises(ValidationError):
        password_validation.validate_password(password, world.users["viewer"])


def test_a_strong_password_passes(world: World) -> None:
    password_validation.validate_password("Cai-cach-HC-2026", world.users["viewer"])


def test_the_password_change_form_applies_the_rules(world: World) -> None:
    client = Client()
    client.force_login(world.users["viewer"])
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": factories.PASSWORD,
            "new_password1": "chuanhanchu",
            "new_password2": "chuanhanchu",
        },
    )
    assert response.status_code == 200  # the form again: refused
    user = world.users["viewer"]
    user.refresh_from_db()
    assert user.check_password(factories.PASSWORD)
