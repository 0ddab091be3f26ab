"""Cycles, assessments and their answers; writing an answer; evidence documents."""

from __future__ import annotations

import datetime as dt
from typing import Any, BinaryIO, cast

from django.conf import settings
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Query, Router, Schema
from ninja import Status as Reply
from ninja.files import UploadedFile

from parindex.accounts.permissions import Perm, units_where
from parindex.api.common import Page, PageParams, Year, dec, page, refused, under_filter, user_of
from parindex.api.errors import ApiError, responses
from parindex.assessments import actions
from parindex.assessments.answers import read_answer
from parindex.assessments.models import (
    Answer,
    AnswerDocument,
    Assessment,
    Cycle,
    Document,
    Status,
)
from parindex.assessments.permissions import (
    can_enter,
    can_submit,
    can_view_assessment,
    can_view_document,
)
from parindex.assessments.problems import MESSAGES as PROBLEM_MESSAGES
from parindex.assessments.problems import message
from parindex.assessments.selectors import visible_cycles

router = Router(tags=["assessments"])

CONFLICTS = frozenset(
    {
        "assessment.entry_closed",
        "assessment.locked",
        "answer.changed_meanwhile",
        "answer.from_survey",
        "explanation.closed",
        "explanation.not_asked",
        "submit.unanswered",
        "submit.missing_documents",
    }
)


class UnitRef(Schema):
    id: int
    code: str
    name: str


class CycleOut(Schema):
    id: int
    name: str
    year: int
    scope: UnitRef
    framework_id: int
    self_opens_on: dt.date
    self_deadline: dt.date
    appraisal_deadline: dt.date
    self_closed: bool


class AssessmentOut(Schema):
    id: int
    cycle_id: int
    unit: UnitRef
    status: str
    submitted_at: dt.datetime | None


class AnswerOut(Schema):
    id: int
    node_code: str
    self_value: dict[str, Any] | None
    self_points: str | None
    self_note: str
    appraisal_status: str
    explanation: str
    version: int


class AssessmentDetailOut(AssessmentOut):
    entry_open: bool
    answers: list[AnswerOut]


class AssessmentFilters(Schema):
    cycle: int | None = None
    year: Year | None = None
    under: str | None = None
    status: Status | None = None


class AnswerIn(Schema):
    answer: dict[str, str | int | float | bool] | None = None
    note: str = ""
    version: int | None = None


class DocumentOut(Schema):
    id: int
    unit_id: int
    name: str
    kind: str
    content_type: str
    size: int
    sha256: str
    number: str
    issued_on: dt.date | None
    summary: str
    uploaded_at: dt.datetime


def _ref(unit: Any) -> dict[str, Any]:
    return {"id": unit.pk, "code": unit.code, "name": unit.name}


def cycle_out(cycle: Cycle) -> dict[str, Any]:
    return {
        "id": cycle.pk,
        "name": cycle.name,
        "year": cycle.year,
        "scope": _ref(cycle.scope),
        "framework_id": cycle.framework_id,
        "self_opens_on": cycle.self_opens_on,
        "self_deadline": cycle.self_deadline,
        "appraisal_deadline": cycle.appraisal_deadline,
        "self_closed": cycle.self_closed_at is not None,
    }


def assessment_out(assessment: Assessment) -> dict[str, Any]:
    return {
        "id": assessment.pk,
        "cycle_id": assessment.cycle_id,
        "unit": _ref(assessment.unit),
        "status": assessment.status,
        "submitted_at": assessment.submitted_at,
    }


def answer_out(answer: Answer) -> dict[str, Any]:
    return {
        "id": answer.pk,
        "node_code": answer.node.code,
        "self_value": answer.self_value,
        "self_points": dec(answer.self_points),
        "self_note": answer.self_note,
        "appraisal_status": answer.appraisal_status,
        "explanation": answer.explanation,
        "version": answer.version,
    }


def document_out(document: Document) -> dict[str, Any]:
    return {
        "id": document.pk,
        "unit_id": document.unit_id,
        "name": document.name,
        "kind": document.kind,
        "content_type": document.content_type,
        "size": document.size,
        "sha256": document.sha256,
        "number": document.number,
        "issued_on": document.issued_on,
        "summary": document.summary,
        "uploaded_at": document.uploaded_at,
    }


