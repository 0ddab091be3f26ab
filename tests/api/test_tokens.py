"""Tokens: hashed at rest, shown once, revoked at once, audited; the pages to manage them."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from parindex.api.actions import create_token, revoke_token
from parindex.api.models import ApiToken
from parindex.audit.models import AuditAction, AuditEntry
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _get(plaintext: str, url: str = "/api/v1/units") -> int:
    return Client(headers={"authorization": f"Bearer {plaintext}"}).get(url).status_code


def _database_text() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM api_apitoken")
        rows = cursor.fetchall()
        cursor.execute("SELECT old_value, new_value FROM audit_auditentry")
        rows += cursor.fetchall()
    return repr(rows)


def test_a_token_is_hashed_at_rest_and_works(world: World) -> None:
    token, plaintext = create_token(user=world.users["commune_officer"], name="Đối tác")
    assert plaintext.startswith(f"pi_{token.prefix}_")
    assert token.key_hash == hashlib.sha256(plaintext.encode()).hexdigest()
    secret = plaintext.rsplit("_", 1)[1]
    assert plaintext not in _database_text()
    assert secret not in _database_text()
    assert _get(plaintext) == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    entry = AuditEntry.objects.get(action=AuditAction.API_TOKEN_CREATE)
    assert entry.actor == world.users["commune_officer"]


def test_a_revoked_token_is_refused_at_once(world: World) -> None:
    token, plaintext = create_token(user=world.users["commune_officer"], name="x")
    assert _get(plaintext) == 200
    revoke_token(token, by=world.users["commune_officer"])
    response = Client(headers={"authorization": f"Bearer {plaintext}"}).get("/api/v1/units")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Bearer"
    assert AuditEntry.objects.filter(action=AuditAction.API_TOKEN_REVOKE).count() == 1


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer nope", "Bearer pi_0000_xxx", "Basic dXNlcjpwYXNz", "Token abc"],
)
def test_no_or_wrong_token_is_401(world: World, header: str) -> None:
    client = Client(headers={"authorization": header} if header else {})
    response = client.get("/api/v1/units")
    assert response.status_code == 401
    assert set(response.json()) == {"code", "message", "details"}


def test_a_wrong_secret_with_a_real_prefix_is_refused(world: World) -> None:
    token, _plaintext = create_token(user=world.users["commune_officer"], name="x")
    assert _get(f"pi_{token.prefix}_{'A' * 43}") == 401


def test_a_deactivated_account_s_token_is_refused(world: World) -> None:
    user = world.users["commune_officer"]
    _token, plaintext = create_token(user=user, name="x")
    user.is_active = False
    user.save()
    assert _get(plaintext) == 401


def test_a_session_does_not_open_the_api(world: World) -> None:
    client = Client()
    client.force_login(world.users["system_admin"])
    assert client.get("/api/v1/units").status_code == 401


def test_the_page_creates_shows_once_and_revokes(world: World) -> None:
    client = Client()
    client.force_login(world.users["commune_officer"])
    assert client.get(reverse("api:tokens")).status_code == 200
    response = client.post(reverse("api:tokens"), {"name": "Phần mềm một cửa"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=world.users["commune_officer"])
    page = response.content.decode()
    shown = page.split('<code id="new-token">')[1].split("</code>")[0]
    assert shown.startswith(f"pi_{token.prefix}_")
    assert shown not in client.get(reverse("api:tokens")).content.decode()  # once
    assert _get(shown) == 200
    client.post(reverse("api:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert _get(shown) == 401


def test_nobody_revokes_another_user_s_token(world: World) -> None:
    token, plaintext = create_token(user=world.users["officer_b"], name="x")
    client = Client()
    client.force_login(world.users["system_admin"])
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    assert _get(plaintext) == 200
    assert "pi_" + token.prefix not in client.get(reverse("api:tokens")).content.decode()
