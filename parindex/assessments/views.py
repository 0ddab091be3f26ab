"""Pages of the yearly cycle: cycles and their board, a commune's assessment (self-assessment,
evidence, appraisal, explanations), evidence documents.

A read out of reach is a 404, a write a 403 (see `permissions.py`). Each criterion of the
assessment page is a card that saves itself through htmx and answers with the card again.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parindex.accounts.models import Role, RoleGrant, User
from parindex.accounts.permissions import (
    Perm,
    ancestor_paths,
    can,
    has_perm_anywhere,
    units_where,
)
from parindex.assessments import actions
from parindex.assessments.answers import read_answer
from parindex.assessments.forms import (
    CalendarForm,
    CycleForm,
    ReasonForm,
    ReopenForm,
    UploadForm,
)
from parindex.assessments.models import (
    Answer,
    AnswerDocument,
    AppraisalStatus,
    Assessment,
    Cycle,
    Document,
    Status,
)
from parindex.assessments.permissions import (
    assignments_of,
    can_appraise,
    can_enter,
    can_manage_cycle,
    can_submit,
    can_view_assessment,
    can_view_cycle,
    can_view_document,
)
from parindex.assessments.problems import message
from parindex.assessments.selectors import assessment_blocks, board, item_of, visible_cycles
from parindex.common.guards import require_any
from parindex.frameworks.permissions import visible_frameworks


def _problems(request: HttpRequest, exc: actions.AssessmentError) -> None:
    for problem in exc.problems[:20]:
        text = message(problem)
        messages.error(request, f"{problem.node}: {text}" if problem.node else text)


# --- cycles --------------------------------------------------------------------------------------


@login_required
def cycle_list(request: HttpRequest) -> HttpResponse:
    cycles = (
        visible_cycles(request.user)
        .select_related("scope", "framework")
        .order_by("-year", "scope__name")
    )
    mine = Assessment.objects.filter(
        cycle__in=cycles,
        unit__in=units_where(request.user, Perm.ENTER_ASSESSMENT),  # type: ignore[arg-type]
    ).select_related("unit", "cycle")
    return render(
        request,
        "assessments/cycle_list.html",
        {
            "cycles": cycles,
            "mine": mine,
            "can_open": has_perm_anywhere(request.user, Perm.MANAGE_CAMPAIGNS),  # type: ignore[arg-type]
        },
    )


@login_required
def cycle_create(request: HttpRequest) -> HttpResponse:
    require_any(request, Perm.MANAGE_CAMPAIGNS)
    scopes = units_where(request.user, Perm.MANAGE_CAMPAIGNS)  # type: ignore[arg-type]
    form = CycleForm(
        request.POST or None,
        frameworks=visible_frameworks(request.user),  # type: ignore[arg-type]
        scopes=scopes,
        initial={"rounds": 1},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            cycle = actions.open_cycle(by=request.user, **data)  # type: ignore[arg-type]
        except actions.AssessmentError as exc:
            form.add_error(None, [message(p) for p in exc.problems])
        else:
            messages.success(
                request,
                _("Cycle opened: %(n)d communes can self-assess.")
                % {"n": cycle.assessments.count()},
            )
            return redirect("assessments:cycle", cycle.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "assessments/cycle_form.html", {"form": form}, status=status)


def _cycle(request: HttpRequest, pk: int, *, manage: bool = False) -> Cycle:
    cycle = get_object_or_404(Cycle.objects.select_related("scope", "framework"), pk=pk)
    if not can_view_cycle(request.user, cycle):  # type: ignore[arg-type]
        raise Http404
    if manage and not can_manage_cycle(request.user, cycle):  # type: ignore[arg-type]
        raise PermissionDenied
    return cycle


@login_required
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The board: every commune of the cycle with its status and progress, on one screen."""
    cycle = _cycle(request, pk)
    units = units_where(request.user, Perm.VIEW_UNIT)  # type: ignore[arg-type]
    manage = can_manage_cycle(request.user, cycle)  # type: ignore[arg-type]
    appraisers: list[User] = []
    if manage:
        appraisers = list(
            User.objects.filter(
                Q(grants__role=Role.APPRAISER),
                Q(grants__in=RoleGrant.objects.active()),
                Q(grants__unit__path__startswith=cycle.scope.path)
                | Q(grants__unit__path__in=ancestor_paths(cycle.scope.path)),
            ).distinct()
        )
    rows = board(cycle, units)
    return render(
        request,
        "assessments/cycle_detail.html",
        {
            "cycle": cycle,
            "rows": rows,
            "manage": manage,
            "appraisers": appraisers,
            "fields": list(
                cycle.framework.nodes.filter(depth=1)
                .order_by("sort_key")
                .values_list("code", "title")
            ),
            "counts": {
                status: sum(1 for r in rows if r["assessment"].status == status)
                for status in Status.values
            },
            "today": timezone.localdate(),
        },
    )


