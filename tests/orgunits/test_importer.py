"""The unit importer: CSV and XLSX, per-row errors, all or nothing, permissions, reused codes."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import openpyxl
import pytest
from django.utils import translation

from parindex.audit.models import AuditAction, AuditEntry
from parindex.orgunits.importers import (
    KIND_WORDS,
    MAX_ROWS,
    ImportReport,
    RowError,
    _fold,
    import_units,
)
from parindex.orgunits.models import Kind, Level, Unit
from tests.conftest import World

VI_HEADER = "Mã,Tên,Loại,Mã cấp trên,Hiệu lực từ,Hiệu lực đến"
OLD_DAY = dt.date(2020, 1, 1)
REFORM_DAY = dt.date(2025, 7, 1)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Error messages in English, so that the assertions read the source strings."""
    with translation.override("en"):
        yield


def _csv(*lines: str, bom: bool = False) -> io.BytesIO:
    text = "\n".join(lines) + "\n"
    return io.BytesIO(("\ufeff" if bom else "").encode("utf-8") + text.encode("utf-8"))


def _import(*lines: str, by=None, filename: str = "don-vi.csv") -> ImportReport:  # type: ignore[no-untyped-def]
    return import_units(by=by, upload=_csv(*lines), filename=filename)


def _errors(report: ImportReport) -> list[tuple[int, str, str]]:
    return sorted((e.row, e.column, e.message) for e in report.errors)


def _counts(report: ImportReport) -> tuple[int, int, int]:
    return (report.created, report.updated, report.unchanged)


def _xlsx(rows: list[list[object]]) -> io.BytesIO:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


# --- reading CSV and XLSX -------------------------------------------------------------------


def test_fold_drops_case_accents_and_underscores() -> None:
    assert _fold("  Mã   cấp TRÊN ") == "ma cap tren"
    assert _fold("Hiệu lực đến") == "hieu luc den"
    assert _fold("ĐẶC KHU") == "dac khu"
    assert _fold("parent_code") == "parent code"


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("tỉnh", Kind.TINH),
        ("Thành phố trực thuộc Trung ương", Kind.THANH_PHO_TW),
        ("thành phố trung ương", Kind.THANH_PHO_TW),
        ("Huyện", Kind.HUYEN),
        ("thị xã", Kind.THI_XA),
        ("thành phố", Kind.THANH_PHO),
        ("QUẬN", Kind.QUAN),
        ("xa", Kind.XA),
        ("Phường", Kind.PHUONG),
        ("thi_tran", Kind.THI_TRAN),
        ("đặc khu", Kind.DAC_KHU),
        ("cơ quan", Kind.CO_QUAN),
        ("phòng ban", Kind.CO_QUAN),
        ("co_quan", Kind.CO_QUAN),
    ],
)
def test_kind_words(word: str, kind: str) -> None:
    assert KIND_WORDS[_fold(word)] == kind


def test_csv_with_bom_and_vietnamese_headers_creates_units(db: None) -> None:
    upload = _csv(
        VI_HEADER,
        "95,Tỉnh Nhập Thử,tỉnh,,01/07/2025,",
        "95001,Xã Nhập Thử,xã,95,01/07/2025,",
        "95001-VP,Văn phòng xã Nhập Thử,cơ quan,95001,01/07/2025,31/12/2030",
        bom=True,
    )
    report = import_units(by=None, upload=upload, filename="Don-Vi.CSV")
    assert report.ok
    assert report.errors == []
    assert _counts(report) == (3, 0, 0)
    province = Unit.objects.get(code="95")
    commune = Unit.objects.get(code="95001")
    office = Unit.objects.get(code="95001-VP")
    assert (province.name, province.kind, province.level, province.parent) == (
        "Tỉnh Nhập Thử",
        Kind.TINH,
        Level.PROVINCE,
        None,
    )
    assert (commune.kind, commune.level, commune.parent) == (Kind.XA, Level.COMMUNE, province)
    assert (office.kind, office.level, office.parent) == (Kind.CO_QUAN, Level.OFFICE, commune)
    assert province.path == f"/{province.pk:08d}/"
    assert commune.path == f"/{province.pk:08d}/{commune.pk:08d}/"
    assert office.path == f"{commune.path}{office.pk:08d}/"
    assert (office.valid_from, office.valid_to) == (REFORM_DAY, dt.date(2030, 12, 31))
    assert (commune.valid_from, commune.valid_to) == (REFORM_DAY, None)
    # An import by the system itself (by=None) writes no audit entry.
    assert AuditEntry.objects.count() == 0


