"""Import units from an Excel (.xlsx) or CSV list, with a per-row error report.

Columns (Vietnamese or English headers, any order, case and accents of the header ignored):

| header | meaning | example |
| --- | --- | --- |
| Mã / code | official unit code | 11239 |
| Tên / name | name | Xã Thanh Tùng |
| Loại / kind | tỉnh, huyện, thị xã, quận, xã, phường, thị trấn, đặc khu, cơ quan ... | xã |
| Mã cấp trên / parent_code | the parent's code, in the file or already saved | 300 |
| Hiệu lực từ / valid_from | dd/mm/yyyy | 01/01/2020 |
| Hiệu lực đến / valid_to | dd/mm/yyyy, empty when still valid | 30/06/2025 |

All or nothing: a file with any error changes nothing and the report lists every error by row.
A row identical to a saved unit is counted unchanged, so a file can be imported again; a new name
or end date on a saved unit (same code and start date) updates it, audited.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from parindex.accounts.permissions import Perm, can, is_system_admin
from parindex.audit.actions import record
from parindex.audit.models import AuditAction
from parindex.common.dates import parse_day
from parindex.orgunits.actions import create_unit
from parindex.orgunits.models import ALLOWED_PARENT_LEVELS, KIND_LEVEL, Kind, Unit

if TYPE_CHECKING:
    from parindex.accounts.models import User

MAX_ROWS = 20_000


def _fold(text: str) -> str:
    """Lower case, no accents, single spaces: 'Mã cấp trên' -> 'ma cap tren'."""
    text = unicodedata.normalize("NFD", text.strip().lower()).replace("đ", "d")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return " ".join(text.replace("_", " ").split())


HEADERS: dict[str, str] = {
    "ma": "code",
    "code": "code",
    "ma don vi": "code",
    "ma dvhc": "code",
    "ten": "name",
    "name": "name",
    "ten don vi": "name",
    "loai": "kind",
    "kind": "kind",
    "cap": "kind",
    "ma cap tren": "parent_code",
    "parent code": "parent_code",
    "ma don vi cap tren": "parent_code",
    "hieu luc tu": "valid_from",
    "valid from": "valid_from",
    "tu ngay": "valid_from",
    "hieu luc den": "valid_to",
    "valid to": "valid_to",
    "den ngay": "valid_to",
}
REQUIRED = ("code", "name", "kind", "valid_from")

KIND_WORDS: dict[str, str] = {_fold(str(label)): value for value, label in Kind.choices}
KIND_WORDS.update(
    {
        "tinh": Kind.TINH,
        "thanh pho truc thuoc trung uong": Kind.THANH_PHO_TW,
        "thanh pho trung uong": Kind.THANH_PHO_TW,
        "huyen": Kind.HUYEN,
        "thi xa": Kind.THI_XA,
        "thanh pho": Kind.THANH_PHO,
        "thanh pho thuoc tinh": Kind.THANH_PHO,
        "quan": Kind.QUAN,
        "xa": Kind.XA,
        "phuong": Kind.PHUONG,
        "thi tran": Kind.THI_TRAN,
        "dac khu": Kind.DAC_KHU,
        "co quan": Kind.CO_QUAN,
        "phong": Kind.CO_QUAN,
        "phong ban": Kind.CO_QUAN,
    }
)
KIND_WORDS.update({value: value for value in Kind.values})


# The column names as the files write them (Vietnamese, like the template), for the report.
COLUMN_NAMES: dict[str, str] = {
    "code": "Mã",
    "name": "Tên",
    "kind": "Loại",
    "parent_code": "Mã cấp trên",
    "valid_from": "Hiệu lực từ",
    "valid_to": "Hiệu lực đến",
    "old_code": "Mã đơn vị cũ",
    "new_code": "Mã đơn vị mới",
    "main": "Kế thừa chính",
    "effective_on": "Hiệu lực",
    "legal_basis": "Căn cứ",
}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    @property
    def column_name(self) -> str:
        return COLUMN_NAMES.get(self.column, self.column)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    number: int
    code: str
    name: str
    kind: str
    parent_code: str
    valid_from: dt.date
    valid_to: dt.date | None


class UnreadableFileError(Exception):
    """The upload is not a CSV or XLSX file we can read."""


def read_rows(
    upload: IO[bytes],
    filename: str,
    *,
    headers: dict[str, str] = HEADERS,
    required: tuple[str, ...] = REQUIRED,
) -> list[tuple[int, dict[str, str]]]:
    """Rows as (row number in the sheet, {column: text}), from .xlsx or .csv (UTF-8, , or ;).

    Blank rows are skipped but keep their place in the numbering, so errors name the real row.
    """
    name = filename.lower()
    data = upload.read()
    if name.endswith(".xlsx"):
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise UnreadableFileError(_("The Excel file cannot be read.")) from exc
        sheet = book.worksheets[0]
        values = [
            ["" if v is None else _cell_text(v) for v in row]
            for row in sheet.iter_rows(values_only=True)
        ]
        book.close()
    elif name.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise UnreadableFileError(_("The CSV file must be saved as UTF-8.")) from exc
        first_line = text.split("\n", 1)[0]
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        values = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    else:
        raise UnreadableFileError(_("Please upload an .xlsx or .csv file."))
    numbered = [
        (number, row)
        for number, row in enumerate(values, start=1)
        if any(str(v).strip() for v in row)
    ]
    if not numbered:
        raise UnreadableFileError(_("The file is empty."))
    header = [headers.get(_fold(str(h)), "") for h in numbered[0][1]]
    missing = [COLUMN_NAMES.get(col, col) for col in required if col not in header]
    if missing:
        raise UnreadableFileError(_("Missing columns: %(cols)s.") % {"cols": ", ".join(missing)})
    if len(numbered) - 1 > MAX_ROWS:
        raise UnreadableFileError(_("At most %(n)d rows per file.") % {"n": MAX_ROWS})
    return [
        (
            number,
            {header[i]: str(v).strip() for i, v in enumerate(row) if i < len(header) and header[i]},
        )
        for number, row in numbered[1:]
    ]


def _cell_text(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.date().strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _date_cell(
    values: dict[str, str], column: str, row: int, report: ImportReport
) -> dt.date | None:
    """The date in `column`, or None with a row error in the report."""
    day = parse_day(values.get(column, ""))
    if day is None:
        report.errors.append(
            RowError(
                row,
                column,
                _("“%(v)s” is not a date (dd/mm/yyyy).") % {"v": values.get(column, "")},
            )
        )
    return day


def _parse(raw: list[tuple[int, dict[str, str]]], report: ImportReport) -> list[_Row]:
    rows: list[_Row] = []
    seen: dict[tuple[str, dt.date], int] = {}
    for index, values in raw:
        errors_before = len(report.errors)
        code, name = values.get("code", ""), values.get("name", "")
        if not code:
            report.errors.append(RowError(index, "code", _("The code is empty.")))
        if not name:
            report.errors.append(RowError(index, "name", _("The name is empty.")))
        for column, value, limit in (("code", code, 20), ("name", name, 200)):
            if len(value) > limit:
                report.errors.append(
                    RowError(index, column, _("At most %(n)d characters.") % {"n": limit})
                )
        kind = KIND_WORDS.get(_fold(values.get("kind", "")))
        if kind is None:
            report.errors.append(
                RowError(index, "kind", _("Unknown kind “%(v)s”.") % {"v": values.get("kind", "")})
            )
        valid_from = _date_cell(values, "valid_from", index, report)
        valid_to = _date_cell(values, "valid_to", index, report) if values.get("valid_to") else None
        if valid_from and valid_to and valid_to < valid_from:
            report.errors.append(
                RowError(index, "valid_to", _("The end date is before the start date."))
            )
        if valid_from and code:
            if (code, valid_from) in seen:
                report.errors.append(
                    RowError(
                        index,
                        "code",
                        _("Code %(code)s is already on row %(row)d.")
                        % {"code": code, "row": seen[(code, valid_from)]},
                    )
                )
            seen[(code, valid_from)] = index
        if len(report.errors) == errors_before and kind and valid_from:
            rows.append(
                _Row(index, code, name, kind, values.get("parent_code", ""), valid_from, valid_to)
            )
    return rows


def import_units(*, by: User | None, upload: IO[bytes], filename: str) -> ImportReport:
    """Check every row, then save all of them in one transaction, or none."""
    report = ImportReport()
    try:
        raw = read_rows(upload, filename)
    except UnreadableFileError as exc:
        report.errors.append(RowError(0, "", str(exc)))
        return report
    rows = _parse(raw, report)
    # Rows under a row that already has an error are checked no further (their parent's error
    # says it all); the other rows are still checked against the database, so that the report
    # lists every error of the file at once.
    failed = {values.get("code", "") for number, values in raw} - {r.code for r in rows}
    failed.discard("")
    rows = [r for r in rows if not (r.parent_code and r.parent_code in failed)]
    # Parents before children. A row is ready when no row still waiting bears its parent's code
    # (a code can stand twice in one file, for units before and after the 2025 reform).
    ordered: list[_Row] = []
    pending = list(rows)
    while pending:
        waiting = {r.code for r in pending}
        ready = [r for r in pending if not r.parent_code or r.parent_code not in waiting]
        if not ready:
            for r in pending:
                report.errors.append(
                    RowError(r.number, "parent_code", _("The parent chain loops back to this row."))
                )
            break
        ordered.extend(ready)
        ready_ids = {id(r) for r in ready}
        pending = [r for r in pending if id(r) not in ready_ids]

    try:
        with transaction.atomic():
            _apply(by=by, rows=ordered, report=report)
            if report.errors:
                raise _Rollback
            if by is not None and (report.created or report.updated):
                record(
                    actor=by,
                    action=AuditAction.UNIT_IMPORT,
                    obj=by,
                    unit=by.unit,
                    new={"file": filename, "created": report.created, "updated": report.updated},
                )
    except _Rollback:
        report.created = report.updated = report.unchanged = 0
    return report


class _Rollback(Exception):
    pass


def _apply(*, by: User | None, rows: list[_Row], report: ImportReport) -> None:
    # Codes are reused across the 2025 reform: a parent is the unit of that code valid on the day.
    created: dict[str, list[Unit]] = {}
    for r in rows:
        parent: Unit | None = None
        if r.parent_code:
            parent = (
                next(
                    (u for u in created.get(r.parent_code, []) if u.is_valid_on(r.valid_from)), None
                )
                or Unit.objects.valid_on(r.valid_from).filter(code=r.parent_code).first()
            )
            if parent is None:
                report.errors.append(
                    RowError(
                        r.number,
                        "parent_code",
                        _("No unit with code %(code)s valid on %(day)s.")
                        % {"code": r.parent_code, "day": r.valid_from.strftime("%d/%m/%Y")},
                    )
                )
                continue
        level = KIND_LEVEL[r.kind]
        if (parent.level if parent else None) not in ALLOWED_PARENT_LEVELS[level]:
            report.errors.append(
                RowError(
                    r.number,
                    "parent_code",
                    _("A %(kind)s cannot be placed under %(parent)s.")
                    % {"kind": Kind(r.kind).label, "parent": parent or _("no parent")},
                )
            )
            continue
        if by is not None:
            allowed = can(by, Perm.MANAGE_UNITS, parent) if parent else is_system_admin(by)
            if not allowed:
                report.errors.append(
                    RowError(
                        r.number,
                        "parent_code",
                        _("You may not add units under %(parent)s.")
                        % {"parent": parent or _("the country")},
                    )
                )
                continue
        existing = Unit.objects.filter(code=r.code, valid_from=r.valid_from).first()
        if existing is not None:
            if existing.kind != r.kind or existing.parent_id != (parent.pk if parent else None):
                report.errors.append(
                    RowError(
                        r.number,
                        "code",
                        _("Unit %(code)s already exists with another kind or parent.")
                        % {"code": r.code},
                    )
                )
                continue
            if existing.name == r.name and existing.valid_to == r.valid_to:
                report.unchanged += 1
            else:
                old = {"name": existing.name, "valid_to": existing.valid_to}
                existing.name, existing.valid_to = r.name, r.valid_to
                existing.save(update_fields=["name", "valid_to"])
                record(
                    actor=by,
                    action=AuditAction.UNIT_UPDATE,
                    obj=existing,
                    unit=existing,
                    old=old,
                    new={"name": r.name, "valid_to": r.valid_to},
                )
                report.updated += 1
            created.setdefault(r.code, []).append(existing)
            continue
        unit = create_unit(
            by=by,
            code=r.code,
            name=r.name,
            kind=r.kind,
            parent=parent,
            valid_from=r.valid_from,
            valid_to=r.valid_to,
            audit=False,
        )
        created.setdefault(r.code, []).append(unit)
        report.created += 1


SUCCESSION_HEADERS: dict[str, str] = {
    "ma don vi cu": "old_code",
    "old code": "old_code",
    "ma cu": "old_code",
    "ma don vi moi": "new_code",
    "new code": "new_code",
    "ma moi": "new_code",
    "ke thua chinh": "main",
    "main": "main",
    "hieu luc": "effective_on",
    "effective on": "effective_on",
    "ngay hieu luc": "effective_on",
    "can cu": "legal_basis",
    "legal basis": "legal_basis",
    "ten don vi moi": "",
    "ten don vi cu": "",
}
SUCCESSION_REQUIRED = ("old_code", "new_code", "effective_on")
_YES = {"co", "x", "1", "yes", "true", ""}
_NO = {"khong", "0", "no", "false"}


def import_successions(*, by: User | None, upload: IO[bytes], filename: str) -> ImportReport:
    """Record mergers from a list: old code, new code, effective date (all or nothing).

    The old unit is the one valid the day before the date, the new one the one valid on it; the
    old unit's validity then ends the day before. A link already recorded counts unchanged.
    """
    from parindex.orgunits.actions import record_succession
    from parindex.orgunits.models import Succession

    report = ImportReport()
    try:
        raw = read_rows(upload, filename, headers=SUCCESSION_HEADERS, required=SUCCESSION_REQUIRED)
    except UnreadableFileError as exc:
        report.errors.append(RowError(0, "", str(exc)))
        return report
    try:
        with transaction.atomic():
            for number, values in raw:
                day = _date_cell(values, "effective_on", number, report)
                if day is None:
                    continue
                main_word = _fold(values.get("main", ""))
                if main_word not in _YES | _NO:
                    report.errors.append(RowError(number, "main", _("Write “có” or “không”.")))
                    continue
                old = (
                    Unit.objects.valid_on(day - dt.timedelta(days=1))
                    .filter(code=values.get("old_code", ""))
                    .exclude(kind=Kind.CO_QUAN)
                    .first()
                )
                new = (
                    Unit.objects.valid_on(day)
                    .filter(code=values.get("new_code", ""))
                    .exclude(kind=Kind.CO_QUAN)
                    .first()
                )
                if old is None:
                    report.errors.append(
                        RowError(
                            number,
                            "old_code",
                            _("No unit with code %(code)s valid on %(day)s.")
                            % {
                                "code": values.get("old_code", ""),
                                "day": (day - dt.timedelta(days=1)).strftime("%d/%m/%Y"),
                            },
                        )
                    )
                if new is None:
                    report.errors.append(
                        RowError(
                            number,
                            "new_code",
                            _("No unit with code %(code)s valid on %(day)s.")
                            % {"code": values.get("new_code", ""), "day": day.strftime("%d/%m/%Y")},
                        )
                    )
                if old is None or new is None:
                    continue
                if by is not None and not (
                    can(by, Perm.MANAGE_UNITS, old) and can(by, Perm.MANAGE_UNITS, new)
                ):
                    report.errors.append(
                        RowError(
                            number, "old_code", _("You may not record mergers of these units.")
                        )
                    )
                    continue
                if Succession.objects.filter(predecessor=old, successor=new).exists():
                    report.unchanged += 1
                    continue
                record_succession(
                    by=by,
                    predecessor=old,
                    successor=new,
                    effective_on=day,
                    is_main=main_word in _YES,
                    legal_basis=values.get("legal_basis", ""),
                )
                report.created += 1
            if report.errors:
                raise _Rollback
    except _Rollback:
        report.created = report.unchanged = 0
    return report
