"""Word documents in the Vietnamese state format (thể thức văn bản hành chính).

The layout follows Nghị định 30/2020/NĐ-CP on clerical work (công tác văn thư), appendix I, as
summarised in docs/documents.md, so an officer can print, sign and stamp the file without retyping:

- A4 portrait; margins top and bottom 20 mm, left 30 mm, right 15 mm. Times New Roman everywhere:
  it is named on the document defaults, the Normal style, the table style and the header style, in
  all four font slots (ascii, hAnsi, eastAsia, cs) and without theme fonts, because Word otherwise
  picks the theme's font for some Vietnamese letters. Body text 14 pt, tables 12–13 pt.
- Header, a borderless two-column table: on the left the superior body (capitals, 13 pt), the
  issuing body (bold capitals) with a short rule under it, then the number ("Số: 12/BC-UBND"); on
  the right "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" (bold capitals, 13 pt) and "Độc lập - Tự do - Hạnh
  phúc" (bold, 14 pt) with a rule as long as that line, then place and date in italics.
- Title: the kind of document in bold capitals and its summary (trích yếu) in bold, centred, with a
  short rule under them; then the legal grounds ("Căn cứ ...") in italics and the sections.
- Closing block, a borderless two-column table: "Nơi nhận:" (bold italic, 12 pt) and the recipients
  (11 pt) ending "- Lưu: VT." on the left; the signing authority and the signer's name (bold,
  centred) on the right, with room for the signature and seal.
- Page numbers: Arabic, centred in the top margin, not on the first page.
- Appendices (phụ lục): each starts a new section, landscape when asked, with the issuer's
  letterhead (as the seeds' appendices repeat it), its title, subtitle and note, then its table.
  An appendix numbers its pages on its own, again without a number on its first page.

Tables have a bordered grid and a bold header row that Word repeats at the top of every page; the
ordinal column ("STT") is centred and the numeric columns right-aligned. Texts come in formatted
(numbers the Vietnamese way, "91,84"); this module only lays them out. Two merges are drawn, as the
seeds' appendices have them: a header row of groups above the columns ("Trách nhiệm cụ thể" over
its two columns, the other headers filling both rows), and rows written in one cell from the second
column to the last (a group of tasks: "I | CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH").

Not drawn: other merges, the seal and signature images, and the layouts of specific kinds beyond
the common one (a decision's "QUYẾT ĐỊNH:" line is a caller's section).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from docx import Document as new_document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section as DocxSection
from docx.shared import Mm, Pt
from docx.styles.style import ParagraphStyle
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph

FONT = "Times New Roman"
LANGUAGE = "vi-VN"

PAGE_WIDTH_MM = 210.0
PAGE_HEIGHT_MM = 297.0
MARGIN_TOP_MM = 20.0
MARGIN_BOTTOM_MM = 20.0
MARGIN_LEFT_MM = 30.0
MARGIN_RIGHT_MM = 15.0
# The header and the page number sit in the top margin, half way down it.
HEADER_DISTANCE_MM = 10.0

BODY_PT = 14
HEADER_PT = 13  # issuing body, number, national title: the decree allows 12–13 pt
TABLE_PT = 13  # tables in the body
APPENDIX_TABLE_PT = 12  # the wide appendix tables get the smaller size
RECIPIENTS_PT = 11
RECIPIENTS_TITLE_PT = 12
PAGE_NUMBER_PT = 13

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
# The motto in Times New Roman bold 14 pt is 60,4 mm long (measured with Liberation Serif, which
# has the same metrics); the decree wants its rule as long as the line.
MOTTO_RULE_MM = 60.0
RECIPIENTS_TITLE = "Nơi nhận:"
FILED = "- Lưu: VT."
ORDINAL_HEADERS = frozenset({"STT", "TT"})

# Header table: the national title (95 mm at 13 pt bold) must fit on one line on the right, so the
# table is a little wider than the text area and starts 5 mm into the left margin, as the decree's
# own templates do.
LETTERHEAD_PORTRAIT_MM = (70.0, 102.0)
LETTERHEAD_INDENT_MM = -5.0
CLOSING_PORTRAIT_MM = (78.0, 87.0)
SIGNATURE_SPACE_LINES = 4  # room for the signature and the seal between authority and name


def text_width_mm(landscape: bool) -> float:
    """The width between the margins of a page."""
    paper = PAGE_HEIGHT_MM if landscape else PAGE_WIDTH_MM
    return paper - MARGIN_LEFT_MM - MARGIN_RIGHT_MM


# --- report data -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A table with one header row; all cells are text already formatted for reading."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths_mm: tuple[float, ...] = ()
    numeric: tuple[int, ...] = ()
    bold_rows: tuple[int, ...] = ()
    title: str = ""
    # Rows written in one cell from the second column to the last (a group's heading); their
    # cells after the second must be empty.
    merged_rows: tuple[int, ...] = ()
    # A header row above the columns: (text, first column, last column) spans those columns, and
    # the headers of the other columns fill both header rows.
    header_groups: tuple[tuple[str, int, int], ...] = ()

    def __post_init__(self) -> None:
        # A ragged row would silently shift cells under the wrong header: refuse it here.
        width = len(self.columns)
        if width == 0:
            raise ValueError("a table needs at least one column")
        for index, row in enumerate(self.rows):
            if len(row) != width:
                raise ValueError(f"row {index} has {len(row)} cells for {width} columns")
        if self.widths_mm and len(self.widths_mm) != width:
            raise ValueError(f"{len(self.widths_mm)} widths for {width} columns")
        if any(not 0 <= column < width for column in self.numeric):
            raise ValueError("a numeric column index is out of range")
        for index in self.merged_rows:
            if width < 3 or not 0 <= index < len(self.rows):
                raise ValueError(f"row {index} cannot be merged")
            if any(self.rows[index][2:]):  # the text would be lost in the merge
                raise ValueError(f"merged row {index} has text after its second cell")
        grouped: set[int] = set()
        for _text, first, last in self.header_groups:
            columns = set(range(first, last + 1))
            if not 0 <= first <= last < width or columns & grouped:
                raise ValueError(f"header group {first}-{last} is out of range or overlaps")
            grouped |= columns


@dataclass(frozen=True)
class Section:
    """A heading (bold), its paragraphs, then optionally a table."""

    heading: str = ""
    paragraphs: tuple[str, ...] = ()
    table: Table | None = None


@dataclass(frozen=True)
class Appendix:
    """A phụ lục: title ("PHỤ LỤC 1"), subtitle, the note tying it to its document, a table.

    `letterhead` repeats the issuer and the national title at the top, as offices do.
    """

    title: str
    subtitle: str
    # The table comes before the fields with defaults (a dataclass cannot have a required field
    # after an optional one); pass these by keyword.
    table: Table
    note: str = ""
    landscape: bool = True
    letterhead: bool = True


@dataclass(frozen=True)
class StateDocument:
    """A document in the state format; see the module docstring for where each part goes."""

    superior: str
    issuer: str
    number: str
    place_date: str
    kind: str
    summary: str
    grounds: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()
    recipients: tuple[str, ...] = ()
    authority: tuple[str, ...] = ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
    signer: str = ""
    appendices: tuple[Appendix, ...] = ()


def place_date(place: str, date: dt.date) -> str:
    """The place and date line of a document: "Thanh Tùng, ngày 05 tháng 3 năm 2024".

    NĐ 30/2020/NĐ-CP writes a day below 10 and the months 1 and 2 with a leading zero (so "1" cannot
    be turned into "11" or "12" by hand); the other months are written as they are, as in the seeds
    ("ngày 21 tháng 02 năm 2023", "ngày 08 tháng 4 năm 2020").
    """
    month = f"{date.month:02d}" if date.month <= 2 else str(date.month)
    return f"{place}, ngày {date.day:02d} tháng {month} năm {date.year}"


def filed_recipients(recipients: Sequence[str]) -> tuple[str, ...]:
    """The recipients as printed: each line starts with "- ", and "- Lưu: VT." closes the list.

    A list that already names the archive ("- Lưu: VT.", "- Lưu VT, VP.") keeps its own line.
    """
    lines = [_dashed(line) for line in recipients if line.strip()]
    if not any(_is_filing_line(line) for line in lines):
        lines.append(FILED)
    return tuple(lines)


def _dashed(line: str) -> str:
    text = line.strip()
    # "+" marks a sub-item under a recipient; en dashes come from pasted Word text.
    if text.startswith(("-", "–", "+")):
        return text
    return f"- {text}"


def _is_filing_line(line: str) -> bool:
    return line.lstrip("-–+ ").casefold().startswith("lưu")


# --- rendering ---------------------------------------------------------------------------------


def render_docx(document: StateDocument) -> bytes:
    """The document as .docx bytes."""
    word = new_document()
    _set_up_styles(word)
    _set_core_properties(word, document)
    first = word.sections[0]
    _set_page(first, landscape=False)
    _set_page_numbers(first)

    _letterhead(word, document, LETTERHEAD_PORTRAIT_MM, with_number_and_date=True)
    _title(word, document.kind, document.summary)
    for ground in document.grounds:
        _body_paragraph(word, ground, italic=True)
    for section in document.sections:
        _section(word, section)
    _closing(word, document)

    for appendix in document.appendices:
        _appendix(word, document, appendix)

    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


class _Container(Protocol):
    """Where paragraphs go: the document body, a table cell or a header."""

    @property
    def paragraphs(self) -> list[Paragraph]: ...

    def add_paragraph(
        self, text: str = "", style: str | ParagraphStyle | None = None
    ) -> Paragraph: ...


def _set_up_styles(word: DocxDocument) -> None:
    styles_element = word.styles.element
    defaults = styles_element.find(qn("w:docDefaults"))
    if defaults is not None:
        run_defaults = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if run_defaults is not None:
            _name_font(run_defaults)
            # Text outside the Normal style (table style defaults, new paragraphs a user adds in
            # other styles) starts at the body size too, not the template's 11 pt.
            for tag in ("w:sz", "w:szCs"):
                size = run_defaults.find(qn(tag))
                if size is not None:
                    size.set(qn("w:val"), str(BODY_PT * 2))
        # The template's defaults add 10 pt after each paragraph and 1.15 lines; the state format
        # spaces paragraphs explicitly, so the defaults go back to none and single.
        spacing = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
        if spacing is not None:
            spacing.set(qn("w:after"), "0")
            spacing.set(qn("w:line"), "240")
            spacing.set(qn("w:lineRule"), "auto")

    normal = word.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    _name_font(normal.element.get_or_add_rPr())
    for name in ("Table Grid", "Normal Table", "Header"):
        try:
            style = word.styles[name]
        except KeyError:  # the template always has them; a missing one only loses a default
            continue
        _name_font(style.element.get_or_add_rPr())


def _name_font(rpr: BaseOxmlElement) -> None:
    """Times New Roman in every font slot of a w:rPr, without theme fonts, in Vietnamese."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)  # rFonts comes first in w:rPr (w:rStyle is never used here)
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{slot}"), FONT)
    # Theme attributes win over the named font in Word, so they have to go.
    for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{theme}"), None)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        _insert_in_order(rpr, lang, ("w:eastAsianLayout", "w:specVanish", "w:oMath"))
    lang.set(qn("w:val"), LANGUAGE)