@login_required
def cycle_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the phases' dates (the framework, the scope and the year stay)."""
    cycle = _cycle(request, pk, manage=True)
    form = CalendarForm(request.POST or None, initial=CalendarForm.initial_of(cycle))
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_calendar(cycle, by=request.user, changes=form.cleaned_data)  # type: ignore[arg-type]
        except actions.AssessmentError as exc:
            form.add_error(None, [message(p) for p in exc.problems])
        else:
            messages.success(request, _("Calendar saved."))
            return redirect("assessments:cycle", cycle.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "assessments/cycle_form.html", {"form": form, "cycle": cycle}, status=status
    )


@login_required
@require_POST
def cycle_close_self(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk, manage=True)
    if request.POST.get("confirm") != "1":
        messages.error(request, _("Tick the box to confirm, then press the button again."))
        return redirect("assessments:cycle", cycle.pk)
    try:
        actions.close_self_assessment(cycle, by=request.user)  # type: ignore[arg-type]
    except actions.AssessmentError as exc:
        _problems(request, exc)
    else:
        messages.success(request, _("Self-assessment scores closed: appraisal can start."))
    return redirect("assessments:cycle", cycle.pk)


@login_required
@require_POST
def cycle_assign(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk, manage=True)
    appraiser = User.objects.filter(pk=request.POST.get("appraiser") or 0).first()
    unit_ids = [int(v) for v in request.POST.getlist("units") if v.isdigit()]
    assessments = cycle.assessments.filter(unit_id__in=unit_ids).select_related("unit")
    codes = [c.strip() for c in request.POST.get("fields", "").split(",") if c.strip()]
    if appraiser is None or not unit_ids:
        messages.error(request, _("Choose an appraiser and at least one commune."))
        return redirect("assessments:cycle", cycle.pk)
    try:
        count = actions.assign_appraisers(
            cycle,
            by=request.user,  # type: ignore[arg-type]
            appraiser=appraiser,
            units=[a.unit for a in assessments],
            field_codes=codes,
        )
    except actions.AssessmentError as exc:
        _problems(request, exc)
    else:
        messages.success(
            request,
            _("%(name)s assigned to %(n)d communes.") % {"name": appraiser, "n": count},
        )
    return redirect("assessments:cycle", cycle.pk)


# --- one commune's assessment --------------------------------------------------------------------


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    assessment = get_object_or_404(
        Assessment.objects.select_related("unit", "cycle__framework", "cycle__scope"), pk=pk
    )
    if not can_view_assessment(request.user, assessment):  # type: ignore[arg-type]
        raise Http404
    return assessment


def _flags(request: HttpRequest, assessment: Assessment, items: list[Any]) -> None:
    """What the user may do on each criterion: appraise it, explain it."""
    user = request.user
    appraising = assessment.status == Status.APPRAISING
    assignments = assignments_of(user, assessment) if appraising else []  # type: ignore[arg-type]
    explaining = (
        can_enter(user, assessment)  # type: ignore[arg-type]
        and assessment.cycle.explanations_open()
        and assessment.status != Status.LOCKED
    )
    for item in items:
        item.can_appraise = appraising and can_appraise(
            user,  # type: ignore[arg-type]
            assessment,
            item.node.code,
            assignments,
        )
        item.can_explain = explaining and item.answer.appraisal_status in {
            AppraisalStatus.ADJUSTED,
            AppraisalStatus.QUESTIONED,
        }


