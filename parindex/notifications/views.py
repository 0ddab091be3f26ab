from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from parindex.notifications.actions import mark_read


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark the user's own notifications read (nobody else's can be reached)."""
    mark_read(request.user)  # type: ignore[arg-type]
    return redirect("home")