def test_csv_with_semicolons_and_english_headers_in_any_order(world: World) -> None:
    secretariat = world.users["secretariat"]
    report = _import(
        "Name;Code;Valid_From;Kind;Parent_Code;Valid To",
        "Xã Tân Lập;91003;01/07/2025;xã;91;",
        "Phường Tân Hòa, mới;91004;2025-07-01;phường;91;",
        by=secretariat,
        filename="units.csv",
    )
    assert report.errors == []
    assert _counts(report) == (2, 0, 0)
    assert Unit.objects.get(code="91003").parent == world.province
    # The comma inside a name stays in the name with ";" as the separator.
    tan_hoa = Unit.objects.get(code="91004")
    assert (tan_hoa.name, tan_hoa.kind, tan_hoa.valid_from) == (
        "Phường Tân Hòa, mới",
        Kind.PHUONG,
        REFORM_DAY,
    )
    entry = AuditEntry.objects.get(action=AuditAction.UNIT_IMPORT)
    assert entry.actor == secretariat
    assert entry.actor_name == "secretariat"
    assert entry.unit == world.province
    assert entry.new_value == {"file": "units.csv", "created": 2, "updated": 0}
    # Units created by an import are covered by the import entry, not one entry each.
    assert not AuditEntry.objects.filter(
        action=AuditAction.UNIT_CREATE, object_id=str(tan_hoa.pk)
    ).exists()


def test_xlsx_with_real_date_cells_and_number_codes(db: None) -> None:
    upload = _xlsx(
        [
            ["Mã", "Tên", "Loại", "Mã cấp trên", "Hiệu lực từ", "Hiệu lực đến"],
            [95, "Tỉnh Excel", "tỉnh", None, dt.date(2020, 1, 1), None],
            # Excel date-times have no time zone.
            ["950", "Huyện Excel", "huyện", 95, dt.datetime(2020, 1, 1), dt.date(2025, 6, 30)],  # noqa: DTZ001
            [95001, "Thị trấn Excel", "thị trấn", 950.0, "01/01/2020", "30/06/2025"],
        ]
    )
    report = import_units(by=None, upload=upload, filename="don-vi.xlsx")
    assert report.errors == []
    assert _counts(report) == (3, 0, 0)
    district = Unit.objects.get(code="950")
    town = Unit.objects.get(code="95001")
    assert district.parent == Unit.objects.get(code="95")
    assert (district.valid_from, district.valid_to) == (OLD_DAY, dt.date(2025, 6, 30))
    assert (town.parent, town.kind, town.valid_to) == (
        district,
        Kind.THI_TRAN,
        dt.date(2025, 6, 30),
    )


def test_xlsx_errors_name_the_sheet_row_after_a_blank_row(db: None) -> None:
    upload = _xlsx(
        [
            ["code", "name", "kind", "parent_code", "valid_from"],
            ["95", "Tỉnh Excel", "tỉnh", None, dt.date(2025, 7, 1)],
            [],
            ["95001", "Xã Excel", "làng", "95", dt.date(2025, 7, 1)],
        ]
    )
    report = import_units(by=None, upload=upload, filename="don-vi.xlsx")
    assert _errors(report) == [(4, "kind", "Unknown kind “làng”.")]
    assert report.errors[0].column_name == "Loại"
    assert Unit.objects.count() == 0


def test_parents_defined_later_in_the_file(db: None) -> None:
    report = _import(
        VI_HEADER,
        "95001-VP,Văn phòng,cơ quan,95001,01/07/2025,",
        "95001,Xã Sau,xã,95,01/07/2025,",
        "95,Tỉnh Cuối,tỉnh,,01/07/2025,",
    )
    assert report.errors == []
    assert _counts(report) == (3, 0, 0)
    office = Unit.objects.get(code="95001-VP")
    assert [u.code for u in office.ancestors()] == ["95", "95001"]