def _set_core_properties(word: DocxDocument, document: StateDocument) -> None:
    properties = word.core_properties
    properties.title = f"{document.kind} {document.summary}".strip()
    properties.author = document.issuer
    properties.last_modified_by = document.issuer
    properties.language = LANGUAGE
    properties.comments = ""  # the template says "generated by python-docx"


def _set_page(section: DocxSection, *, landscape: bool) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    width, height = (
        (PAGE_HEIGHT_MM, PAGE_WIDTH_MM) if landscape else (PAGE_WIDTH_MM, PAGE_HEIGHT_MM)
    )
    section.page_width = Mm(width)
    section.page_height = Mm(height)
    section.top_margin = Mm(MARGIN_TOP_MM)
    section.bottom_margin = Mm(MARGIN_BOTTOM_MM)
    section.left_margin = Mm(MARGIN_LEFT_MM)
    section.right_margin = Mm(MARGIN_RIGHT_MM)
    section.header_distance = Mm(HEADER_DISTANCE_MM)
    section.footer_distance = Mm(HEADER_DISTANCE_MM)


def _set_page_numbers(section: DocxSection) -> None:
    """A centred PAGE field in the header of every page but the first."""
    section.different_first_page_header_footer = True
    # An empty first-page header of its own, rather than relying on Word's reading of a missing one.
    first = section.first_page_header
    first.is_linked_to_previous = False
    header = section.header
    header.is_linked_to_previous = False
    paragraph = _new_paragraph(header)
    _format(paragraph, align=WD_ALIGN_PARAGRAPH.CENTER)
    _page_field(paragraph)


