"""A commune's self-assessment table and appraisal table, as Excel and as a Word document in the
state format (Nghị định 30/2020/NĐ-CP): code, criterion, maximum, self-assessed points,
appraised points, reason — field rows in bold, totals last.

The self-assessment report is issued by the commune's People's Committee; the appraisal table by
the secretariat of the scope that runs the index. Numbers are written the Vietnamese way (2,85).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from parindex.assessments.models import Assessment
from parindex.assessments.selectors import FieldBlock, assessment_blocks
from parindex.frameworks.rules import fmt
from parindex.reports.docx import Section, StateDocument, Table, place_date, render_docx
from parindex.reports.xlsx import Sheet, render_xlsx

SELF, APPRAISAL = "tu-danh-gia", "tham-dinh"
COLUMNS = (
    "STT",
    "Mã",
    "Tiêu chí",
    "Điểm tối đa",
    "Điểm tự đánh giá",
    "Điểm thẩm định",
    "Lý do, giải trình",
)


def points(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def _rows(blocks: list[FieldBlock], what: str) -> tuple[list[tuple[str, ...]], list[int]]:
    rows: list[tuple[str, ...]] = []
    bold: list[int] = []
    number = 0
    for block in blocks:
        bold.append(len(rows))
        rows.append(
            (
                "",
                block.node.code,
                block.node.title.upper(),
                fmt(block.node.max_points),
                points(block.self_points),
                points(block.appraised_points) if what == APPRAISAL else "",
                "",
            )
        )
        for item in block.items:
            number += 1
            answer = item.answer
            reason = answer.appraisal_reason if what == APPRAISAL else answer.self_note
            if what == APPRAISAL and answer.explanation:
                reason = f"{reason} — Giải trình: {answer.explanation}".strip(" —")
            rows.append(
                (
                    str(number),
                    item.node.code,
                    item.node.title,
                    fmt(item.node.max_points),
                    "Khảo sát" if item.from_survey else points(answer.self_points),
                    points(answer.appraised_points) if what == APPRAISAL else "",
                    reason,
                )
            )
    return rows, bold


def _totals(blocks: list[FieldBlock], what: str, maximum: Decimal) -> tuple[str, ...]:
    self_total = sum((b.self_points for b in blocks), Decimal(0))
    appraised = sum((b.appraised_points for b in blocks), Decimal(0))
    return (
        "",
        "",
        "TỔNG CỘNG",
        fmt(maximum),
        points(self_total),
        points(appraised) if what == APPRAISAL else "",
        "",
    )


def _columns(what: str) -> tuple[str, ...]:
    if what == SELF:
        return tuple(c for c in COLUMNS if c != "Điểm thẩm định")
    return COLUMNS


def _drop_appraised(rows: list[tuple[str, ...]], what: str) -> list[tuple[str, ...]]:
    if what == SELF:
        return [row[:5] + row[6:] for row in rows]
    return rows


def table_rows(
    assessment: Assessment, what: str
) -> tuple[tuple[str, ...], list[tuple[str, ...]], list[int]]:
    blocks = assessment_blocks(assessment)
    rows, bold = _rows(blocks, what)
    rows.append(_totals(blocks, what, assessment.cycle.framework.total))
    bold.append(len(rows) - 1)
    return _columns(what), _drop_appraised(rows, what), bold


def _title(assessment: Assessment, what: str) -> str:
    year = assessment.cycle.year
    if what == SELF:
        return f"Kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm {year}"
    return f"Kết quả thẩm định Chỉ số cải cách hành chính năm {year} của {assessment.unit.name}"


def export_xlsx(assessment: Assessment, what: str) -> bytes:
    columns, rows, bold = table_rows(assessment, what)
    widths = (6, 9, 60, 10, 12, 12, 40) if what == APPRAISAL else (6, 9, 60, 10, 12, 40)
    sheet = Sheet(
        name="Tự đánh giá" if what == SELF else "Thẩm định",
        columns=columns,
        rows=tuple(rows),
        title=f"{_title(assessment, what)} — {assessment.unit.name}",
        widths=widths,
        bold_rows=tuple(bold),
    )
    return render_xlsx([sheet])


def _place(unit_name: str) -> str:
    for prefix in ("Thành phố ", "Thị trấn ", "Phường ", "Xã ", "Đặc khu ", "Tỉnh ", "Huyện "):
        if unit_name.startswith(prefix):
            return unit_name[len(prefix) :]
    return unit_name


def export_docx(assessment: Assessment, what: str) -> bytes:
    columns, rows, bold = table_rows(assessment, what)
    unit, scope = assessment.unit, assessment.cycle.scope
    parent = unit.parent.name if unit.parent else scope.name
    if what == SELF:
        superior, issuer = f"UBND {parent}".upper(), f"ỦY BAN NHÂN DÂN {unit.name}".upper()
        place, authority = _place(unit.name), ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
        recipients: tuple[str, ...] = (
            f"Tổ thư ký Hội đồng thẩm định ({scope.name})",
            "Lưu: VT.",
        )
        intro = (
            f"Ủy ban nhân dân {unit.name} báo cáo kết quả tự đánh giá, chấm điểm các tiêu chí, "
            f"tiêu chí thành phần của Chỉ số cải cách hành chính năm {assessment.cycle.year} "
            f"theo {assessment.cycle.framework.name}, như sau:"
        )
    else:
        superior = f"UBND {scope.name}".upper()
        issuer = "TỔ THƯ KÝ HỘI ĐỒNG THẨM ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH"
        place, authority = _place(scope.name), ("TM. TỔ THƯ KÝ", "TỔ TRƯỞNG")
        recipients = (f"UBND {unit.name}", "Hội đồng thẩm định", "Lưu: VT.")
        intro = (
            f"Tổ thư ký tổng hợp kết quả thẩm định Chỉ số cải cách hành chính năm "
            f"{assessment.cycle.year} của {unit.name}: điểm tự đánh giá, điểm thẩm định và lý do "
            "điều chỉnh, giải trình của từng tiêu chí thành phần."
        )
    widths = (10, 14, 78, 16, 18, 18, 46) if what == APPRAISAL else (10, 14, 90, 16, 18, 52)
    document = StateDocument(
        superior=superior,
        issuer=issuer,
        number="Số:      /BC-UBND",
        place_date=place_date(place, timezone.localdate()),
        kind="BÁO CÁO",
        summary=_title(assessment, what),
        sections=(
            Section(
                paragraphs=(intro,),
                table=Table(
                    columns=columns,
                    rows=tuple(rows),
                    widths_mm=widths,
                    numeric=(3, 4, 5) if what == APPRAISAL else (3, 4),
                    bold_rows=tuple(bold),
                ),
            ),
        ),
        recipients=recipients,
        authority=authority,
    )
    return render_docx(document)
