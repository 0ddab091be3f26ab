"""A plan's tables in and out of files: seed 002's appendices as Excel workbooks to fill in and
import, and the plan as a Word document in the state format (NĐ 30/2020/NĐ-CP).

Workbooks (`tasks_template_xlsx`, `targets_template_xlsx`): the first sheet is the appendix's
table with the seed's columns, the second the instructions.

- Phụ lục 2, tasks: TT | Nhiệm vụ | Hoạt động/sản phẩm | Cơ quan chủ trì | Cơ quan phối hợp |
  Thời gian thực hiện.
- Phụ lục 1, targets: STT | Chỉ tiêu | Chỉ tiêu phấn đấu năm <year> | Trách nhiệm cụ thể, itself
  two columns: Đơn vị theo dõi, hướng dẫn thực hiện | Đơn vị thực hiện (a second header row, as in
  the seed).

The columns are formatted as text, so Excel keeps "1.1", "100%" and "- Phấn đấu ..." as written.

Reading (`read_tasks`, `read_targets`): the header is found among the first rows (a title line
above it is allowed), with or without the second header row, its names compared without case or
accents; other columns are left out. Then, row by row:

- a group row (a field: "I | CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH") is one whose TT is a Roman numeral, or
  "III CẢI CÁCH THỦ TỤC HÀNH CHÍNH" written in the TT cell alone, or one with a text in the second
  column and nothing else; its text is the `group` of the rows under it;
- a task needs its wording (Nhiệm vụ) and a deadline `rules.read_due` reads: "15/03/2024",
  "Trước ngày 10/01/2024", "Tháng 3/2024", "Quý I/2024", "Cả năm", "Thường xuyên";
- a target needs its wording (Chỉ tiêu); its target is kept as written ("Trên 90%", "Chỉ số xếp
  hạng cao hơn năm 2023") and `actions.add_target` reads its direction and value. A target without
  a value is a heading row when rows of its own follow (1 → 1.1, 6.3 → "- ..."); a top-level
  heading ("3 | Cải cách thủ tục hành chính") is the field of its rows.

Importing (`import_tasks`, `import_targets`) is all or nothing: a file with any wrong row saves
nothing and every problem is listed, by row (the sheet's row number) and column. Rows are added
after the plan's own; a row equal to one the plan already has (a task's wording and deadline, a
target's number, wording and value) is skipped and counted, so importing a file again adds nothing.

Word (`plan_docx`): the state format of `reports.docx`, with the appendices laid out like seed
002's: PHỤ LỤC 1 (targets) and PHỤ LỤC 2 (tasks), landscape, the groups in bold across the row,
deadlines as `Due.label()` writes them ("Quý I/2024"), targets as written.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parindex.frameworks.rules import Problem
from parindex.orgunits.models import Kind as UnitKind
from parindex.plans import actions, rules
from parindex.plans import problems as plan_problems
from parindex.plans.models import Direction, Kind, Measure, Plan, PlanStatus, Target, Task
from parindex.reports.docx import Appendix, Section, StateDocument, Table, render_docx
from parindex.reports.docx import place_date as written_place_date
from parindex.reports.xlsx import Sheet, render_xlsx

if TYPE_CHECKING:
    from parindex.accounts.models import User
    from parindex.orgunits.models import Unit

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000
HEADER_SEARCH_ROWS = 10  # the header is looked for among this many first non-empty rows
TEMPLATE_ROWS = 500  # rows of the template formatted as text

TASK_COLUMNS = (
    "TT",
    "Nhiệm vụ",
    "Hoạt động/sản phẩm",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Thời gian thực hiện",
)
RESPONSIBILITY = "Trách nhiệm cụ thể"
TRACKING = "Đơn vị theo dõi, hướng dẫn thực hiện"
IMPLEMENTING = "Đơn vị thực hiện"
TASK_WIDTHS_MM = (12.0, 80.0, 50.0, 36.0, 40.0, 34.0)  # 252 mm: landscape A4 between margins
TARGET_WIDTHS_MM = (14.0, 100.0, 42.0, 48.0, 48.0)


def target_columns(year: int) -> tuple[str, ...]:
    return ("STT", "Chỉ tiêu", f"Chỉ tiêu phấn đấu năm {year}", TRACKING, IMPLEMENTING)


# --- problems ------------------------------------------------------------------------------------

MESSAGES: dict[str, Promise] = {
    "import.due_missing": _(
        "The deadline is missing: write 15/03/2026, Tháng 3/2026, Quý I/2026 or Cả năm."
    ),
    "import.group_name": _("A group row needs the name of its field after its numeral."),
    "import.too_long": _("At most %(n)d characters."),
    "import.old_excel": _(
        "This is an old Excel file (.xls): save it as an Excel Workbook (.xlsx) and upload it "
        "again."
    ),
}


def message(problem: Problem) -> str:
    """A problem of an import as a sentence in the user's language."""
    template = MESSAGES.get(problem.code)
    if template is None:
        return plan_problems.message(problem)
    try:
        return str(template) % dict(problem.params)
    except (KeyError, ValueError, TypeError):
        return str(template)