def _documents(request: HttpRequest, assessment: Assessment) -> list[Document]:
    if not can_enter(request.user, assessment):  # type: ignore[arg-type]
        return []
    return list(Document.objects.filter(unit=assessment.unit).order_by("-uploaded_at"))


def _card_context(request: HttpRequest, answer: Answer) -> dict[str, Any]:
    from parindex.evidence.services import annotate

    item = item_of(answer)
    assessment = item.answer.assessment
    _flags(request, assessment, [item])
    annotate([item], assessment)  # what was read from each document, and its warnings
    return {
        "item": item,
        "assessment": assessment,
        "can_enter": can_enter(request.user, assessment) and assessment.entry_open(),  # type: ignore[arg-type]
        "documents": _documents(request, assessment),
    }


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    user = request.user
    from parindex.evidence.services import annotate

    blocks = assessment_blocks(assessment)
    _flags(request, assessment, [item for block in blocks for item in block.items])
    annotate([item for block in blocks for item in block.items], assessment)
    entering = can_enter(user, assessment) and assessment.entry_open()  # type: ignore[arg-type]
    gaps = actions.completeness(assessment) if entering else []
    context = {
        "assessment": assessment,
        "cycle": assessment.cycle,
        "blocks": blocks,
        "entering": entering,
        "documents": _documents(request, assessment),
        "can_submit": can_submit(user, assessment) and assessment.entry_open(),  # type: ignore[arg-type]
        "gaps": gaps,
        "unanswered": [g for g in gaps if g.unanswered],
        "self_total": sum((b.self_points for b in blocks), 0),
        "appraised_total": sum((b.appraised_points for b in blocks), 0),
        "manage": can(user, Perm.MANAGE_CAMPAIGNS, assessment.unit),  # type: ignore[arg-type]
        "reopen_form": ReopenForm(),
        "reason_form": ReasonForm(),
    }
    return render(request, "assessments/assessment_detail.html", context)


def _answer(request: HttpRequest, pk: int) -> Answer:
    answer = get_object_or_404(
        Answer.objects.select_related("node", "assessment__unit", "assessment__cycle"), pk=pk
    )
    if not can_view_assessment(request.user, answer.assessment):  # type: ignore[arg-type]
        raise Http404
    return answer


def _card(
    request: HttpRequest, answer: Answer, *, error: str = "", status: int = 200
) -> HttpResponse:
    context = _card_context(request, answer) | {"error": error}
    if request.htmx and request.POST.get("autosave") == "1":  # type: ignore[attr-defined]
        return render(request, "assessments/_autosaved.html", context, status=status)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "assessments/_answer.html", context, status=status)
    if error:
        messages.error(request, error)
    url = reverse("assessments:assessment", args=[answer.assessment_id])
    return redirect(f"{url}#answer-{answer.pk}")


def _refused(request: HttpRequest, answer: Answer, exc: actions.AssessmentError) -> HttpResponse:
    """The card again, saying why the change was refused (nothing was saved)."""
    return _card(request, answer, error=" ".join(message(p) for p in exc.problems))


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


@login_required
@require_POST
def answer_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the commune's answer to one criterion (htmx: answers with the card)."""
    answer = _answer(request, pk)
    if not can_enter(request.user, answer.assessment):  # type: ignore[arg-type]
        raise PermissionDenied
    rule = answer.node.parsed_rule()
    value = read_answer(rule, answer.node.source, request.POST)
    try:
        actions.save_answer(
            answer,
            by=request.user,  # type: ignore[arg-type]
            value=value,
            note=request.POST.get("note", "").strip(),
            expected_version=_version(request),
        )
    except actions.AssessmentError as exc:
        return _refused(request, answer, exc)
    return _card(request, answer)


