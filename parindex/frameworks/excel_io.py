"""Frameworks as Excel: the layout secretariats work in, one row per criterion.

Sheet "Tiêu chí" (criteria), in the tree's order; a node's parent is the code without its last part
("2.3.1" sits under "2.3"):

    Mã | Tên tiêu chí | Điểm tối đa | Nguồn điểm | Cách chấm | Tài liệu kiểm chứng | Hướng dẫn |
    Nhóm đơn vị | Phụ trách | Ghi chú

- Nguồn điểm (source): Thẩm định, Khảo sát người dân, Khảo sát cán bộ, Hệ thống tính; only on the
  scored rows.
- Cách chấm (rule): one line of text, see `rule_text` ("mức: Đúng hạn = 1; Trễ hạn = 0,5; ...").
- Tài liệu kiểm chứng (evidence): one document a line (or separated by ;), "(không bắt buộc)" after
  an optional one.
- Nhóm đơn vị: the codes of the unit groups the row applies to (empty: all).

Sheet "Thông tin" holds the framework's own facts as label/value rows, "Xếp loại" the bands and
"Nhóm đơn vị" the unit groups. Headers are matched without accents or case, in Vietnamese or
English.
Text cells are written as text, never as formulas, so a title starting with "=" stays a title.

`read_xlsx(write_xlsx(spec)) == spec`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import translation

from parindex.frameworks.issues import FileIssue, FrameworkFileError
from parindex.frameworks.rule_text import format_rule, parse_rule_text
from parindex.frameworks.rules import Problem, RuleError, Source, slug, to_decimal
from parindex.frameworks.spec import (
    DEFAULT_TOTAL,
    BandSpec,
    EvidenceSpec,
    FrameworkSpec,
    GroupSpec,
    NodeSpec,
    parent_code,
)
from parindex.orgunits.models import Kind, Level

CRITERIA = "Tiêu chí"
INFO = "Thông tin"
BANDS = "Xếp loại"
GROUPS = "Nhóm đơn vị"
MAX_ROWS = 5000
MAX_BYTES = 10 * 1024 * 1024

COLUMNS = [
    ("code", "Mã"),
    ("title", "Tên tiêu chí"),
    ("max", "Điểm tối đa"),
    ("source", "Nguồn điểm"),
    ("rule", "Cách chấm"),
    ("evidence", "Tài liệu kiểm chứng"),
    ("guidance", "Hướng dẫn"),
    ("groups", "Nhóm đơn vị"),
    ("responsible", "Phụ trách"),
    ("note", "Ghi chú"),
]
COLUMN_NAMES = dict(COLUMNS)
HEADER_WORDS: dict[str, str] = {slug(name): key for key, name in COLUMNS} | {
    "ma_tieu_chi": "code",
    "code": "code",
    "ten": "title",
    "tieu_chi": "title",
    "noi_dung": "title",
    "title": "title",
    "diem": "max",
    "max": "max",
    "max_points": "max",
    "nguon": "source",
    "source": "source",
    "cach_tinh": "rule",
    "quy_tac": "rule",
    "rule": "rule",
    "tai_lieu": "evidence",
    "minh_chung": "evidence",
    "evidence": "evidence",
    "guidance": "guidance",
    "nhom": "groups",
    "groups": "groups",
    "responsible": "responsible",
    "note": "note",
}

SOURCE_LABELS = {
    Source.APPRAISED: "Thẩm định",
    Source.SURVEY_CITIZENS: "Khảo sát người dân",
    Source.SURVEY_OFFICIALS: "Khảo sát cán bộ",
    Source.COMPUTED: "Hệ thống tính",
}
SOURCE_WORDS: dict[str, str] = (
    {slug(label): src.value for src, label in SOURCE_LABELS.items()}
    | {src.value: src.value for src in Source}
    | {
        "danh_gia": Source.APPRAISED,
        "tai_lieu_kiem_chung": Source.APPRAISED,
        "sipas": Source.SURVEY_CITIZENS,
        "dieu_tra_nguoi_dan": Source.SURVEY_CITIZENS,
        "dieu_tra_xa_hoi_hoc_nguoi_dan": Source.SURVEY_CITIZENS,
        "dieu_tra_can_bo": Source.SURVEY_OFFICIALS,
        "dieu_tra_xa_hoi_hoc_can_bo": Source.SURVEY_OFFICIALS,
        "tu_dong": Source.COMPUTED,
        "he_thong": Source.COMPUTED,
    }
)
LEVEL_LABELS = {
    Level.COMMUNE: "Cấp xã",
    Level.DISTRICT: "Cấp huyện",
    Level.PROVINCE: "Cấp tỉnh",
    Level.OFFICE: "Cơ quan, đơn vị",
}
LEVEL_WORDS = (
    {slug(label): lv.value for lv, label in LEVEL_LABELS.items()}
    | {lv.value: lv.value for lv in Level}
    | {"xa": Level.COMMUNE, "huyen": Level.DISTRICT, "tinh": Level.PROVINCE}
)

INFO_ROWS = [
    ("code", "Mã bộ chỉ số"),
    ("name", "Tên bộ chỉ số"),
    ("year_from", "Áp dụng từ năm"),
    ("year_to", "Áp dụng đến năm"),
    ("level", "Cấp được đánh giá"),
    ("decision", "Quyết định ban hành"),
    ("description", "Mô tả"),
    ("total", "Tổng điểm"),
    ("bonus_max", "Điểm thưởng tối đa"),
    ("bonus_needs_evidence", "Điểm thưởng cần tài liệu kiểm chứng"),
    ("penalty_max", "Điểm trừ tối đa"),
    ("penalty_needs_evidence", "Điểm trừ cần tài liệu kiểm chứng"),
]
INFO_WORDS = {slug(label): key for key, label in INFO_ROWS} | {key: key for key, _l in INFO_ROWS}
YES = {"co", "yes", "true", "1", "x"}
NO = {"khong", "no", "false", "0", ""}
OPTIONAL_MARKS = ("(không bắt buộc)", "(tùy chọn)", "(tuỳ chọn)", "(optional)")


def kind_words() -> dict[str, str]:
    words: dict[str, str] = {k.value: k.value for k in Kind}
    for lang in ("vi", "en"):
        with translation.override(lang):
            words |= {slug(str(k.label)): k.value for k in Kind}
    return words


# --- writing -------------------------------------------------------------------------------------


def _put(sheet: Any, row: int, column: int, value: Any) -> Any:
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # text stays text, even "=..." (no formula is ever written)
    return cell


def _header(sheet: Any, names: list[str], widths: list[int]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    for column, (name, width) in enumerate(zip(names, widths, strict=True), start=1):
        cell = _put(sheet, 1, column, name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F0F4F8")
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.freeze_panes = "A2"


def evidence_text(items: tuple[EvidenceSpec, ...]) -> str:
    return "\n".join(e.title if e.required else f"{e.title} {OPTIONAL_MARKS[0]}" for e in items)


def write_xlsx(spec: FrameworkSpec) -> bytes:
    """The framework as an .xlsx workbook (criteria, facts, bands, unit groups)."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    book = openpyxl.Workbook()
    sheet = book.active
    if sheet is None:  # a new workbook always has one sheet
        raise RuntimeError("openpyxl gave no active sheet")
    sheet.title = CRITERIA
    _header(sheet, [name for _k, name in COLUMNS], [10, 60, 11, 18, 44, 44, 40, 14, 24, 30])
    wrap = Alignment(wrap_text=True, vertical="top")
    row = 1
    for node, _parent, depth in spec.walk():
        row += 1
        values: list[Any] = [
            node.code,
            node.title,
            node.maximum,
            SOURCE_LABELS[Source(node.source)] if node.source in SOURCE_LABELS else node.source,
            format_rule(node.rule) if node.rule is not None else "",
            evidence_text(node.evidence),
            node.guidance,
            ", ".join(node.groups),
            node.responsible,
            node.note,
        ]
        for column, value in enumerate(values, start=1):
            cell = _put(sheet, row, column, value)
            cell.alignment = wrap
            if not node.is_leaf:
                cell.font = Font(bold=True)
        sheet.cell(row=row, column=2).alignment = Alignment(
            wrap_text=True, vertical="top", indent=depth - 1
        )

    info = book.create_sheet(INFO)
    _header(info, ["Mục", "Giá trị"], [38, 80])
    facts: dict[str, Any] = {
        "code": spec.code,
        "name": spec.name,
        "year_from": spec.year_from,
        "year_to": spec.year_to,
        "level": LEVEL_LABELS.get(spec.level, spec.level),  # type: ignore[call-overload]
        "decision": spec.decision,
        "description": spec.description,
        "total": spec.total,
        "bonus_max": spec.bonus_max,
        "bonus_needs_evidence": "có" if spec.bonus_needs_evidence else "không",
        "penalty_max": spec.penalty_max,
        "penalty_needs_evidence": "có" if spec.penalty_needs_evidence else "không",
    }
    for row, (key, label) in enumerate(INFO_ROWS, start=2):
        _put(info, row, 1, label)
        _put(info, row, 2, facts[key]).alignment = wrap

    bands = book.create_sheet(BANDS)
    _header(bands, ["Mã", "Xếp loại", "Từ điểm"], [10, 30, 12])
    for row, band in enumerate(spec.bands, start=2):
        for column, value in enumerate((band.code, band.label, band.minimum), start=1):
            _put(bands, row, column, value)

    groups = book.create_sheet(GROUPS)
    _header(groups, ["Mã", "Tên nhóm", "Loại đơn vị"], [12, 30, 40])
    with translation.override("vi"):
        for row, group in enumerate(spec.groups, start=2):
            kinds = ", ".join(str(Kind(k).label) if k in Kind.values else k for k in group.kinds)
            for column, value in enumerate((group.code, group.name, kinds), start=1):
                _put(groups, row, column, value)

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- reading -------------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return repr(value)
    return str(value).strip()