def _assessment(request: HttpRequest, assessment_id: int) -> Assessment:
    assessment = get_object_or_404(
        Assessment.objects.select_related("unit", "cycle"), pk=assessment_id
    )
    if not can_view_assessment(user_of(request), assessment):
        raise Http404
    return assessment


# --- cycles --------------------------------------------------------------------------------------


@router.get("/cycles", response={200: Page[CycleOut], **responses(422)}, url_name="cycles")
def list_cycles(
    request: HttpRequest, params: Query[PageParams], year: Year | None = None
) -> dict[str, Any]:
    """Cycles whose scope the token's roles cover, or that cover its units."""
    cycles = visible_cycles(user_of(request)).select_related("scope")
    if year is not None:
        cycles = cycles.filter(year=year)
    return page(cycles.order_by("-year", "scope__path", "pk"), params, cycle_out)


@router.get("/cycles/{cycle_id}", response={200: CycleOut, **responses(404)}, url_name="cycle")
def get_cycle(request: HttpRequest, cycle_id: int) -> dict[str, Any]:
    cycle = get_object_or_404(visible_cycles(user_of(request)).select_related("scope"), pk=cycle_id)
    return cycle_out(cycle)


# --- assessments and answers ---------------------------------------------------------------------


@router.get(
    "/assessments", response={200: Page[AssessmentOut], **responses(422)}, url_name="assessments"
)
def list_assessments(
    request: HttpRequest, filters: Query[AssessmentFilters], params: Query[PageParams]
) -> dict[str, Any]:
    """Assessments of the communes the token's roles cover."""
    rows = Assessment.objects.filter(
        unit__in=units_where(user_of(request), Perm.VIEW_UNIT)
    ).select_related("unit")
    if filters.cycle is not None:
        rows = rows.filter(cycle_id=filters.cycle)
    if filters.year is not None:
        rows = rows.filter(cycle__year=filters.year)
    if filters.status:
        rows = rows.filter(status=filters.status)
    rows = rows.filter(under_filter(request, filters.under, "unit__path"))
    return page(rows.order_by("-cycle__year", "unit__path", "pk"), params, assessment_out)


@router.get(
    "/assessments/{assessment_id}",
    response={200: AssessmentDetailOut, **responses(404)},
    url_name="assessment",
)
def get_assessment(request: HttpRequest, assessment_id: int) -> dict[str, Any]:
    """An assessment with its answers (self-assessment, appraisal status, explanation)."""
    assessment = _assessment(request, assessment_id)
    answers = assessment.answers.select_related("node").order_by("node__sort_key")
    return assessment_out(assessment) | {
        "entry_open": assessment.entry_open(),
        "answers": [answer_out(a) for a in answers],
    }


def _answer_to_write(request: HttpRequest, answer_id: int) -> Answer:
    """An answer the token sees (404 otherwise) and whose commune it may enter for (403)."""
    answer = get_object_or_404(
        Answer.objects.select_related("node", "assessment__unit", "assessment__cycle"),
        pk=answer_id,
    )
    user = user_of(request)
    if not can_view_assessment(user, answer.assessment):
        raise Http404
    if not can_enter(user, answer.assessment):
        raise ApiError(403, "forbidden")
    return answer


@router.put(
    "/answers/{answer_id}",
    response={200: AnswerOut, **responses(403, 404, 409, 422)},
    url_name="answer",
)
def put_answer(request: HttpRequest, answer_id: int, data: AnswerIn) -> dict[str, Any]:
    """The commune's self-assessment of one criterion, as on the page: `answer` holds the rule's
    inputs (`level`, `yes`, `achieved`/`required`, `value`, `count`, `done`/`planned`); an empty
    answer clears the points. Give the `version` you read: a change made meanwhile is a 409."""
    answer = _answer_to_write(request, answer_id)
    user = user_of(request)
    posted = {
        f"a_{key}": ("1" if value else "0") if isinstance(value, bool) else str(value)
        for key, value in (data.answer or {}).items()
    }
    value = read_answer(answer.node.parsed_rule(), answer.node.source, posted)
    try:
        saved = actions.save_answer(
            answer,
            by=user,
            value=value,
            note=data.note.strip(),
            expected_version=data.version,
        )
    except actions.AssessmentError as exc:
        raise refused(exc, message, conflict=CONFLICTS) from None
    saved.node = answer.node
    return answer_out(saved)


