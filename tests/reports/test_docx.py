"""The state-format Word writer, read back with python-docx (NĐ 30/2020/NĐ-CP layout)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document as open_document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph

from parindex.reports.docx import (
    FILED,
    FONT,
    Appendix,
    Section,
    StateDocument,
    Table,
    filed_recipients,
    place_date,
    render_docx,
)

RESULTS = Table(
    columns=("STT", "Lĩnh vực / tiêu chí", "Điểm tối đa", "Điểm đạt", "Ghi chú"),
    rows=(
        ("1", "Công tác chỉ đạo, điều hành cải cách hành chính", "12", "10,85", ""),
        ("1.1", "Thực hiện Kế hoạch CCHC", "3", "2,85", "Hoàn thành 6/7 nhiệm vụ"),
        ("1.2", "Đổi mới, sáng tạo trong triển khai nhiệm vụ CCHC", "2", "1", ""),
        ("", "Tổng cộng", "100", "91,84", ""),
    ),
    numeric=(2, 3),
    bold_rows=(0, 3),
    title="Bảng 1. Kết quả theo lĩnh vực",
)

TARGETS = Table(
    columns=(
        "STT",
        "Chỉ tiêu",
        "Chỉ tiêu phấn đấu năm 2024",
        "Đơn vị theo dõi",
        "Đơn vị thực hiện",
    ),
    rows=(
        ("1", "Chỉ số cải cách hành chính (PAR Index)", "Cao hơn năm 2023", "Văn phòng – TK", ""),
        ("2", "Thủ tục hành chính nội bộ được công khai", "100%", "Văn phòng – TK", "Bộ phận"),
    ),
    widths_mm=(15, 100, 45, 45, 47),
)

REPORT = StateDocument(
    superior="UBND huyện Phú Tân",
    issuer="Ủy ban nhân dân thị trấn Phú Mỹ",
    number="Số: 12/KH-UBND",
    place_date="Phú Mỹ, ngày 05 tháng 9 năm 2024",
    kind="Kế hoạch",
    summary="Khắc phục những hạn chế, tồn tại dẫn đến mất điểm các tiêu chí của Chỉ số cải cách "
    "hành chính trong năm 2023",
    grounds=("Căn cứ Công văn số 1749/UBND-VP ngày 22/8/2024 của Ủy ban nhân dân huyện Phú Tân.",),
    sections=(
        Section(
            "I. MỤC ĐÍCH, YÊU CẦU",
            ("Khắc phục những hạn chế, tồn tại dẫn đến mất điểm các tiêu chí năm 2023.",),
        ),
        Section(
            "II. KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH",
            ("Kết quả UBND thị trấn đạt 91,84/100 điểm, 40/48 chỉ tiêu đạt điểm tối đa.",),
            RESULTS,
        ),
    ),
    recipients=("- Phòng Nội vụ;", "- TT. ĐU - HĐND - UBND;", "Các ban ngành, đoàn thể;"),
    signer="Nguyễn Ngọc Hưng",
    appendices=(
        Appendix(
            title="PHỤ LỤC 1",
            subtitle="Các chỉ tiêu cải cách hành chính năm 2024",
            note="(Kèm theo Kế hoạch số 12/KH-UBND ngày 05/9/2024 của UBND thị trấn Phú Mỹ)",
            table=TARGETS,
        ),
    ),
)


@pytest.fixture(scope="module")
def word() -> DocxDocument:
    return open_document(io.BytesIO(render_docx(REPORT)))


def table_text(table: DocxTable) -> str:
    return "\n".join(cell.text for row in table.rows for cell in row.cells)


def paragraph(word: DocxDocument, text: str) -> Paragraph:
    return next(p for p in word.paragraphs if p.text == text)


def is_bold(paragraph: Paragraph) -> bool:
    runs = [run for run in paragraph.runs if run.text]
    return bool(runs) and all(run.font.bold for run in runs)


# --- page and fonts ------------------------------------------------------------------------------


def test_page_is_a4_portrait_with_the_decrees_margins(word: DocxDocument) -> None:
    section = word.sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    for length, mm in [
        (section.page_width, 210),
        (section.page_height, 297),
        (section.top_margin, 20),
        (section.bottom_margin, 20),
        (section.left_margin, 30),
        (section.right_margin, 15),
    ]:
        assert length is not None
        assert length.mm == pytest.approx(mm, abs=0.1)  # Word stores twips: 210 mm is 11906


def test_times_new_roman_everywhere_including_east_asian_slot(word: DocxDocument) -> None:
    normal = word.styles["Normal"]
    assert normal.font.name == FONT
    assert normal.font.size.pt == 14
    for style in (normal, word.styles["Table Grid"]):
        fonts = style.element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == FONT
        assert fonts.get(qn("w:ascii")) == FONT
        assert fonts.get(qn("w:hAnsi")) == FONT
        assert fonts.get(qn("w:cs")) == FONT
    defaults = word.styles.element.find(qn("w:docDefaults"))
    default_fonts = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    assert default_fonts.get(qn("w:eastAsia")) == FONT
    # Theme fonts would win over the named one in Word.
    assert default_fonts.get(qn("w:eastAsiaTheme")) is None


# --- header and title ----------------------------------------------------------------------------


def test_header_block_holds_issuer_number_national_title_and_date(word: DocxDocument) -> None:
    header = word.tables[0]
    left, right = header.rows[0].cells
    assert [p.text for p in left.paragraphs if p.text] == [
        "UBND HUYỆN PHÚ TÂN",
        "ỦY BAN NHÂN DÂN THỊ TRẤN PHÚ MỸ",
        "Số: 12/KH-UBND",
    ]
    assert [p.text for p in right.paragraphs if p.text] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Phú Mỹ, ngày 05 tháng 9 năm 2024",
    ]
    issuer = left.paragraphs[1]
    assert is_bold(issuer)
    assert not is_bold(left.paragraphs[0])
    assert left.paragraphs[0].runs[0].font.size.pt == 13
    assert is_bold(right.paragraphs[0])
    assert right.paragraphs[0].runs[0].font.size.pt == 13
    assert is_bold(right.paragraphs[1])
    assert right.paragraphs[1].runs[0].font.size.pt == 14
    date_line = next(p for p in right.paragraphs if p.text.startswith("Phú Mỹ"))
    assert date_line.runs[0].font.italic
    # The rules: a bordered empty paragraph under the issuer and under the motto.
    for cell in (left, right):
        rules = [
            p for p in cell.paragraphs if p._p.find(f"{qn('w:pPr')}/{qn('w:pBdr')}") is not None
        ]
        assert len(rules) == 1
        assert rules[0].text == ""


def test_header_block_has_no_borders(word: DocxDocument) -> None:
    borders = word.tables[0]._tbl.tblPr.find(qn("w:tblBorders"))
    assert {edge.get(qn("w:val")) for edge in borders} == {"nil"}


def test_kind_and_summary_centred_and_bold(word: DocxDocument) -> None:
    kind = paragraph(word, "KẾ HOẠCH")
    summary = paragraph(word, REPORT.summary)
    for title in (kind, summary):
        assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert is_bold(title)


def test_grounds_are_italic_and_headings_bold(word: DocxDocument) -> None:
    ground = paragraph(word, REPORT.grounds[0])
    assert all(run.font.italic for run in ground.runs)
    assert is_bold(paragraph(word, "I. MỤC ĐÍCH, YÊU CẦU"))
    body = paragraph(word, REPORT.sections[0].paragraphs[0])
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert not is_bold(body)


# --- tables --------------------------------------------------------------------------------------


def test_data_table_has_bold_repeated_header_and_bold_field_rows(word: DocxDocument) -> None:
    table = word.tables[1]
    assert [cell.text for cell in table.rows[0].cells] == list(RESULTS.columns)
    assert len(table.rows) == 1 + len(RESULTS.rows)
    header = table.rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(is_bold(cell.paragraphs[0]) for cell in header.cells)
    field_row, item_row, total_row = table.rows[1], table.rows[2], table.rows[4]
    assert is_bold(field_row.cells[1].paragraphs[0])
    assert not is_bold(item_row.cells[1].paragraphs[0])
    assert is_bold(total_row.cells[3].paragraphs[0])
    assert total_row.cells[3].text == "91,84"
    # Numbers right-aligned, the ordinal centred, text left.
    assert item_row.cells[3].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert item_row.cells[0].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert item_row.cells[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert item_row.cells[1].paragraphs[0].runs[0].font.size.pt == 13
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {edge.get(qn("w:val")) for edge in borders} == {"single"}
    # The caption sits right above the table.
    assert is_bold(paragraph(word, "Bảng 1. Kết quả theo lĩnh vực"))


def test_table_widths_follow_the_caller_and_fit_the_page(word: DocxDocument) -> None:
    appendix_table = word.tables[-1]
    widths = [column.width.mm for column in appendix_table.columns]
    assert widths == pytest.approx([15, 100, 45, 45, 47], abs=0.1)
    results = word.tables[1]
    total = sum(column.width.mm for column in results.columns)
    assert total == pytest.approx(165, abs=0.5)  # the text width of a portrait page


def test_ragged_rows_are_refused() -> None:
    with pytest.raises(ValueError, match="row 0"):
        Table(columns=("STT", "Tên"), rows=(("1",),))
    with pytest.raises(ValueError, match="widths"):
        Table(columns=("STT", "Tên"), rows=(), widths_mm=(10,))


# --- closing block -------------------------------------------------------------------------------


def test_closing_block_lists_recipients_and_adds_filing_line(word: DocxDocument) -> None:
    closing = word.tables[2]
    left, right = closing.rows[0].cells
    lines = [p.text for p in left.paragraphs if p.text]
    assert lines == [
        "Nơi nhận:",
        "- Phòng Nội vụ;",
        "- TT. ĐU - HĐND - UBND;",
        "- Các ban ngành, đoàn thể;",
        FILED,
    ]
    title = left.paragraphs[0].runs[0]
    assert title.font.bold
    assert title.font.italic
    assert title.font.size.pt == 12
    assert left.paragraphs[1].runs[0].font.size.pt == 11
    signature = [p for p in right.paragraphs if p.text]
    assert [p.text for p in signature] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Ngọc Hưng"]
    assert all(is_bold(p) and p.alignment == WD_ALIGN_PARAGRAPH.CENTER for p in signature)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ((), ("- Lưu: VT.",)),
        (("Phòng Nội vụ;",), ("- Phòng Nội vụ;", "- Lưu: VT.")),
        (("- Phòng Nội vụ;", "- Lưu VT."), ("- Phòng Nội vụ;", "- Lưu VT.")),
        (("- Lưu: VT, VP.", "- Phòng Nội vụ;"), ("- Lưu: VT, VP.", "- Phòng Nội vụ;")),
        (("+ Phó Chủ tịch;", " "), ("+ Phó Chủ tịch;", "- Lưu: VT.")),
    ],
)
def test_filing_line_is_added_once(given: tuple[str, ...], expected: tuple[str, ...]) -> None:
    assert filed_recipients(given) == expected


# --- page numbers and appendices -----------------------------------------------------------------


def has_page_field(paragraphs: list[Paragraph]) -> bool:
    return any(
        "PAGE" in (instruction.text or "")
        for p in paragraphs
        for instruction in p._p.iter(qn("w:instrText"))
    )


def test_page_number_in_header_but_not_on_first_page(word: DocxDocument) -> None:
    section = word.sections[0]
    assert section.different_first_page_header_footer
    assert not section.first_page_header.is_linked_to_previous
    assert not has_page_field(section.first_page_header.paragraphs)
    assert "".join(p.text for p in section.first_page_header.paragraphs) == ""
    assert has_page_field(section.header.paragraphs)
    number = next(p for p in section.header.paragraphs if p.runs)
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_appendix_is_a_landscape_section_with_its_own_numbering(word: DocxDocument) -> None:
    assert len(word.sections) == 2
    appendix = word.sections[1]
    assert appendix.orientation == WD_ORIENT.LANDSCAPE
    assert appendix.page_width is not None
    assert appendix.page_height is not None
    assert appendix.page_width.mm == pytest.approx(297, abs=0.1)
    assert appendix.page_height.mm == pytest.approx(210, abs=0.1)
    assert appendix.left_margin is not None
    assert appendix.left_margin.mm == pytest.approx(30, abs=0.1)
    # Same headers (linked), no number on its first page, numbering from 1.
    assert appendix.header.is_linked_to_previous
    assert appendix.different_first_page_header_footer
    assert appendix._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"

    title = paragraph(word, "PHỤ LỤC 1")
    assert is_bold(title)
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert is_bold(paragraph(word, "CÁC CHỈ TIÊU CẢI CÁCH HÀNH CHÍNH NĂM 2024"))
    note = paragraph(word, REPORT.appendices[0].note)
    assert all(run.font.italic for run in note.runs)
    table = word.tables[-1]
    assert [cell.text for cell in table.rows[0].cells] == list(TARGETS.columns)
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    # The appendix repeats the letterhead, without number and date.
    letterhead = table_text(word.tables[-2])
    assert "ỦY BAN NHÂN DÂN THỊ TRẤN PHÚ MỸ" in letterhead
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in letterhead
    assert "Số:" not in letterhead


def test_portrait_appendix_without_letterhead() -> None:
    document = StateDocument(
        superior="",
        issuer="Ủy ban nhân dân xã Thanh Tùng",
        number="Số:      /BC-UBND",
        place_date="Thanh Tùng, ngày      tháng 3 năm 2024",
        kind="Báo cáo",
        summary="Kết quả tự đánh giá Chỉ số cải cách hành chính năm 2024",
        appendices=(Appendix("PHỤ LỤC", "Bảng điểm", TARGETS, landscape=False, letterhead=False),),
    )
    word = open_document(io.BytesIO(render_docx(document)))
    assert word.sections[1].orientation == WD_ORIENT.PORTRAIT
    assert len(word.tables) == 3  # header, closing, the appendix's table
    left = word.tables[0].rows[0].cells[0]
    # No superior line: the issuer comes first; a draft number keeps its blanks.
    assert [p.text for p in left.paragraphs if p.text] == [
        "ỦY BAN NHÂN DÂN XÃ THANH TÙNG",
        "Số:      /BC-UBND",
    ]
    # A table too wide for the page is shrunk to the text width (165 mm).
    total = sum(column.width.mm for column in word.tables[-1].columns)
    assert total == pytest.approx(165, abs=0.5)


# --- place and date ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2024, 3, 5), "Thanh Tùng, ngày 05 tháng 3 năm 2024"),
        (dt.date(2024, 3, 15), "Thanh Tùng, ngày 15 tháng 3 năm 2024"),
        (dt.date(2023, 2, 21), "Thanh Tùng, ngày 21 tháng 02 năm 2023"),
        (dt.date(2023, 1, 7), "Thanh Tùng, ngày 07 tháng 01 năm 2023"),
        (dt.date(2023, 12, 1), "Thanh Tùng, ngày 01 tháng 12 năm 2023"),
    ],
)
def test_place_date_pads_days_below_ten_and_months_one_and_two(day: dt.date, expected: str) -> None:
    assert place_date("Thanh Tùng", day) == expected