def _page_field(paragraph: Paragraph) -> None:
    # A complex field (begin / instruction / separate / result / end) is what Word itself writes
    # and what LibreOffice reads back; "1" is only the cached result until the field updates.
    def field_char(kind: str) -> None:
        run = paragraph.add_run()
        run.font.size = Pt(PAGE_NUMBER_PT)
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        run._r.append(char)

    field_char("begin")
    instruction_run = paragraph.add_run()
    instruction_run.font.size = Pt(PAGE_NUMBER_PT)
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    instruction_run._r.append(instruction)
    field_char("separate")
    result = paragraph.add_run("1")
    result.font.size = Pt(PAGE_NUMBER_PT)
    field_char("end")


def _restart_page_numbers(section: DocxSection) -> None:
    sect_pr = section._sectPr
    numbering = sect_pr.find(qn("w:pgNumType"))
    if numbering is None:
        numbering = OxmlElement("w:pgNumType")
        _insert_in_order(sect_pr, numbering, _SECT_PR_AFTER_PG_NUM_TYPE)
    numbering.set(qn("w:start"), "1")


_SECT_PR_AFTER_PG_NUM_TYPE = (
    "w:cols",
    "w:formProt",
    "w:vAlign",
    "w:noEndnote",
    "w:titlePg",
    "w:textDirection",
    "w:bidi",
    "w:rtlGutter",
    "w:docGrid",
    "w:printerSettings",
    "w:sectPrChange",
)


