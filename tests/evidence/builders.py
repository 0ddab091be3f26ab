"""State documents for the evidence tests, made as offices make them: Word in the state format,
converted to PDF by LibreOffice, some signed, some rendered as scans."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from parindex.evidence.corpus import convert_to_pdf
from parindex.reports.docx import Section, StateDocument, place_date, render_docx

TITLES = {"KH": "Kế hoạch", "BC": "Báo cáo", "QĐ": "Quyết định", "TB": "Thông báo"}


def state(
    symbol: str,
    serial: int,
    day: dt.date,
    summary: str,
    *,
    place: str = "An Bình",
    signer: str = "Nguyễn Văn An",
    number: str = "",
) -> StateDocument:
    return StateDocument(
        superior="UBND huyện Thanh Miện",
        issuer=f"Ủy ban nhân dân xã {place}",
        number=f"Số: {number or f'{serial}/{symbol}-UBND'}",
        place_date=place_date(place, day),
        kind=TITLES[symbol],
        summary=summary,
        grounds=("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",),
        sections=(
            Section(
                "I. NỘI DUNG",
                (f"Triển khai thực hiện trên địa bàn xã {place} bảo đảm đúng quy định.",),
            ),
        ),
        recipients=("UBND huyện;",),
        signer=signer,
    )


def pdfs(folder: Path, documents: dict[str, StateDocument]) -> dict[str, bytes]:
    """Each document as PDF bytes, by name (one LibreOffice call for all)."""
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for name, document in documents.items():
        path = folder / f"{name}.docx"
        path.write_bytes(render_docx(document))
        names.append(path)
    convert_to_pdf(folder, names)
    return {name: (folder / f"{name}.pdf").read_bytes() for name in documents}


def blank_scan() -> bytes:
    """A photo of an empty page (an unreadable scan)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (1240, 1754), 250).save(out, "PNG")
    return out.getvalue()