@login_required
@require_POST
def answer_cite(request: HttpRequest, pk: int) -> HttpResponse:
    answer = _answer(request, pk)
    if not can_enter(request.user, answer.assessment):  # type: ignore[arg-type]
        raise PermissionDenied
    document = Document.objects.filter(
        pk=request.POST.get("document") or 0, unit=answer.assessment.unit
    ).first()
    requirement = answer.node.evidence.filter(pk=request.POST.get("requirement") or 0).first()
    if document is None:
        return _card(request, answer, error=_("Choose one of the commune's documents."))
    try:
        actions.cite_document(answer, document, by=request.user, requirement=requirement)  # type: ignore[arg-type]
    except actions.AssessmentError as exc:
        return _refused(request, answer, exc)
    return _card(request, answer)


@login_required
@require_POST
def answer_uncite(request: HttpRequest, pk: int, citation_pk: int) -> HttpResponse:
    answer = _answer(request, pk)
    if not can_enter(request.user, answer.assessment):  # type: ignore[arg-type]
        raise PermissionDenied
    citation = get_object_or_404(AnswerDocument, pk=citation_pk, answer=answer)
    try:
        actions.uncite_document(citation, by=request.user)  # type: ignore[arg-type]
    except actions.AssessmentError as exc:
        return _refused(request, answer, exc)
    return _card(request, answer)


@login_required
@require_POST
def answer_appraise(request: HttpRequest, pk: int) -> HttpResponse:
    answer = _answer(request, pk)
    if not can_appraise(request.user, answer.assessment, answer.node.code):  # type: ignore[arg-type]
        raise PermissionDenied
    decision = request.POST.get("decision", "")
    if decision not in {actions.AGREE, actions.ADJUST, actions.QUESTION}:
        return _card(request, answer, error=_("Choose: agree, adjust or ask for an explanation."))
    value = read_answer(answer.node.parsed_rule(), answer.node.source, request.POST)
    try:
        actions.appraise_answer(
            answer,
            by=request.user,  # type: ignore[arg-type]
            decision=decision,
            value=value,
            reason=request.POST.get("reason", ""),
            expected_version=_version(request),
        )
    except actions.AssessmentError as exc:
        return _refused(request, answer, exc)
    return _card(request, answer)


@login_required
@require_POST
def answer_explain(request: HttpRequest, pk: int) -> HttpResponse:
    answer = _answer(request, pk)
    if not can_enter(request.user, answer.assessment):  # type: ignore[arg-type]
        raise PermissionDenied
    try:
        actions.explain_answer(answer, by=request.user, text=request.POST.get("explanation", ""))  # type: ignore[arg-type]
    except actions.AssessmentError as exc:
        return _refused(request, answer, exc)
    return _card(request, answer)