def _insert_in_order(
    parent: BaseOxmlElement, child: BaseOxmlElement, successors: Sequence[str]
) -> None:
    """Insert `child` before the first of `successors` present: Word rejects out-of-order XML."""
    parent.insert_element_before(child, *successors)


# --- paragraphs --------------------------------------------------------------------------------


def _new_paragraph(container: _Container) -> Paragraph:
    # A new cell or header already holds one bare paragraph (at most a style name); write into it
    # instead of leaving an empty line above the content.
    paragraphs = container.paragraphs
    if len(paragraphs) == 1:
        only = paragraphs[0]
        properties = only._p.pPr
        bare = properties is None or all(child.tag == qn("w:pStyle") for child in properties)
        if bare and not only.runs:
            return only
    return container.add_paragraph()


def _format(
    paragraph: Paragraph,
    *,
    align: WD_ALIGN_PARAGRAPH | None = None,
    before: float = 0,
    after: float = 0,
    first_line_mm: float | None = None,
    keep_with_next: bool = False,
) -> None:
    fmt = paragraph.paragraph_format
    if align is not None:
        fmt.alignment = align
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if first_line_mm is not None:
        fmt.first_line_indent = Mm(first_line_mm)
    if keep_with_next:
        fmt.keep_with_next = True


def _text(
    container: _Container,
    text: str,
    *,
    size: float | None = None,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = WD_ALIGN_PARAGRAPH.CENTER,
    before: float = 0,
    after: float = 0,
    keep_with_next: bool = False,
) -> Paragraph:
    paragraph = _new_paragraph(container)
    _format(paragraph, align=align, before=before, after=after, keep_with_next=keep_with_next)
    run = paragraph.add_run(text)  # python-docx turns "\n" into a line break
    if size is not None:
        run.font.size = Pt(size)
    run.font.bold = bold or None
    run.font.italic = italic or None
    return paragraph


def _rule(container: _Container, length_mm: float, room_mm: float, *, after: float = 0) -> None:
    """A short centred rule: the bottom border of a tiny empty paragraph, indented on both sides."""
    paragraph = _new_paragraph(container)
    indent = max(0.0, (room_mm - length_mm) / 2)
    fmt = paragraph.paragraph_format
    fmt.left_indent = Mm(indent)
    fmt.right_indent = Mm(indent)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(after)
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "6")  # eighths of a point: a 0,75 pt line
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), "000000")
    borders.append(bottom)
    _insert_in_order(p_pr, borders, _P_PR_AFTER_P_BDR)
    # The empty paragraph's height is its mark's font size: 2 pt keeps the rule close to the text.
    mark = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "4")
    mark.append(size)
    _insert_in_order(p_pr, mark, ("w:sectPr", "w:pPrChange"))


_P_PR_AFTER_P_BDR = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def _estimated_width_mm(text: str, size: float) -> float:
    """A rough printed width of `text`: enough to size a rule at a third to a half of a line."""
    em_mm = size * 25.4 / 72
    # Average Times New Roman bold advances: capitals ~0.7 em, lower case ~0.5 em, spaces 0.25 em.
    ems = sum(0.25 if ch.isspace() else 0.7 if ch.isupper() else 0.5 for ch in text)
    return ems * em_mm


