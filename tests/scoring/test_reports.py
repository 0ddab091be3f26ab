"""The index's documents read back: the Word report, the Excel tables, the one-page scorecards,
and the background export jobs."""

from __future__ import annotations

import datetime as dt
import io
import re
import zlib
from decimal import Decimal

import pytest
from docx import Document as open_document
from openpyxl import load_workbook

from parindex.frameworks.library import shipped
from parindex.scoring import reports, services
from parindex.scoring.engine import Basis, Board, Leaf, NodeDef, Tree, compute
from parindex.scoring.models import ExportJob, Publication
from parindex.scoring.reports import (
    ExportError,
    out_of,
    queue_export,
    result_report_docx,
    score,
    scorecard_context,
    scorecard_pdf,
    scorecards_pdf,
    scores_xlsx,
    signed,
)
from parindex.scoring.services import YearPoint
from parindex.scoring.tasks import run_export
from tests.scoring.test_engine import seed_003_leaves

D = Decimal
META = {
    "year": 2025,
    "scope": "Thành phố Hải Phòng",
    "framework": "Bộ chỉ số cải cách hành chính của UBND cấp xã",
    "date": dt.date(2026, 3, 5),
}


@pytest.fixture(scope="module")
def spec():
    return shipped()


@pytest.fixture(scope="module")
def tree(spec):
    return Tree.from_spec(spec)


@pytest.fixture(scope="module")
def board(spec, tree) -> Board:
    """Seed 003's town (91,84) among a commune at full points and two wards tied at 99."""
    full = {n.code: Leaf(n.maximum) for n in tree.leaves}
    ward = full | {"3.1.1": Leaf(D("0"), Basis.APPRAISED, "Thiếu báo cáo kết quả")}
    results = (
        compute(tree, seed_003_leaves(spec), unit="PM", name="Thị trấn Phú Mỹ", group="xa"),
        compute(tree, full, unit="AB", name="Xã An Bình", group="xa"),
        compute(tree, ward, unit="BM", name="Phường Bình Minh", group="phuong"),
        compute(tree, ward, unit="HL", name="Phường Hạ Long", group="phuong"),
    )
    return Board(tree, results)


