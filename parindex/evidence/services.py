"""Reading evidence documents, confirming what was read, and the warnings on an assessment page.

- `queue_reading(document)`: called when a document is uploaded; records a `DocumentFacts` row
  (queued) and enqueues `tasks.read_document` once the upload's transaction commits.
- `read(document_id)`: the task's work: the text (`extract.py`), the facts (`facts.py`), the
  signature (`signatures.py`); the document's number, date and summary left blank at upload are
  filled from the facts (audited, by nobody: the officer confirms them), and the text is indexed
  for search (`search.py`). Progress goes 0 → 100 in `DocumentFacts.progress`.
- `confirm(document, ...)`: an officer confirms or corrects the facts (audited, old and new).
- `annotate(items, assessment)`: sets `.facts` and `.warnings` on each citation of the items an
  assessment page shows (a fixed number of queries).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from parindex.audit.actions import changed, record
from parindex.audit.models import AuditAction
from parindex.evidence import checks, extract, search, signatures
from parindex.evidence.facts import KINDS, read_facts
from parindex.evidence.models import DocumentFacts, Method, ReadStatus

if TYPE_CHECKING:
    from parindex.accounts.models import User
    from parindex.assessments.models import Assessment, Document
    from parindex.assessments.selectors import Item

logger = logging.getLogger(__name__)

# The kinds of files that are read (Excel tables are not a document's text).
READABLE_KINDS = {"pdf", "docx", "png", "jpeg"}


def queue_reading(document: Document) -> DocumentFacts:
    """Record that the document waits to be read, and read it once the upload is committed."""
    from parindex.evidence.tasks import read_document

    facts, _created = DocumentFacts.objects.update_or_create(
        document=document,
        defaults={"status": ReadStatus.QUEUED, "progress": 0, "error": ""},
    )
    transaction.on_commit(partial(read_document.enqueue, document.pk))
    return facts


def display_summary(kind: str, summary: str) -> str:
    """The summary as a list shows it: "Kế hoạch cải thiện Chỉ số ..." from its parts."""
    summary = summary.strip()
    if not summary:
        return ""
    name = KINDS.get(kind, "")
    if not name or summary.casefold().startswith(name.casefold()):
        return summary
    if summary.casefold().startswith("v/v"):
        summary = "về việc" + summary[3:]
    return f"{name} {summary[0].lower()}{summary[1:]}"


def read(document_id: int) -> str:
    """Read one document (see the module docstring); returns the final status."""
    from parindex.assessments.models import Document

    document = Document.objects.select_related("unit").get(pk=document_id)
    facts, _created = DocumentFacts.objects.get_or_create(document=document)
    DocumentFacts.objects.filter(pk=facts.pk).update(
        status=ReadStatus.RUNNING, progress=1, error=""
    )
    last = [1]

    def progress(percent: int) -> None:
        value = max(1, min(int(percent), 99))
        if value != last[0]:
            last[0] = value
            DocumentFacts.objects.filter(pk=facts.pk).update(progress=value)

    if document.kind not in READABLE_KINDS:
        DocumentFacts.objects.filter(pk=facts.pk).update(
            status=ReadStatus.DONE, progress=100, method=Method.NONE, read_at=timezone.now()
        )
        return ReadStatus.DONE
    try:
        with document.file.open("rb") as handle:
            data = handle.read()
        extracted = extract.extract_text(data, document.kind, progress=progress)
    except (extract.ExtractionError, OSError) as exc:
        logger.info("document %s could not be read: %s", document.pk, exc)
        DocumentFacts.objects.filter(pk=facts.pk).update(
            status=ReadStatus.FAILED, progress=100, error=str(exc)[:300], read_at=timezone.now()
        )
        return ReadStatus.FAILED
    found = read_facts(extracted.text)
    signature = signatures.verify_pdf(data) if document.kind == "pdf" else None
    progress(97)
    facts.refresh_from_db()
    facts.status = ReadStatus.DONE
    facts.progress = 100
    facts.method = extracted.method
    facts.pages = extracted.pages
    facts.text = extracted.text
    facts.read_at = timezone.now()
    facts.kind = found.kind
    facts.kind_from = found.kind_from
    facts.number = found.number[:100]
    facts.issued_on = found.issued_on
    facts.issuer = found.issuer[:300]
    facts.summary = found.summary[:500]
    facts.signer = found.signer[:120]
    facts.signer_title = found.signer_title[:120]
    facts.draft = found.draft
    facts.confidence = found.confidence
    if signature is not None:
        facts.signature = signature.status
        facts.signature_signer = signature.signer[:200]
        facts.signed_at = signature.signed_at
        facts.signature_trusted = signature.trusted
    with transaction.atomic():
        facts.save()
        _fill_blanks(document, facts)
        search.index_document(facts)
    return ReadStatus.DONE


def _fill_blanks(document: Document, facts: DocumentFacts) -> None:
    """What the officer left blank at upload, filled from what was read (to confirm)."""
    changes: dict[str, Any] = {}
    if not document.number and facts.number:
        changes["number"] = facts.number
    if document.issued_on is None and facts.issued_on is not None:
        changes["issued_on"] = facts.issued_on
    if not document.summary and facts.summary:
        changes["summary"] = display_summary(facts.kind, facts.summary)[:500]
    if not changes:
        return
    old = {name: getattr(document, name) for name in changes}
    for name, value in changes.items():
        setattr(document, name, value)
    document.save(update_fields=list(changes))
    record(
        actor=None,
        action=AuditAction.DOCUMENT_FACTS,
        obj=document,
        unit=document.unit,
        old=old,
        new=changes,
        reason="đọc tự động từ nội dung tài liệu",
    )


def confirm(
    document: Document,
    *,
    by: User | None,
    kind: str,
    number: str,
    issued_on: dt.date | None,
    summary: str,
    issuer: str,
    signer: str,
) -> DocumentFacts:
    """The officer's confirmation (or correction) of what was read; audited with old and new."""
    facts, _created = DocumentFacts.objects.get_or_create(
        document=document, defaults={"status": ReadStatus.DONE}
    )
    before = {
        "kind": facts.kind,
        "number": document.number,
        "issued_on": document.issued_on,
        "summary": document.summary,
        "issuer": facts.issuer,
        "signer": facts.signer,
    }
    after = {
        "kind": kind,
        "number": number,
        "issued_on": issued_on,
        "summary": summary,
        "issuer": issuer,
        "signer": signer,
    }
    old, new = changed(before, after)
    with transaction.atomic():
        document.number, document.issued_on, document.summary = number, issued_on, summary
        document.save(update_fields=["number", "issued_on", "summary"])
        facts.kind, facts.issuer, facts.signer = kind, issuer, signer
        facts.confirmed_at = timezone.now()
        facts.confirmed_by = by
        facts.save()
        record(
            actor=by,
            action=AuditAction.DOCUMENT_FACTS,
            obj=document,
            unit=document.unit,
            old=old or None,
            new=new or {"confirmed": True},
            reason="xác nhận thông tin tài liệu",
        )
        search.index_document(facts)
    return facts


