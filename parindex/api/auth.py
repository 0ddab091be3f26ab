"""Bearer token authentication and the per-token rate limit."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import translation
from ninja.security import HttpBearer

from parindex.api.actions import authenticate
from parindex.api.errors import ApiError, language
from parindex.api.models import ApiToken


def check_rate(token: ApiToken) -> None:
    """At most API_REQUESTS_PER_MINUTE requests a token in each clock minute (via the cache);
    the next one is refused with 429 and Retry-After (seconds to the next minute)."""
    limit = settings.API_REQUESTS_PER_MINUTE
    now = time.time()
    window = int(now // 60)
    key = f"api-rate:{token.pk}:{window}"
    cache.add(key, 0, timeout=70)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=70)
        count = 1
    if count > limit:
        retry = max(1, int(60 - (now % 60)) + 1)
        raise ApiError(429, "rate_limited", headers={"Retry-After": str(retry)}, seconds=retry)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer pi_…`: the request then acts as the token's user, through the same
    permission service as the pages."""

    openapi_description = "A personal API token, created in Tài khoản › Mã truy cập API."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        translation.activate(language(request))
        found = authenticate(token)
        if found is None:
            return None
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        check_rate(found)
        return found