class ExplanationIn(Schema):
    text: str


@router.post(
    "/answers/{answer_id}/explanation",
    response={200: AnswerOut, **responses(403, 404, 409, 422)},
    url_name="answer_explanation",
)
def post_explanation(request: HttpRequest, answer_id: int, data: ExplanationIn) -> dict[str, Any]:
    """The commune's explanation (giải trình) of a criterion the appraisal adjusted or questioned,
    while the cycle's explanation window is open; it replaces the earlier one."""
    answer = _answer_to_write(request, answer_id)
    try:
        saved = actions.explain_answer(answer, by=user_of(request), text=data.text[:5000])
    except actions.AssessmentError as exc:
        raise refused(exc, message, conflict=CONFLICTS) from None
    saved.node = answer.node
    return answer_out(saved)


class CitationIn(Schema):
    document_id: int
    requirement_id: int | None = None


class CitationOut(Schema):
    id: int
    answer_id: int
    document_id: int
    requirement_id: int | None
    requirement: str


def citation_out(citation: AnswerDocument) -> dict[str, Any]:
    return {
        "id": citation.pk,
        "answer_id": citation.answer_id,
        "document_id": citation.document_id,
        "requirement_id": citation.requirement_id,
        "requirement": citation.requirement.title if citation.requirement else "",
    }


@router.get(
    "/answers/{answer_id}/citations",
    response={200: list[CitationOut], **responses(404)},
    url_name="answer_citations",
)
def list_citations(request: HttpRequest, answer_id: int) -> list[dict[str, Any]]:
    """The documents cited for a criterion, each as a required document or not."""
    answer = get_object_or_404(Answer.objects.select_related("assessment__unit"), pk=answer_id)
    if not can_view_assessment(user_of(request), answer.assessment):
        raise Http404
    rows = answer.citations.select_related("requirement").order_by("pk")
    return [citation_out(c) for c in rows]


@router.post(
    "/answers/{answer_id}/citations",
    response={201: CitationOut, **responses(403, 404, 409, 422)},
    url_name="answer_cite",
)
def post_citation(request: HttpRequest, answer_id: int, data: CitationIn) -> Reply:
    """Cite one of the commune's documents for a criterion (`requirement_id`: which required
    document it is, from the framework; none for a supporting document). Citing twice is
    harmless: the existing citation comes back."""
    answer = _answer_to_write(request, answer_id)
    document = Document.objects.filter(
        pk=data.document_id, unit_id=answer.assessment.unit_id
    ).first()
    if document is None:
        raise ApiError(
            422,
            "document.other_unit",
            PROBLEM_MESSAGES["document.other_unit"],
            [{"code": "document.other_unit", "where": "document_id"}],
        )
    requirement = None
    if data.requirement_id is not None:
        requirement = answer.node.evidence.filter(pk=data.requirement_id).first()
        if requirement is None:
            raise ApiError(
                422,
                "document.other_requirement",
                PROBLEM_MESSAGES["document.other_requirement"],
                [{"code": "document.other_requirement", "where": "requirement_id"}],
            )
    try:
        citation = actions.cite_document(
            answer, document, by=user_of(request), requirement=requirement
        )
    except actions.AssessmentError as exc:
        raise refused(exc, message, conflict=CONFLICTS) from None
    return Reply(201, citation_out(citation))


@router.delete(
    "/answers/{answer_id}/citations/{citation_id}",
    response={204: None, **responses(403, 404, 409)},
    url_name="answer_uncite",
)
def delete_citation(request: HttpRequest, answer_id: int, citation_id: int) -> Reply:
    """Take a cited document off a criterion (the document itself stays)."""
    answer = _answer_to_write(request, answer_id)
    citation = get_object_or_404(
        AnswerDocument.objects.select_related("requirement", "document"),
        pk=citation_id,
        answer=answer,
    )
    citation.answer = answer
    try:
        actions.uncite_document(citation, by=user_of(request))
    except actions.AssessmentError as exc:
        raise refused(exc, message, conflict=CONFLICTS) from None
    return Reply(204, None)