def _body_paragraph(container: _Container, text: str, *, italic: bool = False) -> None:
    # Body text: justified, first line indented 12,7 mm, at least 6 pt between paragraphs (NĐ 30).
    paragraph = _new_paragraph(container)
    _format(paragraph, align=WD_ALIGN_PARAGRAPH.JUSTIFY, before=6, first_line_mm=12.7)
    paragraph.paragraph_format.line_spacing = 1.15
    run = paragraph.add_run(text)
    run.font.italic = italic or None


# --- blocks ------------------------------------------------------------------------------------


def _letterhead(
    word: DocxDocument,
    document: StateDocument,
    widths_mm: tuple[float, float],
    *,
    with_number_and_date: bool,
    indent_mm: float = LETTERHEAD_INDENT_MM,
) -> None:
    table = _borderless_table(word, widths_mm, indent_mm=indent_mm)
    left, right = table.rows[0].cells
    inner_left = widths_mm[0] - 2 * _TIGHT_CELL_MARGIN_MM
    inner_right = widths_mm[1] - 2 * _TIGHT_CELL_MARGIN_MM

    if document.superior.strip():
        _text(left, document.superior.upper(), size=HEADER_PT)
    issuer = document.issuer.upper()
    _text(left, issuer, size=HEADER_PT, bold=True)
    # The decree: a rule a third to a half as long as the issuer's line, centred under it.
    issuer_line = min(_estimated_width_mm(issuer, HEADER_PT), inner_left)
    _rule(left, max(15.0, 0.4 * issuer_line), inner_left)
    if with_number_and_date and document.number:
        _text(left, document.number, size=HEADER_PT, before=6)

    _text(right, NATIONAL_TITLE, size=HEADER_PT, bold=True)
    _text(right, MOTTO, size=BODY_PT, bold=True)
    _rule(right, MOTTO_RULE_MM, inner_right)
    if with_number_and_date and document.place_date:
        _text(right, document.place_date, size=BODY_PT, italic=True, before=6)


def _title(word: DocxDocument, kind: str, summary: str) -> None:
    _text(word, kind.upper(), size=BODY_PT, bold=True, before=18, keep_with_next=True)
    if summary.strip():
        _text(word, summary, size=BODY_PT, bold=True, keep_with_next=True)
        room = text_width_mm(False)
        summary_line = min(_estimated_width_mm(summary, BODY_PT), room)
        _rule(word, max(20.0, 0.4 * summary_line), room, after=12)


def _section(word: DocxDocument, section: Section) -> None:
    if section.heading:
        paragraph = _new_paragraph(word)
        _format(
            paragraph,
            align=WD_ALIGN_PARAGRAPH.JUSTIFY,
            before=6,
            first_line_mm=12.7,
            keep_with_next=True,  # never a heading alone at the foot of a page
        )
        paragraph.paragraph_format.line_spacing = 1.15
        paragraph.add_run(section.heading).font.bold = True
    for text in section.paragraphs:
        _body_paragraph(word, text)
    if section.table is not None:
        _data_table(word, section.table, room_mm=text_width_mm(False), size=TABLE_PT)


def _closing(word: DocxDocument, document: StateDocument) -> None:
    table = _borderless_table(word, CLOSING_PORTRAIT_MM, indent_mm=0)
    # The signature block never splits over two pages.
    _add_row_property(table.rows[0]._tr, "w:cantSplit")
    left, right = table.rows[0].cells

    title = _new_paragraph(left)
    _format(title, align=WD_ALIGN_PARAGRAPH.LEFT, before=12)
    run = title.add_run(RECIPIENTS_TITLE)
    run.font.size = Pt(RECIPIENTS_TITLE_PT)
    run.font.bold = True
    run.font.italic = True
    for line in filed_recipients(document.recipients):
        _text(left, line, size=RECIPIENTS_PT, align=WD_ALIGN_PARAGRAPH.LEFT)

    for index, line in enumerate(document.authority):
        _text(right, line.upper(), size=BODY_PT, bold=True, before=12 if index == 0 else 0)
    for _ in range(SIGNATURE_SPACE_LINES):
        _text(right, "", size=BODY_PT)
    if document.signer:
        _text(right, document.signer, size=BODY_PT, bold=True)