def test_reimport_of_the_same_file_changes_nothing(world: World) -> None:
    lines = (
        VI_HEADER,
        "91003-VP,Văn phòng xã Tân Lập,cơ quan,91003,01/07/2025,",
        "91003,Xã Tân Lập,xã,91,01/07/2025,",
        "91001,Xã An Bình,xã,91,01/07/2025,",  # already saved by the fixture
    )
    first = _import(*lines, by=world.users["secretariat"])
    assert first.errors == []
    assert _counts(first) == (2, 0, 1)
    units, entries = Unit.objects.count(), AuditEntry.objects.count()
    second = _import(*lines, by=world.users["secretariat"])
    assert second.errors == []
    assert _counts(second) == (0, 0, 3)
    assert Unit.objects.count() == units
    # Nothing changed, so no new audit entry (not even an import entry).
    assert AuditEntry.objects.count() == entries
    assert AuditEntry.objects.filter(action=AuditAction.UNIT_IMPORT).count() == 1


def test_a_new_name_or_end_date_updates_the_unit_and_is_audited(world: World) -> None:
    secretariat = world.users["secretariat"]
    report = _import(
        VI_HEADER,
        "91001,Xã An Bình Mới,xã,91,01/07/2025,",
        "91002,Phường Bình Minh,phường,91,01/07/2025,31/12/2026",
        "91001-VP,Văn phòng - Thống kê xã An Bình,cơ quan,91001,01/07/2025,",
        by=secretariat,
        filename="doi-ten.csv",
    )
    assert report.errors == []
    assert _counts(report) == (0, 2, 1)
    world.commune_a.refresh_from_db()
    world.commune_b.refresh_from_db()
    assert world.commune_a.name == "Xã An Bình Mới"
    assert world.commune_b.valid_to == dt.date(2026, 12, 31)
    renamed = AuditEntry.objects.get(
        action=AuditAction.UNIT_UPDATE, object_id=str(world.commune_a.pk)
    )
    assert renamed.actor_name == "secretariat"
    assert renamed.unit == world.commune_a
    assert renamed.object_type == "orgunits.unit"
    assert renamed.object_repr == "Xã An Bình Mới"
    assert renamed.old_value == {"name": "Xã An Bình", "valid_to": None}
    assert renamed.new_value == {"name": "Xã An Bình Mới", "valid_to": None}
    ended = AuditEntry.objects.get(
        action=AuditAction.UNIT_UPDATE, object_id=str(world.commune_b.pk)
    )
    assert ended.old_value == {"name": "Phường Bình Minh", "valid_to": None}
    assert ended.new_value == {"name": "Phường Bình Minh", "valid_to": "2026-12-31"}
    assert AuditEntry.objects.get(action=AuditAction.UNIT_IMPORT).new_value == {
        "file": "doi-ten.csv",
        "created": 0,
        "updated": 2,
    }


# --- per-row errors -------------------------------------------------------------------------