def seen_of(document: Document, facts: DocumentFacts | None) -> checks.Seen:
    """What the checks know of a document: the officer's values first, then what was read."""
    import re

    from parindex.evidence.facts import fold

    summary = document.summary or (facts.summary if facts else "")
    years = sorted({int(y) for y in re.findall(r"\bnam\s+((?:19|20)\d\d)\b", fold(summary))})
    if facts is None:
        return checks.Seen(
            file_kind=document.kind,
            number=document.number,
            issued_on=document.issued_on,
            summary=summary,
            years=years,
        )
    return checks.Seen(
        file_kind=document.kind,
        read=facts.finished,
        failed=facts.status == ReadStatus.FAILED,
        method=facts.method,
        letters=extract.letters(facts.text),
        kind=facts.kind,
        number=document.number or facts.number,
        issued_on=document.issued_on or facts.issued_on,
        summary=summary,
        draft=facts.draft and not document.number,
        signature=facts.signature,
        years=years,
    )


def annotate(items: Iterable[Item], assessment: Assessment) -> None:
    """Set `facts` and `warnings` on every citation of the items (for the assessment page)."""
    from parindex.assessments.models import AnswerDocument

    items = list(items)
    citations = [c for item in items for c in item.citations]
    if not citations:
        return
    cycle = assessment.cycle
    deadline = max(d for d in (cycle.self_deadline, assessment.reopened_until) if d)
    facts_of = {
        f.document_id: f
        for f in DocumentFacts.objects.filter(
            document_id__in={c.document_id for c in citations}
        ).defer("folded")
    }
    # The requirements each document (or the same file under another name) is attached for.
    uses: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for cited in AnswerDocument.objects.filter(
        answer__assessment=assessment, requirement__isnull=False
    ).values("pk", "document__sha256", "requirement__title"):
        uses[cited["document__sha256"]].append((cited["pk"], cited["requirement__title"]))
    for item in items:
        titles = {r.pk: r.title for r in item.requirements}
        for citation in item.citations:
            facts = facts_of.get(citation.document_id)
            title = titles.get(citation.requirement_id) if citation.requirement_id else None
            others = [t for pk, t in uses[citation.document.sha256] if pk != citation.pk]
            citation.facts = facts  # type: ignore[attr-defined]
            citation.warnings = checks.check(  # type: ignore[attr-defined]
                seen_of(citation.document, facts),
                requirement=title,
                year=cycle.year,
                deadline=deadline,
                other_requirements=others,
            )
