"""Web hardening: Django's deployment checks, security headers, the Content-Security-Policy
(no inline script anywhere in the templates), and CSRF on every form and every POST view."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.accounts.test_permission_matrix import ROWS, Row, _snapshot
from tests.conftest import World

ROOT = Path(settings.BASE_DIR)


def _templates() -> list[Path]:
    paths = list((ROOT / "templates").rglob("*.html"))
    paths += list((ROOT / "parindex").rglob("templates/**/*.html"))
    assert len(paths) > 50
    return sorted(paths)


# --- deployment checks -----------------------------------------------------------------------


def test_check_deploy_is_clean_with_production_settings() -> None:
    """`manage.py check --deploy` with the production defaults (only the required variables set)
    reports nothing, not even a warning."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),  # noqa: S108
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "parindex.example.gov.vn",
        "DATABASE_URL": "sqlite:///:memory:",
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_defaults_are_strict() -> None:
    """What the base settings give without any variable (the test settings relax a few)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DATABASE_URL": "sqlite:///:memory:",
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
    }
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_HTTPONLY, s.SESSION_IDLE_MINUTES, "
        "s.SESSION_COOKIE_AGE, s.X_FRAME_OPTIONS, s.ALLOWED_HOSTS)"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == [
        "False",
        "True",
        "True",
        "True",
        "31536000",
        "True",
        "30",
        "28800",
        "DENY",
        "[]",
    ]


# --- headers ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/dang-nhap/", "/cong-khai/", "/api/v1/docs"])
def test_security_headers(url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    policy = dict(
        ([*part.strip().split(" ", 1), ""])[:2]
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy["script-src"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_http_only(world: World) -> None:
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": "viewer", "password": "Secret-pass-2026"}
    )
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"]
    assert session["samesite"] == "Lax"
    # no lasting cookie: the session ends with the browser
    assert not session["max-age"]


# --- templates: no inline script, every POST form with its token ------------------------------

INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I
)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"(href|src|action|formaction)\s*=\s*[\"']\s*javascript:", re.I)
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.I | re.S)


def test_no_template_has_inline_script_handlers_or_javascript_urls() -> None:
    offenders = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        for pattern, what in (
            (INLINE_SCRIPT, "inline <script>"),
            (EVENT_HANDLER, "event handler attribute"),
            (JS_URL, "javascript: URL"),
        ):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{path.relative_to(ROOT)}:{line} {what}")
    assert not offenders, "\n".join(offenders)


def test_the_template_checks_can_fail() -> None:
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/js/x.js"></script>')
    assert not INLINE_SCRIPT.search('<script type="application/json" id="d">{}</script>')
    assert EVENT_HANDLER.search('<select onchange="this.form.submit()">')
    assert not EVENT_HANDLER.search('<select data-autosubmit name="xa">')
    assert JS_URL.search('<a href="javascript:void(0)">')


INCLUDE = re.compile(r"{%\s*include\s+[\"']([^\"']+)[\"']")


def _template_text(name: str) -> str:
    for path in _templates():
        if path.as_posix().endswith(f"templates/{name}"):
            return path.read_text(encoding="utf-8")
    raise AssertionError(f"template {name} not found")


def _has_token(body: str) -> bool:
    """The form's body holds {% csrf_token %}, itself or in a template it includes."""
    if "{% csrf_token %}" in body:
        return True
    return any(_has_token(_template_text(name)) for name in INCLUDE.findall(body))


def test_every_post_form_in_every_template_has_its_csrf_token() -> None:
    forms = 0
    missing = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        for match in FORM.finditer(text):
            attributes, body = match.group(1), match.group(2)
            if not re.search(r"method\s*=\s*[\"']?post", attributes, re.I):
                continue
            forms += 1
            if not _has_token(body):
                line = text.count("\n", 0, match.start()) + 1
                missing.append(f"{path.relative_to(ROOT)}:{line}")
    assert forms > 40
    assert not missing, "POST forms without {% csrf_token %}:\n" + "\n".join(missing)


# --- CSRF enforced on every POST view (the permission matrix's rows) --------------------------

POST_ROWS = [
    row
    for row in ROWS
    if row.method == "post" and not row.name.startswith("v1:")  # the API: bearer tokens only
]


def _role_for(row: Row) -> str:
    for role in ("system_admin", "secretariat", "commune_officer", "commune_leader", "viewer"):
        if role in row.allowed:
            return role
    return "anonymous" if "anonymous" in row.allowed else "system_admin"


@pytest.mark.django_db
@pytest.mark.parametrize("row", POST_ROWS, ids=lambda r: r.name)
def test_every_post_view_refuses_a_request_without_the_csrf_token(world: World, row: Row) -> None:
    client = Client(enforce_csrf_checks=True)
    role = _role_for(row)
    if role != "anonymous":
        client.force_login(world.users[role])
    url = row.url(world)
    before = _snapshot()
    response = client.post(url, row.data(world))
    assert response.status_code == 403, (row.name, role, response.status_code)
    assert _snapshot() == before


@pytest.mark.django_db
def test_login_itself_needs_the_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    data = {"username": "viewer", "password": "Secret-pass-2026"}
    assert client.post(reverse("accounts:login"), data).status_code == 403
    page = client.get(reverse("accounts:login"))
    token = page.cookies[settings.CSRF_COOKIE_NAME].value
    ok = client.post(reverse("accounts:login"), {**data, "csrfmiddlewaretoken": token})
    assert ok.status_code == 302
