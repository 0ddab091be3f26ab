"""Fingerprints of published results: tampering with a stored version is detectable.

When a version is prepared, the SHA-256 of its canonical JSON — the cycle and version, the whole
snapshot, and every unit's published total, percent, rank and band — is stored with it. `verify`
recomputes it: a snapshot or a unit's figure changed afterwards by anything but the application
(raw SQL, a database console, a restored copy that was edited) no longer matches.
The fingerprint is also written in the audit entry of the preparation, so a forger would have
to rewrite the audit trail as well. `manage.py verify_publications` checks every version; the
publication page shows the result.

The canonical JSON: keys sorted, no spaces, UTF-8, decimals as the exact strings the snapshot
holds (never floats).
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from enum import StrEnum
from typing import Any

from parindex.audit.models import AuditEntry
from parindex.scoring.models import Publication, PublishedUnit


class Verdict(StrEnum):
    OK = "ok"
    TAMPERED = "tampered"
    UNSEALED = "unsealed"  # no fingerprint (should not happen: every version is sealed)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:f}"
    raise TypeError(f"not JSON: {type(value).__name__}")


def canonical(publication: Publication) -> bytes:
    units = [
        [unit_id, f"{total:f}", f"{percent:f}", rank, band]
        for unit_id, total, percent, rank, band in PublishedUnit.objects.filter(
            publication_id=publication.pk
        )
        .order_by("unit_id")
        .values_list("unit_id", "total", "percent", "rank", "band")
    ]
    document = {
        "cycle": publication.cycle_id,
        "version": publication.version,
        "snapshot": publication.snapshot,
        "units": units,
    }
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain
    ).encode()


def digest(publication: Publication) -> str:
    return hashlib.sha256(canonical(publication)).hexdigest()


def seal(publication: Publication) -> Publication:
    """Store the fingerprint of a version just prepared (its units written)."""
    stored = Publication.objects.get(pk=publication.pk)  # as the database returns it
    publication.sha256 = digest(stored)
    Publication.objects.filter(pk=publication.pk).update(sha256=publication.sha256)
    return publication


def verify(publication: Publication) -> Verdict:
    """Recompute the version's fingerprint from the database and compare it with the stored one
    and with the one the audit trail recorded when the version was prepared."""
    stored = Publication.objects.get(pk=publication.pk)
    if not stored.sha256:
        return Verdict.UNSEALED
    if digest(stored) != stored.sha256:
        return Verdict.TAMPERED
    recorded = (
        AuditEntry.objects.filter(
            object_type=Publication._meta.label_lower,
            object_id=str(stored.pk),
            new_value__has_key="sha256",
        )
        .order_by("at", "pk")
        .values_list("new_value", flat=True)
        .first()
    )
    if recorded is not None and recorded.get("sha256") != stored.sha256:
        return Verdict.TAMPERED
    return Verdict.OK
