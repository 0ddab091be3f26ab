"""Import and export: YAML and Excel give back the same framework; a bad file changes nothing and
gets its problems by sheet, row and column."""

from __future__ import annotations

import io
from dataclasses import replace
from decimal import Decimal

import openpyxl
import pytest

from parindex.audit.models import AuditEntry
from parindex.frameworks.actions import create_framework, import_framework
from parindex.frameworks.excel_io import read_xlsx, write_xlsx
from parindex.frameworks.issues import FrameworkFileError
from parindex.frameworks.library import LIBRARY, shipped
from parindex.frameworks.models import EvidenceRequirement, Framework, Node
from parindex.frameworks.problems import issue_rows
from parindex.frameworks.selectors import spec_of
from parindex.frameworks.spec import EvidenceSpec
from parindex.frameworks.yaml_io import dump_yaml, load_yaml
from tests.conftest import World


def test_shipped_yaml_round_trips_unchanged() -> None:
    text = (LIBRARY / "par-xa-2025.yaml").read_text(encoding="utf-8")
    spec = load_yaml(text)
    again = dump_yaml(spec)
    assert load_yaml(again) == spec
    assert dump_yaml(load_yaml(again)) == again  # the written form is stable


def test_shipped_excel_round_trips_unchanged() -> None:
    spec = shipped()
    data = write_xlsx(spec)
    back, rows = read_xlsx(data)
    assert back == spec
    assert rows["1"] == 2
    assert rows["9.1"] == len(list(spec.walk())) + 1
    assert write_xlsx(back) != b""  # and once more, through a second write
    assert read_xlsx(write_xlsx(back))[0] == spec


def test_excel_layout_is_what_secretariats_read() -> None:
    book = openpyxl.load_workbook(io.BytesIO(write_xlsx(shipped())))
    assert book.sheetnames == ["Tiêu chí", "Thông tin", "Xếp loại", "Nhóm đơn vị"]
    sheet = book["Tiêu chí"]
    assert [c.value for c in sheet[1]] == [
        "Mã",
        "Tên tiêu chí",
        "Điểm tối đa",
        "Nguồn điểm",
        "Cách chấm",
        "Tài liệu kiểm chứng",
        "Hướng dẫn",
        "Nhóm đơn vị",
        "Phụ trách",
        "Ghi chú",
    ]
    rows = {row[0].value: [c.value for c in row] for row in sheet.iter_rows(min_row=2)}
    assert rows["1.1.2"][2:5] == [3, "Hệ thống tính", "kế hoạch: trừ mỗi nhiệm vụ = 0,15"]
    assert (
        rows["1.1.1"][4]
        == "mức: Ban hành đúng thời hạn = 1; Ban hành chậm = 0,5; Không ban hành = 0"
    )
    assert (
        rows["3.1.1"][5]
        == "Kế hoạch rà soát, đánh giá TTHC\nBáo cáo kết quả rà soát, đánh giá TTHC"
    )
    assert rows["9.1"][3] == "Khảo sát người dân"
    info = {r[0].value: r[1].value for r in book["Thông tin"].iter_rows(min_row=2)}
    assert info["Mã bộ chỉ số"] == "PAR-XA-2025"
    assert info["Tổng điểm"] == 100
    assert [c.value for c in book["Nhóm đơn vị"][2]] == ["xa", "Xã", "xã, thị trấn"]


def test_text_that_looks_like_a_formula_stays_text() -> None:
    spec = shipped()
    first = spec.fields[0]
    tricky = replace(first, title='=HYPERLINK("http://x")', note="+1 point", responsible="@VP")
    spec = replace(spec, fields=(tricky, *spec.fields[1:]))
    data = write_xlsx(spec)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Tiêu chí"]
    assert sheet["B2"].data_type == "s"  # a string cell, never a formula
    assert read_xlsx(data)[0] == spec


def test_store_then_read_back_gives_the_same_framework(world: World) -> None:
    spec = shipped()
    framework = create_framework(by=None, owner=world.province, spec=spec)
    assert spec_of(framework) == spec
    assert Node.objects.filter(framework=framework).count() == len(list(spec.walk()))
    assert EvidenceRequirement.objects.filter(node__framework=framework).count() == sum(
        len(n.evidence) for n, _p, _d in spec.walk()
    )
    # and the tree's order is kept: sort keys follow the file
    codes = list(framework.nodes.order_by("sort_key").values_list("code", flat=True))
    assert codes == [n.code for n, _p, _d in spec.walk()]


# --- a bad file changes nothing ------------------------------------------------------------------