@login_required
@require_POST
def assessment_agree_field(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    code = request.POST.get("field", "")
    assignments = assignments_of(request.user, assessment)  # type: ignore[arg-type]
    if not can_appraise(request.user, assessment, code, assignments):  # type: ignore[arg-type]
        raise PermissionDenied
    try:
        count = actions.agree_field(assessment, by=request.user, field_code=code)  # type: ignore[arg-type]
    except actions.AssessmentError as exc:
        _problems(request, exc)
    else:
        messages.success(request, _("%(n)d criteria agreed.") % {"n": count})
    return redirect(reverse("assessments:assessment", args=[assessment.pk]) + f"#field-{code}")


@login_required
@require_POST
def assessment_submit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    if not can_submit(request.user, assessment):  # type: ignore[arg-type]
        raise PermissionDenied
    try:
        actions.submit_assessment(assessment, by=request.user)  # type: ignore[arg-type]
    except actions.AssessmentError as exc:
        messages.error(
            request,
            _(
                "Not submitted: %(n)d criteria still need an answer or their documents "
                "(listed below)."
            )
            % {"n": len(exc.problems)},
        )
    else:
        messages.success(request, _("Self-assessment submitted to the secretariat."))
    return redirect("assessments:assessment", assessment.pk)


@login_required
@require_POST
def assessment_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    if not can(request.user, Perm.MANAGE_CAMPAIGNS, assessment.unit):  # type: ignore[arg-type]
        raise PermissionDenied
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a date and a reason to reopen."))
        return redirect("assessments:assessment", assessment.pk)
    try:
        actions.reopen_assessment(
            assessment,
            by=request.user,  # type: ignore[arg-type]
            until=form.cleaned_data["until"],
            reason=form.cleaned_data["reason"],
        )
    except actions.AssessmentError as exc:
        _problems(request, exc)
    else:
        messages.success(request, _("Reopened for the commune."))
    return redirect("assessments:assessment", assessment.pk)


@login_required
@require_POST
def assessment_lock(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    if not can(request.user, Perm.MANAGE_CAMPAIGNS, assessment.unit):  # type: ignore[arg-type]
        raise PermissionDenied
    try:
        if assessment.status == Status.LOCKED:
            form = ReasonForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Give the reason for reopening a locked result."))
                return redirect("assessments:assessment", assessment.pk)
            actions.unlock_assessment(
                assessment,
                by=request.user,  # type: ignore[arg-type]
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Unlocked for appraisal."))
        else:
            actions.lock_assessment(assessment, by=request.user)  # type: ignore[arg-type]
            messages.success(request, _("Result locked."))
    except actions.AssessmentError as exc:
        _problems(request, exc)
    return redirect("assessments:assessment", assessment.pk)


# --- evidence documents --------------------------------------------------------------------------


@login_required
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload an evidence document of the assessment's commune."""
    from parindex.assessments.uploads import UploadRefusedError

    assessment = _assessment(request, pk)
    if not can_enter(request.user, assessment):  # type: ignore[arg-type]
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                document = actions.upload_document(
                    by=request.user,  # type: ignore[arg-type]
                    unit=assessment.unit,
                    name=upload.name,
                    content=upload,
                    number=form.cleaned_data["number"],
                    issued_on=form.cleaned_data["issued_on"],
                    summary=form.cleaned_data["summary"],
                    max_bytes=settings.EVIDENCE_MAX_MB * 1024 * 1024,
                )
            except UploadRefusedError as exc:
                form.add_error("file", exc.message)
            else:
                messages.success(
                    request,
                    _("“%(name)s” uploaded: attach it to the criteria it proves.")
                    % {"name": document.name},
                )
                return redirect("assessments:assessment", assessment.pk)
    documents = list(Document.objects.filter(unit=assessment.unit).order_by("-uploaded_at"))
    return render(
        request,
        "assessments/document_upload.html",
        {
            "assessment": assessment,
            "form": form,
            "documents": documents,
            "max_mb": settings.EVIDENCE_MAX_MB,
        },
        status=status,
    )


@login_required
def document_file(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    """The file, through the permission check: PDFs and images inline, the rest as a download."""
    document = get_object_or_404(Document.objects.select_related("unit"), pk=pk)
    if not can_view_document(request.user, document):  # type: ignore[arg-type]
        raise Http404
    inline = document.previewable and request.GET.get("tai") != "1"
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=not inline,
        filename=document.name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def assessment_export(request: HttpRequest, pk: int, what: str, fmt: str) -> HttpResponse:
    """The self-assessment table or the appraisal table, as Excel or as a Word document."""
    from parindex.assessments.exports import APPRAISAL, SELF, export_docx, export_xlsx

    assessment = _assessment(request, pk)
    if what not in {SELF, APPRAISAL} or fmt not in {"xlsx", "docx"}:
        raise Http404
    content = export_xlsx(assessment, what) if fmt == "xlsx" else export_docx(assessment, what)
    types = {
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
    response = HttpResponse(content, content_type=types[fmt])
    name = f"{what}-{assessment.unit.code}-{assessment.cycle.year}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
