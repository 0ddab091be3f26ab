"""The Excel writer, read back with openpyxl: types, formats, header, formula neutralisation."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
import zoneinfo
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from parindex.reports.xlsx import (
    DATE_FORMAT,
    DECIMAL_FORMAT,
    WHOLE_FORMAT,
    Sheet,
    render_xlsx,
    safe_text,
    sheet_name,
)

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
# Excel has no time zones: an aware datetime is written as its wall time.
CHECKED_AT = dt.datetime(2024, 3, 5, 8, 30, tzinfo=HANOI)

SCORES = Sheet(
    name="Kết quả [2024]: xã/phường?",
    title="Kết quả tự đánh giá Chỉ số cải cách hành chính năm 2024",
    columns=("STT", "Tiêu chí", "Điểm tối đa", "Điểm đạt", "Ngày chấm"),
    rows=(
        ("1", "Công tác chỉ đạo, điều hành", Decimal("12"), Decimal("10.85"), dt.date(2024, 3, 5)),
        ("1.1", "=SUM(A1)", 3, Decimal("2.80"), None),
        ("1.2", "+1", 2.5, 1.0, CHECKED_AT),
        ("1.3", "-2", Decimal("-2"), Decimal("0"), None),
        ("", "@x", Decimal("100.00"), Decimal("91.84"), None),
    ),
    bold_rows=(0, 4),
    widths=(6, 50, 12, 12, 14),
)
TASKS = Sheet(
    name="Nhiệm vụ",
    columns=("TT", "Nhiệm vụ", "Thời gian"),
    rows=(("1", "Kế hoạch kiểm tra cải cách hành chính năm 2024", "Tháng 3/2024"),),
)


@pytest.fixture(scope="module")
def data() -> bytes:
    return render_xlsx([SCORES, TASKS])


@pytest.fixture(scope="module")
def book(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def test_two_sheets_with_cleaned_names(book: Workbook) -> None:
    assert book.sheetnames == ["Kết quả 2024 xãphường", "Nhiệm vụ"]


@pytest.mark.parametrize(
    ("name", "taken", "expected"),
    [
        ("a/b\\c[d]e:f*g?h", (), "abcdefgh"),
        ("x" * 40, (), "x" * 31),
        ("'Trích'", (), "Trích"),
        ("[]:*?", (), "Sheet"),
        ("Kết quả", ("kết quả",), "Kết quả (2)"),
        ("y" * 31, ("y" * 31,), "y" * 27 + " (2)"),
        ("History", (), "History 1"),
    ],
)
def test_sheet_names_excel_accepts(name: str, taken: tuple[str, ...], expected: str) -> None:
    cleaned = sheet_name(name, taken)
    assert cleaned == expected
    assert len(cleaned) <= 31


def test_title_is_merged_and_bold_above_bold_frozen_header(book: Workbook) -> None:
    sheet = book["Kết quả 2024 xãphường"]
    assert sheet["A1"].value == SCORES.title
    assert sheet["A1"].font.bold
    assert "A1:E1" in {str(merged) for merged in sheet.merged_cells.ranges}
    assert [cell.value for cell in sheet[2]] == list(SCORES.columns)
    assert all(cell.font.bold for cell in sheet[2])
    assert sheet.freeze_panes == "A3"
    assert sheet.column_dimensions["B"].width == 50
    assert sheet["B3"].alignment.wrap_text


def test_header_without_title_is_the_first_row(book: Workbook) -> None:
    sheet = book["Nhiệm vụ"]
    assert [cell.value for cell in sheet[1]] == ["TT", "Nhiệm vụ", "Thời gian"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    # No widths given: from the longest text, within bounds.
    assert 8 <= sheet.column_dimensions["A"].width <= 10
    assert sheet.column_dimensions["B"].width == pytest.approx(48)


def test_numbers_and_dates_keep_their_types_and_formats(book: Workbook) -> None:
    sheet = book["Kết quả 2024 xãphường"]
    score = sheet["D3"]
    assert score.data_type == "n"
    assert score.value == pytest.approx(10.85)
    assert score.number_format == DECIMAL_FORMAT  # shown 10,85 by a Vietnamese Excel
    assert sheet["C3"].value == 12
    assert sheet["C3"].number_format == WHOLE_FORMAT
    assert sheet["D4"].value == pytest.approx(2.8)
    assert sheet["D4"].number_format == DECIMAL_FORMAT
    assert sheet["C5"].number_format == DECIMAL_FORMAT  # 2.5 (float)
    assert sheet["D5"].number_format == WHOLE_FORMAT  # 1.0 (float)
    assert sheet["C6"].value == -2  # a negative number stays a number
    assert sheet["C7"].number_format == WHOLE_FORMAT  # Decimal("100.00") is whole
    assert sheet["D7"].value == pytest.approx(91.84)
    assert sheet["E3"].value.date() == dt.date(2024, 3, 5)
    assert sheet["E3"].number_format == DATE_FORMAT
    assert sheet["E5"].value == CHECKED_AT.replace(tzinfo=None)
    assert sheet["E5"].number_format.startswith(DATE_FORMAT)
    assert sheet["E4"].value is None
    assert sheet["A3"].value == "1"  # ordinals given as text stay text
    assert sheet["A3"].data_type == "s"


def test_bold_rows(book: Workbook) -> None:
    sheet = book["Kết quả 2024 xãphường"]
    assert all(cell.font.bold for cell in sheet[3])
    assert not any(cell.font.bold for cell in sheet[4])
    assert all(cell.font.bold for cell in sheet[7])


@pytest.mark.parametrize(
    ("cell", "text"), [("B4", "=SUM(A1)"), ("B5", "+1"), ("B6", "-2"), ("B7", "@x")]
)
def test_formula_like_texts_are_neutralised(book: Workbook, cell: str, text: str) -> None:
    value = book["Kết quả 2024 xãphường"][cell]
    assert value.data_type == "s"
    assert value.value == f"'{text}"
    assert isinstance(value.value, str)


def test_no_formula_is_written(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name)
                assert b"<f " not in archive.read(name)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+84 912", "'+84 912"),
        ("-", "'-"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("91,84", "91,84"),
        ("Điểm = 5", "Điểm = 5"),
        ("", ""),
    ],
)
def test_safe_text(text: str, expected: str) -> None:
    assert safe_text(text) == expected


def test_refuses_no_sheets_and_ragged_rows() -> None:
    with pytest.raises(ValueError, match="at least one sheet"):
        render_xlsx([])
    with pytest.raises(ValueError, match="row 0"):
        Sheet(name="x", columns=("a", "b"), rows=(("1",),))


def test_control_characters_are_dropped() -> None:
    data = render_xlsx([Sheet(name="x", columns=("a",), rows=(("tên\x00 đơn\x07 vị",),))])
    assert load_workbook(io.BytesIO(data))["x"]["A2"].value == "tên đơn vị"