def _xlsx(rows: list[list[object]], info: list[list[object]] | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Tiêu chí"  # type: ignore[union-attr]
    for row in rows:
        sheet.append(row)  # type: ignore[union-attr]
    facts = book.create_sheet("Thông tin")
    facts.append(["Mục", "Giá trị"])
    for row in info or [
        ["Mã bộ chỉ số", "HD-XA-2024"],
        ["Tên bộ chỉ số", "Bộ chỉ số xã"],
        ["Áp dụng từ năm", 2024],
        ["Áp dụng đến năm", 2024],
        ["Tổng điểm", 10],
    ]:
        facts.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HEADER = ["Mã", "Tên tiêu chí", "Điểm tối đa", "Nguồn điểm", "Cách chấm", "Tài liệu kiểm chứng"]


def test_a_good_excel_file_becomes_a_draft(world: World) -> None:
    data = _xlsx(
        [
            HEADER,
            ["1", "Chỉ đạo, điều hành", 6],
            [
                "1.1",
                "Kế hoạch CCHC năm",
                2,
                "Thẩm định",
                "mức: Đúng hạn = 2; Chậm = 1; Không = 0",
                "Kế hoạch CCHC năm",
            ],
            [
                "1.2",
                "Thực hiện kế hoạch",
                4,
                "Hệ thống tính",
                "kế hoạch: trừ mỗi nhiệm vụ = 0,5",
                "Báo cáo kết quả (không bắt buộc)",
            ],
            ["2", "Hài lòng", 4, "Khảo sát người dân", "khảo sát"],
        ]
    )
    result = import_framework(
        by=world.users["secretariat"], owner=world.province, data=data, filename="bo-chi-so.xlsx"
    )
    assert result.issues == []
    framework = result.framework
    assert framework is not None
    assert framework.status == "draft"
    spec = spec_of(framework)
    assert spec.node("1.2").evidence == (EvidenceSpec("Báo cáo kết quả", required=False),)  # type: ignore[union-attr]
    assert spec.node("2").source == "survey_citizens"  # type: ignore[union-attr]
    entry = AuditEntry.objects.get(action="framework.create")
    assert (entry.actor, entry.unit, entry.reason) == (
        world.users["secretariat"],
        world.province,
        "bo-chi-so.xlsx",
    )


def test_an_excel_file_with_mistakes_is_refused_whole_with_each_row_named(world: World) -> None:
    data = _xlsx(
        [
            HEADER,
            ["1", "Chỉ đạo, điều hành", 6],
            ["1.1", "Kế hoạch CCHC năm", "hai", "Thẩm định", "có/không"],  # row 3: max not a number
            ["1.2", "Thực hiện kế hoạch", 4, "Phép màu", "có/không"],  # row 4: unknown source
            ["1.3", "Báo cáo", 1, "Thẩm định", "mức: Đúng hạn 1"],  # row 5: rule unreadable
            ["3.1", "Lạc chỗ", 1, "Thẩm định", "có/không"],  # row 6: no parent 3
            ["1.2", "Lặp mã", 1, "Thẩm định", "có/không"],  # row 7: code repeated
        ]
    )
    before = (Framework.objects.count(), Node.objects.count(), AuditEntry.objects.count())
    result = import_framework(by=None, owner=world.province, data=data, filename="loi.xlsx")
    assert result.framework is None
    rows = issue_rows(result.issues, result.rows_of)
    assert [(r["sheet"], r["row"], r["column"]) for r in rows] == [
        ("Tiêu chí", 3, "Điểm tối đa"),
        ("Tiêu chí", 4, "Nguồn điểm"),
        ("Tiêu chí", 5, "Cách chấm"),
        ("Tiêu chí", 6, "Mã"),
        ("Tiêu chí", 7, "Mã"),
    ]
    assert rows[0]["message"] == "“hai” không phải là số (Điểm tối đa)."
    assert rows[3]["message"] == "Không có dòng nào phía trên mang mã 3, là mục cha của 3.1."
    assert (Framework.objects.count(), Node.objects.count(), AuditEntry.objects.count()) == before


def test_an_excel_file_that_fails_validation_names_the_row_of_the_node(world: World) -> None:
    data = _xlsx(
        [
            HEADER,
            ["1", "Chỉ đạo, điều hành", 6],
            ["1.1", "Kế hoạch CCHC năm", 2, "Thẩm định", "có/không"],
            ["1.2", "Thực hiện kế hoạch", 3, "Thẩm định", "có/không"],  # 2 + 3 = 5, not 6
            [
                "2",
                "Hài lòng",
                4,
                "Khảo sát người dân",
                "mức: Tốt = 3; Kém = 0",
            ],  # max 4 unreachable
        ]
    )
    result = import_framework(by=None, owner=world.province, data=data, filename="tong.xlsx")
    assert result.framework is None
    rows = issue_rows(result.issues, result.rows_of)
    assert [(r["sheet"], r["row"], r["node"], r["message"]) for r in rows] == [
        (
            "Tiêu chí",
            5,
            "2",
            "Mức cao nhất cho 3 điểm, không phải điểm tối đa 4: "
            "điểm tối đa không bao giờ đạt được.",
        ),
        (
            "Tiêu chí",
            5,
            "2",
            "Cách chấm “theo mức” không phù hợp với nguồn điểm “Khảo sát người dân (SIPAS)”.",
        ),
        ("Tiêu chí", 2, "1", "Các mục con cộng lại được 5 điểm, không bằng điểm tối đa 6."),
    ]
    assert Framework.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "x.xlsx", "Tệp không có dữ liệu."),
        (b"not a zip", "x.xlsx", "Không đọc được tệp Excel."),
        (b"framework: [", "x.yaml", None),
        (b"a,b\n", "x.csv", "Hãy tải lên tệp .yaml, .yml hoặc .xlsx."),
        ("framework:\n  code: X\n".encode("utf-16"), "x.yaml", "Tệp phải được lưu dạng UTF-8."),
    ],
)
def test_unreadable_files_are_refused_with_a_message(
    world: World, data: bytes, filename: str, message: str | None
) -> None:
    result = import_framework(by=None, owner=world.province, data=data, filename=filename)
    assert result.framework is None
    rows = issue_rows(result.issues)
    assert len(rows) == 1
    if message:
        assert rows[0]["message"] == message
    else:
        assert rows[0]["message"].startswith("Không đọc được YAML")


