from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from parindex.accounts.permissions import active_grants
from parindex.core.home import next_steps


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


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: the app answers and the database too. No data."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
