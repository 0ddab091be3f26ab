"""Excel workbooks of report tables: one sheet a table, values kept as numbers and dates.

These are the tables the Word exports print in the state format of Nghị định 30/2020/NĐ-CP
(docs/documents.md: an "STT" column first, a bold header row), handed out as .xlsx so offices can
sort, total and paste them. Each sheet has:

- an optional title line above the header, merged across the columns, bold and centred;
- the header row in bold, frozen so it stays in view, and repeated on every printed page (A4,
  fitted to the page width);
- wrapped text and a thin grid, the rows named in `bold_rows` in bold;
- Decimal and float values as numbers: "#,##0.00" when they have decimals and "0" when whole, so a
  Vietnamese Excel shows 91,84 and a total can be summed (a column given a format in `formats`
  uses it instead, e.g. "0.00" so 12 reads 12,00 beside 10,85); ints as "0"; dates as "dd/mm/yyyy"
  (datetimes "dd/mm/yyyy hh:mm", written as the wall time of their own zone, since Excel has no
  time zones); None as an empty cell.

Formula injection: a text that starts with "=", "+", "-" or "@" (or a tab or carriage return, which
some spreadsheets skip before reading a formula) gets a leading apostrophe ("'=SUM(A1)") and is
stored with the cell type "s" (string). openpyxl would otherwise store "=SUM(A1)" as a formula; the
string type alone already stops that in this file, and the apostrophe keeps the text inert when a
user copies it into another sheet or the workbook is saved as CSV and opened again. The apostrophe
stays visible in the cell: that is the price of the guard, and it only touches texts that start
with those characters (a recipient line "- Phòng Nội vụ" reads "'- Phòng Nội vụ").
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

DECIMAL_FORMAT = "#,##0.00"
WHOLE_FORMAT = "0"
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
TIME_FORMAT = "hh:mm"

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"

MAX_SHEET_NAME = 31  # Excel refuses longer sheet names
FORBIDDEN_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
MAX_CELL_TEXT = 32767  # Excel's limit for one cell

DEFAULT_WIDTH_MIN = 8.0
DEFAULT_WIDTH_MAX = 60.0
# Above this many characters of column width the sheet prints in landscape.
LANDSCAPE_FROM_WIDTH = 110.0

_THIN = Side(style="thin", color="000000")
_GRID = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEADER_ALIGN = Alignment(wrap_text=True, horizontal="center", vertical="center")
_BOLD = Font(bold=True)


@dataclass(frozen=True)
class Sheet:
    """One table: the header texts, the rows of values, and how to show them."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    title: str = ""
    widths: tuple[float, ...] = ()
    bold_rows: tuple[int, ...] = ()
    # Per column, the number format of its numbers ("" keeps the default); texts are untouched.
    formats: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # A ragged row would put values under the wrong header: refuse it here.
        width = len(self.columns)
        if width == 0:
            raise ValueError("a sheet needs at least one column")
        for index, row in enumerate(self.rows):
            if len(row) != width:
                raise ValueError(f"row {index} has {len(row)} cells for {width} columns")
        if self.widths and len(self.widths) != width:
            raise ValueError(f"{len(self.widths)} widths for {width} columns")
        if self.formats and len(self.formats) != width:
            raise ValueError(f"{len(self.formats)} formats for {width} columns")


def safe_text(value: str) -> str:
    """`value` made inert for spreadsheets: an apostrophe before a leading =, +, - or @."""
    if value.startswith(FORMULA_PREFIXES):
        return NEUTRALISER + value
    return value


def sheet_name(name: str, taken: Sequence[str] = ()) -> str:
    """A name Excel accepts: without []:*?/\\, at most 31 characters, unique among `taken`."""
    cleaned = FORBIDDEN_IN_SHEET_NAME.sub("", name)
    # Excel also refuses an apostrophe at either end and a sheet called "History" (its own).
    cleaned = cleaned.strip().strip("'").strip()[:MAX_SHEET_NAME].strip() or "Sheet"
    if cleaned.casefold() == "history":
        cleaned = "History 1"
    used = {existing.casefold() for existing in taken}
    candidate, number = cleaned, 2
    while candidate.casefold() in used:  # Excel compares sheet names without case
        suffix = f" ({number})"
        candidate = cleaned[: MAX_SHEET_NAME - len(suffix)].rstrip() + suffix
        number += 1
    return candidate