def test_yaml_mistakes_are_named_by_node() -> None:
    text = """
framework: {code: X, name: Thử, year_from: 2025, year_to: 2025, total: 1}
fields:
- code: '1'
  title: Một
  max: 1
  colour: red
  children:
  - {code: '1.1', title: Hai, max: one, source: appraised, rule: {kind: yes_no}}
  - {code: '1.2', title: Ba, max: 1, source: appraised, rule: {kind: levels, levels: [{label: A}]}}
"""
    with pytest.raises(FrameworkFileError) as error:
        load_yaml(text)
    found = [(i.problem.node, i.problem.code) for i in error.value.issues]
    assert found == [
        ("1", "file.unknown_key"),
        ("1.1", "file.not_a_number"),
        ("1.2", "rule.level_shape"),
    ]


def test_the_same_code_cannot_be_imported_twice_for_one_unit(world: World) -> None:
    data = dump_yaml(shipped()).encode()
    first = import_framework(by=None, owner=world.province, data=data, filename="a.yaml")
    assert first.ok
    second = import_framework(by=None, owner=world.province, data=data, filename="a.yaml")
    assert not second.ok
    assert [i.problem.code for i in second.issues] == ["action.code_taken"]
    # another province may load the same file
    assert import_framework(by=None, owner=world.other_province, data=data, filename="a.yaml").ok


def test_a_commune_cannot_issue_a_framework(world: World) -> None:
    data = dump_yaml(shipped()).encode()
    result = import_framework(by=None, owner=world.commune_a, data=data, filename="a.yaml")
    assert [i.problem.code for i in result.issues] == ["action.owner_level"]


def test_decimal_maxima_keep_their_exact_value(world: World) -> None:
    framework = create_framework(by=None, owner=world.province, spec=shipped())
    assert Node.objects.get(framework=framework, code="1.3.1").max_points == Decimal("0.50")
    assert spec_of(framework).node("3.4.3").maximum == Decimal("1.5")  # type: ignore[union-attr]


def test_load_framework_command(world: World, tmp_path: object) -> None:
    import io as _io

    from django.core.management import CommandError, call_command

    out = _io.StringIO()
    call_command("load_framework", "par-xa-2025.yaml", "--owner", "91", "--publish", stdout=out)
    framework = Framework.objects.get(owner=world.province)
    assert framework.status == "published"
    assert out.getvalue().strip() == (
        "Framework PAR-XA-2025 loaded for Tỉnh Thử Nghiệm (Đã công bố)."
    )
    errors = _io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("load_framework", "par-xa-2025.yaml", "--owner", "91", stderr=errors)
    assert "Tỉnh Thử Nghiệm đã có bộ chỉ số mã PAR-XA-2025." in errors.getvalue()
    with pytest.raises(CommandError, match="No unit with code 99"):
        call_command("load_framework", "par-xa-2025.yaml", "--owner", "99")