@dataclass
class _Draft:
    """A node being built from its row (children are added as their rows are read)."""

    row: int
    code: str
    title: str
    maximum: Decimal
    source: str
    rule: Any
    evidence: tuple[EvidenceSpec, ...]
    guidance: str
    groups: tuple[str, ...]
    responsible: str
    note: str
    children: list[_Draft] = field(default_factory=list)

    def freeze(self) -> NodeSpec:
        return NodeSpec(
            code=self.code,
            title=self.title,
            maximum=self.maximum,
            source=self.source,
            rule=self.rule,
            guidance=self.guidance,
            evidence=self.evidence,
            groups=self.groups,
            responsible=self.responsible,
            note=self.note,
            children=tuple(c.freeze() for c in self.children),
        )


class _Reader:
    def __init__(self) -> None:
        self.issues: list[FileIssue] = []
        self.rows_of: dict[str, int] = {}

    def fail(
        self, problem: str, sheet: str, row: int | None, column: str = "", /, **params: Any
    ) -> None:
        self.issues.append(FileIssue(Problem(problem, params), sheet, row, column))

    def number(self, text: str, sheet: str, row: int, column: str) -> Decimal:
        try:
            return to_decimal(text)
        except ValueError:
            self.fail("file.not_a_number", sheet, row, column, field=column, value=text[:40])
            return Decimal(0)

    def rows(self, sheet: Any) -> list[tuple[int, list[str]]]:
        numbered = []
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS + 1:
                self.fail("file.too_many_rows", sheet.title, None, rows=MAX_ROWS)
                break
            values = [_cell(v) for v in row]
            if any(values):
                numbered.append((number, values))
        return numbered

    def criteria(self, sheet: Any) -> list[NodeSpec]:
        rows = self.rows(sheet)
        if not rows:
            self.fail("file.sheet_empty", CRITERIA, None)
            return []
        header = [HEADER_WORDS.get(slug(h), "") for h in rows[0][1]]
        missing = [COLUMN_NAMES[c] for c in ("code", "title", "max") if c not in header]
        if missing:
            self.fail("file.missing_columns", CRITERIA, rows[0][0], columns=", ".join(missing))
            return []
        drafts: dict[str, _Draft] = {}
        tops: list[_Draft] = []
        for number, values in rows[1:]:
            cells = {header[i]: v for i, v in enumerate(values) if i < len(header) and header[i]}
            draft = self.draft(number, cells)
            if not draft.code:
                self.fail(
                    "node.code_empty",
                    CRITERIA,
                    number,
                    COLUMN_NAMES["code"],
                    title=draft.title[:60],
                )
                continue
            if draft.code in drafts:
                self.fail(
                    "file.code_repeated",
                    CRITERIA,
                    number,
                    COLUMN_NAMES["code"],
                    code=draft.code,
                    row=drafts[draft.code].row,
                )
                continue
            up = parent_code(draft.code)
            if up and up not in drafts:
                self.fail(
                    "file.parent_missing",
                    CRITERIA,
                    number,
                    COLUMN_NAMES["code"],
                    code=draft.code,
                    parent=up,
                )
                continue
            drafts[draft.code] = draft
            self.rows_of[draft.code] = number
            (drafts[up].children if up else tops).append(draft)
        return [d.freeze() for d in tops]

    def draft(self, number: int, cells: dict[str, str]) -> _Draft:
        sheet = CRITERIA
        source_text = cells.get("source", "")
        source = SOURCE_WORDS.get(slug(source_text), "") if source_text else ""
        if source_text and not source:
            self.fail(
                "file.unknown_source", sheet, number, COLUMN_NAMES["source"], value=source_text[:40]
            )
        rule = None
        if cells.get("rule"):
            try:
                rule = parse_rule_text(cells["rule"])
            except RuleError as exc:
                for problem in exc.problems:
                    self.issues.append(FileIssue(problem, sheet, number, COLUMN_NAMES["rule"]))
        max_text = cells.get("max", "")
        if max_text:
            maximum = self.number(max_text, sheet, number, COLUMN_NAMES["max"])
        else:
            self.fail("file.max_missing", sheet, number, COLUMN_NAMES["max"])
            maximum = Decimal(0)
        return _Draft(
            row=number,
            code=cells.get("code", "").strip(),
            title=cells.get("title", ""),
            maximum=maximum,
            source=source,
            rule=rule,
            evidence=parse_evidence(cells.get("evidence", "")),
            guidance=cells.get("guidance", ""),
            groups=tuple(
                g.strip() for g in cells.get("groups", "").replace(";", ",").split(",") if g.strip()
            ),
            responsible=cells.get("responsible", ""),
            note=cells.get("note", ""),
        )

    def facts(self, sheet: Any | None) -> dict[str, Any]:
        facts: dict[str, Any] = {}
        if sheet is None:
            self.fail("file.sheet_missing", INFO, None, sheet=INFO)
            return facts
        for number, values in self.rows(sheet)[1:]:
            key = INFO_WORDS.get(slug(values[0])) if values else None
            if key is None:
                self.fail("file.unknown_fact", INFO, number, "Mục", label=values[0][:40])
                continue
            text = values[1] if len(values) > 1 else ""
            if key in {"year_from", "year_to"}:
                if text.isdigit() and 1990 <= int(text) <= 2100:
                    facts[key] = int(text)
                else:
                    self.fail(
                        "file.not_a_year", INFO, number, "Giá trị", field=values[0], value=text[:40]
                    )
            elif key in {"total", "bonus_max", "penalty_max"}:
                if text:
                    facts[key] = self.number(text, INFO, number, "Giá trị")
            elif key.endswith("needs_evidence"):
                word = slug(text)
                if word not in YES | NO:
                    self.fail("file.not_yes_no", INFO, number, "Giá trị", value=text[:40])
                facts[key] = word in YES
            elif key == "level":
                level = LEVEL_WORDS.get(slug(text)) if text else Level.COMMUNE
                if level is None:
                    self.fail("file.unknown_level", INFO, number, "Giá trị", value=text[:40])
                facts[key] = level or Level.COMMUNE
            else:
                facts[key] = text
        return facts

    def bands(self, sheet: Any | None) -> tuple[BandSpec, ...]:
        if sheet is None:
            return ()
        return tuple(
            BandSpec(
                v[0],
                v[1] if len(v) > 1 else "",
                self.number(v[2] if len(v) > 2 else "", BANDS, n, "Từ điểm"),
            )
            for n, v in self.rows(sheet)[1:]
        )

    def groups(self, sheet: Any | None) -> tuple[GroupSpec, ...]:
        if sheet is None:
            return ()
        words = kind_words()
        groups = []
        for number, values in self.rows(sheet)[1:]:
            kinds = []
            for word in (values[2] if len(values) > 2 else "").replace(";", ",").split(","):
                if not word.strip():
                    continue
                kind = words.get(slug(word))
                if kind is None:
                    self.fail(
                        "file.unknown_kind", GROUPS, number, "Loại đơn vị", value=word.strip()[:40]
                    )
                else:
                    kinds.append(kind)
            groups.append(GroupSpec(values[0], values[1] if len(values) > 1 else "", tuple(kinds)))
        return tuple(groups)