@dataclass(frozen=True)
class RowProblem:
    row: int  # the sheet's row number; 0 for the file as a whole
    column: str  # the column's header as the file writes it; "" for the whole row
    problem: Problem

    @property
    def message(self) -> str:
        return message(self.problem)


@dataclass
class ImportReport:
    rows: int = 0  # tasks or targets read (group rows not counted)
    groups: int = 0
    added: int = 0
    skipped: int = 0  # already in the plan (or earlier in the file)
    problems: list[RowProblem] = field(default_factory=list)
    saved: bool = False

    @property
    def bad_rows(self) -> int:
        return len({p.row for p in self.problems})


# --- reading a workbook --------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Lower case, no accents, words only: 'Hoạt động/sản phẩm' -> 'hoat dong san pham'."""
    text = unicodedata.normalize("NFD", text.strip().lower()).replace("đ", "d")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


# Each column: its key, its name in the report when the file has none, and how headers read.
@dataclass(frozen=True)
class _Column:
    key: str
    name: str
    matches: Callable[[str], bool]
    limit: int = 0  # characters; 0: no limit


def _is(*names: str) -> Callable[[str], bool]:
    return lambda folded: folded in names


def _starts(*prefixes: str) -> Callable[[str], bool]:
    return lambda folded: folded.startswith(prefixes)


TASK_SPEC = (
    _Column("code", "TT", _is("tt", "stt", "so tt", "so thu tu"), 20),
    _Column("title", "Nhiệm vụ", _is("nhiem vu", "ten nhiem vu", "noi dung nhiem vu", "noi dung")),
    _Column("product", "Hoạt động/sản phẩm", _starts("hoat dong", "san pham"), 300),
    _Column(
        "lead", "Cơ quan chủ trì", _starts("co quan chu tri", "don vi chu tri", "chu tri"), 200
    ),
    _Column(
        "coordinating",
        "Cơ quan phối hợp",
        _starts("co quan phoi hop", "don vi phoi hop", "phoi hop"),
        300,
    ),
    _Column("due", "Thời gian thực hiện", _starts("thoi gian", "thoi han", "han hoan thanh")),
)
TARGET_SPEC = (
    _Column("code", "STT", _is("stt", "tt", "so tt", "so thu tu"), 20),
    _Column("name", "Chỉ tiêu", _is("chi tieu", "ten chi tieu", "noi dung chi tieu")),
    _Column("target", "Chỉ tiêu phấn đấu", _starts("chi tieu phan dau", "muc tieu phan dau"), 200),
    _Column("tracking", TRACKING, _starts("don vi theo doi", "co quan theo doi"), 300),
    _Column("implementing", IMPLEMENTING, _is("don vi thuc hien", "co quan thuc hien"), 300),
)
GROUP_LIMIT = 200  # Task.group and Target.group


@dataclass
class _Table:
    columns: dict[str, int]  # key -> index of the column in the row
    names: dict[str, str]  # key -> the header as written
    rows: list[tuple[int, list[str]]]  # (row number, cells)