def test_every_row_error_is_reported_with_its_row_and_column(world: World) -> None:
    count = Unit.objects.count()
    report = _import(
        VI_HEADER,  # row 1
        "91010,Xã Lạ,làng,91,01/07/2025,",  # 2: unknown kind
        "91011,Xã Ngày Sai,xã,91,31/02/2024,",  # 3: no 31 February
        "91012,Xã Đảo Ngày,xã,91,01/07/2025,30/06/2025",  # 4: ends before it starts
        "91013,Xã Một,xã,91,01/07/2025,",  # 5: fine
        "91013,Xã Hai,xã,91,01/07/2025,",  # 6: the same code and start as row 5
        "",  # 7: blank, still counted
        "91014,Xã Mồ Côi,xã,99999,01/07/2025,",  # 8: unknown parent
        "91015,Xã Lơ Lửng,xã,,01/07/2025,",  # 9: a commune directly under nothing
        "91016,Huyện Sai Chỗ,huyện,91001,01/07/2025,",  # 10: a district under a commune
        "96,Tỉnh Con,tỉnh,91,01/07/2025,",  # 11: a province under a province
        "91017,Vòng Một,cơ quan,91018,01/07/2025,",  # 12: a loop ...
        "91018,Vòng Hai,cơ quan,91017,01/07/2025,",  # 13: ... of two rows
        "91019,Tự Vòng,cơ quan,91019,01/07/2025,",  # 14: its own parent
        "91020,Xã Không Tên,xã,91,01-07-2025,31/13/2025",  # 15: a bad end date
        "91021,,xã,91,01/07/2025,",  # 16: no name
    )
    assert not report.ok
    assert _errors(report) == [
        (2, "kind", "Unknown kind “làng”."),
        (3, "valid_from", "“31/02/2024” is not a date (dd/mm/yyyy)."),
        (4, "valid_to", "The end date is before the start date."),
        (6, "code", "Code 91013 is already on row 5."),
        (8, "parent_code", "No unit with code 99999 valid on 01/07/2025."),
        (9, "parent_code", "A commune cannot be placed under no parent."),
        (10, "parent_code", "A district cannot be placed under Xã An Bình."),
        (11, "parent_code", "A province cannot be placed under Tỉnh Thử Nghiệm."),
        (12, "parent_code", "The parent chain loops back to this row."),
        (13, "parent_code", "The parent chain loops back to this row."),
        (14, "parent_code", "The parent chain loops back to this row."),
        (15, "valid_to", "“31/13/2025” is not a date (dd/mm/yyyy)."),
        (16, "name", "The name is empty."),
    ]
    assert _counts(report) == (0, 0, 0)
    # Row 5 was good, but nothing is saved when any row is wrong.
    assert Unit.objects.count() == count
    assert not Unit.objects.filter(code="91013").exists()


def test_empty_code_is_reported(world: World) -> None:
    report = _import(
        VI_HEADER,
        "91030,Xã Tốt,xã,91,01/07/2025,",
        ",Xã Không Mã,xã,91,01/07/2025,",
    )
    assert _errors(report) == [(3, "code", "The code is empty.")]
    assert report.errors[0].column_name == "Mã"
    assert not Unit.objects.filter(code="91030").exists()


def test_empty_start_date_is_reported(world: World) -> None:
    report = _import(VI_HEADER, "91030,Xã Không Ngày,xã,91,,")
    assert _errors(report) == [(2, "valid_from", "“” is not a date (dd/mm/yyyy).")]
    assert report.errors[0].column_name == "Hiệu lực từ"


def test_rows_under_a_failed_row_are_not_reported_again(world: World) -> None:
    report = _import(
        VI_HEADER,
        "91040,Xã Hỏng,làng,91,01/07/2025,",
        "91040-VP,Văn phòng xã Hỏng,cơ quan,91040,01/07/2025,",
    )
    assert _errors(report) == [(2, "kind", "Unknown kind “làng”.")]


def test_a_saved_code_with_another_kind_or_parent_is_refused(world: World) -> None:
    report = _import(
        VI_HEADER,
        "91001,Xã An Bình,phường,91,01/07/2025,",
        "91002,Phường Bình Minh,phường,92,01/07/2025,",
    )
    assert _errors(report) == [
        (2, "code", "Unit 91001 already exists with another kind or parent."),
        (3, "code", "Unit 91002 already exists with another kind or parent."),
    ]
    world.commune_a.refresh_from_db()
    assert world.commune_a.kind == Kind.XA


def test_errors_are_in_vietnamese_by_default(world: World) -> None:
    with translation.override("vi"):
        report = _import(VI_HEADER, "91010,Xã Lạ,làng,91,01/07/2025,")
    assert _errors(report) == [(2, "kind", "Loại đơn vị “làng” không hợp lệ.")]


def test_one_bad_row_saves_nothing_not_even_the_good_rows(world: World) -> None:
    units = Unit.objects.count()
    entries = AuditEntry.objects.count()
    report = _import(
        VI_HEADER,
        "91050,Xã Tốt Một,xã,91,01/07/2025,",
        "91050-VP,Văn phòng,cơ quan,91050,01/07/2025,",
        "91001,Xã An Bình Đổi Tên,xã,91,01/07/2025,",  # an update, rolled back too
        "91051,Xã Ngoài Quyền,xã,92,01/07/2025,",  # the one bad row: not this province
        by=world.users["secretariat"],
    )
    assert _errors(report) == [
        (5, "parent_code", "You may not add units under Tỉnh Khác."),
    ]
    assert _counts(report) == (0, 0, 0)
    assert Unit.objects.count() == units
    assert AuditEntry.objects.count() == entries
    world.commune_a.refresh_from_db()
    assert world.commune_a.name == "Xã An Bình"