def _appendix(word: DocxDocument, document: StateDocument, appendix: Appendix) -> None:
    word.add_section(WD_SECTION.NEW_PAGE)
    # After add_section the new section is the last one; Section objects taken before it would
    # now point at the wrong w:sectPr, so look it up afresh.
    section = word.sections[-1]
    _set_page(section, landscape=appendix.landscape)
    _restart_page_numbers(section)
    room = text_width_mm(appendix.landscape)

    if appendix.letterhead:
        if appendix.landscape:
            widths = (room * 0.4, room * 0.6)
            _letterhead(word, document, widths, with_number_and_date=False, indent_mm=0)
        else:
            _letterhead(word, document, LETTERHEAD_PORTRAIT_MM, with_number_and_date=False)
    _text(word, appendix.title, size=BODY_PT, bold=True, before=12, keep_with_next=True)
    if appendix.subtitle:
        _text(word, appendix.subtitle.upper(), size=BODY_PT, bold=True, keep_with_next=True)
    if appendix.note:
        _text(word, appendix.note, size=BODY_PT, italic=True, keep_with_next=True)
    # Room between the title block and the table.
    word.paragraphs[-1].paragraph_format.space_after = Pt(12)
    _data_table(word, appendix.table, room_mm=room, size=APPENDIX_TABLE_PT, caption=False)


# --- tables ------------------------------------------------------------------------------------

_TIGHT_CELL_MARGIN_MM = 1.0
_TBL_PR_AFTER_TBL_IND = (
    "w:tblBorders",
    "w:shd",
    "w:tblLayout",
    "w:tblCellMar",
    "w:tblLook",
    "w:tblCaption",
    "w:tblDescription",
    "w:tblPrChange",
)
_TBL_PR_AFTER_BORDERS = _TBL_PR_AFTER_TBL_IND[1:]
_TBL_PR_AFTER_CELL_MAR = _TBL_PR_AFTER_TBL_IND[4:]
_TR_PR_ORDER = (
    "w:cnfStyle",
    "w:divId",
    "w:gridBefore",
    "w:gridAfter",
    "w:wBefore",
    "w:wAfter",
    "w:cantSplit",
    "w:trHeight",
    "w:tblHeader",
    "w:tblCellSpacing",
    "w:jc",
    "w:hidden",
    "w:ins",
    "w:del",
    "w:trPrChange",
)


def _twips(mm: float) -> str:
    return str(round(mm / 25.4 * 1440))


def _set_borders(table: DocxTable, value: str) -> None:
    tbl_pr = table._tbl.tblPr
    existing = tbl_pr.find(qn("w:tblBorders"))
    if existing is not None:
        tbl_pr.remove(existing)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        border = OxmlElement(f"w:{edge}")
        border.set(qn("w:val"), value)
        if value != "nil":
            border.set(qn("w:sz"), "4")
            border.set(qn("w:space"), "0")
            border.set(qn("w:color"), "000000")
        borders.append(border)
    _insert_in_order(tbl_pr, borders, _TBL_PR_AFTER_BORDERS)


def _set_indent(table: DocxTable, mm: float) -> None:
    indent = OxmlElement("w:tblInd")
    indent.set(qn("w:w"), _twips(mm))
    indent.set(qn("w:type"), "dxa")
    _insert_in_order(table._tbl.tblPr, indent, _TBL_PR_AFTER_TBL_IND)


def _set_cell_margins(table: DocxTable, mm: float) -> None:
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        margin = OxmlElement(f"w:{edge}")
        margin.set(qn("w:w"), _twips(mm))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    _insert_in_order(table._tbl.tblPr, margins, _TBL_PR_AFTER_CELL_MAR)


def _set_widths(table: DocxTable, widths_mm: Sequence[float]) -> None:
    # Word reads the cells' widths, LibreOffice the grid's: set both, with a fixed layout so
    # neither resizes the columns to their content.
    table.autofit = False
    total = table._tbl.tblPr.find(qn("w:tblW"))
    if total is not None:
        total.set(qn("w:type"), "dxa")
        total.set(qn("w:w"), _twips(sum(widths_mm)))
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)


def _add_row_property(tr: CT_Row, tag: str) -> None:
    tr_pr = tr.get_or_add_trPr()
    if tr_pr.find(qn(tag)) is None:
        position = _TR_PR_ORDER.index(tag)
        _insert_in_order(tr_pr, OxmlElement(tag), _TR_PR_ORDER[position + 1 :])


