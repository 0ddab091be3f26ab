"""Does a document fit the requirement it is attached to? (pure: facts in, warnings out)

Each warning has a code and a sentence that explains itself (Vietnamese in the interface). They are
shown to the commune before submission and to the appraiser next to the citation, and never block
anything by themselves: people decide.

| code | when |
| --- | --- |
| `unreadable` | read, but (almost) no text: an empty or unreadable scan, or reading failed |
| `wrong_kind` | the document's kind is not the one the requirement names (a plan for a report) |
| `wrong_year` | a yearly document (plan, report, programme) dated outside the cycle's year, |
| | or a summary naming other years only ("Kế hoạch CCHC năm 2022" for 2023) |
| `after_deadline` | dated after the self-assessment deadline |
| `draft` | marked "DỰ THẢO", or its number left blank ("Số:    /QĐ-UBND") |
| `unsigned` | a PDF with a text layer (an e-document) without a digital signature, or a Word file |
| `signature_broken` | the signed content was changed, or the signature does not match |
| `signature_modified` | the file was changed after signing |
| `reused` | the same file is attached for an unrelated requirement of the same assessment |

A requirement's expected kind comes from its title ("Quyết định công bố ..." → a decision); a title
that names no kind ("Văn bản ...", "Ảnh chụp ...") accepts any. A decision that issues or approves
the expected kind ("Quyết định ban hành Quy chế ...") fits it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from parindex.evidence.facts import KINDS, fold, kind_of_words

# Kinds issued once a year for the year: their date and the year they name must fit the cycle.
YEARLY = {"ke_hoach", "bao_cao", "chuong_trinh"}
# Fewer letters than this in a read file: an empty or unreadable scan.
MIN_LETTERS = 60
# A plan for a year is often issued in the last quarter of the year before.
PLAN_FROM_MONTH = 10

_STOP = {
    "cua",
    "va",
    "cac",
    "ve",
    "viec",
    "nam",
    "ket",
    "qua",
    "thuc",
    "hien",
    "ban",
    "hanh",
    "cong",
    "tac",
    "tren",
    "dia",
    "xa",
    "phuong",
}


@dataclass(frozen=True)
class Seen:
    """What is known of a document: read from it, or confirmed by an officer."""

    file_kind: str  # pdf, docx, png ...
    read: bool = False  # reading finished (done or failed)
    failed: bool = False
    method: str = ""  # pdf, docx, ocr, none
    letters: int = 0
    kind: str = ""
    number: str = ""
    issued_on: dt.date | None = None
    summary: str = ""
    draft: bool = False
    signature: str = ""  # signatures.VALID ... or "" when not checked
    years: Sequence[int] = field(default_factory=tuple)


@dataclass(frozen=True)
class Warning:
    code: str
    message: str


def expected_kinds(title: str) -> set[str]:
    """The kinds a requirement's title asks for (empty: any kind)."""
    kind = kind_of_words(title)
    return {kind} if kind else set()


def _fits(kind: str, summary: str, expected: set[str]) -> bool:
    if not expected or not kind or kind in expected:
        return True
    if kind == "quyet_dinh":  # a decision that issues or approves the expected document
        folded = fold(summary)
        return any(fold(KINDS[e]) in folded for e in expected)
    return False