def parse_evidence(text: str) -> tuple[EvidenceSpec, ...]:
    items = []
    for line in text.replace(";", "\n").splitlines():
        title = line.strip().lstrip("-•+").strip()
        if not title:
            continue
        required = True
        for mark in OPTIONAL_MARKS:
            if title.lower().endswith(mark):
                title, required = title[: -len(mark)].strip(), False
                break
        items.append(EvidenceSpec(title, required))
    return tuple(items)


def read_xlsx(data: bytes) -> tuple[FrameworkSpec, dict[str, int]]:
    """The framework an .xlsx holds, with each node's row; FrameworkFileError with every problem."""
    import openpyxl

    if len(data) > MAX_BYTES:
        raise FrameworkFileError([FileIssue(Problem("file.too_large", {"mb": 10}))])
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise FrameworkFileError([FileIssue(Problem("file.unreadable_excel"))]) from None
    try:
        by_name = {slug(s.title): s for s in book.worksheets}
        reader = _Reader()
        criteria = by_name.get(slug(CRITERIA)) or book.worksheets[0]
        fields = reader.criteria(criteria)
        facts = reader.facts(by_name.get(slug(INFO)))
        bands = reader.bands(by_name.get(slug(BANDS)))
        groups = reader.groups(by_name.get(slug(GROUPS)))
    finally:
        book.close()
    if slug(INFO) in by_name:
        for key, label in INFO_ROWS[:3]:
            if key not in facts:
                reader.fail("file.fact_missing", INFO, None, label=label)
    if reader.issues:
        raise FrameworkFileError(reader.issues)
    spec = FrameworkSpec(
        code=facts.get("code", ""),
        name=facts.get("name", ""),
        year_from=facts.get("year_from", 0),
        year_to=facts.get("year_to", facts.get("year_from", 0)),
        level=facts.get("level", Level.COMMUNE),
        decision=facts.get("decision", ""),
        description=facts.get("description", ""),
        total=facts.get("total", DEFAULT_TOTAL),
        bonus_max=facts.get("bonus_max", Decimal(0)),
        bonus_needs_evidence=facts.get("bonus_needs_evidence", True),
        penalty_max=facts.get("penalty_max", Decimal(0)),
        penalty_needs_evidence=facts.get("penalty_needs_evidence", True),
        bands=bands,
        groups=groups,
        fields=tuple(fields),
    )
    return spec, dict(reader.rows_of)
