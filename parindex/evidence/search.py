"""Full-text search over a unit's evidence documents.

What is searched is `DocumentFacts.folded`: the words of the document's number, summary, file name
and text, without accents and in lower case (`facts.fold`), so a query typed with or without
accents finds the same documents ("quyet dinh kien toan ban bien tap" finds "Quyết định kiện
toàn Ban biên tập").

- SQLite (the default): an FTS5 table `evidence_search` (rowid = the document's id), created by
  migration 0002 and kept up to date by `index_document`; ranked by bm25.
- PostgreSQL: `to_tsvector('simple', folded)` against a prefix `to_tsquery`, with a GIN index on
  that expression (migration 0002); ranked by `ts_rank`.

Every word of the query must be in the document (the last one as a prefix, so results come as the
officer types). The caller scopes the search to the units the user may read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection

from parindex.evidence.facts import fold

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from parindex.assessments.models import Document
    from parindex.evidence.models import DocumentFacts
    from parindex.orgunits.models import Unit

SNIPPET_CHARS = 90
MAX_RESULTS = 50


@dataclass(frozen=True)
class Hit:
    document: Document
    snippet: str  # a piece of the text around the first word found
    before: str  # the snippet in three parts, the word found in the middle, for highlighting
    found: str
    after: str


def searchable_text(facts: DocumentFacts) -> str:
    document = facts.document
    parts = [document.number, document.summary, document.name, facts.number, facts.summary]
    # Words only: "12/QĐ-UBND" is "12 qd ubnd" on both databases (PostgreSQL's parser would
    # keep "12/qd-ubnd" whole as a path).
    return " ".join(re.findall(r"\w+", fold("\n".join([*(p for p in parts if p), facts.text]))))


def index_document(facts: DocumentFacts) -> None:
    """Store the folded text of a document and, on SQLite, put it in the FTS5 table."""
    from parindex.evidence.models import DocumentFacts

    facts.folded = searchable_text(facts)
    DocumentFacts.objects.filter(pk=facts.pk).update(folded=facts.folded)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM evidence_search WHERE rowid = %s", [facts.pk])
            cursor.execute(
                "INSERT INTO evidence_search (rowid, body) VALUES (%s, %s)",
                [facts.pk, facts.folded],
            )


def words(query: str) -> list[str]:
    return re.findall(r"\w+", fold(query))[:12]


def _matching_ids(terms: list[str]) -> list[int]:
    if connection.vendor == "sqlite":
        match = " ".join(f'"{term}"' for term in terms[:-1]) + f' "{terms[-1]}"*'
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid FROM evidence_search WHERE evidence_search MATCH %s "
                "ORDER BY bm25(evidence_search) LIMIT 500",
                [match.strip()],
            )
            return [row[0] for row in cursor.fetchall()]
    if connection.vendor == "postgresql":
        tsquery = " & ".join([*terms[:-1], f"{terms[-1]}:*"])
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT document_id FROM evidence_documentfacts "
                "WHERE to_tsvector('simple', folded) @@ to_tsquery('simple', %s) "
                "ORDER BY ts_rank(to_tsvector('simple', folded), to_tsquery('simple', %s)) DESC "
                "LIMIT 500",
                [tsquery, tsquery],
            )
            return [row[0] for row in cursor.fetchall()]
    # Another database: every word as a substring of the folded text.
    from parindex.evidence.models import DocumentFacts

    found = DocumentFacts.objects.all()
    for term in terms:
        found = found.filter(folded__contains=term)
    return list(found.values_list("pk", flat=True)[:500])


def search(query: str, units: QuerySet[Unit]) -> list[Hit]:
    """The documents of `units` whose text holds every word of the query, best first."""
    from parindex.assessments.models import Document

    terms = words(query)
    if not terms:
        return []
    ids = _matching_ids(terms)
    documents = Document.objects.filter(pk__in=ids, unit__in=units).select_related("unit", "facts")
    by_id = {d.pk: d for d in documents}
    hits = []
    for pk in ids:
        document = by_id.get(pk)
        if document is not None:
            hits.append(_hit(document, terms))
        if len(hits) >= MAX_RESULTS:
            break
    return hits


def _hit(document: Document, terms: list[str]) -> Hit:
    """The piece of text around the query: the words together if they are, else the longest."""
    text = document.facts.text if hasattr(document, "facts") else ""
    folded = fold(text)
    patterns = [r"\b" + r"\W+".join(re.escape(t) for t in terms) + r"\w*"]
    patterns += [rf"\b{re.escape(t)}\w*" for t in sorted(terms, key=len, reverse=True)]
    match = None
    for pattern in patterns:
        match = re.search(pattern, folded)
        if match:
            break
    if match is None:
        snippet = " ".join(text[: SNIPPET_CHARS * 2].split())
        return Hit(document, snippet, snippet, "", "")
    at, end = match.start(), match.end()
    start = max(0, at - SNIPPET_CHARS)
    stop = min(len(text), end + SNIPPET_CHARS)
    before = ("…" if start else "") + " ".join(text[start:at].split()) + " "
    found = " ".join(text[at:end].split())
    after = " " + " ".join(text[end:stop].split()) + ("…" if stop < len(text) else "")
    return Hit(document, before + found + after, before, found, after)
