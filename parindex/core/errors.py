"""The database gone away: a clear page (503, "try again in a few minutes"), never a stack trace.

A request that loses its database connection (the server restarted, the connection cut, a SQLite
file locked longer than the timeout) fails with Django's OperationalError or InterfaceError. Every
write is one transaction (the actions' `transaction.atomic()`), so the failed request wrote
nothing; the page says so and asks the user to send again in a moment.

`DatabaseUnavailableMiddleware` answers for a view that failed that way and keeps the session from
being saved to the database that is gone; `server_error` (handler500) answers for the same error
raised elsewhere (a middleware saving the session, say), and is Django's plain 500 page otherwise.
Both pages are self-contained templates: rendering them needs no database.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger("parindex.errors")

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 60


def unavailable(request: HttpRequest | None = None) -> HttpResponse:
    """The 503 page: the database cannot be reached; nothing of this request was saved."""
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        logger.error("Database unavailable: %s", request.path, exc_info=exception)
        session = getattr(request, "session", None)
        if session is not None:
            session.modified = False  # it cannot be saved: the database is gone
        return unavailable(request)


@requires_csrf_token
def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """handler500: the 503 page when the error is the database gone, else the 500 page."""
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return unavailable(request)
    return HttpResponseServerError(loader.get_template(template_name).render())
