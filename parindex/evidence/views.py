"""Pages of the evidence reading: a document's facts (to confirm), and the search.

A read out of reach is a 404, a write a 403, as everywhere: reading a document's facts needs a
role covering its unit; confirming them or reading the file again needs the commune's entry right.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parindex.accounts.permissions import Perm, can, units_where
from parindex.assessments.models import AnswerDocument, Document
from parindex.evidence import search, services
from parindex.evidence.forms import FactsForm
from parindex.evidence.models import DocumentFacts, ReadStatus
from parindex.orgunits.models import Unit


def _document(request: HttpRequest, pk: int) -> Document:
    document = get_object_or_404(Document.objects.select_related("unit"), pk=pk)
    if not can(request.user, Perm.VIEW_UNIT, document.unit):  # type: ignore[arg-type]
        raise Http404
    return document


@login_required
def document_facts(request: HttpRequest, pk: int) -> HttpResponse:
    """What was read from the document, its signature, and the form to confirm the facts."""
    document = _document(request, pk)
    may_edit = can(request.user, Perm.ENTER_ASSESSMENT, document.unit)  # type: ignore[arg-type]
    facts = DocumentFacts.objects.filter(document=document).first()
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        form = FactsForm(request.POST)
        if form.is_valid():
            services.confirm(document, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
            messages.success(request, _("Document details confirmed."))
            return redirect("evidence:document", document.pk)
    else:
        day = document.issued_on or (facts.issued_on if facts else None)
        form = FactsForm(
            initial={
                "kind": facts.kind if facts else "",
                "number": document.number or (facts.number if facts else ""),
                "issued_on": day.strftime("%d/%m/%Y") if day else "",
                "summary": document.summary or (facts.summary if facts else ""),
                "issuer": facts.issuer if facts else "",
                "signer": facts.signer if facts else "",
            }
        )
    context = {
        "document": document,
        "facts": facts,
        "form": form,
        "may_edit": may_edit,
        "citations": AnswerDocument.objects.filter(document=document)
        .select_related("answer__node", "answer__assessment__cycle", "requirement")
        .order_by("answer__node__sort_key"),
    }
    if request.htmx and request.method == "GET":  # type: ignore[attr-defined]
        return render(request, "evidence/_reading.html", context)
    status = 422 if request.method == "POST" else 200
    return render(request, "evidence/document.html", context, status=status)


@login_required
@require_POST
def document_reread(request: HttpRequest, pk: int) -> HttpResponse:
    """Read the file again (after a better OCR model was installed, for instance)."""
    document = _document(request, pk)
    if not can(request.user, Perm.ENTER_ASSESSMENT, document.unit):  # type: ignore[arg-type]
        raise PermissionDenied
    services.queue_reading(document)
    messages.success(request, _("The document will be read again."))
    return redirect("evidence:document", document.pk)


@login_required
def search_documents(request: HttpRequest) -> HttpResponse:
    """Full-text search over the documents of the units the user's roles cover."""
    allowed = units_where(request.user, Perm.VIEW_UNIT)  # type: ignore[arg-type]
    units = Unit.objects.filter(
        pk__in=Document.objects.filter(unit__in=allowed).values("unit_id")
    ).order_by("name")
    query = request.GET.get("q", "").strip()[:200]
    chosen = units.filter(code=request.GET.get("don_vi", "")).first()
    scope = units.filter(pk=chosen.pk) if chosen else units
    hits = search.search(query, scope) if query else []
    return render(
        request,
        "evidence/search.html",
        {
            "query": query,
            "units": units,
            "chosen": chosen,
            "hits": hits,
            "reading": ReadStatus,
        },
    )