def render_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """The sheets as one .xlsx workbook, in order."""
    if not sheets:
        raise ValueError("a workbook needs at least one sheet")
    book = Workbook()
    for default in list(book.worksheets):  # the new workbook's empty "Sheet"
        book.remove(default)
    names: list[str] = []
    for spec in sheets:
        name = sheet_name(spec.name, names)
        names.append(name)
        _fill(book.create_sheet(title=name), spec)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _fill(sheet: Worksheet, spec: Sheet) -> None:
    count = len(spec.columns)
    widths = list(spec.widths) if spec.widths else _auto_widths(spec)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width

    header_row = 1
    if spec.title:
        cell = sheet.cell(row=1, column=1)
        _put(cell, spec.title)
        cell.font = Font(bold=True, size=13)
        cell.alignment = _HEADER_ALIGN
        if count > 1:
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=count)
        # Excel does not grow a merged row to its wrapped text: size it from the text's length.
        lines = max(1, math.ceil(len(spec.title) * 1.1 / max(sum(widths), 1.0)))
        sheet.row_dimensions[1].height = 18.0 * lines + 4
        header_row = 2

    for column, text in enumerate(spec.columns, start=1):
        cell = sheet.cell(row=header_row, column=column)
        _put(cell, text)
        cell.font = _BOLD
        cell.alignment = _HEADER_ALIGN
        cell.border = _GRID

    bold_rows = set(spec.bold_rows)
    for index, values in enumerate(spec.rows):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=header_row + 1 + index, column=column)
            _put(cell, value)
            chosen = spec.formats[column - 1] if spec.formats else ""
            if chosen and _is_number(value):
                cell.number_format = chosen
            cell.alignment = _WRAP
            cell.border = _GRID
            if index in bold_rows:
                cell.font = _BOLD

    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1).coordinate
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    if sum(widths) > LANDSCAPE_FROM_WIDTH:
        sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    # Fit the columns to the page width, as many pages down as needed.
    properties = sheet.sheet_properties
    if properties.pageSetUpPr is None:
        properties.pageSetUpPr = PageSetupProperties()
    properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0


def _put(cell: Any, value: object) -> None:
    """Write one value with the type and number format it should have in Excel."""
    if value is None:
        return
    if isinstance(value, bool):  # before int: bool is an int
        cell.value = value
    elif isinstance(value, Decimal):
        if not value.is_finite():  # NaN and infinities are no Excel numbers
            _put_text(cell, str(value))
            return
        cell.value = value
        cell.number_format = WHOLE_FORMAT if value == value.to_integral_value() else DECIMAL_FORMAT
    elif isinstance(value, float):
        if not math.isfinite(value):
            _put_text(cell, str(value))
            return
        cell.value = value
        cell.number_format = WHOLE_FORMAT if value.is_integer() else DECIMAL_FORMAT
    elif isinstance(value, int):
        cell.value = value
        cell.number_format = WHOLE_FORMAT
    elif isinstance(value, dt.datetime):  # before date: a datetime is a date
        cell.value = value.replace(tzinfo=None)
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, dt.time):
        cell.value = value.replace(tzinfo=None)
        cell.number_format = TIME_FORMAT
    else:
        # str, and anything else by its text (Django's lazy translations included).
        _put_text(cell, str(value))


def _is_number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, Decimal):
        return value.is_finite()
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, int)


def _put_text(cell: Any, text: str) -> None:
    # openpyxl refuses control characters that XML cannot hold; they carry no meaning in a report.
    cleaned = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.value = safe_text(cleaned)[:MAX_CELL_TEXT]
    cell.data_type = "s"  # text stays text: openpyxl never writes it as a formula


def _auto_widths(spec: Sheet) -> list[float]:
    """Column widths from the longest line in each column, within sensible bounds."""
    widths: list[float] = []
    for column, header in enumerate(spec.columns):
        texts = [header, *(_display(row[column]) for row in spec.rows)]
        longest = max((len(line) for text in texts for line in text.split("\n")), default=0)
        widths.append(min(DEFAULT_WIDTH_MAX, max(DEFAULT_WIDTH_MIN, longest + 2.0)))
    return widths


def _display(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return "00/00/0000 00:00"
    if isinstance(value, dt.date):
        return "00/00/0000"
    return str(value)