def _lines(text: str) -> str:
    """A cell's text: each line stripped and its spaces single, empty lines left out."""
    lines = (" ".join(line.split()) for line in text.replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def _number_text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.replace(".", ",") if "." in text else text


def _cell_text(cell: Any) -> str:
    """A cell as the user sees it: dates dd/mm/yyyy, percentages with their sign ("90%")."""
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        if "%" in str(getattr(cell, "number_format", "") or ""):
            return _number_text(number * 100) + "%"
        if isinstance(value, float) and not value.is_integer():
            return str(value)  # "1.1": a number typed into a column not formatted as text
        return _number_text(number)
    return _lines(str(value))


def _match(spec: Sequence[_Column], header: str) -> _Column | None:
    folded = _fold(header)
    return next((c for c in spec if folded and c.matches(folded)), None)


def _read_table(
    data: bytes, spec: Sequence[_Column], required: Sequence[str]
) -> tuple[_Table | None, list[RowProblem]]:
    """The first sheet's rows under their header; or the problems of the file as a whole."""
    if len(data) > MAX_BYTES:
        return None, [RowProblem(0, "", Problem("file.too_large", {"mb": MAX_BYTES // 2**20}))]
    if not data:
        return None, [RowProblem(0, "", Problem("file.empty"))]
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # the OLE container of the old .xls format
        return None, [RowProblem(0, "", Problem("import.old_excel"))]
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken or foreign file
        return None, [RowProblem(0, "", Problem("file.unreadable_excel"))]
    try:
        if not book.worksheets:
            return None, [RowProblem(0, "", Problem("file.empty"))]
        rows: list[tuple[int, list[str]]] = []
        for number, sheet_row in enumerate(book.worksheets[0].iter_rows(), start=1):
            texts = [_cell_text(cell) for cell in sheet_row]
            if any(texts):
                rows.append((number, texts))
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                return None, [RowProblem(0, "", Problem("file.too_many_rows", {"rows": MAX_ROWS}))]
    except Exception:  # a broken sheet inside a readable zip
        return None, [RowProblem(0, "", Problem("file.unreadable_excel"))]
    finally:
        book.close()
    if not rows:
        return None, [RowProblem(0, "", Problem("file.empty"))]

    best: set[str] = set()  # the columns of the row most like a header, to say what is missing
    for index, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        names: dict[str, str] = {}
        for position, text in enumerate(cells):
            column = _match(spec, text)
            if column is not None and column.key not in columns:
                columns[column.key] = position
                names[column.key] = text.replace("\n", " ")
        if not all(key in columns for key in required):
            if len(columns) > len(best):
                best = set(columns)
            continue
        body = rows[index + 1 :]
        # A second header row ("Đơn vị theo dõi ..." under "Trách nhiệm cụ thể"): every text in it
        # names a column.
        if body and all(_match(spec, t) is not None for t in body[0][1] if t):
            for position, text in enumerate(body[0][1]):
                column = _match(spec, text)
                if column is not None and column.key not in columns:
                    columns[column.key] = position
                    names[column.key] = text.replace("\n", " ")
            body = body[1:]
        if len(body) > MAX_ROWS:
            return None, [RowProblem(0, "", Problem("file.too_many_rows", {"rows": MAX_ROWS}))]
        return _Table(columns, names, body), []
    missing = ", ".join(c.name for c in spec if c.key in required and c.key not in best)
    return None, [RowProblem(rows[0][0], "", Problem("file.missing_columns", {"columns": missing}))]


def _values(table: _Table, cells: list[str]) -> dict[str, str]:
    return {
        key: cells[position] if position < len(cells) else ""
        for key, position in table.columns.items()
    }


_ROMAN = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
_ROMAN_AND_TEXT = re.compile(r"([IVXLCDM]+)[.)]?\s+(\S.*)", re.DOTALL)


def _is_roman(text: str) -> bool:
    token = text.strip().rstrip(".)").strip()
    return bool(token) and _ROMAN.fullmatch(token) is not None


def _group_text(values: dict[str, str], text_key: str) -> tuple[bool, str]:
    """Whether the row is a group row, and the group's name (empty when it has none)."""
    code = values.get("code", "")
    others = [v for k, v in values.items() if k not in {"code", text_key} and v]
    text = values.get(text_key, "")
    if code and _is_roman(code):
        return True, text or (others[0] if others else "")
    if code and not text and not others:
        # "III CẢI CÁCH THỦ TỤC HÀNH CHÍNH" in the TT cell alone
        match = _ROMAN_AND_TEXT.fullmatch(code)
        if match and _is_roman(match.group(1)):
            return True, match.group(2)
    if not code and text and not others:
        return True, text
    return False, ""


def _check_lengths(
    number: int, values: dict[str, str], table: _Table, spec: Sequence[_Column]
) -> list[RowProblem]:
    return [
        RowProblem(number, _name(table, c), Problem("import.too_long", {"n": c.limit}))
        for c in spec
        if c.limit and len(values.get(c.key, "")) > c.limit
    ]


def _name(table: _Table, column: _Column) -> str:
    return table.names.get(column.key) or column.name


def _spec(spec: Sequence[_Column], key: str) -> _Column:
    return next(c for c in spec if c.key == key)


# --- tasks ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskRow:
    row: int
    code: str
    group: str
    title: str
    product: str
    lead: str
    coordinating: str
    due: rules.Due
    due_text: str  # as written


# What may stand before a date in the deadline column: "Trước ngày 10/01/2024".
_DATE_PREFIXES = frozenset(
    {"truoc ngay", "truoc", "cham nhat ngay", "cham nhat", "han", "den ngay", "ngay", "het ngay"}
)
_TRAILING_DATE = re.compile(r"(\d{1,2}/\d{1,2}/\d{4})\s*$")


def read_deadline(text: str, year: int) -> rules.Due | None:
    """A deadline as the appendix writes it; "Trước ngày 10/01/2024" is due on that date."""
    due = rules.read_due(text, year)
    if due is not None:
        return due
    match = _TRAILING_DATE.search(text)
    if match and _fold(text[: match.start()]) in _DATE_PREFIXES:
        return rules.read_due(match.group(1), year)
    return None


def read_tasks(data: bytes, year: int) -> tuple[list[TaskRow], list[RowProblem]]:
    """The tasks of a Phụ lục 2 workbook, or every problem of its rows; nothing is stored."""
    table, problems = _read_table(data, TASK_SPEC, required=("title", "due"))
    if table is None:
        return [], problems
    title_name = _name(table, _spec(TASK_SPEC, "title"))
    due_name = _name(table, _spec(TASK_SPEC, "due"))
    rows: list[TaskRow] = []
    group = ""
    for number, cells in table.rows:
        values = _values(table, cells)
        is_group, text = _group_text(values, "title")
        if is_group:
            where = table.names.get("title") or table.names.get("code", "")
            if not text:
                problems.append(RowProblem(number, where, Problem("import.group_name")))
            elif len(text) > GROUP_LIMIT:
                problems.append(
                    RowProblem(number, where, Problem("import.too_long", {"n": GROUP_LIMIT}))
                )
            group = text
            continue
        found = _check_lengths(number, values, table, TASK_SPEC)
        title, due_text = values.get("title", ""), values.get("due", "")
        if not title:
            found.append(RowProblem(number, title_name, Problem("task.title")))
        due = read_deadline(due_text, year) if due_text else None
        if not due_text:
            found.append(RowProblem(number, due_name, Problem("import.due_missing")))
        elif due is None:
            found.append(RowProblem(number, due_name, Problem("task.due", {"value": due_text})))
        problems.extend(found)
        if found or due is None:
            continue
        rows.append(
            TaskRow(
                row=number,
                code=values.get("code", ""),
                group=group[:GROUP_LIMIT],
                title=title,
                product=values.get("product", ""),
                lead=values.get("lead", ""),
                coordinating=values.get("coordinating", ""),
                due=due,
                due_text=due_text,
            )
        )
    return rows, problems


def _closed(plan: Plan) -> list[RowProblem]:
    if plan.status == PlanStatus.CLOSED:
        return [RowProblem(0, "", Problem("plan.closed"))]
    return []


def import_tasks(plan: Plan, data: bytes, *, by: User | None) -> ImportReport:
    """Add the tasks of a Phụ lục 2 workbook to the plan, all or nothing; see the module doc."""
    report = ImportReport(problems=_closed(plan))
    if report.problems:
        return report
    rows, problems = read_tasks(data, plan.year)
    report.rows = len(rows)
    report.groups = len({r.group for r in rows if r.group})
    report.problems = problems
    if problems:
        return report
    seen = {
        (title.strip(), kind, on)
        for title, kind, on in plan.tasks.values_list("title", "due_kind", "due_on")
    }
    fresh: list[TaskRow] = []
    for row in rows:
        key = (row.title, row.due.kind, row.due.on)
        if key in seen:
            report.skipped += 1
            continue
        seen.add(key)
        fresh.append(row)

    def add(row: TaskRow) -> Any:
        return actions.add_task(
            plan,
            by=by,
            title=row.title,
            due=row.due,
            code=row.code,
            group=row.group,
            product=row.product,
            lead=row.lead,
            coordinating=row.coordinating,
        )

    return _save(report, fresh, add)


def _save(report: ImportReport, rows: Sequence[Any], add: Callable[[Any], Any]) -> ImportReport:
    """Add every row in one transaction; a refusal of any undoes them all."""
    try:
        with transaction.atomic():
            for row in rows:
                try:
                    add(row)
                except actions.PlanError as exc:
                    report.problems.extend(RowProblem(row.row, "", p) for p in exc.problems)
            if report.problems:
                raise _Rollback
    except _Rollback:
        report.skipped = 0
        return report
    report.added = len(rows)
    report.saved = True
    return report


class _Rollback(Exception):
    pass


# --- targets -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetRow:
    row: int
    code: str
    group: str
    name: str
    target_text: str
    tracking_unit: str
    implementing_unit: str
    heading: bool


def _bare_code(code: str) -> str:
    return code.strip().rstrip(".").strip()


def _owns(parent: str, child: str) -> bool:
    """Is `child` a row of `parent`? "1" owns "1.1"; a row with a number owns unnumbered rows."""
    if not child:
        return True
    return bool(parent) and child.startswith(parent + ".")


def read_targets(data: bytes, year: int) -> tuple[list[TargetRow], list[RowProblem]]:
    """The targets of a Phụ lục 1 workbook, or every problem of its rows; nothing is stored.

    `year` is the plan's: the column "Chỉ tiêu phấn đấu năm <year>" is read whatever its year.
    """
    del year  # the header names the year; targets are read as written
    table, problems = _read_table(data, TARGET_SPEC, required=("name", "target"))
    if table is None:
        return [], problems
    name_column = _name(table, _spec(TARGET_SPEC, "name"))
    # First pass: group rows and target rows, in order.
    items: list[tuple[str, int, dict[str, str]]] = []
    for number, cells in table.rows:
        values = _values(table, cells)
        is_group, text = _group_text(values, "name")
        if is_group:
            where = table.names.get("name") or table.names.get("code", "")
            if not text:
                problems.append(RowProblem(number, where, Problem("import.group_name")))
            elif len(text) > GROUP_LIMIT:
                problems.append(
                    RowProblem(number, where, Problem("import.too_long", {"n": GROUP_LIMIT}))
                )
            items.append(("group", number, {"name": text}))
            continue
        found = _check_lengths(number, values, table, TARGET_SPEC)
        if not values.get("name"):
            found.append(RowProblem(number, name_column, Problem("target.name")))
        problems.extend(found)
        items.append(("target", number, values))

    # Second pass: headings (no value, rows of their own follow) and the field of each row.
    rows: list[TargetRow] = []
    explicit = field_name = ""
    for index, (kind, number, values) in enumerate(items):
        if kind == "group":
            explicit, field_name = values["name"][:GROUP_LIMIT], ""
            continue
        code = _bare_code(values.get("code", ""))
        following = items[index + 1] if index + 1 < len(items) else None
        heading = (
            not values.get("target")
            and following is not None
            and following[0] == "target"
            and _owns(code, _bare_code(following[2].get("code", "")))
        )
        if code and "." not in code:  # a top-level row: a heading names the field of its rows
            field_name = values.get("name", "")[:GROUP_LIMIT] if heading else ""
        rows.append(
            TargetRow(
                row=number,
                code=values.get("code", ""),
                group=field_name or explicit,
                name=values.get("name", ""),
                target_text=values.get("target", ""),
                tracking_unit=values.get("tracking", ""),
                implementing_unit=values.get("implementing", ""),
                heading=heading,
            )
        )
    return rows, problems


def import_targets(plan: Plan, data: bytes, *, by: User | None) -> ImportReport:
    """Add the targets of a Phụ lục 1 workbook to the plan, all or nothing; see the module doc."""
    report = ImportReport(problems=_closed(plan))
    if report.problems:
        return report
    rows, problems = read_targets(data, plan.year)
    report.rows = len(rows)
    report.groups = len({r.group for r in rows if r.group})
    report.problems = problems
    if problems:
        return report
    seen = {
        (code.strip(), name.strip(), text.strip())
        for code, name, text in plan.targets.values_list("code", "name", "target_text")
    }
    fresh: list[TargetRow] = []
    for row in rows:
        key = (row.code, row.name, row.target_text)
        if key in seen:
            report.skipped += 1
            continue
        seen.add(key)
        fresh.append(row)

    def add(row: TargetRow) -> Any:
        return actions.add_target(
            plan,
            by=by,
            name=row.name,
            code=row.code,
            group=row.group,
            target_text=row.target_text,
            tracking_unit=row.tracking_unit,
            implementing_unit=row.implementing_unit,
            heading=row.heading,
        )

    return _save(report, fresh, add)


# --- templates -----------------------------------------------------------------------------------

XLSX_WIDTHS_TASKS = (6.0, 60.0, 34.0, 24.0, 26.0, 20.0)
XLSX_WIDTHS_TARGETS = (6.0, 60.0, 24.0, 28.0, 32.0)


def _guide(rows: Iterable[tuple[str, str]]) -> Sheet:
    return Sheet(
        name="Hướng dẫn",
        columns=("Cột", "Cách ghi"),
        rows=tuple(rows),
        widths=(30.0, 100.0),
    )


def _as_text_columns(data: bytes, count: int, *, header_rows: int) -> Any:
    """The rendered workbook with its table's columns formatted as text below the header."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    for column in range(1, count + 1):
        for row in range(header_rows + 1, header_rows + 1 + TEMPLATE_ROWS):
            sheet.cell(row=row, column=column).number_format = "@"
        sheet.column_dimensions[get_column_letter(column)].number_format = "@"
    return book


def _saved(book: Any) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def tasks_template_xlsx(plan: Plan) -> bytes:
    """A workbook to fill in with the plan's tasks: seed 002's Phụ lục 2, then instructions."""
    year = plan.year
    table = Sheet(name="Phụ lục 2", columns=TASK_COLUMNS, rows=(), widths=XLSX_WIDTHS_TASKS)
    guide = _guide(
        (
            ("Kế hoạch", plan.title),
            (
                "TT",
                "Số thứ tự của nhiệm vụ (1, 2, 3 ...). Dòng nhóm (lĩnh vực) ghi số La Mã (I, II, "
                "III ...) ở cột TT và tên lĩnh vực ở cột Nhiệm vụ, các cột khác để trống, ví dụ: "
                "I | CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH. Các nhiệm vụ dưới dòng nhóm thuộc lĩnh vực đó.",
            ),
            ("Nhiệm vụ", "Bắt buộc: nội dung nhiệm vụ."),
            ("Hoạt động/sản phẩm", "Ví dụ: Kế hoạch của UBND, Quyết định ban hành, Hội nghị."),
            ("Cơ quan chủ trì", "Bộ phận, công chức chủ trì thực hiện."),
            ("Cơ quan phối hợp", "Các bộ phận phối hợp."),
            (
                "Thời gian thực hiện",
                f"Bắt buộc, một trong các cách ghi: 15/03/{year} (trước ngày đó); Tháng 3/{year}; "
                f"Quý I/{year} (I, II, III, IV); Cả năm hoặc Thường xuyên (đến 31/12/{year}).",
            ),
            (
                "Nhập tệp",
                "Tệp được kiểm tra toàn bộ: nếu có dòng sai thì không dòng nào được lưu và mọi lỗi "
                "được liệt kê theo số dòng. Sửa các dòng đó trong tệp rồi tải lên lại. Nhiệm vụ đã "
                "có trong kế hoạch (cùng nội dung và thời gian) được bỏ qua, nên tải lại một tệp "
                "không tạo nhiệm vụ trùng.",
            ),
        )
    )
    book = _as_text_columns(render_xlsx([table, guide]), len(TASK_COLUMNS), header_rows=1)
    return _saved(book)


def targets_template_xlsx(plan: Plan) -> bytes:
    """A workbook to fill in with the plan's targets: seed 002's Phụ lục 1, then instructions.

    The header has the seed's two rows: "Trách nhiệm cụ thể" over its two columns.
    """
    from openpyxl.styles import Alignment, Border, Font, Side

    year = plan.year
    columns = target_columns(year)
    table = Sheet(name="Phụ lục 1", columns=columns, rows=(), widths=XLSX_WIDTHS_TARGETS)
    guide = _guide(
        (
            ("Kế hoạch", plan.title),
            (
                "STT",
                "Số thứ tự: 1, 2 ... cho chỉ tiêu lớn, 1.1, 1.2 ... cho chỉ tiêu thành phần. Một "
                "chỉ tiêu không ghi chỉ tiêu phấn đấu mà có các dòng con (1 → 1.1; hoặc các dòng "
                "“- ...” không số thứ tự ngay dưới) là dòng tiêu đề; dòng tiêu đề cấp 1 (1, 2, 3 "
                "...) là lĩnh vực của các dòng con.",
            ),
            ("Chỉ tiêu", "Bắt buộc: nội dung chỉ tiêu."),
            (
                f"Chỉ tiêu phấn đấu năm {year}",
                "Ghi như trong kế hoạch: 100%; 90% (từ 90% trở lên); Trên 50%; Dưới 5%; Không "
                "quá 5%; một số (12 cuộc); Chỉ số xếp hạng cao hơn năm trước; Cao hơn năm trước. "
                "Cách ghi khác được giữ nguyên văn và theo dõi là đạt hay không đạt.",
            ),
            (TRACKING, "Đơn vị theo dõi, hướng dẫn thực hiện (Trách nhiệm cụ thể)."),
            (IMPLEMENTING, "Đơn vị thực hiện (Trách nhiệm cụ thể)."),
            (
                "Nhập tệp",
                "Tệp được kiểm tra toàn bộ: nếu có dòng sai thì không dòng nào được lưu và mọi lỗi "
                "được liệt kê theo số dòng. Sửa các dòng đó trong tệp rồi tải lên lại. Chỉ tiêu đã "
                "có trong kế hoạch (cùng STT, nội dung và chỉ tiêu phấn đấu) được bỏ qua.",
            ),
        )
    )
    book = _as_text_columns(render_xlsx([table, guide]), len(columns), header_rows=1)
    sheet = book.worksheets[0]
    # The seed's second header row: "Trách nhiệm cụ thể" over the two units' columns.
    sheet.insert_rows(1)
    thin = Side(style="thin", color="000000")
    grid = Border(left=thin, right=thin, top=thin, bottom=thin)
    centred = Alignment(wrap_text=True, horizontal="center", vertical="center")
    for column, text in enumerate((*columns[:3], RESPONSIBILITY, None), start=1):
        cell = sheet.cell(row=1, column=column)
        cell.value = text
        cell.font = Font(bold=True)
        cell.alignment = centred
        cell.border = grid
    for column in range(1, 4):
        sheet.cell(row=2, column=column).value = None
        sheet.merge_cells(start_row=1, start_column=column, end_row=2, end_column=column)
    sheet.merge_cells(start_row=1, start_column=4, end_row=1, end_column=5)
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "1:2"
    return _saved(book)


# --- the plan as a Word document -----------------------------------------------------------------

PLACE_PREFIXES: tuple[str, ...] = (
    "Thành phố ",
    "Thị trấn ",
    "Thị xã ",
    "Phường ",
    "Xã ",
    "Đặc khu ",
    "Tỉnh ",
    "Huyện ",
    "Quận ",
)
BLANK = "……"


def _place(unit: Unit) -> str:
    name = unit.name
    if unit.kind == UnitKind.CO_QUAN and unit.parent is not None:
        name = unit.parent.name
    for prefix in PLACE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _issuer(unit: Unit) -> tuple[str, str, str]:
    """The superior body, the issuing body (capitals) and the body's name in a sentence."""
    parent = unit.parent
    superior = f"UBND {parent.name}".upper() if parent is not None else ""
    if unit.kind == UnitKind.CO_QUAN:
        return superior, unit.name.upper(), unit.name
    return superior, f"ỦY BAN NHÂN DÂN {unit.name}".upper(), f"Ủy ban nhân dân {unit.name}"


def _summary(plan: Plan) -> str:
    """The plan's title without "Kế hoạch", which the document's kind already says."""
    title = plan.title.strip()
    folded = _fold(title)
    if folded.startswith("ke hoach ") and len(title) > len("Kế hoạch "):
        rest = title[len("Kế hoạch ") :].strip()
        return rest[:1].upper() + rest[1:]
    return title


def _number(plan: Plan, symbol: str) -> str:
    """ "35/KH-UBND" as written, "35" completed with the symbol, blanks for a draft."""
    number = plan.number.strip()
    if not number:
        return f"{BLANK}/{symbol}"
    return number if "/" in number else f"{number}/{symbol}"


def _paragraphs(text: str) -> tuple[str, ...]:
    return tuple(line for line in _lines(text).split("\n") if line)


def written_target(target: Target) -> str:
    """The target as the plan writes it: its text, else one made from its value."""
    if target.target_text:
        return target.target_text
    if target.heading:
        return ""
    if target.direction == Direction.BETTER:
        return "Cao hơn năm trước"
    if target.value is None:
        return ""
    prefix = {
        Direction.GT.value: "Trên ",
        Direction.LT.value: "Dưới ",
        Direction.LE.value: "Không quá ",
        Direction.EQ.value: "Bằng ",
    }.get(str(target.direction), "")
    suffix = "%" if target.measure == Measure.PERCENT else ""
    return f"{prefix}{_number_text(Decimal(target.value))}{suffix}"


def _targets_table(plan: Plan, targets: Sequence[Target]) -> Table:
    headings = {t.name for t in targets if t.heading}
    rows: list[tuple[str, ...]] = []
    bold: list[int] = []
    merged: list[int] = []
    group = ""
    for target in targets:
        if target.group != group:
            group = target.group
            # A field not already named by a heading row of its own gets a row across the table.
            if group and group not in headings:
                merged.append(len(rows))
                rows.append(("", group, "", "", ""))
        if target.heading:
            bold.append(len(rows))
        rows.append(
            (
                target.code,
                target.name,
                written_target(target),
                target.tracking_unit,
                target.implementing_unit,
            )
        )
    return Table(
        columns=target_columns(plan.year),
        rows=tuple(rows),
        widths_mm=TARGET_WIDTHS_MM,
        bold_rows=tuple(bold),
        merged_rows=tuple(merged),
        header_groups=((RESPONSIBILITY, 3, 4),),
    )


def _roman(number: int) -> str:
    table = (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    )
    out = ""
    for value, letters in table:
        while number >= value:
            out += letters
            number -= value
    return out


def _tasks_table(tasks: Sequence[Task]) -> Table:
    rows: list[tuple[str, ...]] = []
    merged: list[int] = []
    group = ""
    groups = 0
    for index, task in enumerate(tasks, start=1):
        if task.group != group:
            group = task.group
            if group:
                groups += 1
                merged.append(len(rows))
                rows.append((_roman(groups), group, "", "", "", ""))
        rows.append(
            (
                task.code or str(index),
                task.title,
                task.product,
                task.lead,
                task.coordinating,
                rules.Due(task.due_kind, task.due_on).label(),
            )
        )
    return Table(
        columns=TASK_COLUMNS,
        rows=tuple(rows),
        widths_mm=TASK_WIDTHS_MM,
        merged_rows=tuple(merged),
    )


def plan_docx(plan: Plan, *, today: dt.date | None = None) -> bytes:
    """The plan in the state format, with its targets and tasks as PHỤ LỤC 1 and 2."""
    unit = plan.unit
    superior, issuer, body = _issuer(unit)
    symbol = "KH" if unit.kind == UnitKind.CO_QUAN else "KH-UBND"
    number = _number(plan, symbol)
    place = _place(unit)
    if plan.issued_on is not None:
        dated = written_place_date(place, plan.issued_on)
        date_text = plan.issued_on.strftime("%d/%m/%Y")
    else:
        year = (today or timezone.localdate()).year
        dated = f"{place}, ngày {BLANK} tháng {BLANK} năm {year}"
        date_text = f"{BLANK}/{BLANK}/{year}"
    summary = _summary(plan)
    targets = list(plan.targets.order_by("position", "pk"))
    tasks = list(plan.tasks.order_by("position", "pk"))

    appendices: list[Appendix] = []
    labels: dict[str, str] = {}
    parts = [("targets", targets), ("tasks", tasks)]
    present = [name for name, items in parts if items]
    for position, name in enumerate(present, start=1):
        labels[name] = f"Phụ lục {position}" if len(present) > 1 else "Phụ lục"
    note = f"(Kèm theo Kế hoạch số {number} ngày {date_text} của {body})"
    annual = plan.kind == Kind.ANNUAL
    if targets:
        appendices.append(
            Appendix(
                title=labels["targets"].upper(),
                subtitle=("Các chỉ tiêu công tác " if annual else "Các chỉ tiêu của kế hoạch ")
                + summary,
                table=_targets_table(plan, targets),
                note=note,
            )
        )
    if tasks:
        appendices.append(
            Appendix(
                title=labels["tasks"].upper(),
                subtitle=(
                    "Nhiệm vụ trọng tâm của công tác " if annual else "Các nhiệm vụ của kế hoạch "
                )
                + summary,
                table=_tasks_table(tasks),
                note=note,
            )
        )

    sections = [
        Section(
            heading="I. MỤC ĐÍCH, YÊU CẦU",
            paragraphs=_paragraphs(plan.purpose) or ("(Mục đích, yêu cầu của kế hoạch.)",),
        )
    ]
    numerals = iter(("II", "III", "IV", "V"))
    if targets:
        sections.append(
            Section(
                heading=f"{next(numerals)}. MỤC TIÊU, CHỈ TIÊU",
                paragraphs=(f"(Các chỉ tiêu cụ thể tại {labels['targets']} kèm theo)",),
            )
        )
    if tasks:
        sections.append(
            Section(
                heading=f"{next(numerals)}. NHIỆM VỤ CỤ THỂ",
                paragraphs=(f"(Nội dung nhiệm vụ cụ thể tại {labels['tasks']} kèm theo)",),
            )
        )
    sections.append(
        Section(
            heading=f"{next(numerals)}. TỔ CHỨC THỰC HIỆN",
            paragraphs=("(Phân công tổ chức thực hiện; chế độ báo cáo.)",),
        )
    )
    recipients = [f"UBND {unit.parent.name};"] if unit.parent is not None else []
    if unit.kind == UnitKind.CO_QUAN:
        authority: tuple[str, ...] = ("THỦ TRƯỞNG CƠ QUAN",)
        recipients += ["Các bộ phận liên quan;"]
    else:
        authority = ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
        recipients += ["Thường trực Đảng ủy, HĐND;", "CT, các PCT UBND;", "Các bộ phận liên quan;"]
    document = StateDocument(
        superior=superior,
        issuer=issuer,
        number=f"Số: {number}",
        place_date=dated,
        kind="KẾ HOẠCH",
        summary=summary,
        grounds=_paragraphs(plan.grounds),
        sections=tuple(sections),
        recipients=tuple(recipients),
        authority=authority,
        appendices=tuple(appendices),
    )
    return render_docx(document)


def docx_filename(plan: Plan) -> str:
    """An ASCII file name: "ke-hoach-91001-2024-12.docx"."""
    code = "".join(ch for ch in plan.unit.code if ch.isalnum() or ch == "-")
    return f"ke-hoach-{code}-{plan.year}-{plan.pk}.docx"