def _day(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def _content_words(title: str) -> set[str]:
    words = set(re.findall(r"\w+", fold(title)))
    for name in KINDS.values():
        words -= set(fold(name).split())
    return {w for w in words if len(w) > 1 and w not in _STOP}


def unrelated(title: str, other: str) -> bool:
    """Two requirements no single document should answer both of."""
    if fold(title).strip() == fold(other).strip():
        return False
    mine, theirs = expected_kinds(title), expected_kinds(other)
    if mine and theirs and not mine & theirs:
        return True
    a, b = _content_words(title), _content_words(other)
    if not a or not b:
        return False
    return len(a & b) / min(len(a), len(b)) < 0.5


def check(
    seen: Seen,
    *,
    requirement: str | None,
    year: int,
    deadline: dt.date | None,
    other_requirements: Sequence[str] = (),
) -> list[Warning]:
    """The warnings for a document attached for `requirement` (None: as another document)."""
    warnings: list[Warning] = []
    if seen.read and (seen.failed or (seen.method != "none" and seen.letters < MIN_LETTERS)):
        warnings.append(
            Warning(
                "unreadable",
                _(
                    "The file holds no readable text: an empty page or an unreadable scan? "
                    "Check that it is the right document and scan it again if needed."
                ),
            )
        )
    expected = expected_kinds(requirement or "")
    if requirement and not _fits(seen.kind, seen.summary, expected):
        wanted = " / ".join(sorted(KINDS[k].lower() for k in expected))
        warnings.append(
            Warning(
                "wrong_kind",
                _("This document is a %(kind)s, but the requirement asks for a %(wanted)s.")
                % {"kind": KINDS.get(seen.kind, seen.kind).lower(), "wanted": wanted},
            )
        )
    warnings += _year_warnings(seen, year)
    if seen.issued_on and deadline and seen.issued_on > deadline:
        warnings.append(
            Warning(
                "after_deadline",
                _(
                    "Dated %(day)s, after the self-assessment deadline (%(deadline)s): "
                    "a document issued later does not count for this cycle."
                )
                % {"day": _day(seen.issued_on), "deadline": _day(deadline)},
            )
        )
    warnings += _signature_warnings(seen)
    for other in other_requirements:
        if requirement and unrelated(requirement, other):
            warnings.append(
                Warning(
                    "reused",
                    _("The same file is also attached for “%(other)s”: is it the right one here?")
                    % {"other": other},
                )
            )
            break
    return warnings


def _year_warnings(seen: Seen, year: int) -> list[Warning]:
    if seen.issued_on and seen.kind in YEARLY:
        first = dt.date(year - 1, PLAN_FROM_MONTH, 1) if seen.kind == "ke_hoach" else None
        first = first or dt.date(year, 1, 1)
        # A report of the year may be dated early the next year; the deadline check covers it.
        last = dt.date(year + 1, 3, 31) if seen.kind == "bao_cao" else dt.date(year, 12, 31)
        if not first <= seen.issued_on <= last:
            return [
                Warning(
                    "wrong_year",
                    _("Dated %(day)s: this cycle assesses the year %(year)s.")
                    % {"day": _day(seen.issued_on), "year": year},
                )
            ]
    if seen.years and year not in seen.years:
        named = ", ".join(str(y) for y in seen.years)
        return [
            Warning(
                "wrong_year",
                _("Its summary names the year %(named)s: this cycle assesses the year %(year)s.")
                % {"named": named, "year": year},
            )
        ]
    return []


def _signature_warnings(seen: Seen) -> list[Warning]:
    if seen.draft:
        return [
            Warning(
                "draft",
                _(
                    "This looks like a draft (marked “dự thảo” or without its number): attach "
                    "the issued document."
                ),
            )
        ]
    if seen.signature == "broken":
        return [
            Warning(
                "signature_broken",
                _("The digital signature is broken: the signed content was changed."),
            )
        ]
    if seen.signature == "modified":
        return [
            Warning(
                "signature_modified",
                _("The file was changed after it was digitally signed."),
            )
        ]
    unsigned_pdf = seen.file_kind == "pdf" and seen.method == "pdf" and seen.signature == "none"
    if unsigned_pdf or (seen.file_kind == "docx" and seen.read):
        if seen.kind in {"quyet_dinh", "nghi_quyet", "chi_thi"}:
            text = _(
                "An unsigned file offered as an issued %(kind)s: attach the digitally signed "
                "copy or a scan of the signed and stamped original."
            ) % {"kind": KINDS[seen.kind].lower()}
        else:
            text = _(
                "The file is not digitally signed: attach the signed e-document or a scan of "
                "the signed original."
            )
        return [Warning("unsigned", text)]
    return []