@router.post(
    "/assessments/{assessment_id}/submit",
    response={200: AssessmentOut, **responses(403, 404, 409)},
    url_name="assessment_submit",
)
def submit(request: HttpRequest, assessment_id: int) -> dict[str, Any]:
    """Send the self-assessment to the secretariat, as the commune leader does on the page.
    Refused (409) while a criterion is unanswered or lacks its required documents: `details`
    lists each one."""
    assessment = _assessment(request, assessment_id)
    user = user_of(request)
    if not can_submit(user, assessment):
        raise ApiError(403, "forbidden")
    try:
        actions.submit_assessment(assessment, by=user)
    except actions.AssessmentError as exc:
        raise refused(exc, message, conflict=CONFLICTS) from None
    return assessment_out(assessment)


# --- documents -----------------------------------------------------------------------------------


class DocumentIn(Schema):
    number: str = ""
    issued_on: dt.date | None = None
    summary: str = ""


@router.post(
    "/assessments/{assessment_id}/documents",
    response={201: DocumentOut, **responses(403, 404, 422)},
    url_name="documents",
)
def upload(
    request: HttpRequest,
    assessment_id: int,
    file: File[UploadedFile],
    meta: Form[DocumentIn],
) -> Reply:
    """Upload an evidence document of the assessment's commune (multipart: `file`, and optional
    `number`, `issued_on`, `summary`); checked by content and size like the page."""
    from parindex.assessments.uploads import UploadRefusedError

    assessment = _assessment(request, assessment_id)
    user = user_of(request)
    if not can_enter(user, assessment):
        raise ApiError(403, "forbidden")
    try:
        document = actions.upload_document(
            by=user,
            unit=assessment.unit,
            name=file.name or "",
            content=cast("BinaryIO", file),
            number=meta.number[:100],
            issued_on=meta.issued_on,
            summary=meta.summary[:500],
            max_bytes=settings.EVIDENCE_MAX_MB * 1024 * 1024,
        )
    except UploadRefusedError as exc:
        raise ApiError(
            422, f"upload.{exc.code}", exc.message, [{"code": exc.code, "message": exc.message}]
        ) from None
    return Reply(201, document_out(document))


class DocumentFilters(Schema):
    under: str | None = None
    year: Year | None = None
    q: str | None = None


@router.get(
    "/documents", response={200: Page[DocumentOut], **responses(422)}, url_name="document_list"
)
def list_documents(
    request: HttpRequest, filters: Query[DocumentFilters], params: Query[PageParams]
) -> dict[str, Any]:
    """Evidence documents of the units the token's roles cover, newest first. `year`: uploaded
    in that year; `q`: in the name, number or summary."""
    rows = Document.objects.filter(unit__in=units_where(user_of(request), Perm.VIEW_UNIT))
    if filters.year is not None:
        rows = rows.filter(uploaded_at__year=filters.year)
    if filters.q:
        rows = rows.filter(
            Q(name__icontains=filters.q)
            | Q(number__icontains=filters.q)
            | Q(summary__icontains=filters.q)
        )
    rows = rows.filter(under_filter(request, filters.under, "unit__path"))
    return page(rows.order_by("-uploaded_at", "-pk"), params, document_out)


def _document(request: HttpRequest, document_id: int) -> Document:
    document = get_object_or_404(Document.objects.select_related("unit"), pk=document_id)
    if not can_view_document(user_of(request), document):
        raise Http404
    return document


@router.get(
    "/documents/{document_id}",
    response={200: DocumentOut, **responses(404)},
    url_name="document",
)
def get_document(request: HttpRequest, document_id: int) -> dict[str, Any]:
    return document_out(_document(request, document_id))


@router.get(
    "/documents/{document_id}/file",
    response={200: bytes, **responses(404)},
    url_name="document_file",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file itself.",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def download(request: HttpRequest, document_id: int) -> FileResponse:
    """The document's file, always as a download (same checks as the page)."""
    document = _document(request, document_id)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
