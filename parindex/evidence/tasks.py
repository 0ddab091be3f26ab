"""Background work of the evidence: reading an uploaded document (see `services.read`)."""

from __future__ import annotations

from django_tasks import task

from parindex.evidence import services


@task()
def read_document(document_id: int) -> str:
    """Read one evidence document: text, facts, signature; its page polls the progress."""
    return services.read(document_id)
