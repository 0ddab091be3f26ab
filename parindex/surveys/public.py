"""The public survey form: anonymous, no login, one section a page with a progress bar.

Light on purpose (a small page of its own, no script): a citizen on a slow phone connection
loads a few kilobytes a page. The answers of the pages already sent are kept on the server in the
visitor's session (started by the first page sent, not by reading), so a dropped connection
loses at most the page being filled. Abuse protection:
CSRF on every page, a honeypot field that people never see, answer sizes capped, and at most
`SURVEY_FORMS_PER_ADDRESS_PER_HOUR` forms an hour from one address (a keyed hash of it is kept,
never the address). A form is stored once, even when the last page is sent twice.

Officials' surveys use the same pages through each respondent's personal link: the link lists the
communes they rate, done or not, and each commune's form is numbered
"<respondent code>-<commune code>", so it is stored once whatever is sent again.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from parindex.orgunits.models import Unit
from parindex.surveys.actions import submit_online
from parindex.surveys.models import Campaign, PublicLink, Respondent, Response
from parindex.surveys.spec import Section

MAX_TEXT = 1000


def _link(token: str) -> PublicLink:
    link = get_object_or_404(
        PublicLink.objects.select_related("campaign__questionnaire", "unit"), token=token
    )
    if not link.active:
        raise Http404
    return link


@dataclass(frozen=True)
class Target:
    """Whose form the pages fill: a commune's public link (a new form each visit), or an official
    rating one commune (one form, its number fixed)."""

    campaign: Campaign
    unit: Unit
    key: str  # the session's key of the answers kept between pages
    form_id: str | None = None  # fixed form number (officials); None: a new one per form
    respondent: Respondent | None = None
    token: str = ""  # the public link's or the respondent's token

    def step_url(self, number: int) -> str:
        if self.respondent is not None:
            return reverse("surveys:respondent_step", args=[self.token, self.unit.code, number])
        return reverse("surveys:public_step", args=[self.token, number])

    def done_url(self) -> str:
        if self.respondent is not None:
            return reverse("surveys:respondent_home", args=[self.token]) + f"?xong={self.unit.code}"
        return reverse("surveys:public_done", args=[self.token])


def _link_target(link: PublicLink) -> Target:
    return Target(link.campaign, link.unit, f"survey:{link.token}", token=link.token)


def _is_open(campaign: Campaign) -> bool:
    today = timezone.localdate()
    return campaign.opens_on <= today <= campaign.closes_on


def _open(link: PublicLink) -> bool:
    return _is_open(link.campaign)


def _state(request: HttpRequest, target: Target) -> dict[str, Any]:
    state = request.session.get(target.key)
    if not state:
        state = {
            "id": target.form_id or uuid.uuid4().hex,
            "answers": {},
            "started": timezone.now().isoformat(),
        }
        request.session[target.key] = state
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
    return _step(request, _link_target(link), number)


def _step(request: HttpRequest, target: Target, number: int) -> HttpResponse:
    """One page of the form (one section): shown, or sent and kept in the session; the last
    page stores the form."""
    spec = target.campaign.questionnaire.parsed()
    if not 1 <= number <= len(spec.sections):
        raise Http404
    section = spec.sections[number - 1]
    errors: dict[str, str] = {}
    # Reading a page stores nothing: the session starts with the first answers sent.
    values = dict((request.session.get(target.key) or {}).get("answers", {}))
    if request.method == "POST":
        state = _state(request, target)
        if request.POST.get("website"):  # the honeypot: only robots fill it
            request.session.pop(target.key, None)
            return redirect(target.done_url())
        answers, errors = _read(section, request.POST)
        values.update({q.code: request.POST.get(q.code, "") for q in section.questions})
        if not errors:
            kept = {k: v for k, v in state["answers"].items() if k not in _codes(section)}
            state["answers"] = kept | answers
            request.session.modified = True
            if number < len(spec.sections):
                return redirect(target.step_url(number + 1))
            return _finish(request, target, state)
    return render(
        request,
        "surveys/public/step.html",
        {
            "link": target,
            "section": section,
            "questions": [
                (q, values.get(q.code, ""), errors.get(q.code, "")) for q in section.questions
            ],
            "number": number,
            "steps": len(spec.sections),
            "errors": errors,
            "back_url": target.step_url(number - 1) if number > 1 else "",
        },
        status=422 if errors else 200,
    )


def _codes(section: Section) -> set[str]:
    return {q.code for q in section.questions}


def _finish(request: HttpRequest, target: Target, state: dict[str, Any]) -> HttpResponse:
    spec = target.campaign.questionnaire.parsed()
    for number, section in enumerate(spec.sections, start=1):
        if any(q.required and q.code not in state["answers"] for q in section.questions):
            # a page sent twice, or one skipped: back to the first part still to answer
            return redirect(target.step_url(number))
    limit = int(getattr(settings, "SURVEY_FORMS_PER_ADDRESS_PER_HOUR", 60))
    client = _client_hash(request, target.campaign.pk)
    recent = Response.objects.filter(
        campaign=target.campaign,
        client_hash=client,
        submitted_at__gte=timezone.now() - timedelta(hours=1),
    ).count()
    already = Response.objects.filter(campaign=target.campaign, form_number=state["id"]).exists()
    if recent >= limit and not already:
        return render(request, "surveys/public/busy.html", {"link": target}, status=429)
    submit_online(
        target,
        answers=state["answers"],
        form_id=state["id"],
        started_at=parse_datetime(state.get("started", "")),
        client_hash=client,
        respondent=target.respondent,
    )
    request.session.pop(target.key, None)
    return redirect(target.done_url())


@never_cache
def done(request: HttpRequest, token: str) -> HttpResponse:
    link = _link(token)
    return render(request, "surveys/public/done.html", {"link": link})


# --- officials: each respondent's personal link --------------------------------------------------


def _respondent(token: str) -> Respondent:
    return get_object_or_404(
        Respondent.objects.select_related("campaign__questionnaire", "campaign__scope"),
        token=token,
    )


@never_cache
def respondent_home(request: HttpRequest, token: str) -> HttpResponse:
    """An official's page: the communes they rate, each done or still to do."""
    from parindex.surveys.selectors import respondent_progress

    respondent = _respondent(token)
    communes = respondent_progress(respondent)
    just_done = next(
        (c["unit"] for c in communes if c["done"] and c["unit"].code == request.GET.get("xong")),
        None,
    )
    return render(
        request,
        "surveys/public/respondent.html",
        {
            "respondent": respondent,
            "campaign": respondent.campaign,
            "spec": respondent.campaign.questionnaire.parsed(),
            "communes": communes,
            "done": sum(1 for c in communes if c["done"]),
            "open": _is_open(respondent.campaign),
            "just_done": just_done,
        },
    )


@never_cache
def respondent_step(request: HttpRequest, token: str, unit_code: str, number: int) -> HttpResponse:
    """One page of an official's form for one commune; a commune already rated, or not theirs to
    rate, goes back to their list."""
    from parindex.surveys.selectors import respondent_communes

    respondent = _respondent(token)
    unit = next((u for u in respondent_communes(respondent) if u.code == unit_code), None)
    if unit is None:
        raise Http404
    home = reverse("surveys:respondent_home", args=[token])
    form_id = f"{respondent.code}-{unit.code}"
    if not _is_open(respondent.campaign):
        return redirect(home)
    if Response.objects.filter(campaign=respondent.campaign, form_number=form_id).exists():
        return redirect(home)
    target = Target(
        respondent.campaign,
        unit,
        f"survey:{token}:{unit.code}",
        form_id=form_id,
        respondent=respondent,
        token=token,
    )
    return _step(request, target, number)
