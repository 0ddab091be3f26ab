"""Text from PDFs, Word files and scans; digital signatures checked with pyHanko."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from parindex.evidence import corpus, signatures
from parindex.evidence.extract import ExtractionError, extract_text
from parindex.evidence.facts import read_facts
from tests.evidence.builders import blank_scan


def test_a_text_pdf_is_read_from_its_text_layer(documents: dict[str, bytes]) -> None:
    extracted = extract_text(documents["report_2025"], "pdf")
    assert extracted.method == "pdf"
    assert extracted.pages >= 1
    facts = read_facts(extracted.text)
    assert (facts.kind, facts.number, facts.issued_on) == (
        "bao_cao",
        "41/BC-UBND",
        dt.date(2025, 12, 15),
    )


def test_a_word_file_is_read_with_its_header_table(documents: dict[str, bytes]) -> None:
    extracted = extract_text(documents["decision_docx"], "docx")
    assert extracted.method == "docx"
    facts = read_facts(extracted.text)
    assert (facts.kind, facts.number, facts.issued_on) == (
        "quyet_dinh",
        "13/QĐ-UBND",
        dt.date(2025, 3, 1),
    )
    assert facts.summary == "Về việc công bố danh mục thủ tục hành chính"
    assert facts.signer == "Nguyễn Văn An"


def test_a_scanned_pdf_is_read_by_ocr(documents: dict[str, bytes], tmp_path: object) -> None:
    import random
    from pathlib import Path

    folder = Path(str(tmp_path))
    (folder / "plan.pdf").write_bytes(documents["plan_2025"])
    corpus._scan(folder / "plan.pdf", folder / "scan.pdf", random.Random(1), as_pdf=True)
    seen = []
    extracted = extract_text((folder / "scan.pdf").read_bytes(), "pdf", progress=seen.append)
    assert extracted.method == "ocr"
    assert seen
    assert seen[-1] >= 90
    facts = read_facts(extracted.text)
    assert (facts.kind, facts.number, facts.issued_on) == (
        "ke_hoach",
        "36/KH-UBND",
        dt.date(2025, 1, 20),
    )


def test_an_empty_scan_gives_no_text() -> None:
    extracted = extract_text(blank_scan(), "png")
    assert extracted.method == "ocr"
    assert len(extracted.text.strip()) < 5


def test_a_damaged_file_is_an_error() -> None:
    with pytest.raises(ExtractionError):
        extract_text(b"%PDF-1.4 garbage", "pdf")
    with pytest.raises(ExtractionError):
        extract_text(b"PK\x03\x04 not a word file", "docx")


def test_an_excel_file_is_not_read() -> None:
    assert extract_text(b"PK", "xlsx").method == "none"


def test_signed_intact(documents: dict[str, bytes]) -> None:
    check = signatures.verify_pdf(documents["decision_signed"])
    assert check.status == signatures.VALID
    assert check.signer == "Ủy ban nhân dân xã An Bình (thử nghiệm)"
    assert check.signed_at is not None
    assert abs(check.signed_at - dt.datetime.now(dt.UTC)) < dt.timedelta(hours=1)
    assert not check.trusted  # a self-signed test certificate chains to no trusted root
    assert check.count == 1


def test_signed_then_modified_is_broken(documents: dict[str, bytes]) -> None:
    signed = bytearray(documents["decision_signed"])
    at = signed.find(b"stream", 100) + 40  # inside the first content stream: a signed byte
    signed[at] = (signed[at] + 1) % 256
    assert signatures.verify_pdf(bytes(signed)).status == signatures.BROKEN


def test_signed_then_changed_by_an_update_is_modified(documents: dict[str, bytes]) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(documents["decision_signed"]))
    writer.root["/Lang"] = generic.TextStringObject("vi")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    assert signatures.verify_pdf(out.getvalue()).status == signatures.MODIFIED


def test_unsigned_and_unreadable(documents: dict[str, bytes]) -> None:
    assert signatures.verify_pdf(documents["decision_2025"]).status == signatures.NONE
    assert signatures.verify_pdf(b"not a pdf").status == signatures.UNREADABLE
