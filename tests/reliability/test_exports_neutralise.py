"""Exports never carry a live formula: a text cell that starts with =, +, - or @ is written as a
string with a leading apostrophe (Excel tables, CSV) or as an explicit string cell (the framework
workbook, which is read back by its importer); numbers stay numbers."""

from __future__ import annotations

import csv
import dataclasses
import io
from decimal import Decimal

import openpyxl

from parindex.frameworks.excel_io import read_xlsx, write_xlsx
from parindex.frameworks.library import shipped
from parindex.reports.xlsx import Sheet, render_xlsx
from parindex.surveys.exports import to_csv

DANGEROUS = ["=1+1", "+84 912", "-5 ngày", "@SUM(A1)", '=HYPERLINK("http://x","y")', "\t=1"]


def test_report_tables_neutralise_formula_texts_and_keep_numbers() -> None:
    rows = tuple((text, 12, Decimal("91.84"), -5, 2.5) for text in DANGEROUS)
    data = render_xlsx([Sheet(name="Bảng", columns=("Văn bản", "a", "b", "c", "d"), rows=rows)])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    for line, text in zip(sheet.iter_rows(min_row=2), DANGEROUS, strict=True):
        cell = line[0]
        assert cell.data_type == "s"
        assert cell.value == "'" + text
        assert [c.value for c in line[1:]] == [12, 91.84, -5, 2.5]
        assert all(c.data_type == "n" for c in line[1:])
    assert sheet["A1"].value == "Văn bản"


def test_the_framework_workbook_writes_formula_texts_as_strings_and_reads_them_back() -> None:
    spec = shipped()
    first = dataclasses.replace(spec.fields[0], title="=1+1")
    changed = dataclasses.replace(spec, fields=(first, *spec.fields[1:]))
    data = write_xlsx(changed)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == "=1+1"]
    assert cells
    assert all(c.data_type == "s" for c in cells)
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    again, _rows = read_xlsx(data)
    assert again.fields[0].title == "=1+1"


def test_csv_exports_neutralise_formula_texts() -> None:
    text = to_csv(["Mã", "Ý kiến", "Điểm"], [["P1", value, 5] for value in DANGEROUS])
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert [row[1] for row in rows[1:]] == ["'" + value for value in DANGEROUS]
    assert [row[2] for row in rows[1:]] == ["5"] * len(DANGEROUS)
