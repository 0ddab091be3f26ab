"""The text of an evidence document: a PDF's text layer (pypdf), a Word file (python-docx), or OCR
(Tesseract with its Vietnamese model, through pytesseract) for scanned PDFs and photos.

A PDF page with (almost) no text layer is a scan: it is rendered with poppler's `pdftoppm` and read
by OCR, page by page, up to `MAX_OCR_PAGES` pages. Excel files are not read (their tables are not a
document's text). Nothing here touches the database: `extract_text` takes bytes and a kind (as
`assessments.uploads` detected it) and gives the text, the method and the pages read, calling
`progress(percent)` as it goes.
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

OCR_LANGUAGE = "vie"
OCR_DPI = 200
MAX_OCR_PAGES = 20
# A page that draws an image and has fewer letters than this in its text layer is read as a scan.
MIN_PAGE_LETTERS = 40

PDF, DOCX, OCR, NONE = "pdf", "docx", "ocr", "none"


class ExtractionError(Exception):
    """The file could not be read (damaged, or the OCR engine is missing)."""


@dataclass(frozen=True)
class Extracted:
    text: str
    method: str  # PDF, DOCX, OCR or NONE
    pages: int


Progress = Callable[[int], None]


def _no_progress(percent: int) -> None:
    return None


def extract_text(data: bytes, kind: str, *, progress: Progress = _no_progress) -> Extracted:
    """The text of a file of the given kind ("pdf", "docx", "png", "jpeg" ...)."""
    if kind == "pdf":
        return _pdf(data, progress)
    if kind == "docx":
        return Extracted(docx_text(data), DOCX, 1)
    if kind in {"png", "jpeg"}:
        return Extracted(ocr_image(data), OCR, 1)
    return Extracted("", NONE, 0)


def letters(text: str) -> int:
    return sum(1 for char in text if char.isalpha())


def _pdf(data: bytes, progress: Progress) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        count = len(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ExtractionError(str(exc)) from exc
    texts: list[str] = []
    scanned: list[int] = []
    for index, page in enumerate(reader.pages):
        try:
            text = page.extract_text() or ""
        except (PyPdfError, ValueError, KeyError, TypeError) as exc:
            logger.info("page %s of a PDF has no readable text layer: %s", index + 1, exc)
            text = ""
        texts.append(text)
        if letters(text) < MIN_PAGE_LETTERS and _has_image(page):
            scanned.append(index)
        progress(5 + 25 * (index + 1) // max(count, 1))
    if not scanned or count == 0:
        return Extracted("\n\n".join(texts).strip(), PDF, count)
    for done, index in enumerate(scanned[:MAX_OCR_PAGES]):
        page_text = ocr_pdf_page(data, index + 1)
        if letters(page_text) > letters(texts[index]):
            texts[index] = page_text
        progress(30 + 65 * (done + 1) // len(scanned[:MAX_OCR_PAGES]))
    method = OCR if len(scanned) * 2 >= count else PDF
    return Extracted("\n\n".join(t.strip() for t in texts).strip(), method, count)


def _has_image(page: object) -> bool:
    """Does the page draw an image (a scan), rather than being short of text (a last page)?"""
    try:
        resources = page["/Resources"]  # type: ignore[index]
        objects = resources.get("/XObject") or {}
        return any(objects[name].get_object().get("/Subtype") == "/Image" for name in objects)
    except (KeyError, TypeError, AttributeError, ValueError):
        return False


def docx_text(data: bytes) -> str:
    """A Word file's paragraphs and tables in the order of the body (a table cell by cell)."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        word = Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds for a damaged file
        raise ExtractionError(str(exc)) from exc
    lines: list[str] = []

    def table_lines(table: Table) -> None:
        for row in table.rows:
            seen: set[int] = set()
            for cell in row.cells:
                if id(cell._tc) in seen:  # a merged cell appears once per column it spans
                    continue
                seen.add(id(cell._tc))
                for block in cell.iter_inner_content():
                    if isinstance(block, Paragraph):
                        lines.append(block.text)
                    else:
                        table_lines(block)

    for block in word.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        else:
            table_lines(block)
    return "\n".join(lines).strip()


def _tesseract() -> str:
    path = shutil.which("tesseract")
    if path is None:
        raise ExtractionError("tesseract is not installed")
    return path


def ocr_image(data: bytes) -> str:
    """The text of a photo or a scanned page, by Tesseract's Vietnamese model."""
    import pytesseract
    from PIL import Image, ImageOps, UnidentifiedImageError

    _tesseract()
    try:
        opened = Image.open(io.BytesIO(data))
        image: Image.Image = ImageOps.exif_transpose(opened) or opened
        image = image.convert("L")
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ExtractionError(str(exc)) from exc
    # Tesseract's own threads only fight each other (and the web workers) on a small server.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        text: str = pytesseract.image_to_string(image, lang=OCR_LANGUAGE)
    except pytesseract.TesseractError as exc:
        raise ExtractionError(str(exc)) from exc
    return text


def ocr_pdf_page(data: bytes, page: int) -> str:
    """Render one page of a PDF (poppler's pdftoppm) and read it by OCR."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise ExtractionError("pdftoppm (poppler-utils) is not installed")
    with tempfile.TemporaryDirectory(prefix="parindex-ocr-") as folder:
        source = Path(folder) / "in.pdf"
        source.write_bytes(data)
        args = [pdftoppm, "-r", str(OCR_DPI), "-gray", "-png", "-f", str(page), "-l", str(page)]
        try:
            subprocess.run(  # noqa: S603 - a fixed program on our own temporary files
                [*args, "-singlefile", str(source), str(Path(folder) / "page")],
                check=True,
                capture_output=True,
                timeout=120,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise ExtractionError(f"page {page} could not be rendered") from exc
        return ocr_image((Path(folder) / "page.png").read_bytes())
