from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from parindex.accounts.permissions import active_grants
from parindex.core.home import next_steps

logger = logging.getLogger("parindex.health")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    from parindex.notifications.models import Notification

    grants = active_grants(request.user)  # type: ignore[arg-type]
    mine = Notification.objects.filter(user_id=request.user.pk or 0, read_at__isnull=True)
    unread = list(mine.order_by("-created_at")[:10])
    return render(
        request,
        "core/home.html",
        {"steps": next_steps(request.user), "grants": grants, "unread": unread},  # type: ignore[arg-type]
    )


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring, without login: 200 when the app answers and its
    database too, 503 otherwise. Says nothing else (no version, no error text)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.exception("Health check: the database does not answer.")
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