def _borderless_table(
    word: DocxDocument, widths_mm: tuple[float, float], *, indent_mm: float
) -> DocxTable:
    table = word.add_table(rows=1, cols=2)
    _set_borders(table, "nil")
    if indent_mm:
        _set_indent(table, indent_mm)
    _set_cell_margins(table, _TIGHT_CELL_MARGIN_MM)
    _set_widths(table, widths_mm)
    for cell in table.rows[0].cells:
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    return table


def _column_widths(spec: Table, room_mm: float) -> list[float]:
    """The caller's widths (shrunk to the page if they overflow), else a fair split."""
    if spec.widths_mm:
        total = sum(spec.widths_mm)
        scale = min(1.0, room_mm / total) if total > 0 else 1.0
        return [width * scale for width in spec.widths_mm]
    count = len(spec.columns)
    fixed: dict[int, float] = {}
    if spec.columns[0].strip().upper() in ORDINAL_HEADERS:
        fixed[0] = 14.0  # "STT" in bold 12–13 pt plus the cell margins
    for column in spec.numeric:
        fixed.setdefault(column, 25.0)
    free = count - len(fixed)
    rest = room_mm - sum(fixed.values())
    if free == 0 or rest / free < 20.0:  # too many narrow columns: share the page equally
        return [room_mm / count] * count
    return [fixed.get(column, rest / free) for column in range(count)]


def _data_table(
    word: DocxDocument, spec: Table, *, room_mm: float, size: float, caption: bool = True
) -> None:
    if caption and spec.title:
        _text(word, spec.title, size=size, bold=True, before=6, after=3, keep_with_next=True)
    header_count = 2 if spec.header_groups else 1
    table = word.add_table(rows=header_count + len(spec.rows), cols=len(spec.columns))
    table.style = "Table Grid"
    # Borders also directly on the table: they survive a style that a user's Word redefines.
    _set_borders(table, "single")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _set_widths(table, _column_widths(spec, room_mm))

    # Repeat the header rows on each page and keep them whole.
    for header in table.rows[:header_count]:
        _add_row_property(header._tr, "w:cantSplit")
        _add_row_property(header._tr, "w:tblHeader")
    _header_cells(table, spec, size=size)

    ordinal = spec.columns[0].strip().upper() in ORDINAL_HEADERS
    numeric = set(spec.numeric)
    bold_rows = set(spec.bold_rows)
    merged_rows = set(spec.merged_rows)
    body = table.rows[header_count:]
    for index, (row, values) in enumerate(zip(body, spec.rows, strict=True)):
        cells = list(row.cells)
        if index in merged_rows:
            # Merge the bare cells first: python-docx moves a cell's paragraphs into the merged one.
            cells = [cells[0], cells[1].merge(cells[-1])]
        for column, (cell, text) in enumerate(zip(cells, values, strict=False)):
            if column in numeric:
                align = WD_ALIGN_PARAGRAPH.RIGHT
            elif column == 0 and ordinal:
                align = WD_ALIGN_PARAGRAPH.CENTER
            else:
                align = WD_ALIGN_PARAGRAPH.LEFT
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            _cell_text(
                cell, text, size=size, bold=index in bold_rows or index in merged_rows, align=align
            )


def _header_cells(table: DocxTable, spec: Table, *, size: float) -> None:
    """The header: one row of the columns' names, or a row of groups above them."""

    def put(cell: _Cell, text: str) -> None:
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        _cell_text(cell, text, size=size, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)

    if not spec.header_groups:
        for cell, text in zip(table.rows[0].cells, spec.columns, strict=True):
            put(cell, text)
        return
    top, bottom = table.rows[0].cells, table.rows[1].cells
    grouped: set[int] = set()
    for text, first, last in spec.header_groups:
        put(top[first].merge(top[last]) if last > first else top[first], text)
        for column in range(first, last + 1):
            put(bottom[column], spec.columns[column])
            grouped.add(column)
    for column, text in enumerate(spec.columns):
        if column not in grouped:
            put(top[column].merge(bottom[column]), text)


def _cell_text(
    cell: _Container, text: str, *, size: float, bold: bool, align: WD_ALIGN_PARAGRAPH
) -> None:
    # Sizes go on the runs: Word lets the Normal style's 14 pt override a table style's size.
    _text(cell, text, size=size, bold=bold, align=align, before=2, after=2)
