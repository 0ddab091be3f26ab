"""Survey forms: bulk submission for partners that collect forms (idempotent by form number).

The forms go through the paper import (`surveys.actions.import_paper`), so they meet exactly the
same checks (who may key in which commune, answers, dates, quality flags, audit): the API writes
them into the import's workbook layout in memory. Re-sending a form number with the same answers
adds nothing (`duplicate`); with other answers it is refused (`paper.conflict`).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from pydantic import Field

from parindex.accounts.permissions import concerning
from parindex.api.common import user_of
from parindex.api.errors import ApiError, responses
from parindex.surveys.actions import import_paper
from parindex.surveys.models import Campaign, Response
from parindex.surveys.permissions import can_enter_paper
from parindex.surveys.problems import message

router = Router(tags=["surveys"])

MAX_FORMS = 1000


class CampaignOut(Schema):
    id: int
    name: str
    year: int
    scope_code: str
    questionnaire: str
    question_codes: list[str]
    opens_on: dt.date
    closes_on: dt.date


class FormIn(Schema):
    form_number: str = Field(..., min_length=1, max_length=60)
    unit: str = Field(..., min_length=1, max_length=20, description="The commune's code.")
    answered_on: dt.date | None = None
    answers: dict[str, str] = Field(default_factory=dict)


class BulkIn(Schema):
    forms: list[FormIn] = Field(..., min_length=1, max_length=MAX_FORMS)


class ItemOut(Schema):
    index: int
    form_number: str
    status: str  # added | duplicate | refused
    details: list[dict[str, Any]]


class BulkOut(Schema):
    added: int
    duplicates: int
    refused: int
    items: list[ItemOut]


def _campaigns(request: HttpRequest) -> Any:
    condition = concerning(user_of(request), "scope__path")
    if condition is None:
        return Campaign.objects.none()
    return Campaign.objects.filter(condition)


def _campaign(request: HttpRequest, campaign_id: int) -> Campaign:
    return get_object_or_404(
        _campaigns(request).select_related("scope", "questionnaire"), pk=campaign_id
    )


@router.get("/campaigns", response={200: list[CampaignOut], **responses()}, url_name="campaigns")
def list_campaigns(request: HttpRequest) -> list[dict[str, Any]]:
    """Survey campaigns that concern the token's units, with their question codes."""
    out = []
    for campaign in (
        _campaigns(request).select_related("scope", "questionnaire").order_by("-year", "pk")
    ):
        spec = campaign.questionnaire.parsed()
        out.append(
            {
                "id": campaign.pk,
                "name": campaign.name,
                "year": campaign.year,
                "scope_code": campaign.scope.code,
                "questionnaire": campaign.questionnaire.code,
                "question_codes": [q.code for _s, q in spec.questions()],
                "opens_on": campaign.opens_on,
                "closes_on": campaign.closes_on,
            }
        )
    return out


def _workbook(forms: list[FormIn], codes: list[str]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101
    sheet.append(["so_phieu", "ma_xa", "ngay", *codes])
    for form in forms:
        day = form.answered_on.strftime("%d/%m/%Y") if form.answered_on else ""
        sheet.append([form.form_number, form.unit, day, *(form.answers.get(c, "") for c in codes)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@router.post(
    "/campaigns/{campaign_id}/responses",
    response={200: BulkOut, **responses(403, 404, 422)},
    url_name="responses",
)
def submit_forms(request: HttpRequest, campaign_id: int, data: BulkIn) -> dict[str, Any]:
    """Submit survey forms in bulk (up to 1,000). Each form is `added`, a `duplicate` (that form
    number was already stored with the same answers: nothing added), or `refused` with its
    problems; the good ones are stored even when others are refused."""
    campaign = _campaign(request, campaign_id)
    user = user_of(request)
    if not can_enter_paper(user, campaign):
        raise ApiError(403, "forbidden")
    spec = campaign.questionnaire.parsed()
    known = {q.code.lower(): q.code for _s, q in spec.questions()}
    unknown = sorted({k for f in data.forms for k in f.answers if k.lower() not in known})
    if unknown:
        raise ApiError(
            422,
            "paper.unknown_column",
            details=[{"code": "paper.unknown_column", "question": k} for k in unknown],
        )
    forms = [
        f.model_copy(update={"answers": {known[k.lower()]: v for k, v in f.answers.items()}})
        for f in data.forms
    ]
    numbers = [f.form_number.strip() for f in forms]
    before = set(
        Response.objects.filter(campaign=campaign, form_number__in=numbers).values_list(
            "form_number", flat=True
        )
    )
    codes = list(known.values())
    report = import_paper(
        campaign,
        by=user,
        data=_workbook(forms, codes),
        filename="api",
        only_valid=True,
    )
    problems: dict[int, list[dict[str, Any]]] = {}
    for error in report.errors:
        index = error.row - 2  # row 1 is the header
        problems.setdefault(index, []).append(
            {
                "code": error.problem.code,
                "where": error.column,
                "message": str(message(error.problem)),
            }
        )
    if -1 in problems or -2 in problems:  # the whole submission was refused
        details = problems.get(-1, []) + problems.get(-2, [])
        raise ApiError(403 if _not_allowed(details) else 422, details[0]["code"], details=details)
    items = []
    for index, form in enumerate(forms):
        if index in problems:
            status = "refused"
        elif form.form_number.strip() in before:  # stored with the same answers
            status = "duplicate"
        else:
            status = "added"
        items.append(
            {
                "index": index,
                "form_number": form.form_number,
                "status": status,
                "details": problems.get(index, []),
            }
        )
    return {
        "added": sum(1 for i in items if i["status"] == "added"),
        "duplicates": sum(1 for i in items if i["status"] == "duplicate"),
        "refused": sum(1 for i in items if i["status"] == "refused"),
        "items": items,
    }


def _not_allowed(details: list[dict[str, Any]]) -> bool:
    return any(d["code"] == "paper.not_allowed" for d in details)
