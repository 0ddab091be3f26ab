"""Seed 002's appendices in and out of files: imported from Excel (all or nothing, per-row problems,
duplicates skipped), exported as a Word document in the state format with the seed's columns."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from docx import Document as open_docx
from docx.enum.section import WD_ORIENT
from docx.table import Table as DocxTable

from parindex.audit.models import AuditEntry
from parindex.orgunits.models import Kind as UnitKind
from parindex.plans import actions, files
from parindex.plans.models import Plan, PlanStatus, Target, Task
from parindex.plans.rules import Due
from tests import factories

pytestmark = pytest.mark.django_db

TASK_HEADER = (
    "TT",
    "Nhiệm vụ",
    "Hoạt động/sản phẩm",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Thời gian thực hiện",
)

# Seed 002, Phụ lục 2, row by row (a row the seed's page break cut in two is one row again).
SEED_TASKS: list[tuple[object, ...]] = [
    ("I", "CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH", "", "", "", ""),
    (
        "1",
        "Tổ chức tổng kết công tác cải cách hành chính năm 2023 và triển khai nhiệm vụ công tác "
        "cải cách hành chính phường năm 2024.",
        "Hội nghị do Lãnh đạo UBND phường chủ trì",
        "Văn phòng- Thống kê",
        "Các ngành liên quan",
        "Quý I/2024",
    ),
    (
        "2",
        "Kế hoạch kiểm tra cải cách hành chính năm 2024",
        "Kế hoạch của UBND phường",
        "Văn phòng- Thống kê",
        "Các ngành liên quan",
        "Tháng 3/2024",
    ),
    (
        "3",
        "Kế hoạch tuyên truyền, truyền thông về cải cách hành chính năm 2024",
        "Kế hoạch của UBND phường",
        "Văn hóa- Thông tin",
        "Các ngành liên quan",
        "Tháng 3/2024",
    ),
    (
        "4",
        "Kế hoạch đo lường sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành "
        "chính nhà nước năm 2024",
        "Kế hoạch của UBND phường",
        "Văn phòng- Thống kê",
        "Các ngành liên quan",
        "Tháng 10/2024",
    ),
    (
        "5",
        "Tăng cường kiểm tra kỷ luật, kỷ cương hành chính",
        "Kế hoạch của UBND phường",
        "Các ngành liên quan",
        "Các ngành liên quan",
        "Tháng 3/2024",
    ),
    ("II", "CẢI CÁCH THỂ CHẾ", "", "", "", ""),
    (
        "6",
        "Ban hành các kế hoạch: Kế hoạch kiểm tra kiểm tra, xử lý, rà soát, hệ thống hóa văn bản "
        "quy phạm pháp luật; Kế hoạch theo dõi thi hành pháp luật năm 2024",
        "Quyết định ban hành Kế hoạch của UBND phường",
        "Tư pháp- Hộ tịch",
        "Các ngành có liên quan",
        "Tháng 2/2024",
    ),
    (
        "7",
        "Kế hoạch phổ biến, giáo dục pháp luật, hòa giải ở cơ sở, xây dựng cấp xã đạt chuẩn tiếp "
        "cận pháp luật năm 2024",
        "Quyết định ban hành Kế hoạch của UBND phường",
        "Tư pháp- Hộ tịch",
        "Các ngành có liên quan",
        "Tháng 2/2024",
    ),
    (
        "8",
        "Công bố kết quả hệ thống hóa văn bản kỳ 2019-2023",
        "Quyết định của UBND phường",
        "Tư pháp- Hộ tịch",
        "Các ngành liên quan",
        "Tháng 3/2024",
    ),
    (
        "9",
        "Báo cáo kết quả thực hiện công tác hệ thống hóa văn bản kỳ 2019-2023",
        "Báo cáo của UBND phường",
        "Tư pháp- Hộ tịch",
        "Các ngành liên quan",
        "Tháng 3/2024",
    ),
    # The seed writes this group's numeral and name in one cell.
    ("III CẢI CÁCH THỦ TỤC HÀNH CHÍNH", "", "", "", "", ""),
    (
        "10",
        "Đăng ký danh mục thủ tục hành chính thực hiện rút ngắn thời gian giải quyết",
        "Văn bản đăng ký",
        "Văn phòng - Thống kê",
        "Các ngành liên quan",
        "Trước ngày 10/01/2024",
    ),
    (
        "11",
        "Xây dựng phương án rút ngắn thời gian giải quyết",
        "Phương án rút ngắn thời gian",
        "Văn phòng - Thống kê",
        "Các ngành liên quan",
        "Quý II/2024",
    ),
    (
        "12",
        "Đầu tư, hoàn thiện trang thiết bị làm việc, cơ sở vật chất gắn với đổi mới và nâng cao "
        "hiệu quả hoạt động của Bộ phận Một cửa phường",
        "Kế hoạch của UBND phường",
        "Văn phòng- Thống kê",
        "Bộ phận Tài chính kế toán và các ngành liên quan",
        "Cả năm",
    ),
    (
        "13",
        "Đẩy mạnh cung cấp dịch vụ công trực tuyến mức độ 3, mức độ 4",
        "Đạt chỉ tiêu đề ra",
        "Văn phòng- Thống kê",
        "Các ngành liên quan",
        "Cả năm",
    ),
    (
        "14",
        "Thực hiện đánh giá mức độ hài lòng của người dân trong giải quyết thủ tục hành chính địa "
        "bàn phường",
        "Kế hoạch của UBND phường",
        "Văn phòng- Thống kê",
        "Các ngành liên quan",
        "Cả năm",
    ),
    ("IV", "CẢI CÁCH TỔ CHỨC BỘ MÁY HÀNH CHÍNH NHÀ NƯỚC", "", "", "", ""),
    (
        "15",
        "Thực hiện kế hoạch kiểm tra, thực hiện phân cấp, ủy quyền theo quy định.",
        "Báo cáo kết quả thực hiện theo yêu cầu của UBND thị xã",
        "Văn phòng- Thống kê",
        "Các ngành liên quan",
        "Cả năm",
    ),
    ("V", "CẢI CÁCH CHẾ ĐỘ CÔNG VỤ", "", "", "", ""),
    (
        "16",
        "Thực hiện Đề án vị trí việc làm, cơ cấu ngạch công chức",
        "Báo cáo kết quả thực hiện theo yêu cầu của UBND thị xã",
        "Văn phòng- Thống kê",
        "Các ngành liên quan",
        "Cả năm",
    ),
    (
        "17",
        "Thực hiện Kế hoạch chuyển đổi vị trí công tác đối với công chức",
        "Báo cáo kết quả thực hiện theo yêu cầu của UBND thị xã",
        "Văn phòng- Thống kê",
        "Các ngành liên quan.",
        "Cả năm",
    ),
    (
        "18",
        "Kế hoạch đào tạo, bồi dưỡng cán bộ, công chức năm 2024",
        "Kế hoạch của UBND phường",
        "Văn phòng- Thống kê",
        "Các ngành liên quan",
        "Tháng 2/2024",
    ),
    ("VI", "CẢI CÁCH TÀI CHÍNH CÔNG", "", "", "", ""),
    (
        "19",
        "Tiếp tục triển khai cơ chế tự chủ, tự chịu trách nhiệm về sử dụng biên chế và kinh phí "
        "quản lý hành chính",
        "Báo cáo Tài chính- kế toán",
        "Tài chính-Kế toán",
        "Các ngành liên quan",
        "Cả năm",
    ),
    ("VII", "XÂY DỰNG VÀ PHÁT TRIỂN CHÍNH QUYỀN ĐIỆN TỬ, CHÍNH QUYỀN SỐ", "", "", "", ""),
    (
        "20",
        "Kế hoạch chuyển đổi số phường năm 2024",
        "Kế hoạch của UBND phường",
        "Bộ phận Văn hóa- Thông tin",
        "Các ngành liên quan",
        "Tháng 3/2024",
    ),
    (
        "21",
        "Kiện toàn Tổ công nghệ số cộng đồng",
        "Quyết định của UBND phường",
        "Bộ phận VH-TT",
        "Các ngành liên quan",
        "Tháng 3/2024",
    ),
]

# Seed 002, Phụ lục 1, with its two header rows ("Trách nhiệm cụ thể" over two columns).
TARGET_HEADER_1 = ("STT", "Chỉ tiêu", "Chỉ tiêu phấn đấu năm 2024", "Trách nhiệm cụ thể", None)
TARGET_HEADER_2 = (None, None, None, "Đơn vị theo dõi, hướng dẫn thực hiện", "Đơn vị thực hiện")
SEED_TARGETS: list[tuple[object, ...]] = [
    ("1", "Kết quả các chỉ số đánh giá hiệu quả cải cách hành chính của phường", "", "", ""),
    (
        "1.1",
        "Chỉ số cải cách hành chính của phường (Par Index)",
        "Chỉ số xếp hạng cao hơn năm 2023",
        "Văn phòng – TK",
        "Các cán bộ, công chức liên quan, Bộ phận một cửa phường",
    ),
    (
        "1.2",
        "Chỉ số hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà "
        "nước (SIPAS)",
        "",
        "Văn phòng – TK",
        "",
    ),
    ("1.5", "Chỉ số Chuyển đổi số cấp xã (DTI)", "", "Bộ phận Văn hóa-Thông tin-thể Thao", ""),
    (
        "2",
        "Các văn bản quy phạm pháp luật trên địa bàn phường được ban hành đúng trình tự, thủ tục, "
        "thẩm quyền và đảm bảo chất lượng theo quy định",
        "100%",
        "Bộ phận Tư pháp",
        "Các cán bộ, công chức liên quan",
    ),
    ("3", "Cải cách thủ tục hành chính", "", "", ""),
    (
        "3.1",
        "Thủ tục hành chính nội bộ được công khai trên Cổng thông tin điện tử phường",
        "100%",
        "Văn phòng -TK",
        "Các bộ phận liên quan",
    ),
    (
        "3.2",
        "Thực hiện số hóa hồ sơ, kết quả giải quyết TTHC",
        "90%",
        "Văn phòng - Tk",
        "Các cán bộ, công chức liên quan, Bộ phận một cửa phường",
    ),
    (
        "3.3",
        "Khai thác, sử dụng lại thông tin, dữ liệu số hóa",
        "Trên 50%",
        "Văn phòng – Tk",
        "Các cán bộ, công chức liên quan, Bộ phận một cửa phường",
    ),
    (
        "4",
        "Thực hiện theo Đề án vị trí việc làm; công chức được bố trí theo tiêu chuẩn ngạch và vị "
        "trí việc làm khi được phê duyệt",
        "100%",
        "Văn phòng – Tk",
        "Các cán bộ, công chức liên quan, Bộ phận một cửa phường",
    ),
    ("6", "Chính quyền điện tử, chính quyền số", "", "", ""),
    (
        "6.1",
        "Chế độ báo cáo, chỉ tiêu tổng hợp báo cáo định kỳ và báo cáo thống kê về kinh tế - xã hội "
        "phục vụ sự chỉ đạo, điều hành của Ủy ban nhân dân phường, Chủ tịch của Ủy ban nhân dân "
        "phường được kết nối, tích hợp, chia sẻ dữ liệu số trên Hệ thống thông tin báo cáo Chính "
        "phủ",
        "100%",
        "Văn phòng – Tk",
        "Các cán bộ, công chức liên quan",
    ),
    (
        "6.2",
        "Tỷ lệ lập hồ sơ công việc (trừ hồ sơ mật) trên môi trường mạng:",
        "Trên 70%",
        "Văn phòng – Tk",
        "Bộ phận Văn hóa- Thông tin-Thể Thao",
    ),
    (
        "6.3",
        "Dịch vụ công trực tuyến và thanh toán trực tuyến:",
        "",
        "Văn phòng HĐND và UBND",
        "Các cơ quan, đơn vị liên quan, UBND các xã, phường",
    ),
    (
        "",
        "- Phấn đấu tỷ lệ hồ sơ trực tuyến trên tổng số hồ sơ tiếp nhận, giải quyết TTHC",
        "Trên 90%",
        "",
        "",
    ),
    (
        "",
        "- Tỷ lệ thanh toán trực tuyến trên Cổng Dịch vụ công quốc gia trên tổng số giao dịch "
        "thanh toán của dịch vụ công",
        "Trên 90%",
        "",
        "",
    ),
    (
        "",
        "- Tỷ lệ thủ tục hành chính có yêu cầu nghĩa vụ tài chính được thanh toán trực tuyến trên "
        "Cổng Dịch vụ công quốc gia",
        "100%",
        "",
        "",
    ),
    ("", "- Tỷ lệ cấp kết quả giải quyết điện tử đối với hồ sơ giải quyết TTHC.", "100%", "", ""),
    (
        "6.4",
        "Cung cấp dịch vụ công chứng thực điện tử",
        "100%",
        "Bộ phận Tư pháp – Hộ tịch",
        "Cán bộ, công chức liên quan và bộ phận một cửa",
    ),
]


def workbook(*rows: tuple[object, ...]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append([None if v == "" else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def seed_tasks_xlsx() -> bytes:
    return workbook(TASK_HEADER, *SEED_TASKS)


def seed_targets_xlsx() -> bytes:
    return workbook(TARGET_HEADER_1, TARGET_HEADER_2, *SEED_TARGETS)


def plan_2024(world) -> Plan:
    return actions.create_plan(
        by=None,
        unit=world.commune_a,
        year=2024,
        title="Kế hoạch Cải cách hành chính xã An Bình năm 2024",
        grounds="Căn cứ Kế hoạch số 196/KH-UBND ngày 28/12/2023 của UBND thị xã Hoài Nhơn về "
        "cải cách hành chính thị xã Hoài Nhơn năm 2024;",
        purpose="1. Mục đích\na) Nâng cao trách nhiệm của người đứng đầu.\n\n2. Yêu cầu\n"
        "a) Phấn đấu hoàn thành 100% mục tiêu, nhiệm vụ CCHC năm 2024.",
    )


def login(world, role: str) -> Client:
    client = Client(headers={"accept-language": "vi"})
    client.force_login(world.users[role])
    return client


def appendix_tables(data: bytes) -> tuple[DocxTable, DocxTable]:
    document = open_docx(io.BytesIO(data))
    tables = [t for t in document.tables if t.rows[0].cells[0].text in {"STT", "TT"}]
    assert len(tables) == 2
    return tables[0], tables[1]


def texts(row) -> list[str]:
    return [cell.text for cell in row.cells]


# --- import --------------------------------------------------------------------------------------


def test_seed_002_tasks_import_with_their_groups_and_deadlines(world):
    plan = plan_2024(world)
    officer = world.users["commune_officer"]
    report = files.import_tasks(plan, seed_tasks_xlsx(), by=officer)
    assert report.problems == []
    assert report.saved
    assert (report.added, report.skipped, report.groups) == (21, 0, 7)
    tasks = {t.code: t for t in plan.tasks.all()}
    assert len(tasks) == 21
    assert [t.code for t in plan.tasks.order_by("position")] == [str(n) for n in range(1, 22)]
    first = tasks["1"]
    assert first.group == "CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH"
    assert first.product == "Hội nghị do Lãnh đạo UBND phường chủ trì"
    assert first.lead == "Văn phòng- Thống kê"
    assert first.coordinating == "Các ngành liên quan"
    assert (first.due_kind, first.due_on) == ("quarter", dt.date(2024, 3, 31))
    assert (tasks["2"].due_kind, tasks["2"].due_on) == ("month", dt.date(2024, 3, 31))
    assert tasks["4"].due_on == dt.date(2024, 10, 31)
    assert tasks["6"].group == "CẢI CÁCH THỂ CHẾ"
    assert tasks["6"].due_on == dt.date(2024, 2, 29)  # 2024 is a leap year
    # "III CẢI CÁCH THỦ TỤC HÀNH CHÍNH" in one cell starts a group too.
    assert tasks["10"].group == "CẢI CÁCH THỦ TỤC HÀNH CHÍNH"
    assert (tasks["10"].due_kind, tasks["10"].due_on) == ("date", dt.date(2024, 1, 10))
    assert (tasks["11"].due_kind, tasks["11"].due_on) == ("quarter", dt.date(2024, 6, 30))
    assert (tasks["12"].due_kind, tasks["12"].due_on) == ("year", dt.date(2024, 12, 31))
    assert tasks["21"].group == "XÂY DỰNG VÀ PHÁT TRIỂN CHÍNH QUYỀN ĐIỆN TỬ, CHÍNH QUYỀN SỐ"
    assert {t.group for t in tasks.values()} == {
        "CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH",
        "CẢI CÁCH THỂ CHẾ",
        "CẢI CÁCH THỦ TỤC HÀNH CHÍNH",
        "CẢI CÁCH TỔ CHỨC BỘ MÁY HÀNH CHÍNH NHÀ NƯỚC",
        "CẢI CÁCH CHẾ ĐỘ CÔNG VỤ",
        "CẢI CÁCH TÀI CHÍNH CÔNG",
        "XÂY DỰNG VÀ PHÁT TRIỂN CHÍNH QUYỀN ĐIỆN TỬ, CHÍNH QUYỀN SỐ",
    }
    # Each task is written through the audited action.
    assert AuditEntry.objects.filter(action="task.change").count() == 21


def test_seed_002_targets_import_as_written_with_headings(world):
    plan = plan_2024(world)
    report = files.import_targets(plan, seed_targets_xlsx(), by=world.users["commune_officer"])
    assert report.problems == []
    assert (report.added, report.skipped) == (19, 0)
    targets = list(plan.targets.order_by("position"))
    assert len(targets) == 19
    by_code = {t.code: t for t in targets if t.code}
    assert [t.code for t in targets if t.heading] == ["1", "3", "6", "6.3"]
    assert not by_code["1.2"].heading  # no value, but no rows of its own either
    rank = by_code["1.1"]
    assert rank.target_text == "Chỉ số xếp hạng cao hơn năm 2023"
    assert (rank.direction, rank.measure, rank.value) == ("better", "rank", None)
    assert rank.group == "Kết quả các chỉ số đánh giá hiệu quả cải cách hành chính của phường"
    assert rank.tracking_unit == "Văn phòng – TK"
    assert (by_code["2"].direction, by_code["2"].value) == ("ge", Decimal(100))
    assert by_code["2"].group == ""
    assert (by_code["3.2"].direction, by_code["3.2"].value) == ("ge", Decimal(90))
    reuse = by_code["3.3"]
    assert (reuse.target_text, reuse.direction, reuse.measure) == ("Trên 50%", "gt", "percent")
    assert reuse.value == Decimal(50)
    assert reuse.group == "Cải cách thủ tục hành chính"
    assert (by_code["6.2"].direction, by_code["6.2"].value) == ("gt", Decimal(70))
    dashes = [t for t in targets if not t.code]
    assert len(dashes) == 4
    assert dashes[0].name.startswith("- Phấn đấu tỷ lệ hồ sơ trực tuyến")
    assert (dashes[0].direction, dashes[0].value) == ("gt", Decimal(90))
    assert {t.group for t in dashes} == {"Chính quyền điện tử, chính quyền số"}
    assert by_code["6.4"].group == "Chính quyền điện tử, chính quyền số"


def test_a_file_with_bad_rows_is_refused_whole_with_every_problem(world):
    plan = plan_2024(world)
    data = workbook(
        TASK_HEADER,
        ("I", "CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH"),
        ("1", "Kế hoạch kiểm tra CCHC", "Kế hoạch", "Văn phòng", "", "Tháng 3/2024"),
        ("2", "", "Kế hoạch của UBND phường", "Văn phòng", "", "Tháng 3/2024"),  # row 4
        ("3", "Kế hoạch tuyên truyền", "Kế hoạch", "Văn hóa", "", "sớm"),  # row 5
        ("4", "Kế hoạch đo lường sự hài lòng", "Kế hoạch", "Văn phòng", "", ""),  # row 6
        ("5", "Tăng cường kiểm tra kỷ luật", "Kế hoạch", "Các ngành", "", "Quý I/2024"),
    )
    before = AuditEntry.objects.count()
    report = files.import_tasks(plan, data, by=world.users["commune_officer"])
    assert not report.saved
    assert report.added == 0
    assert plan.tasks.count() == 0
    assert AuditEntry.objects.count() == before
    assert report.bad_rows == 3
    found = [(p.row, p.column, p.problem.code) for p in report.problems]
    assert found == [
        (4, "Nhiệm vụ", "task.title"),
        (5, "Thời gian thực hiện", "task.due"),
        (6, "Thời gian thực hiện", "import.due_missing"),
    ]
    assert "sớm" in report.problems[1].message
    assert all(p.message for p in report.problems)


def test_bad_target_rows_are_refused_whole(world):
    plan = plan_2024(world)
    data = workbook(
        TARGET_HEADER_1,
        TARGET_HEADER_2,
        ("1", "Chỉ số cải cách hành chính", "Cao hơn năm trước", "Văn phòng", ""),
        ("2", "", "100%", "Văn phòng", ""),
        ("3", "Số hóa hồ sơ", "9" * 201, "", ""),
    )
    report = files.import_targets(plan, data, by=None)
    assert [(p.row, p.column, p.problem.code) for p in report.problems] == [
        (4, "Chỉ tiêu", "target.name"),
        (5, "Chỉ tiêu phấn đấu năm 2024", "import.too_long"),
    ]
    assert plan.targets.count() == 0


def test_importing_the_same_file_again_skips_what_the_plan_has(world):
    plan = plan_2024(world)
    # A task entered by hand, equal to the seed's task 2: the file's copy is skipped.
    actions.add_task(
        plan,
        by=None,
        title="Kế hoạch kiểm tra cải cách hành chính năm 2024",
        due=Due("month", dt.date(2024, 3, 31)),
    )
    # Same wording, another deadline: not a duplicate.
    actions.add_task(
        plan,
        by=None,
        title="Kế hoạch chuyển đổi số phường năm 2024",
        due=Due("month", dt.date(2024, 6, 30)),
    )
    first = files.import_tasks(plan, seed_tasks_xlsx(), by=None)
    assert (first.added, first.skipped) == (20, 1)
    assert plan.tasks.count() == 22
    # Appended after the plan's own tasks.
    assert list(plan.tasks.order_by("position").values_list("code", flat=True))[:3] == [
        "",
        "",
        "1",
    ]
    again = files.import_tasks(plan, seed_tasks_xlsx(), by=None)
    assert again.saved
    assert (again.added, again.skipped) == (0, 21)
    assert plan.tasks.count() == 22

    targets = files.import_targets(plan, seed_targets_xlsx(), by=None)
    assert (targets.added, targets.skipped) == (19, 0)
    targets_again = files.import_targets(plan, seed_targets_xlsx(), by=None)
    assert (targets_again.added, targets_again.skipped) == (0, 19)
    assert plan.targets.count() == 19


def test_files_that_are_no_table_are_refused(world):
    plan = plan_2024(world)
    codes = {
        b"": "file.empty",
        b"not a workbook": "file.unreadable_excel",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel": "import.old_excel",
        workbook(("Số", "Tên việc", "Hạn")): "file.missing_columns",
    }
    for data, code in codes.items():
        report = files.import_tasks(plan, data, by=None)
        assert [p.problem.code for p in report.problems] == [code], code
        assert report.problems[0].message
    assert plan.tasks.count() == 0
    # The problem names the columns the header lacks.
    no_deadline = workbook(("TT", "Nhiệm vụ", "Cơ quan chủ trì"), ("1", "Kế hoạch", "Văn phòng"))
    problem = files.import_tasks(plan, no_deadline, by=None).problems[0].problem
    assert (problem.code, problem.params) == (
        "file.missing_columns",
        {"columns": "Thời gian thực hiện"},
    )


def test_a_closed_plan_takes_no_import(world):
    plan = plan_2024(world)
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.CLOSED)
    plan.refresh_from_db()
    report = files.import_tasks(plan, seed_tasks_xlsx(), by=None)
    assert [p.problem.code for p in report.problems] == ["plan.closed"]
    assert plan.tasks.count() == 0


def test_cells_are_read_as_excel_shows_them():
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Tiêu đề: Phụ lục 1"])  # a title line above the header
    sheet.append(["STT", "Chỉ tiêu", "Chỉ tiêu phấn đấu năm 2024", "Đơn vị theo dõi", "Ghi chú"])
    sheet.append([1.1, "Số hóa hồ sơ", 0.9, "Văn phòng", "không đọc"])
    sheet["C3"].number_format = "0%"
    sheet.append([2, "Tỷ lệ hồ sơ trực tuyến", 0.505, "", ""])
    sheet["C4"].number_format = "0.0%"
    out = io.BytesIO()
    book.save(out)
    rows, problems = files.read_targets(out.getvalue(), 2024)
    assert problems == []
    assert [(r.row, r.code, r.target_text, r.tracking_unit) for r in rows] == [
        (3, "1.1", "90%", "Văn phòng"),
        (4, "2", "50,5%", ""),
    ]

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(TASK_HEADER)
    sheet.append([1, "Báo cáo CCHC quý I", "Báo cáo", "Văn phòng", "", dt.date(2024, 3, 15)])
    sheet.append([2, "Tổ chức đối thoại", "Hội nghị", "Văn phòng", "", "Thường xuyên"])
    out = io.BytesIO()
    book.save(out)
    tasks, problems = files.read_tasks(out.getvalue(), 2024)
    assert problems == []
    assert [(t.code, t.due.kind, t.due.on) for t in tasks] == [
        ("1", "date", dt.date(2024, 3, 15)),
        ("2", "year", dt.date(2024, 12, 31)),
    ]


# --- templates -----------------------------------------------------------------------------------


def test_the_templates_have_the_seed_columns_and_can_be_filled_in(world):
    plan = plan_2024(world)
    book = openpyxl.load_workbook(io.BytesIO(files.tasks_template_xlsx(plan)))
    assert book.sheetnames == ["Phụ lục 2", "Hướng dẫn"]
    header = next(book.worksheets[0].iter_rows(max_row=1, values_only=True))
    assert header == TASK_HEADER
    assert book.worksheets[0]["B2"].number_format == "@"  # "- ..." and "1.1" stay text
    for row in SEED_TASKS:
        book.worksheets[0].append([None if v == "" else v for v in row])
    out = io.BytesIO()
    book.save(out)
    assert files.import_tasks(plan, out.getvalue(), by=None).added == 21

    book = openpyxl.load_workbook(io.BytesIO(files.targets_template_xlsx(plan)))
    assert book.sheetnames == ["Phụ lục 1", "Hướng dẫn"]
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(max_row=2, values_only=True))
    assert rows == [TARGET_HEADER_1, TARGET_HEADER_2]
    assert "D1:E1" in {str(r) for r in sheet.merged_cells.ranges}
    for row in SEED_TARGETS:
        sheet.append([None if v == "" else v for v in row])
    out = io.BytesIO()
    book.save(out)
    assert files.import_targets(plan, out.getvalue(), by=None).added == 19


# --- Word ----------------------------------------------------------------------------------------


def test_the_plan_exports_with_the_seed_appendices(world):
    plan = plan_2024(world)
    files.import_targets(plan, seed_targets_xlsx(), by=None)
    files.import_tasks(plan, seed_tasks_xlsx(), by=None)
    data = files.plan_docx(plan, today=dt.date(2023, 12, 20))
    document = open_docx(io.BytesIO(data))
    body = "\n".join(p.text for p in document.paragraphs)
    letterhead = document.tables[0].rows[0].cells
    assert "UBND TỈNH THỬ NGHIỆM" in letterhead[0].text
    assert "ỦY BAN NHÂN DÂN XÃ AN BÌNH" in letterhead[0].text
    assert "Số: ……/KH-UBND" in letterhead[0].text
    assert "An Bình, ngày …… tháng …… năm 2023" in letterhead[1].text
    assert "KẾ HOẠCH\nCải cách hành chính xã An Bình năm 2024" in body
    assert "Căn cứ Kế hoạch số 196/KH-UBND" in body
    assert "I. MỤC ĐÍCH, YÊU CẦU" in body
    assert "a) Nâng cao trách nhiệm của người đứng đầu." in body
    assert "(Các chỉ tiêu cụ thể tại Phụ lục 1 kèm theo)" in body
    assert "(Nội dung nhiệm vụ cụ thể tại Phụ lục 2 kèm theo)" in body
    assert "PHỤ LỤC 1" in body
    assert "CÁC CHỈ TIÊU CÔNG TÁC CẢI CÁCH HÀNH CHÍNH XÃ AN BÌNH NĂM 2024" in body
    assert "PHỤ LỤC 2" in body
    assert "NHIỆM VỤ TRỌNG TÂM CỦA CÔNG TÁC CẢI CÁCH HÀNH CHÍNH XÃ AN BÌNH NĂM 2024" in body
    closing = "\n".join(c.text for t in document.tables for c in t.rows[0].cells)
    assert "Nơi nhận:" in closing
    assert "TM. ỦY BAN NHÂN DÂN" in closing
    # The two appendices are landscape sections of their own.
    assert [s.orientation for s in document.sections] == [
        WD_ORIENT.PORTRAIT,
        WD_ORIENT.LANDSCAPE,
        WD_ORIENT.LANDSCAPE,
    ]

    targets, tasks = appendix_tables(data)
    # Phụ lục 1: the seed's header, "Trách nhiệm cụ thể" over its two columns.
    assert texts(targets.rows[0]) == [
        "STT",
        "Chỉ tiêu",
        "Chỉ tiêu phấn đấu năm 2024",
        "Trách nhiệm cụ thể",
        "Trách nhiệm cụ thể",
    ]
    assert texts(targets.rows[1]) == [
        "STT",
        "Chỉ tiêu",
        "Chỉ tiêu phấn đấu năm 2024",
        "Đơn vị theo dõi, hướng dẫn thực hiện",
        "Đơn vị thực hiện",
    ]
    target_rows = [texts(r) for r in targets.rows[2:]]
    assert len(target_rows) == 19
    expected = [[str(v) for v in row] for row in SEED_TARGETS]  # the seed's rows, cell for cell
    assert target_rows == expected
    heading = targets.rows[2].cells[1].paragraphs[0].runs[0]
    assert heading.font.bold  # "1 Kết quả các chỉ số ...": a heading row
    assert not targets.rows[3].cells[1].paragraphs[0].runs[0].font.bold

    # Phụ lục 2: the seed's columns, groups in one bold cell across the row.
    assert texts(tasks.rows[0]) == list(TASK_HEADER)
    task_rows = [texts(r) for r in tasks.rows[1:]]
    assert len(task_rows) == 28
    assert task_rows[0] == ["I", *["CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH"] * 5]
    assert len(tasks.rows[1]._tr.tc_lst) == 2  # the numeral and one merged cell
    assert tasks.rows[1].cells[1].paragraphs[0].runs[0].font.bold
    assert task_rows[1] == [
        "1",
        SEED_TASKS[1][1],
        "Hội nghị do Lãnh đạo UBND phường chủ trì",
        "Văn phòng- Thống kê",
        "Các ngành liên quan",
        "Quý I/2024",
    ]
    assert task_rows[2][5] == "Tháng 3/2024"
    assert task_rows[4][5] == "Tháng 10/2024"
    assert task_rows[11][:2] == ["III", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH"]
    assert task_rows[12][5] == "10/01/2024"  # "Trước ngày 10/01/2024": due that day
    assert task_rows[13][5] == "Quý II/2024"
    assert task_rows[14][5] == "Cả năm 2024"
    assert task_rows[-1] == [
        "21",
        "Kiện toàn Tổ công nghệ số cộng đồng",
        "Quyết định của UBND phường",
        "Bộ phận VH-TT",
        "Các ngành liên quan",
        "Tháng 3/2024",
    ]
    # Every task row is the seed's row, the deadline as the plan writes it.
    seed_task_rows = [r for r in SEED_TASKS if str(r[0]).isdigit()]
    exported = [r for r in task_rows if r[0].isdigit()]
    assert [r[:5] for r in exported] == [list(r[:5]) for r in seed_task_rows]


def test_an_issued_ward_plan_has_its_heading_in_the_state_format(world):
    town = factories.unit("Thị xã Hoài Nhơn", UnitKind.THI_XA, world.province)
    ward = factories.unit("Phường Hoài Hảo", UnitKind.PHUONG, town)
    plan = actions.create_plan(
        by=None, unit=ward, year=2024, title="Cải cách hành chính phường Hoài Hảo năm 2024"
    )
    actions.issue_plan(plan, by=None, number="196", issued_on=dt.date(2023, 12, 28))
    actions.add_task(
        plan,
        by=None,
        title="Kế hoạch chuyển đổi số phường năm 2024",
        due=Due("month", dt.date(2024, 3, 31)),
        lead="Bộ phận Văn hóa- Thông tin",
    )
    actions.add_target(
        plan, by=None, name="Tỷ lệ hồ sơ trực tuyến", measure="percent", direction="gt", value=90
    )
    document = open_docx(io.BytesIO(files.plan_docx(plan)))
    left, right = document.tables[0].rows[0].cells
    assert left.text.split("\n")[:2] == ["UBND THỊ XÃ HOÀI NHƠN", "ỦY BAN NHÂN DÂN PHƯỜNG HOÀI HẢO"]
    assert "Số: 196/KH-UBND" in left.text
    assert "Hoài Hảo, ngày 28 tháng 12 năm 2023" in right.text
    body = "\n".join(p.text for p in document.paragraphs)
    assert "KẾ HOẠCH\nCải cách hành chính phường Hoài Hảo năm 2024" in body
    assert "(Kèm theo Kế hoạch số 196/KH-UBND ngày 28/12/2023 của Ủy ban nhân dân Phường Hoài " in (
        body
    )
    targets, tasks = appendix_tables(files.plan_docx(plan))
    assert texts(targets.rows[2])[2] == "Trên 90%"  # a target entered as a value is written out
    assert texts(tasks.rows[1]) == [
        "1",
        "Kế hoạch chuyển đổi số phường năm 2024",
        "",
        "Bộ phận Văn hóa- Thông tin",
        "",
        "Tháng 3/2024",
    ]


def test_a_plan_with_tasks_only_has_one_appendix(world):
    plan = plan_2024(world)
    actions.add_task(plan, by=None, title="Báo cáo CCHC", due=Due("year", dt.date(2024, 12, 31)))
    document = open_docx(io.BytesIO(files.plan_docx(plan)))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "(Nội dung nhiệm vụ cụ thể tại Phụ lục kèm theo)" in body
    assert "Phụ lục 1" not in body
    assert "II. NHIỆM VỤ CỤ THỂ" in body
    assert len(document.sections) == 2


# --- pages ---------------------------------------------------------------------------------------


def test_an_officer_imports_through_the_page(world):
    plan = plan_2024(world)
    client = login(world, "commune_officer")
    url = reverse("plans:import_tasks", args=[plan.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert reverse("plans:tasks_template", args=[plan.pk]) in page.content.decode()
    response = client.post(url, {"file": SimpleUploadedFile("phu-luc-2.xlsx", seed_tasks_xlsx())})
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:plan", args=[plan.pk]) + "#nhiem-vu"
    assert Task.objects.filter(plan=plan).count() == 21

    url = reverse("plans:import_targets", args=[plan.pk])
    response = client.post(url, {"file": SimpleUploadedFile("phu-luc-1.xlsx", seed_targets_xlsx())})
    assert response.status_code == 302
    assert Target.objects.filter(plan=plan).count() == 19


def test_a_refused_file_lists_its_problems_and_asks_for_it_again(world):
    plan = plan_2024(world)
    client = login(world, "commune_officer")
    data = workbook(
        TASK_HEADER,
        ("1", "Kế hoạch kiểm tra", "Kế hoạch", "Văn phòng", "", "sớm"),
        ("2", "", "Kế hoạch", "Văn phòng", "", "Tháng 3/2024"),
    )
    response = client.post(
        reverse("plans:import_tasks", args=[plan.pk]),
        {"file": SimpleUploadedFile("nhiem-vu.xlsx", data)},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "nhiem-vu.xlsx" in page  # the user is told nothing of their file was kept
    assert "“sớm”" in page
    assert "Thời gian thực hiện" in page
    assert '<td class="num" data-label="Dòng">2</td>' in page
    assert '<td class="num" data-label="Dòng">3</td>' in page
    assert plan.tasks.count() == 0

    empty = client.post(reverse("plans:import_tasks", args=[plan.pk]), {})
    assert empty.status_code == 422


def test_downloads_open_in_their_programs(world):
    plan = plan_2024(world)
    client = login(world, "commune_officer")
    for name in ("plans:tasks_template", "plans:targets_template"):
        response = client.get(reverse(name, args=[plan.pk]))
        assert response.status_code == 200
        assert response["Content-Type"].endswith("spreadsheetml.sheet")
        assert response["Content-Disposition"].startswith("attachment;")
        assert openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames[1] == "Hướng dẫn"
    viewer = login(world, "viewer")  # a reader: the Word document, not the imports
    response = viewer.get(reverse("plans:export_docx", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert open_docx(io.BytesIO(response.content)).paragraphs
    assert viewer.get(reverse("plans:import_tasks", args=[plan.pk])).status_code == 403
    refused = viewer.post(
        reverse("plans:import_tasks", args=[plan.pk]),
        {"file": SimpleUploadedFile("phu-luc-2.xlsx", seed_tasks_xlsx())},
    )
    assert refused.status_code == 403
    assert plan.tasks.count() == 0
    outsider = Client()
    outsider.force_login(world.users["secretariat_other"])
    assert outsider.get(reverse("plans:export_docx", args=[plan.pk])).status_code == 404