# --- unreadable files -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("don-vi.txt", f"{VI_HEADER}\n".encode(), "Please upload an .xlsx or .csv file."),
        ("don-vi", f"{VI_HEADER}\n".encode(), "Please upload an .xlsx or .csv file."),
        ("don-vi.xlsx", b"PK\x03\x04 this is not a workbook", "The Excel file cannot be read."),
        ("don-vi.xlsx", f"{VI_HEADER}\n".encode(), "The Excel file cannot be read."),
        (
            "don-vi.csv",
            "Mã,Tên,Loai,Ma cap tren,Hieu luc tu\n95,Tinh Thu,tinh,,01/07/2025\n".encode("cp1252"),
            "The CSV file must be saved as UTF-8.",
        ),
        (
            "don-vi.csv",
            f"{VI_HEADER}\n".encode("utf-16"),
            "The CSV file must be saved as UTF-8.",
        ),
        (
            "don-vi.csv",
            "Mã,Tên,Mã cấp trên\n95,Tỉnh Thử,\n".encode(),
            "Missing columns: Loại, Hiệu lực từ.",
        ),
        ("don-vi.csv", b"", "The file is empty."),
        ("don-vi.csv", b"\n  \n,,\n", "The file is empty."),
    ],
    ids=[
        "txt",
        "no-extension",
        "broken-xlsx",
        "csv-named-xlsx",
        "cp1252-csv",
        "utf16-csv",
        "missing-columns",
        "empty",
        "blank-lines",
    ],
)
def test_unreadable_file_gives_one_row_zero_error(
    db: None, filename: str, data: bytes, message: str
) -> None:
    report = import_units(by=None, upload=io.BytesIO(data), filename=filename)
    assert report.errors == [RowError(0, "", message)]
    assert _counts(report) == (0, 0, 0)
    assert Unit.objects.count() == 0


def test_xlsx_missing_column_gives_row_zero_error(db: None) -> None:
    upload = _xlsx([["Mã", "Tên", "Loại"], ["95", "Tỉnh", "tỉnh"]])
    report = import_units(by=None, upload=upload, filename="don-vi.xlsx")
    assert report.errors == [RowError(0, "", "Missing columns: Hiệu lực từ.")]


def test_too_many_rows_is_refused_before_anything_is_read(db: None) -> None:
    lines = [VI_HEADER] + [f"9{i:06d},Xã {i},xã,91,01/07/2025," for i in range(MAX_ROWS + 1)]
    report = _import(*lines)
    assert report.errors == [RowError(0, "", "At most 20000 rows per file.")]


# --- permissions ----------------------------------------------------------------------------


def test_secretariat_imports_under_its_province_only(world: World) -> None:
    secretariat = world.users["secretariat"]
    report = _import(
        VI_HEADER,
        "91060,Xã Trong Tỉnh,xã,91,01/07/2025,",
        "92060,Xã Tỉnh Khác,xã,92,01/07/2025,",
        "92001-VP,Văn phòng xã Khác,cơ quan,92001,01/07/2025,",
        "93,Tỉnh Mới,tỉnh,,01/07/2025,",
        by=secretariat,
    )
    assert _errors(report) == [
        (3, "parent_code", "You may not add units under Tỉnh Khác."),
        (4, "parent_code", "You may not add units under Xã Khác."),
        (5, "parent_code", "You may not add units under the country."),
    ]
    assert not Unit.objects.filter(code__in=["91060", "92060", "92001-VP", "93"]).exists()
    # Without the refused rows, the same secretariat's import goes through.
    report = _import(VI_HEADER, "91060,Xã Trong Tỉnh,xã,91,01/07/2025,", by=secretariat)
    assert report.errors == []
    assert _counts(report) == (1, 0, 0)


def test_the_other_secretariat_is_refused_under_this_province(world: World) -> None:
    report = _import(
        VI_HEADER,
        "91060,Xã Trong Tỉnh,xã,91,01/07/2025,",
        "92060,Xã Tỉnh Khác,xã,92,01/07/2025,",
        by=world.users["secretariat_other"],
    )
    assert _errors(report) == [
        (2, "parent_code", "You may not add units under Tỉnh Thử Nghiệm."),
    ]


