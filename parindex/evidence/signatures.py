"""Digital signatures of PDF documents (pyHanko): intact or not, who signed, when.

Vietnamese e-documents are PDFs signed by the issuing body (and often by its leader). For each
embedded signature pyHanko checks that the signed bytes still hash to what was signed and that the
signature matches the certificate's key; the diff analysis tells whether anything was added after
signing. The verdict, for the first signature found:

- `valid`: intact, the cryptography checks out, and nothing was changed after signing (or only
  what a signed form allows: more signatures, form fields);
- `modified`: intact, but the file was changed after signing by an incremental update;
- `broken`: the signed bytes were changed, or the signature does not match its certificate;
- `none`: no signature (an unsigned file); `unreadable`: not a PDF pyHanko can read.

`trusted` says whether the certificate chains to a trust root given to the validation context:
none is configured, so it is False and the page says the chain was not checked (the national
root CA list is the administrator's to add).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

logger = logging.getLogger(__name__)

VALID, MODIFIED, BROKEN, NONE, UNREADABLE = "valid", "modified", "broken", "none", "unreadable"


@dataclass(frozen=True)
class SignatureCheck:
    status: str
    signer: str = ""
    signed_at: dt.datetime | None = None
    trusted: bool = False
    count: int = 0
    detail: str = ""


def _common_name(cert: object) -> str:
    try:
        subject = cert.subject.native  # type: ignore[attr-defined]
    except (AttributeError, ValueError):
        return ""
    name = subject.get("common_name") or subject.get("organization_name") or ""
    return str(name)


T = TypeVar("T")


def off_loop(work: Callable[[], T]) -> T:
    """Run pyHanko's synchronous API (it calls asyncio.run) also where an event loop is running
    in this thread (an async worker, a browser driver): then in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def verify_pdf(data: bytes) -> SignatureCheck:
    """The verdict on a PDF's first signature; see the module docstring."""
    return off_loop(lambda: _verify(data))


def _verify(data: bytes) -> SignatureCheck:
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko_certvalidator import ValidationContext

    if not data.startswith(b"%PDF"):
        return SignatureCheck(UNREADABLE, detail="not a PDF")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError, TypeError, IndexError, OSError) as exc:
        return SignatureCheck(UNREADABLE, detail=str(exc)[:200])
    if not signatures:
        return SignatureCheck(NONE)
    embedded = signatures[0]
    signer = ""
    try:
        signer = _common_name(embedded.signer_cert)
        # No trust root is configured: the chain is reported untrusted, never fetched online.
        context = ValidationContext(trust_roots=[], allow_fetching=False)
        status = validate_pdf_signature(embedded, signer_validation_context=context)
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as exc:
        logger.info("signature could not be validated: %s", exc)
        return SignatureCheck(BROKEN, signer=signer, count=len(signatures), detail=str(exc)[:200])
    signed_at = status.signer_reported_dt
    if signed_at is not None and signed_at.tzinfo is None:
        signed_at = signed_at.replace(tzinfo=dt.UTC)
    signer = _common_name(status.signing_cert) or signer
    if not (status.intact and status.valid):
        verdict = BROKEN
    else:
        level = status.modification_level
        changed = level is not None and level > ModificationLevel.FORM_FILLING
        verdict = MODIFIED if changed or status.docmdp_ok is False else VALID
    return SignatureCheck(
        verdict,
        signer=signer,
        signed_at=signed_at,
        trusted=bool(status.trusted),
        count=len(signatures),
        detail=status.summary()[:200],
    )