def pdf_pages(data: bytes) -> int:
    """Page objects in a PDF, looked for in the file and in its compressed object streams."""
    parts = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return sum(len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", part)) for part in parts)


def table_texts(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def find_table(document, first_header: str, second_header: str) -> list[list[str]]:
    for table in document.tables:
        rows = table_texts(table)
        if rows and rows[0][:2] == [first_header, second_header]:
            return rows
    raise AssertionError(f"no table headed {first_header}, {second_header}")


# --- numbers -------------------------------------------------------------------------------------


def test_numbers_are_written_the_vietnamese_way():
    assert score(D("91.84")) == "91,84"
    assert score(D("12")) == "12,00"
    assert score(D("0.005")) == "0,01"  # half up, once
    assert score(None) == ""
    assert out_of(D("91.84"), D("100")) == "91,84/100"
    assert out_of(D("5.5"), D("6")) == "5,50/6"
    assert signed(D("1.5")) == "+1,50"
    assert signed(D("-0.15")) == "-0,15"
    assert signed(D("0")) == "0,00"


# --- the Word report -----------------------------------------------------------------------------


def test_report_heading_block_in_the_state_format(board):
    document = open_document(io.BytesIO(result_report_docx(board, cycle_meta=META)))
    letterhead = table_texts(document.tables[0])[0]
    assert "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG" in letterhead[0]
    assert "Số: ……/BC-UBND" in letterhead[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in letterhead[1]
    assert "Hải Phòng, ngày 05 tháng 3 năm 2026" in letterhead[1]
    texts = [p.text for p in document.paragraphs]
    assert "BÁO CÁO" in texts
    assert "Kết quả xác định Chỉ số cải cách hành chính năm 2025 của UBND các xã, phường" in texts
    closing = table_texts(document.tables[-3])[0]  # before the appendix's letterhead and table
    assert "Nơi nhận:" in closing[0]
    assert "- Lưu: VT." in closing[0]
    assert "TM. ỦY BAN NHÂN DÂN" in closing[1]


def test_report_overview_counts_and_extremes(board):
    document = open_document(io.BytesIO(result_report_docx(board, cycle_meta=META)))
    texts = [p.text for p in document.paragraphs]
    assert "I. KHÁI QUÁT CHUNG" in texts
    assert any(t.startswith("Năm 2025, có 04 đơn vị (xã, phường)") for t in texts)
    # (91,84 + 100 + 99 + 99) ÷ 4 = 97,46
    assert "Chỉ số trung bình đạt 97,46/100 điểm." in texts
    assert "Đơn vị có điểm cao nhất: Xã An Bình (100,00 điểm)." in texts
    assert "Đơn vị có điểm thấp nhất: Thị trấn Phú Mỹ (91,84 điểm)." in texts
    assert "- Xuất sắc (từ 90 điểm trở lên): 04 đơn vị (100,00%)." in texts
    assert "- Tốt (từ 80 đến dưới 90 điểm): 00 đơn vị (0,00%)." in texts
    assert "- Yếu (dưới 50 điểm): 00 đơn vị (0,00%)." in texts
    assert "III. ĐÁNH GIÁ CHUNG VÀ KIẾN NGHỊ" in texts
    assert not any(t.startswith("Lưu ý") for t in texts)  # everything appraised


def test_report_ranking_table_shares_ranks(board):
    document = open_document(io.BytesIO(result_report_docx(board, cycle_meta=META)))
    rows = find_table(document, "STT", "Đơn vị")
    assert rows[0] == ["STT", "Đơn vị", "Tổng điểm", "Xếp hạng", "Xếp loại"]
    assert rows[1] == ["1", "Xã An Bình", "100,00", "1", "Xuất sắc"]
    assert rows[2] == ["2", "Phường Bình Minh", "99,00", "2", "Xuất sắc"]
    assert rows[3] == ["3", "Phường Hạ Long", "99,00", "2", "Xuất sắc"]
    assert rows[4] == ["4", "Thị trấn Phú Mỹ", "91,84", "4", "Xuất sắc"]


def test_report_average_points_per_field(board):
    document = open_document(io.BytesIO(result_report_docx(board, cycle_meta=META)))
    rows = find_table(document, "STT", "Lĩnh vực")
    assert rows[0] == ["STT", "Lĩnh vực", "Điểm tối đa", "Điểm trung bình", "Tỷ lệ %"]
    by_code = {row[0]: row for row in rows[1:]}
    # Field 1: (10,85 + 12 × 3) ÷ 4 = 11,7125 → 11,71; 46,85 ÷ 48 = 97,60 %
    assert by_code["1"][2:] == ["12", "11,71", "97,60"]
    # SIPAS: (32,5 + 36 × 3) ÷ 4 = 35,125 → 35,13 (half up)
    assert by_code["9"][2:] == ["36", "35,13", "97,57"]
    assert rows[-1] == ["", "Tổng cộng", "100", "97,46", "97,46"]


def test_report_sub_criteria_losing_the_most_points(board):
    document = open_document(io.BytesIO(result_report_docx(board, cycle_meta=META)))
    rows = find_table(document, "STT", "Mã")
    assert rows[0] == [
        "STT",
        "Mã",
        "Tiêu chí thành phần",
        "Số xã mất điểm",
        "Tổng điểm mất",
        "Tỷ trọng %",
    ]
    # 10,16 points lost in all (8,16 + 1 + 1): 9.1 lost 3,5 of them; 3.1.1 one in three units.
    assert rows[1][:2] == ["1", "9.1"]
    assert rows[1][3:] == ["1", "3,50", "34,45"]
    assert rows[2][:2] == ["2", "3.1.1"]
    assert rows[2][3:] == ["3", "3,00", "29,53"]
    assert len(rows) == 1 + 8


def test_report_appendix_lists_each_units_fields(board):
    document = open_document(io.BytesIO(result_report_docx(board, cycle_meta=META)))
    rows = table_texts(document.tables[-1])
    assert rows[0][:3] == ["STT", "Đơn vị", "LV 1\n(12)"]
    assert rows[4] == [
        "4",
        "Thị trấn Phú Mỹ",
        "10,85",
        "5,00",
        "12,00",
        "4,00",
        "7,00",
        "5,00",
        "9,99",
        "5,50",
        "32,50",
        "91,84",
        "4",
    ]


def test_report_compares_with_the_previous_year(board, tree):
    before = compute(tree, {n.code: Leaf(n.maximum) for n in tree.leaves}, unit="PM")
    document = open_document(
        io.BytesIO(
            result_report_docx(
                board,
                cycle_meta={**META, "decision": "Nghị quyết số 5/NQ-HĐ"},
                previous={"PM": before},
            )
        )
    )
    rows = find_table(document, "STT", "Đơn vị")
    assert rows[0][-2:] == ["Điểm năm trước", "Tăng, giảm"]
    assert rows[4][-2:] == ["100,00", "-8,16"]
    assert rows[1][-2:] == ["", ""]
    texts = [p.text for p in document.paragraphs]
    assert (
        "So với năm 2024 (01 đơn vị có kết quả năm trước): 00 đơn vị tăng điểm, "
        "01 đơn vị giảm điểm, 00 đơn vị giữ nguyên." in texts
    )
    assert any("(Nghị quyết số 5/NQ-HĐ)" in t for t in texts)


def test_report_warns_when_points_are_not_appraised(tree):
    draft = compute(tree, {"1.1.1": Leaf(D("1"), Basis.SELF)}, unit="X", name="Xã Nháp")
    document = open_document(io.BytesIO(result_report_docx(Board(tree, (draft,)), cycle_meta=META)))
    texts = [p.text for p in document.paragraphs]
    assert any(t.startswith("Lưu ý: 01 đơn vị còn 01 tiêu chí thành phần chưa") for t in texts)


# --- the Excel tables ----------------------------------------------------------------------------


def test_workbook_sheets(board):
    book = load_workbook(io.BytesIO(scores_xlsx(board)))
    assert book.sheetnames == ["Xếp hạng", "Bảng điểm", "Mất điểm", "Tiêu chí"]


def test_ranking_sheet_holds_numbers(board):
    sheet = load_workbook(io.BytesIO(scores_xlsx(board)))["Xếp hạng"]
    header = [c.value for c in sheet[1]]
    assert header == [
        "STT",
        "Mã",
        "Đơn vị",
        "Nhóm",
        "Tổng điểm",
        "Tỷ lệ %",
        "Xếp hạng",
        "Xếp hạng trong nhóm",
        "Xếp loại",
    ]
    last = [c.value for c in sheet[5]]
    assert last == [4, "PM", "Thị trấn Phú Mỹ", "Xã", 91.84, 91.84, 4, 2, "Xuất sắc"]
    assert sheet["E5"].data_type == "n"
    assert sheet["E5"].number_format == "0.00"
    assert sheet["E2"].value == 100
    assert sheet["E2"].number_format == "0.00"  # 100,00, like its neighbours
    assert sheet["G3"].value == 2
    assert sheet["G4"].value == 2  # the tie


def test_score_sheet_has_a_column_per_field_and_sub_criterion(board, tree):
    sheet = load_workbook(io.BytesIO(scores_xlsx(board)))["Bảng điểm"]
    header = [c.value for c in sheet[1]]
    assert header[:5] == [
        "STT",
        "Mã",
        "Đơn vị",
        "Tổng điểm\n(tối đa 100)",
        "Lĩnh vực 1\n(tối đa 12)",
    ]
    assert "1.1.2\n(tối đa 3)" in header
    assert len(header) == 4 + len(tree.fields) + len(tree.leaves)
    row = {header[i]: cell for i, cell in enumerate(sheet[5])}
    assert row["Đơn vị"].value == "Thị trấn Phú Mỹ"
    assert row["Lĩnh vực 1\n(tối đa 12)"].value == pytest.approx(10.85)
    assert row["Lĩnh vực 1\n(tối đa 12)"].number_format == "0.00"
    assert row["1.1.2\n(tối đa 3)"].value == pytest.approx(2.85)
    assert row["9.1\n(tối đa 36)"].value == pytest.approx(32.5)
    # The fields add up to the total, and so do the sub-criteria: Excel can sum them.
    fields = [row[f"Lĩnh vực {f.code}\n(tối đa {f.maximum:f})"].value for f in tree.fields]
    assert sum(fields) == pytest.approx(91.84)
    leaves = [c.value for c in sheet[5][4 + len(tree.fields) :]]
    assert sum(leaves) == pytest.approx(91.84)
    assert all(c.number_format == "0.00" for c in sheet[5][3:])


def test_score_sheet_leaves_criteria_that_do_not_apply_empty():
    nodes = (
        NodeDef("1", "A", D("6"), "", 1, is_leaf=False),
        NodeDef("1.1", "A1", D("4"), "1", 2),
        NodeDef("1.2", "A2", D("2"), "1", 2, groups=("phuong",)),
    )
    tree = Tree(nodes, D("6"))
    board = Board(
        tree,
        (
            compute(tree, {"1.1": Leaf(D("4")), "1.2": Leaf(D("1"))}, unit="W", group="phuong"),
            compute(tree, {"1.1": Leaf(D("3"))}, unit="C", group="xa"),
        ),
    )
    sheet = load_workbook(io.BytesIO(scores_xlsx(board)))["Bảng điểm"]
    rows = {row[1].value: [c.value for c in row] for row in sheet.iter_rows(min_row=2)}
    assert rows["W"][3:] == [5, 5, 4, 1]
    assert rows["C"][3:] == [3, 3, 3, None]


def test_losses_sheet_is_the_pareto(board):
    sheet = load_workbook(io.BytesIO(scores_xlsx(board)))["Mất điểm"]
    assert [c.value for c in sheet[1]][:6] == [
        "STT",
        "Mã",
        "Tiêu chí thành phần",
        "Điểm tối đa",
        "Số xã mất điểm",
        "Tổng điểm mất",
    ]
    first = [c.value for c in sheet[2]]
    assert first[1] == "9.1"
    assert first[3:6] == [36, 1, 3.5]
    assert sheet["F2"].number_format == "0.00"
    assert sheet.max_row == 1 + 8


def test_workbook_title_goes_above_the_ranking(board):
    sheet = load_workbook(io.BytesIO(scores_xlsx(board, title="Kết quả năm 2025")))["Xếp hạng"]
    assert sheet["A1"].value == "Kết quả năm 2025"
    assert sheet["A2"].value == "STT"


# --- the scorecard -------------------------------------------------------------------------------


def test_scorecard_context_follows_seed_003(board):
    context = scorecard_context(board, "PM", cycle_meta=META)
    assert context["total"] == "91,84/100"
    assert context["rank"] == "4/4"
    assert context["group_rank"] == "2/2 (xã)"
    assert context["band"] == "Xuất sắc"
    assert context["full"] == "40/48"
    fields = {f["code"]: (f["points"], f["maximum"]) for f in context["fields"]}
    assert fields["1"] == ("10,85", "12")
    assert fields["7"] == ("9,99", "11")
    assert fields["9"] == ("32,50", "36")
    lost = [(r["code"], r["maximum"], r["points"], r["lost"]) for r in context["lost"]]
    assert lost == [
        ("1.1.2", "3", "2,85", "0,15"),
        ("1.5.1", "2", "1,00", "1,00"),
        ("3.1.1", "1", "0,00", "1,00"),
        ("3.1.2", "1", "0,00", "1,00"),
        ("7.1.1", "1", "0,00", "1,00"),
        ("7.2.1", "2", "1,99", "0,01"),
        ("8.1.2", "1", "0,50", "0,50"),
        ("9.1", "36", "32,50", "3,50"),
    ]
    assert context["lost"][0]["reason"] == "lý do"


def test_scorecard_is_one_page(board):
    data = scorecard_pdf(board, "PM", cycle_meta=META)
    assert data.startswith(b"%PDF")
    assert pdf_pages(data) == 1


def test_scorecard_with_trend_previous_and_long_reasons_stays_one_page(spec, tree, board):
    reason = (
        "Thiếu đính kèm báo cáo kết quả thực hiện; tài liệu kiểm chứng không đúng quy định, "
        "chưa có chữ ký, đóng dấu của người có thẩm quyền và không ghi rõ ngày ban hành. "
    ) * 3
    leaves = {
        code: Leaf(leaf.points, leaf.basis, reason if leaf.reason else "", leaf.working)
        for code, leaf in seed_003_leaves(spec).items()
    }
    town = compute(tree, leaves, unit="PM", name="Thị trấn Phú Mỹ", group="xa")
    long_board = Board(tree, (town, *board.results[1:]))
    before = compute(tree, {n.code: Leaf(n.maximum) for n in tree.leaves}, unit="PM")
    history = [
        YearPoint(year, D(total), D(total), rank, "Tốt", 1)
        for year, total, rank in [(2021, "84.5", 9), (2022, "86.25", 7), (2023, "91.84", 3)]
    ] + [YearPoint(2024, D("100"), D("100"), 1, "Xuất sắc", 2)]
    context = scorecard_context(long_board, "PM", cycle_meta=META, history=history, previous=before)
    assert [row["year"] for row in context["trend"]] == [2021, 2022, 2023, 2024, 2025]
    assert context["trend"][-1]["change"] == "-8,16"
    assert context["change"] == "-8,16"
    assert "<svg" in context["trend_svg"]
    document, used = reports.fit_scorecard(context)
    assert len(document.pages) == 1
    assert len(used["lost"]) == 8  # all of them, none left out
    assert used["more_lost"] == 0


def test_a_scorecard_that_cannot_fit_lists_the_biggest_losses(tree):
    reason = "Không có tài liệu kiểm chứng hợp lệ cho tiêu chí này, đề nghị bổ sung. " * 4
    leaves = {n.code: Leaf(D("0"), Basis.APPRAISED, reason) for n in tree.leaves}
    leaves["9.1"] = Leaf(D("10"), Basis.SURVEY, reason)
    result = compute(tree, leaves, unit="Z", name="Xã Mất Điểm")
    board = Board(tree, (result,))
    document, used = reports.fit_scorecard(scorecard_context(board, "Z"))
    assert len(document.pages) == 1
    assert used["more_lost"] == 48 - len(used["lost"])
    assert used["more_lost"] > 0
    # What the page keeps when it must: the biggest losses, in the tree's order, and a count.
    shown = reports._fewer(scorecard_context(board, "Z")["lost"], 5)
    assert shown["more_lost"] == 48 - 5
    assert [row["code"] for row in shown["lost"]][-1] == "9.1"  # the biggest loss: 26 points
    assert sorted((row["lost_value"] for row in shown["lost"]), reverse=True) == [
        D("26"),
        D("3"),
        D("3"),
        D("2"),
        D("2"),
    ]


def test_unknown_unit_has_no_scorecard(board):
    with pytest.raises(ExportError):
        scorecard_context(board, "NONE")


def test_every_scorecard_one_page_each(board):
    seen: list[int] = []
    data = scorecards_pdf(board, cycle_meta=META, progress=seen.append)
    assert pdf_pages(data) == 4
    assert seen == [25, 50, 75, 100]


# --- background exports --------------------------------------------------------------------------


def run_queued(cycle, kind, world, capture, publication=None) -> ExportJob:
    with capture(execute=True):
        job = queue_export(cycle, kind, by=world.users["secretariat"], publication=publication)
    job.refresh_from_db()
    return job


def test_queued_score_table_is_built_with_progress(
    scored, world, django_capture_on_commit_callbacks
):
    job = run_queued(scored.cycle, "scores_xlsx", world, django_capture_on_commit_callbacks)
    assert job.state == ExportJob.State.DONE
    assert job.progress == 100
    assert job.error == ""
    assert job.filename == "bang-diem-chi-so-cchc-91-2025.xlsx"
    assert job.content_type == reports.XLSX
    sheet = load_workbook(io.BytesIO(bytes(job.data)))["Xếp hạng"]
    assert sheet["A1"].value.startswith("Kết quả Chỉ số cải cách hành chính năm 2025")
    assert [sheet["C3"].value, sheet["E3"].value, sheet["G3"].value] == [
        scored.b.unit.name,
        99,
        1,
    ]
    assert sheet["E4"].value == pytest.approx(95.35)


def test_queued_report_uses_the_published_snapshot(
    scored, world, django_capture_on_commit_callbacks
):
    publication = services.prepare_publication(scored.cycle, by=world.users["secretariat"])
    services.approve_publication(publication, by=world.users["council"], decision="Nghị quyết 1")
    publication = services.publish(publication, by=world.users["secretariat"])
    job = run_queued(
        scored.cycle, "report_docx", world, django_capture_on_commit_callbacks, publication
    )
    assert job.state == ExportJob.State.DONE
    assert job.filename == "bao-cao-chi-so-cchc-91-2025-v1.docx"
    assert job.content_type == reports.DOCX
    document = open_document(io.BytesIO(bytes(job.data)))
    rows = find_table(document, "STT", "Đơn vị")
    assert rows[1][1:4] == [scored.b.unit.name, "99,00", "1"]
    assert rows[2][1:4] == [scored.a.unit.name, "95,35", "2"]
    texts = [p.text for p in document.paragraphs]
    assert any("(Nghị quyết 1)" in t for t in texts)
    letterhead = table_texts(document.tables[0])[0]
    assert "ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM" in letterhead[0]


def test_queued_scorecards_one_page_a_commune(scored, world, django_capture_on_commit_callbacks):
    job = run_queued(scored.cycle, "scorecards_pdf", world, django_capture_on_commit_callbacks)
    assert job.state == ExportJob.State.DONE
    assert job.content_type == "application/pdf"
    assert pdf_pages(bytes(job.data)) == 2


def test_a_failed_export_keeps_its_reason(
    scored, world, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(reports, "scores_xlsx", broken)
    job = run_queued(scored.cycle, "scores_xlsx", world, django_capture_on_commit_callbacks)
    assert job.state == ExportJob.State.FAILED
    assert "RuntimeError" in job.error
    assert job.progress < 100
    assert not job.data


def test_a_finished_job_is_not_built_again(scored, world, django_capture_on_commit_callbacks):
    job = run_queued(scored.cycle, "scores_xlsx", world, django_capture_on_commit_callbacks)
    ExportJob.objects.filter(pk=job.pk).update(filename="kept.xlsx")
    assert run_export.call(job.pk) == ExportJob.State.DONE
    job.refresh_from_db()
    assert job.filename == "kept.xlsx"


def test_nothing_is_queued_for_an_unknown_kind_or_another_cycles_result(scored, world):
    with pytest.raises(ExportError):
        queue_export(scored.cycle, "report_pdf", by=world.users["secretariat"])
    other = Publication(cycle_id=scored.cycle.pk + 1, version=1, snapshot={})
    with pytest.raises(ExportError):
        queue_export(scored.cycle, "scores_xlsx", by=None, publication=other)
    assert not ExportJob.objects.exists()


def test_a_scorecard_can_leave_the_rank_out(board):
    shown = reports.scorecard_context(board, "PM")
    hidden = reports.scorecard_context(board, "PM", show_rank=False)
    assert shown["rank"].endswith(f"/{len(board.results)}")
    assert hidden["rank"] == ""
    assert hidden["group_rank"] == ""