@pytest.mark.parametrize("role", ["commune_officer", "commune_leader", "appraiser", "viewer"])
def test_roles_without_unit_management_are_refused(world: World, role: str) -> None:
    report = _import(
        VI_HEADER,
        "91001-KT,Phòng Kinh tế xã An Bình,cơ quan,91001,01/07/2025,",
        by=world.users[role],
    )
    assert _errors(report) == [
        (2, "parent_code", "You may not add units under Xã An Bình."),
    ]


def test_only_a_system_admin_adds_a_province(world: World) -> None:
    lines = (VI_HEADER, "93,Tỉnh Mới,tỉnh,,01/07/2025,", "93001,Xã Mới,xã,93,01/07/2025,")
    for name in ("secretariat", "secretariat_other", "appraiser", "council", "no_role"):
        report = _import(*lines, by=world.users[name])
        assert _errors(report) == [
            (2, "parent_code", "You may not add units under the country."),
            (3, "parent_code", "No unit with code 93 valid on 01/07/2025."),
        ], name
    admin = world.users["system_admin"]
    report = _import(*lines, by=admin)
    assert report.errors == []
    assert _counts(report) == (2, 0, 0)
    assert Unit.objects.get(code="93001").parent == Unit.objects.get(code="93", parent=None)


# --- codes reused across the 2025 reform ----------------------------------------------------


def test_a_code_reused_across_dates_imports_twice_and_children_follow_the_date(db: None) -> None:
    # The provinces and the district first ...
    report = _import(
        VI_HEADER,
        "30,Tỉnh Hải Dương,tỉnh,,01/01/2020,30/06/2025",
        "300,Huyện Thanh Miện,huyện,30,01/01/2020,30/06/2025",
        "31,Thành phố Hải Phòng,thành phố trực thuộc trung ương,,01/07/2025,",
    )
    assert report.errors == []
    assert _counts(report) == (3, 0, 0)
    # ... then the old town and the new commune of the same code, with offices of each.
    report = _import(
        VI_HEADER,
        "11239-TP,Ban Tư pháp thị trấn,cơ quan,11239,01/01/2020,30/06/2025",
        "11239,Thị trấn Thanh Miện,thị trấn,300,01/01/2020,30/06/2025",
        "11239,Xã Thanh Miện,xã,31,01/07/2025,",
        "11239-VP,Văn phòng xã Thanh Miện,cơ quan,11239,01/07/2025,",
    )
    assert report.errors == []
    assert _counts(report) == (4, 0, 0)
    town = Unit.objects.get(code="11239", valid_from=OLD_DAY)
    commune = Unit.objects.get(code="11239", valid_from=REFORM_DAY)
    assert town.pk != commune.pk
    assert (town.name, town.kind, town.valid_to) == (
        "Thị trấn Thanh Miện",
        Kind.THI_TRAN,
        dt.date(2025, 6, 30),
    )
    assert town.parent == Unit.objects.get(code="300")
    assert (commune.name, commune.kind, commune.valid_to) == ("Xã Thanh Miện", Kind.XA, None)
    assert commune.parent == Unit.objects.get(code="31")
    assert Unit.objects.get(code="11239-TP").parent == town
    assert Unit.objects.get(code="11239-VP").parent == commune

    # A later file resolves the saved parent code by the child's start date.
    report = _import(
        VI_HEADER,
        "11239-KT,Phòng Kinh tế xã Thanh Miện,cơ quan,11239,15/08/2025,",
        "11239-DC,Ban Địa chính thị trấn,cơ quan,11239,15/03/2021,30/06/2025",
        "11239-XX,Ban ngày cuối,cơ quan,11239,30/06/2025,30/06/2025",
    )
    assert report.errors == []
    assert _counts(report) == (3, 0, 0)
    assert Unit.objects.get(code="11239-KT").parent == commune
    assert Unit.objects.get(code="11239-DC").parent == town
    assert Unit.objects.get(code="11239-XX").parent == town

    # Importing both rows again is a no-op.
    again = _import(
        VI_HEADER,
        "11239,Thị trấn Thanh Miện,thị trấn,300,01/01/2020,30/06/2025",
        "11239,Xã Thanh Miện,xã,31,01/07/2025,",
    )
    assert again.errors == []
    assert _counts(again) == (0, 0, 2)


