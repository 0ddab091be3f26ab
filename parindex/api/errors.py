"""One error body for every refusal: {"code": "machine_code", "message": "...", "details": [...]}.

The message is in the language of `Accept-Language` (English when it asks for English first,
Vietnamese otherwise). Domain refusals keep their problem codes in `details`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

if TYPE_CHECKING:
    from ninja import NinjaAPI

    from parindex.frameworks.rules import Problem


class ErrorOut(Schema):
    code: str
    message: str
    details: list[Any]


DEFAULT_MESSAGES: dict[str, Promise] = {
    "bad_request": _("The request cannot be read."),
    "not_authenticated": _("Give a valid API token: Authorization: Bearer <token>."),
    "forbidden": _("Your roles do not allow this."),
    "not_found": _("Not found."),
    "conflict": _("The change was refused."),
    "invalid": _("Some values are not valid."),
    "rate_limited": _("Too many requests: wait %(seconds)s seconds."),
    "server_error": _("Something went wrong on the server."),
}


class ApiError(Exception):
    """A refusal with its HTTP status, machine code, message and details."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str | Promise | None = None,
        details: Iterable[Any] = (),
        headers: dict[str, str] | None = None,
        **params: Any,
    ) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message
        self.params = params
        self.details = list(details)
        self.headers = headers or {}


def language(request: HttpRequest) -> str:
    """English when Accept-Language asks for English before Vietnamese; Vietnamese otherwise."""
    header = request.headers.get("Accept-Language", "")
    for part in header.split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("en"):
            return "en"
        if tag.startswith("vi"):
            return "vi"
    return "vi"


def problem_details(problems: Iterable[Problem], message: Any) -> list[dict[str, Any]]:
    return [{"code": p.code, "where": p.node, "message": str(message(p))} for p in problems]


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    code: str,
    message: str | Promise | None = None,
    details: Iterable[Any] = (),
    headers: dict[str, str] | None = None,
    **params: Any,
) -> HttpResponse:
    with translation.override(language(request)):
        text = message if message is not None else DEFAULT_MESSAGES.get(code, code)
        text = str(text) % params if params else str(text)
        body = {"code": code, "message": text, "details": list(details)}
        response = api.create_response(request, body, status=status)
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def install(api: NinjaAPI) -> None:
    """Replace ninja's default error handlers by ours (same body for every status)."""

    def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return error_response(
            api, request, exc.status, exc.code, exc.message, exc.details, exc.headers, **exc.params
        )

    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        details = [
            {
                "loc": [str(part) for part in e.get("loc", ())],
                "type": str(e.get("type", "")),
                "message": str(e.get("msg", "")),
            }
            for e in exc.errors
        ]
        return error_response(api, request, 422, "invalid", details=details)

    def on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(
            api, request, 401, "not_authenticated", headers={"WWW-Authenticate": "Bearer"}
        )

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        codes = {400: "bad_request", 401: "not_authenticated", 403: "forbidden", 404: "not_found"}
        code = codes.get(exc.status_code, "bad_request")
        return error_response(api, request, exc.status_code, code)

    def on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, 404, "not_found")

    def on_403(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return error_response(api, request, 403, "forbidden")

    handlers: list[tuple[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]] = [
        (ApiError, on_api_error),
        (ValidationError, on_validation),
        (AuthenticationError, on_authentication),
        (HttpError, on_http_error),
        (Http404, on_404),
        (PermissionDenied, on_403),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)


def responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The documented error responses of an operation (401 and 429 always)."""
    return dict.fromkeys({401, 429, *statuses}, ErrorOut)
