"""Session and response protections: idle sessions end, two-step login is enforced, and browser
features no page needs are switched off.

- IdleTimeoutMiddleware: a session unused for SESSION_IDLE_MINUTES is logged out (the session's
  absolute age is SESSION_COOKIE_AGE). The last activity is written at most once a minute.
- TwoFactorMiddleware: an account with a confirmed TOTP device that has not yet given its code in
  this session reaches only the code page (and logging out); with TWO_FACTOR_REQUIRED, a
  secretariat or system administrator account without a device reaches only its enrolment.
- PermissionsPolicyMiddleware: the Permissions-Policy header (Django has no setting for it).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from parindex.accounts import two_factor

LAST_SEEN_KEY = "parindex_last_seen"
# The last activity is rewritten only when older than this (seconds): one session write a minute.
LAST_SEEN_RESOLUTION = 60


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect the browser follows, for htmx requests too (htmx swaps redirects' targets)."""
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_SEEN_KEY)
            idle = settings.SESSION_IDLE_MINUTES * 60
            if isinstance(last, int) and idle > 0 and now - last > idle:
                logout(request)
                messages.info(
                    request,
                    _("Your session ended after a period without activity. Please log in again."),
                )
                login = reverse(settings.LOGIN_URL)
                return _redirect(request, f"{login}?{urlencode({'next': request.get_full_path()})}")
            if not isinstance(last, int) or now - last >= LAST_SEEN_RESOLUTION:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


# Reached before the second step: the step itself, enrolment, logging out, the language switch.
OPEN_DURING_SECOND_STEP = {
    "accounts:two_factor_verify",
    "accounts:logout",
    "set_language",
}
OPEN_DURING_ENROLMENT = OPEN_DURING_SECOND_STEP | {"accounts:two_factor"}


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith("/api/v1/"):
            return self.get_response(request)
        state = two_factor.session_state(request)
        if not state:
            return self.get_response(request)
        name = _url_name(request)
        if state == "verify":
            if name in OPEN_DURING_SECOND_STEP:
                return self.get_response(request)
            url = reverse("accounts:two_factor_verify")
            return _redirect(request, f"{url}?{urlencode({'next': request.get_full_path()})}")
        if state == "enrol" and name not in OPEN_DURING_ENROLMENT:
            return _redirect(request, reverse("accounts:two_factor"))
        return self.get_response(request)


def _url_name(request: HttpRequest) -> str:
    from django.urls import Resolver404, resolve

    try:
        match = resolve(request.path_info)
    except Resolver404:
        return ""
    return match.view_name


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response