def test_the_demo_style_list_with_both_codes_in_one_file(db: None) -> None:
    """Both 11239 rows one level under a province each: they are placed in the same round."""
    report = _import(
        VI_HEADER,
        "30,Tỉnh Hải Dương,tỉnh,,01/01/2020,30/06/2025",
        "11239,Thị trấn Thanh Miện,thị trấn,30,01/01/2020,30/06/2025",
        "31,Thành phố Hải Phòng,thành phố trực thuộc trung ương,,01/07/2025,",
        "11239,Xã Thanh Miện,xã,31,01/07/2025,",
        "11239-VP,Văn phòng xã Thanh Miện,cơ quan,11239,01/07/2025,",
        "11239-TP,Ban Tư pháp thị trấn,cơ quan,11239,01/01/2020,30/06/2025",
    )
    assert report.errors == []
    assert _counts(report) == (6, 0, 0)
    assert Unit.objects.get(code="11239-VP").parent.kind == Kind.XA
    assert Unit.objects.get(code="11239-TP").parent.kind == Kind.THI_TRAN


def test_a_child_dated_before_any_unit_of_its_parent_code_is_refused(db: None) -> None:
    report = _import(
        VI_HEADER,
        "31,Thành phố Hải Phòng,thành phố trực thuộc trung ương,,01/07/2025,",
        "31001,Xã Trước Cải Cách,xã,31,01/01/2020,",
    )
    assert _errors(report) == [
        (3, "parent_code", "No unit with code 31 valid on 01/01/2020."),
    ]
    assert Unit.objects.count() == 0


def test_a_code_reused_at_another_depth_in_one_file_is_not_dropped(db: None) -> None:
    report = _import(
        VI_HEADER,
        "30,Tỉnh Hải Dương,tỉnh,,01/01/2020,30/06/2025",
        "300,Huyện Thanh Miện,huyện,30,01/01/2020,30/06/2025",
        "11239,Thị trấn Thanh Miện,thị trấn,300,01/01/2020,30/06/2025",
        "31,Thành phố Hải Phòng,thành phố trực thuộc trung ương,,01/07/2025,",
        "11239,Xã Thanh Miện,xã,31,01/07/2025,",
    )
    # Today: no error, 4 created, and the old town is missing.
    assert (report.errors, _counts(report)) == ([], (5, 0, 0))
    assert Unit.objects.filter(code="11239").count() == 2


def test_a_reused_parent_code_with_children_in_one_file(db: None) -> None:
    report = _import(
        VI_HEADER,
        "30,Tỉnh Hải Dương,tỉnh,,01/01/2020,30/06/2025",
        "300,Huyện Thanh Miện,huyện,30,01/01/2020,30/06/2025",
        "11239,Thị trấn Thanh Miện,thị trấn,300,01/01/2020,30/06/2025",
        "31,Thành phố Hải Phòng,thành phố trực thuộc trung ương,,01/07/2025,",
        "11239,Xã Thanh Miện,xã,31,01/07/2025,",
        "11239-TP,Ban Tư pháp thị trấn,cơ quan,11239,01/01/2020,30/06/2025",
    )
    assert report.errors == []
    town = Unit.objects.get(code="11239", valid_from=OLD_DAY)
    assert Unit.objects.get(code="11239-TP").parent == town


def test_an_empty_code_row_does_not_hide_errors_of_top_level_rows(world: World) -> None:
    report = _import(
        VI_HEADER,
        ",Xã Không Mã,xã,91,01/07/2025,",
        "93,Tỉnh Mới,tỉnh,,01/07/2025,",
        by=world.users["secretariat"],
    )
    assert _errors(report) == [
        (2, "code", "The code is empty."),
        (3, "parent_code", "You may not add units under the country."),
    ]


def test_a_too_long_code_is_a_row_error(world: World) -> None:
    report = _import(VI_HEADER, f"{'9' * 25},Xã Mã Dài,xã,91,01/07/2025,")
    assert [(e.row, e.column) for e in report.errors] == [(2, "code")]
    assert _counts(report) == (0, 0, 0)
