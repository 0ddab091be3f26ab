"""The public survey form: anonymous, no login, one section a page with a progress bar.

Light on purpose (a small page of its own, no script): a citizen on a slow phone connection
loads a few kilobytes a page. The answers of the pages already sent are kept on the server in the
visitor's session (started by the first page sent, not by reading), so a dropped connection
loses at most the page being filled. Abuse protection:
CSRF on every page, a honeypot field that people never see, answer sizes capped, and at most
`SURVEY_FORMS_PER_ADDRESS_PER_HOUR` forms an hour from one address (a keyed hash of it is kept,
never the address). A form is stored once, even when the last page is sent twice.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from parindex.surveys.actions import submit_online
from parindex.surveys.models import PublicLink, Response
from parindex.surveys.spec import Section

MAX_TEXT = 1000


def _link(token: str) -> PublicLink:
    link = get_object_or_404(
        PublicLink.objects.select_related("campaign__questionnaire", "unit"), token=token
    )
    if not link.active:
        raise Http404
    return link


def _open(link: PublicLink) -> bool:
    today = timezone.localdate()
    return link.campaign.opens_on <= today <= link.campaign.closes_on


def _state(request: HttpRequest, token: str) -> dict[str, Any]:
    key = f"survey:{token}"
    state = request.session.get(key)
    if not state:
        state = {"id": uuid.uuid4().hex, "answers": {}, "started": timezone.now().isoformat()}
        request.session[key] = state
    return state


def _client_hash(request: HttpRequest, campaign_id: int) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{campaign_id}:{address}".encode(), hashlib.sha256).hexdigest()


def _read(section: Section, data: Any) -> tuple[dict[str, str], dict[str, str]]:
    """The section's answers from the posted page, and the message of each question refused."""
    answers: dict[str, str] = {}
    errors: dict[str, str] = {}
    for question in section.questions:
        raw = str(data.get(question.code, "")).strip()[:MAX_TEXT]
        if not raw:
            if question.required:
                errors[question.code] = _("Please answer this question.")
            continue
        if not question.accepts(raw):
            errors[question.code] = _("Please choose one of the answers.")
            continue
        answers[question.code] = raw
    return answers, errors


@never_cache
def start(request: HttpRequest, token: str) -> HttpResponse:
    link = _link(token)
    spec = link.campaign.questionnaire.parsed()
    return render(
        request,
        "surveys/public/start.html",
        {"link": link, "spec": spec, "open": _open(link), "steps": len(spec.sections)},
    )


@never_cache
def step(request: HttpRequest, token: str, number: int) -> HttpResponse:
    link = _link(token)
    if not _open(link):
        return redirect("surveys:public_start", token)
    spec = link.campaign.questionnaire.parsed()
    if not 1 <= number <= len(spec.sections):
        raise Http404
    section = spec.sections[number - 1]
    errors: dict[str, str] = {}
    # Reading a page stores nothing: the session starts with the first answers sent.
    values = dict((request.session.get(f"survey:{token}") or {}).get("answers", {}))
    if request.method == "POST":
        state = _state(request, token)
        if request.POST.get("website"):  # the honeypot: only robots fill it
            request.session.pop(f"survey:{token}", None)
            return redirect("surveys:public_done", token)
        answers, errors = _read(section, request.POST)
        values.update({q.code: request.POST.get(q.code, "") for q in section.questions})
        if not errors:
            kept = {k: v for k, v in state["answers"].items() if k not in _codes(section)}
            state["answers"] = kept | answers
            request.session.modified = True
            if number < len(spec.sections):
                return redirect("surveys:public_step", token, number + 1)
            return _finish(request, link, state)
    return render(
        request,
        "surveys/public/step.html",
        {
            "link": link,
            "section": section,
            "questions": [
                (q, values.get(q.code, ""), errors.get(q.code, "")) for q in section.questions
            ],
            "number": number,
            "steps": len(spec.sections),
            "errors": errors,
        },
        status=422 if errors else 200,
    )


def _codes(section: Section) -> set[str]:
    return {q.code for q in section.questions}


def _finish(request: HttpRequest, link: PublicLink, state: dict[str, Any]) -> HttpResponse:
    spec = link.campaign.questionnaire.parsed()
    for number, section in enumerate(spec.sections, start=1):
        if any(q.required and q.code not in state["answers"] for q in section.questions):
            # a page sent twice, or one skipped: back to the first part still to answer
            return redirect("surveys:public_step", link.token, number)
    limit = int(getattr(settings, "SURVEY_FORMS_PER_ADDRESS_PER_HOUR", 60))
    client = _client_hash(request, link.campaign_id)
    recent = Response.objects.filter(
        campaign=link.campaign,
        client_hash=client,
        submitted_at__gte=timezone.now() - timedelta(hours=1),
    ).count()
    already = Response.objects.filter(campaign=link.campaign, form_number=state["id"]).exists()
    if recent >= limit and not already:
        return render(request, "surveys/public/busy.html", {"link": link}, status=429)
    submit_online(
        link,
        answers=state["answers"],
        form_id=state["id"],
        started_at=parse_datetime(state.get("started", "")),
        client_hash=client,
    )
    request.session.pop(f"survey:{link.token}", None)
    return redirect("surveys:public_done", link.token)


@never_cache
def done(request: HttpRequest, token: str) -> HttpResponse:
    link = _link(token)
    return render(request, "surveys/public/done.html", {"link": link})
