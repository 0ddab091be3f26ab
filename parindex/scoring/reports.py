"""The index's documents: the result report (Word), the score tables (Excel), scorecards (PDF).

Every builder takes a `Board` (engine.py): a publication's snapshot (`services.published_board`)
for official figures, or `services.cycle_board(cycle)` for a draft. They read nothing else from
the database, so a page, a background job and a test produce the same bytes from the same board.
The documents are in Vietnamese whatever the reader's language (as the assessment exports are):
they are filed and printed as official papers. Numbers are written the Vietnamese way, scores with
two decimals ("91,84", "12,00"), maxima without needless zeros ("12", "0,5"), so "91,84/100".

Builders (pure, no database)
- `result_report_docx(board, *, cycle_meta, previous=None) -> bytes`: "Báo cáo kết quả xác định
  Chỉ số cải cách hành chính năm YYYY của UBND các xã" in the state format of Nghị định
  30/2020/NĐ-CP (reports/docx.py): letterhead of the scope's People's Committee, "Số: ……/BC-UBND",
  place and date; I. the overview (units, average, highest and lowest, units per band, change
  against last year when `previous` is given, a warning when some points are not appraised yet);
  II. the ranking table, the average points per field, the sub-criteria losing the most points;
  III. a placeholder for the conclusions; recipients and signature; an appendix (landscape) with
  every unit's points per field.
- `scores_xlsx(board, *, title="") -> bytes`: sheets "Xếp hạng" (the ranking), "Bảng điểm" (one
  row a unit, one column per field and per sub-criterion, the maximum in the header), "Mất điểm"
  (the Pareto of lost points) and "Tiêu chí" (the codes' titles). Points are numeric cells with
  the number format "0.00", so Excel sums them.
- `scorecard_pdf(board, unit_code, *, cycle_meta=None, history=None, previous=None) -> bytes`: one
  A4 page for one commune (template scoring/scorecard_pdf.html, WeasyPrint): total "91,84/100",
  rank "2/17", band, each field's points with a bar (and the scope's average as a mark), every
  sub-criterion that lost points with the appraiser's reason, the trend over the years. A page that
  would overflow is set tighter, and as a last resort lists the biggest losses only, saying how
  many more there are: a scorecard is always one page.
- `scorecards_pdf(board, *, cycle_meta=None, histories=None, previous=None, progress=None)`:
  every unit's scorecard, one page each, in ranking order, as one PDF.

`cycle_meta` is a plain dict, the snapshot's "cycle" entry plus optional keys (`cycle_meta_of`
builds it from a cycle and a publication):
  year (int), scope ("Thành phố Hải Phòng"), framework, name;
  optional: superior, issuer (default "ỦY BAN NHÂN DÂN <SCOPE>"), number ("Số: ……/BC-UBND"),
  place (the scope's name without "Tỉnh", "Thành phố" ...), date (datetime.date, default today),
  decision (the council's approving decision), version (the publication's version), grounds,
  recipients, authority (("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")), signer.
`previous` maps a unit's code to its result of the year before: a `services.Before` (as
`services.previous_result` gives it) or a bare `UnitResult`. `history` is a list of
`services.YearPoint` (`services.history(unit)`); `histories` maps unit codes to such lists.

Background exports (tasks.py runs them)
- `queue_export(cycle, kind, *, by, publication=None) -> ExportJob`: records the job and hands it
  to the worker after the transaction commits; `kind` is one of `KINDS` ("report_docx",
  "scores_xlsx", "scorecards_pdf"). The job's `state`, `progress` (per cent), `filename`,
  `content_type`, `data` and `error` tell the page what happened. Raises `ExportError` (with a
  message for the user) for an unknown kind or another cycle's publication.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from parindex.frameworks.rules import CENT, HUNDRED, ZERO, fmt
from parindex.reports.docx import (
    Appendix,
    Section,
    StateDocument,
    Table,
    place_date,
    render_docx,
)
from parindex.reports.xlsx import Sheet, render_xlsx
from parindex.scoring.engine import (
    Band,
    Board,
    NodeDef,
    NodeResult,
    UnitResult,
    compare,
    pareto,
    percent_of,
)

if TYPE_CHECKING:
    from weasyprint import Document as PdfDocument

    from parindex.accounts.models import User
    from parindex.assessments.models import Cycle
    from parindex.scoring.models import ExportJob, Publication
    from parindex.scoring.services import Before, YearPoint

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"

# The exports a job can build, with their names in the pages.
KINDS: dict[str, Promise] = {
    "report_docx": _("Result report (Word)"),
    "scores_xlsx": _("Ranking and score table (Excel)"),
    "scorecards_pdf": _("Scorecards of every commune (PDF)"),
}
CONTENT_TYPES = {"report_docx": DOCX, "scores_xlsx": XLSX, "scorecards_pdf": PDF}

POINTS_FORMAT = "0.00"  # Excel: two decimals, no grouping (scores stay below 1000)
NUMBER_PLACEHOLDER = "Số: ……/BC-UBND"
PARETO_ROWS = 10  # sub-criteria listed in the report's table of the biggest losses
REASON_CHARS = 160  # a scorecard shows this much of an appraiser's reason (the rest: the web page)

# The framework's unit groups as documents name them (framework YAML `groups`).
GROUP_NAMES = {"xa": "Xã", "phuong": "Phường", "dac_khu": "Đặc khu", "thi_tran": "Thị trấn"}
PLACE_PREFIXES = (
    "Thành phố ",
    "Tỉnh ",
    "Huyện ",
    "Thị xã ",
    "Quận ",
    "Thị trấn ",
    "Phường ",
    "Xã ",
    "Đặc khu ",
)


class ExportError(Exception):
    """An export that cannot be queued or built; `message` is for the user."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
        self.message = message


# --- numbers the Vietnamese way ------------------------------------------------------------------


def score(value: Decimal | None) -> str:
    """A score with two decimals, rounded half up, with a decimal comma: "91,84", "12,00"."""
    if value is None:
        return ""
    return f"{value.quantize(CENT, rounding=ROUND_HALF_UP):f}".replace(".", ",")


def signed(value: Decimal) -> str:
    """A change of points: "+1,25", "-0,50", "0,00"."""
    text = score(abs(value))
    if value > 0:
        return f"+{text}"
    if value < 0:
        return f"-{text}"
    return text


def out_of(value: Decimal, maximum: Decimal) -> str:
    """ "91,84/100": the score with two decimals, the maximum as it is written (12, 0,5)."""
    return f"{score(value)}/{fmt(maximum)}"


def _count(number: int) -> str:
    # Counts below 10 written with a leading zero, as the seeds do ("08 chỉ tiêu").
    return f"{number:02d}"


# --- what the documents need from a board --------------------------------------------------------


@dataclass(frozen=True)
class Prior:
    """A unit's result of the year before, as the documents use it."""

    total: Decimal
    rank: int | None
    result: UnitResult | None
    predecessors: tuple[str, ...] = ()


def _prior(value: Before | UnitResult | None) -> Prior | None:
    if value is None:
        return None
    if isinstance(value, UnitResult):
        return Prior(value.total, None, value)
    return Prior(value.result.total, value.rank, value.result, tuple(value.predecessors))


def _priors(previous: Mapping[str, Before | UnitResult] | None) -> dict[str, Prior]:
    out: dict[str, Prior] = {}
    for code, value in (previous or {}).items():
        prior = _prior(value)
        if prior is not None:
            out[code] = prior
    return out


@dataclass(frozen=True)
class FieldStat:
    node: NodeDef
    average: Decimal  # mean points over the units it applies to (2 places)
    percent: Decimal  # all their points ÷ all their maxima × 100 (2 places)


def field_stats(board: Board) -> list[FieldStat]:
    """Each field's average points and its share of the maximum across the board's units."""
    got: dict[str, Decimal] = {}
    top: dict[str, Decimal] = {}
    for result in board.results:
        for node in result.fields:
            got[node.code] = got.get(node.code, ZERO) + node.points
            top[node.code] = top.get(node.code, ZERO) + node.maximum
    return [
        FieldStat(
            node,
            board.averages.get(node.code, ZERO),
            percent_of(got.get(node.code, ZERO), top.get(node.code, ZERO)),
        )
        for node in board.tree.fields
    ]


def _average_percent(board: Board) -> Decimal:
    total = sum((r.total for r in board.results), ZERO)
    maximum = sum((r.maximum for r in board.results), ZERO)
    return percent_of(total, maximum)


def _names(results: Sequence[UnitResult]) -> str:
    return ", ".join(r.name for r in results)


def _units_word(board: Board) -> str:
    """ "xã", "xã, phường": the kinds of units the board holds, for titles."""
    order = list(GROUP_NAMES)
    groups = sorted(board.groups, key=lambda g: (order.index(g) if g in order else len(order), g))
    words = [GROUP_NAMES.get(g, g).lower() for g in groups]
    return ", ".join(dict.fromkeys(words)) or "xã"


def _place(scope: str) -> str:
    for prefix in PLACE_PREFIXES:
        if scope.startswith(prefix):
            return scope[len(prefix) :]
    return scope


def _band_range(bands: Sequence[Band], index: int, total: Decimal) -> str:
    """ "từ 80 đến dưới 90 điểm": a band's range (bands are ordered best first)."""
    unit = " điểm" if total == HUNDRED else "% số điểm tối đa"
    low = bands[index].minimum
    high = bands[index - 1].minimum if index > 0 else None
    if high is None:
        return f"từ {fmt(low)}{unit} trở lên"
    if low <= 0:
        return f"dưới {fmt(high)}{unit}"
    return f"từ {fmt(low)} đến dưới {fmt(high)}{unit}"


def _share(part: int, whole: int) -> str:
    return score(percent_of(Decimal(part), Decimal(whole))) + "%"


# --- the result report (Word) --------------------------------------------------------------------


def result_report_docx(
    board: Board,
    *,
    cycle_meta: Mapping[str, Any],
    previous: Mapping[str, Before | UnitResult] | None = None,
) -> bytes:
    """The result report in the state format; see the module docstring for its parts."""
    year = cycle_meta.get("year") or "……"
    scope = str(cycle_meta.get("scope") or "")
    units_word = _units_word(board)
    summary = f"Kết quả xác định Chỉ số cải cách hành chính năm {year} của UBND các {units_word}"
    issuer_name = str(cycle_meta.get("issuer") or f"Ủy ban nhân dân {scope}".strip())
    number = str(cycle_meta.get("number") or NUMBER_PLACEHOLDER)
    date = cycle_meta.get("date") or timezone.localdate()
    place = str(cycle_meta.get("place") or _place(scope) or "……")
    priors = _priors(previous)

    sections = [
        Section(
            heading="I. KHÁI QUÁT CHUNG",
            paragraphs=tuple(_overview(board, cycle_meta, priors, units_word)),
        ),
        Section(heading=f"II. KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year}"),
        Section(
            heading="1. Kết quả xếp hạng",
            paragraphs=(
                f"Kết quả xếp hạng Chỉ số cải cách hành chính năm {year} của các {units_word} "
                "(đơn vị bằng điểm nhau xếp cùng hạng) như sau:",
            ),
            table=_ranking_table(board, priors),
        ),
        Section(
            heading="2. Điểm trung bình theo lĩnh vực",
            paragraphs=_fields_paragraphs(board),
            table=_fields_table(board),
        ),
        _pareto_section(board),
        Section(
            heading="III. ĐÁNH GIÁ CHUNG VÀ KIẾN NGHỊ",
            paragraphs=(
                "(Đánh giá chung về kết quả Chỉ số cải cách hành chính năm; những mặt làm được, "
                "hạn chế và nguyên nhân; nhiệm vụ, giải pháp và kiến nghị trong thời gian tới.)",
            ),
        ),
    ]
    recipients = cycle_meta.get("recipients") or (
        "Thường trực HĐND;",
        "Chủ tịch, các Phó Chủ tịch UBND;",
        "Hội đồng đánh giá, xác định Chỉ số CCHC;",
        f"UBND các {units_word};",
    )
    document = StateDocument(
        superior=str(cycle_meta.get("superior") or ""),
        issuer=issuer_name.upper(),
        number=number,
        place_date=place_date(place, date),
        kind="BÁO CÁO",
        summary=summary,
        grounds=tuple(cycle_meta.get("grounds") or ()),
        sections=tuple(sections),
        recipients=tuple(recipients),
        authority=tuple(cycle_meta.get("authority") or ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")),
        signer=str(cycle_meta.get("signer") or ""),
        appendices=(
            _fields_appendix(
                board,
                year,
                note=(
                    f"(Kèm theo Báo cáo số {number.removeprefix('Số:').strip()} ngày "
                    f"{date:%d/%m/%Y} của {issuer_name})"
                ),
            ),
        ),
    )
    return render_docx(document)


def _overview(
    board: Board, meta: Mapping[str, Any], priors: Mapping[str, Prior], units_word: str
) -> list[str]:
    year = meta.get("year") or "……"
    count = len(board.results)
    tree = board.tree
    lines: list[str] = []
    framework = str(meta.get("framework") or "")
    basis = f" theo {framework}" if framework else ""
    lines.append(
        f"Năm {year}, có {_count(count)} đơn vị ({units_word}) được đánh giá, xác định Chỉ số "
        f"cải cách hành chính{basis}."
    )
    if meta.get("decision"):
        lines.append(
            "Kết quả đã được Hội đồng đánh giá, xác định Chỉ số cải cách hành chính thông qua "
            f"({meta['decision']})."
        )
    if not board.results:
        return lines
    average = board.averages.get("", ZERO)
    share = "" if tree.total == HUNDRED else f" ({score(_average_percent(board))}% số điểm tối đa)"
    lines.append(f"Chỉ số trung bình đạt {out_of(average, tree.total)} điểm{share}.")
    ranked = board.ordered()
    best = [r for r in ranked if board.ranks[r.unit] == board.ranks[ranked[0].unit]]
    last_rank = max(board.ranks[r.unit] for r in ranked)
    worst = [r for r in ranked if board.ranks[r.unit] == last_rank]
    lines.append(f"Đơn vị có điểm cao nhất: {_names(best)} ({score(best[0].total)} điểm).")
    if last_rank != board.ranks[ranked[0].unit]:
        lines.append(f"Đơn vị có điểm thấp nhất: {_names(worst)} ({score(worst[0].total)} điểm).")
    lines.append("Kết quả xếp loại:")
    bands = list(tree.bands)
    for band, number in board.distribution:
        if band is None:
            lines.append(f"- Chưa xếp loại: {_count(number)} đơn vị ({_share(number, count)}).")
            continue
        scope = _band_range(bands, bands.index(band), tree.total)
        lines.append(
            f"- {band.label} ({scope}): {_count(number)} đơn vị ({_share(number, count)})."
        )
    compared = [(r, priors[r.unit]) for r in board.results if r.unit in priors]
    if compared:
        up = sum(1 for r, p in compared if r.total > p.total)
        down = sum(1 for r, p in compared if r.total < p.total)
        same = len(compared) - up - down
        year_now = meta.get("year")
        before = year_now - 1 if isinstance(year_now, int) else "trước"
        lines.append(
            f"So với năm {before} ({_count(len(compared))} đơn vị có kết quả năm trước): "
            f"{_count(up)} đơn vị tăng điểm, {_count(down)} đơn vị giảm điểm, "
            f"{_count(same)} đơn vị giữ nguyên."
        )
    flagged = [r for r in board.results if r.self_assessed_count or r.missing_count]
    if flagged:
        not_appraised = sum(r.self_assessed_count for r in flagged)
        missing = sum(r.missing_count for r in flagged)
        lines.append(
            f"Lưu ý: {_count(len(flagged))} đơn vị còn {_count(not_appraised)} tiêu chí thành "
            f"phần chưa được thẩm định (tạm tính theo điểm tự đánh giá) và {_count(missing)} "
            "tiêu chí thành phần chưa có điểm; đây chưa phải là kết quả chính thức."
        )
    return lines


def _ranking_table(board: Board, priors: Mapping[str, Prior]) -> Table:
    columns: tuple[str, ...] = ("STT", "Đơn vị", "Tổng điểm", "Xếp hạng", "Xếp loại")
    widths: tuple[float, ...] = (12, 78, 25, 22, 28)
    numeric: tuple[int, ...] = (2, 3)
    if priors:
        columns = (*columns, "Điểm năm trước", "Tăng, giảm")
        widths = (12, 53, 22, 18, 24, 20, 18)
        numeric = (2, 3, 5, 6)
    rows = []
    for index, result in enumerate(board.ordered(), start=1):
        row: tuple[str, ...] = (
            str(index),
            result.name,
            score(result.total),
            str(board.ranks[result.unit]),
            result.band.label if result.band else "",
        )
        if priors:
            prior = priors.get(result.unit)
            row = (
                *row,
                score(prior.total) if prior else "",
                signed(result.total - prior.total) if prior else "",
            )
        rows.append(row)
    return Table(
        columns=columns,
        rows=tuple(rows),
        widths_mm=widths,
        numeric=numeric,
        title="Bảng 1. Xếp hạng Chỉ số cải cách hành chính",
    )


def _fields_paragraphs(board: Board) -> tuple[str, ...]:
    stats = field_stats(board)
    if not stats or not board.results:
        return ()
    weakest = min(stats, key=lambda s: (s.percent, s.node.code))
    strongest = max(stats, key=lambda s: (s.percent, s.node.code))
    return (
        f"Lĩnh vực đạt tỷ lệ điểm cao nhất: {strongest.node.title} "
        f"({score(strongest.percent)}%); thấp nhất: {weakest.node.title} "
        f"({score(weakest.percent)}%).",
    )


def _fields_table(board: Board) -> Table:
    rows = [
        (
            stat.node.code,
            stat.node.title,
            fmt(stat.node.maximum),
            score(stat.average),
            score(stat.percent),
        )
        for stat in field_stats(board)
    ]
    rows.append(
        (
            "",
            "Tổng cộng",
            fmt(board.tree.total),
            score(board.averages.get("", ZERO)),
            score(_average_percent(board)),
        )
    )
    return Table(
        columns=("STT", "Lĩnh vực", "Điểm tối đa", "Điểm trung bình", "Tỷ lệ %"),
        rows=tuple(rows),
        widths_mm=(12, 85, 22, 24, 22),
        numeric=(2, 3, 4),
        bold_rows=(len(rows) - 1,),
        title="Bảng 2. Điểm trung bình theo lĩnh vực",
    )


def _pareto_section(board: Board) -> Section:
    heading = "3. Các tiêu chí thành phần bị mất nhiều điểm nhất"
    rows = pareto(board.results)
    if not rows:
        return Section(
            heading=heading,
            paragraphs=("Không có tiêu chí thành phần nào bị mất điểm.",),
        )
    shown = rows[:PARETO_ROWS]
    lost_all = sum((r.lost for r in rows), ZERO)
    lost_shown = sum((r.lost for r in shown), ZERO)
    text = (
        f"Có {_count(len(rows))} tiêu chí thành phần bị mất điểm, tổng cộng {score(lost_all)} "
        f"điểm; {_count(len(shown))} tiêu chí thành phần mất nhiều điểm nhất chiếm "
        f"{score(percent_of(lost_shown, lost_all))}% số điểm bị mất:"
    )
    table = Table(
        columns=(
            "STT",
            "Mã",
            "Tiêu chí thành phần",
            "Số xã mất điểm",
            "Tổng điểm mất",
            "Tỷ trọng %",
        ),
        rows=tuple(
            (str(i), r.code, r.title, str(r.units), score(r.lost), score(r.share))
            for i, r in enumerate(shown, start=1)
        ),
        widths_mm=(12, 16, 75, 21, 21, 20),
        numeric=(3, 4, 5),
        title="Bảng 3. Các tiêu chí thành phần bị mất nhiều điểm nhất",
    )
    return Section(heading=heading, paragraphs=(text,), table=table)


def _fields_appendix(board: Board, year: object, *, note: str) -> Appendix:
    fields = board.tree.fields
    columns = (
        "STT",
        "Đơn vị",
        *(f"LV {f.code}\n({fmt(f.maximum)})" for f in fields),
        f"Tổng điểm\n({fmt(board.tree.total)})",
        "Xếp hạng",
    )
    rows = []
    for index, result in enumerate(board.ordered(), start=1):
        rows.append(
            (
                str(index),
                result.name,
                *(score(result.points(f.code)) for f in fields),
                score(result.total),
                str(board.ranks[result.unit]),
            )
        )
    room = 252.0  # landscape A4 between the margins
    fixed = 10.0 + 48.0 + 18.0 + 14.0
    per_field = (room - fixed) / max(len(fields), 1)
    legend = "; ".join(f"LV {f.code}: {f.title}" for f in fields)
    return Appendix(
        title="PHỤ LỤC",
        subtitle=f"Điểm theo lĩnh vực của các đơn vị năm {year}",
        table=Table(
            columns=columns,
            rows=tuple(rows),
            widths_mm=(10.0, 48.0, *([per_field] * len(fields)), 18.0, 14.0),
            numeric=tuple(range(2, len(columns))),
        ),
        note=f"{note}\n{legend}.",
    )


# --- the score tables (Excel) --------------------------------------------------------------------


def scores_xlsx(board: Board, *, title: str = "") -> bytes:
    """The ranking, the full score table, the Pareto of lost points and the criteria's titles."""
    return render_xlsx(
        [
            _ranking_sheet(board, title),
            _scores_sheet(board),
            _losses_sheet(board),
            _criteria_sheet(board),
        ]
    )


def _ranking_sheet(board: Board, title: str) -> Sheet:
    flagged = any(r.self_assessed_count or r.missing_count for r in board.results)
    columns: tuple[str, ...] = (
        "STT",
        "Mã",
        "Đơn vị",
        "Nhóm",
        "Tổng điểm",
        "Tỷ lệ %",
        "Xếp hạng",
        "Xếp hạng trong nhóm",
        "Xếp loại",
    )
    formats: tuple[str, ...] = ("", "", "", "", POINTS_FORMAT, POINTS_FORMAT, "0", "0", "")
    widths: tuple[float, ...] = (6, 10, 32, 10, 11, 10, 10, 12, 13)
    if flagged:
        columns = (*columns, "Ghi chú")
        formats = (*formats, "")
        widths = (*widths, 40)
    rows = []
    for index, r in enumerate(board.ordered(), start=1):
        row: tuple[object, ...] = (
            index,
            r.unit,
            r.name,
            GROUP_NAMES.get(r.group, r.group),
            r.total,
            r.percent,
            board.ranks[r.unit],
            board.group_ranks.get(r.unit),
            r.band.label if r.band else "",
        )
        if flagged:
            row = (*row, _flags(r))
        rows.append(row)
    return Sheet(
        name="Xếp hạng",
        columns=columns,
        rows=tuple(rows),
        title=title,
        widths=widths,
        formats=formats,
    )


def _flags(result: UnitResult) -> str:
    notes = []
    if result.self_assessed_count:
        notes.append(f"{result.self_assessed_count} tiêu chí thành phần chưa thẩm định")
    if result.missing_count:
        notes.append(f"{result.missing_count} tiêu chí thành phần chưa có điểm")
    return "; ".join(notes)


def _score_nodes(board: Board) -> list[NodeDef]:
    """The columns of the score table: the fields, then every sub-criterion in the tree's order
    (a field scored directly appears once, among the fields)."""
    fields = board.tree.fields
    return fields + [n for n in board.tree.leaves if n.depth > 1]


def _scores_sheet(board: Board) -> Sheet:
    nodes = _score_nodes(board)
    columns = (
        "STT",
        "Mã",
        "Đơn vị",
        f"Tổng điểm\n(tối đa {fmt(board.tree.total)})",
        *(
            f"{'Lĩnh vực ' if n.depth == 1 else ''}{n.code}\n(tối đa {fmt(n.maximum)})"
            for n in nodes
        ),
    )
    rows = []
    for index, r in enumerate(board.ordered(), start=1):
        rows.append((index, r.unit, r.name, r.total, *(r.points(n.code) for n in nodes)))
    return Sheet(
        name="Bảng điểm",
        columns=columns,
        rows=tuple(rows),
        widths=(6, 10, 30, 12, *([11.0] * len(nodes))),
        formats=("", "", "", *([POINTS_FORMAT] * (len(nodes) + 1))),
    )


def _losses_sheet(board: Board) -> Sheet:
    rows = tuple(
        (i, r.code, r.title, r.maximum, r.units, r.lost, r.share, r.cumulative)
        for i, r in enumerate(pareto(board.results), start=1)
    )
    return Sheet(
        name="Mất điểm",
        columns=(
            "STT",
            "Mã",
            "Tiêu chí thành phần",
            "Điểm tối đa",
            "Số xã mất điểm",
            "Tổng điểm mất",
            "Tỷ trọng %",
            "Lũy kế %",
        ),
        rows=rows,
        widths=(6, 10, 60, 10, 10, 11, 10, 10),
        formats=("", "", "", POINTS_FORMAT, "0", POINTS_FORMAT, POINTS_FORMAT, POINTS_FORMAT),
    )


def _level(node: NodeDef) -> str:
    if node.depth == 1:
        return "Lĩnh vực"
    return "Tiêu chí thành phần" if node.is_leaf else "Tiêu chí"


def _criteria_sheet(board: Board) -> Sheet:
    return Sheet(
        name="Tiêu chí",
        columns=("Mã", "Tiêu chí", "Cấp", "Điểm tối đa"),
        rows=tuple((n.code, n.title, _level(n), n.maximum) for n in board.tree.nodes),
        widths=(10, 80, 20, 11),
        bold_rows=tuple(i for i, n in enumerate(board.tree.nodes) if n.depth == 1),
        formats=("", "", "", POINTS_FORMAT),
    )


# --- scorecards (PDF) ----------------------------------------------------------------------------


def scorecard_context(
    board: Board,
    unit_code: str,
    *,
    cycle_meta: Mapping[str, Any] | None = None,
    history: Sequence[YearPoint] | None = None,
    previous: Before | UnitResult | None = None,
    show_rank: bool = True,
) -> dict[str, Any]:
    """What the scorecard shows, as texts and widths ready for the template (`show_rank` False:
    no rank, e.g. a commune's own scorecard before publication)."""
    result = board.result(unit_code)
    if result is None:
        raise ExportError(_("This commune has no result in this cycle."))
    meta = dict(cycle_meta or {})
    year = meta.get("year")
    averages = board.averages
    prior = _prior(previous)
    changes = {c.code: c for c in compare(result, prior.result)} if prior and prior.result else {}
    fields = []
    for node in result.fields:
        average = averages.get(node.code)
        change = changes.get(node.code)
        fields.append(
            {
                "code": node.code,
                "title": node.title,
                "points": score(node.points),
                "maximum": fmt(node.maximum),
                "width": _width(node.points, node.maximum),
                "average": score(average) if average is not None else "",
                "average_at": _width(average, node.maximum) if average is not None else None,
                "change": signed(change.delta) if change else "",
                "full": node.full,
            }
        )
    rank = board.ranks.get(result.unit) if show_rank else None
    in_group = [r for r in board.results if r.group == result.group]
    group_name = GROUP_NAMES.get(result.group, result.group)
    group_rank = ""
    if show_rank and result.group and len(board.groups) > 1:
        group_rank = f"{board.group_ranks.get(result.unit)}/{len(in_group)} ({group_name.lower()})"
    trend = _trend(history, year, result, rank)
    headline_change = ""
    if prior is not None:
        headline_change = signed(result.total - prior.total)
    return {
        "meta": meta,
        "year": year or "",
        "scope": meta.get("scope", ""),
        "unit": result,
        "name": result.name,
        "parent": result.extra.get("parent", ""),
        "group": group_name,
        "total": out_of(result.total, result.maximum),
        "percent": score(result.percent),
        "show_percent": result.maximum != HUNDRED,
        "rank": f"{rank}/{len(board.results)}" if rank else "",
        "group_rank": group_rank,
        "band": result.band.label if result.band else "",
        "full": f"{result.full_count}/{result.leaf_count}",
        "average_total": score(averages.get("", ZERO)),
        "fields": fields,
        "lost": _lost_rows(result),
        "more_lost": 0,
        "self_assessed": result.self_assessed_count,
        "missing": result.missing_count,
        "bonus": score(result.bonus) if result.bonus else "",
        "penalty": score(result.penalty) if result.penalty else "",
        "previous_total": score(prior.total) if prior else "",
        "previous_rank": prior.rank if prior else None,
        "previous_predecessors": ", ".join(prior.predecessors) if prior else "",
        "change": headline_change,
        "trend": trend,
        "trend_svg": _trend_svg(trend, board.tree.total),
        "version": meta.get("version"),
        "printed": timezone.localdate().strftime("%d/%m/%Y"),
        "density": "normal",
    }


def _width(value: Decimal | None, maximum: Decimal) -> str:
    """A bar's length in per cent of its track, for CSS ("85.42")."""
    if value is None or maximum <= 0:
        return "0"
    share = min(max(value * HUNDRED / maximum, ZERO), HUNDRED)
    return f"{share.quantize(CENT, rounding=ROUND_HALF_UP):f}"


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _lost_rows(result: UnitResult) -> list[dict[str, Any]]:
    rows = []
    for order, node in enumerate(n for n in result.leaves if n.lost > 0):
        rows.append(
            {
                "order": order,
                "code": node.code,
                "title": node.title,
                "maximum": fmt(node.maximum),
                "points": score(node.points),
                "lost": score(node.lost),
                "lost_value": node.lost,
                "reason": _clip(node.reason, REASON_CHARS),
                "basis": _basis_note(node),
            }
        )
    return rows


def _basis_note(node: NodeResult) -> str:
    if node.basis is None:
        return ""
    return {"self": "chưa thẩm định", "missing": "chưa có điểm"}.get(node.basis.value, "")


def _trend(
    history: Sequence[YearPoint] | None,
    year: object,
    result: UnitResult,
    rank: int | None,
) -> list[dict[str, Any]]:
    points: dict[int, tuple[Decimal, int | None]] = {}
    for point in history or ():
        points[point.year] = (point.total, point.rank)
    if not points:
        return []
    if isinstance(year, int):
        points[year] = (result.total, rank)  # this board is the year shown
    rows = []
    before: Decimal | None = None
    for y in sorted(points):
        total, position = points[y]
        rows.append(
            {
                "year": y,
                "total": score(total),
                "value": total,
                "rank": position or "",
                "change": signed(total - before) if before is not None else "",
            }
        )
        before = total
    return rows


def _trend_svg(rows: list[dict[str, Any]], maximum: Decimal) -> SafeString:
    """Bars of the total per year (no JavaScript: WeasyPrint draws inline SVG)."""
    if not rows:
        return mark_safe("")
    width, height, bottom = 300, 64, 12
    slot = width / len(rows)
    bar = min(28.0, slot * 0.6)
    top = float(maximum) if maximum > 0 else 100.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" class="trend-chart">',
        f'<line x1="0" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" '
        'stroke="#9ca3af" stroke-width="0.5"/>',
    ]
    for index, row in enumerate(rows):
        share = min(max(float(row["value"]) / top, 0.0), 1.0)
        h = share * (height - bottom - 12)
        x = index * slot + (slot - bar) / 2
        y = height - bottom - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="#1d4ed8"/>'
        )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{y - 2:.1f}" font-size="8" '
            f'text-anchor="middle">{escape(row["total"])}</text>'
        )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{height - 2}" font-size="8" '
            f'text-anchor="middle">{escape(str(row["year"]))}</text>'
        )
    parts.append("</svg>")
    # Built from numbers and escaped texts only.
    return mark_safe("".join(parts))  # noqa: S308


def _render(context: Mapping[str, Any]) -> PdfDocument:
    from weasyprint import HTML

    html = render_to_string("scoring/scorecard_pdf.html", dict(context))
    return HTML(string=html, encoding="utf-8").render()


def fit_scorecard(context: dict[str, Any]) -> tuple[PdfDocument, dict[str, Any]]:
    """The scorecard laid out on one page, and the context that made it: the normal type first,
    then tighter type, then only the biggest losses listed (with how many more there are)."""
    for density in ("normal", "compact"):
        chosen = {**context, "density": density}
        document = _render(chosen)
        if len(document.pages) <= 1:
            return document, chosen
    lost = context["lost"]
    # The largest number of losses that fits (the biggest ones), found by bisection.
    low, high = 0, len(lost) - 1
    best: tuple[PdfDocument, dict[str, Any]] | None = None
    while low <= high:
        keep = (low + high) // 2
        chosen = {**context, **_fewer(lost, keep), "density": "compact"}
        document = _render(chosen)
        if len(document.pages) <= 1:
            best, low = (document, chosen), keep + 1
        else:
            high = keep - 1
    if best is None:  # nothing fits (absurdly long texts): the page as tight as it goes
        chosen = {**context, **_fewer(lost, 0), "density": "compact"}
        best = (_render(chosen), chosen)
    return best


def _fewer(lost: list[dict[str, Any]], keep: int) -> dict[str, Any]:
    biggest = sorted(lost, key=lambda row: (-row["lost_value"], row["order"]))[:keep]
    shown = sorted(biggest, key=lambda row: row["order"])
    return {"lost": shown, "more_lost": len(lost) - len(shown)}


def scorecard_pdf(
    board: Board,
    unit_code: str,
    *,
    cycle_meta: Mapping[str, Any] | None = None,
    history: Sequence[YearPoint] | None = None,
    previous: Before | UnitResult | None = None,
    show_rank: bool = True,
) -> bytes:
    """One commune's one-page A4 scorecard as PDF bytes."""
    context = scorecard_context(
        board,
        unit_code,
        cycle_meta=cycle_meta,
        history=history,
        previous=previous,
        show_rank=show_rank,
    )
    document, _used = fit_scorecard(context)
    return bytes(document.write_pdf())


def scorecards_pdf(
    board: Board,
    *,
    cycle_meta: Mapping[str, Any] | None = None,
    histories: Mapping[str, Sequence[YearPoint]] | None = None,
    previous: Mapping[str, Before | UnitResult] | None = None,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """Every unit's scorecard, one page each, in ranking order, as one PDF.

    `progress` is called with the share done (0–100) after each scorecard."""
    results = board.ordered()
    if not results:
        raise ExportError(_("This cycle has no results to export yet."))
    pages = []
    first: PdfDocument | None = None
    for index, result in enumerate(results, start=1):
        context = scorecard_context(
            board,
            result.unit,
            cycle_meta=cycle_meta,
            history=(histories or {}).get(result.unit),
            previous=(previous or {}).get(result.unit),
        )
        document, _used = fit_scorecard(context)
        first = first or document
        pages.extend(document.pages)
        if progress is not None:
            progress(index * 100 // len(results))
    assert first is not None  # noqa: S101 - results is not empty
    return bytes(first.copy(pages).write_pdf())


# --- from the database ---------------------------------------------------------------------------


def cycle_meta_of(cycle: Cycle, publication: Publication | None = None) -> dict[str, Any]:
    """The `cycle_meta` of a cycle's documents: as published when a publication is given."""
    scope = cycle.scope
    meta: dict[str, Any] = {
        "year": cycle.year,
        "name": cycle.name,
        "scope": scope.name,
        "framework": cycle.framework.name,
    }
    if scope.parent_id is not None and scope.parent is not None:
        meta["superior"] = f"UBND {scope.parent.name}"
    if publication is not None:
        published = dict(publication.snapshot.get("cycle") or {})
        meta.update({k: v for k, v in published.items() if k in {"year", "name", "scope"}})
        meta["version"] = publication.version
        if publication.decision:
            meta["decision"] = publication.decision
    return meta


def filename_for(kind: str, cycle: Cycle, publication: Publication | None = None) -> str:
    """An ASCII file name: "bao-cao-chi-so-cchc-91-2025-v2.docx"."""
    stem = {
        "report_docx": "bao-cao-chi-so-cchc",
        "scores_xlsx": "bang-diem-chi-so-cchc",
        "scorecards_pdf": "phieu-ket-qua-chi-so-cchc",
    }[kind]
    extension = {"report_docx": "docx", "scores_xlsx": "xlsx", "scorecards_pdf": "pdf"}[kind]
    version = f"-v{publication.version}" if publication is not None else ""
    code = "".join(ch for ch in cycle.scope.code if ch.isalnum() or ch == "-")
    return f"{stem}-{code}-{cycle.year}{version}.{extension}"


def queue_export(
    cycle: Cycle,
    kind: str,
    *,
    by: User | None,
    publication: Publication | None = None,
) -> ExportJob:
    """Record an export job and hand it to the background worker once the transaction commits.

    The job builds from the publication's snapshot when one is given, else from the cycle's
    current results (a draft)."""
    from parindex.scoring.models import ExportJob
    from parindex.scoring.tasks import run_export

    if kind not in KINDS:
        raise ExportError(_("Unknown export: %(kind)s.") % {"kind": kind})
    if publication is not None and publication.cycle_id != cycle.pk:
        raise ExportError(_("This published result belongs to another cycle."))
    job = ExportJob.objects.create(
        cycle=cycle, publication=publication, kind=kind, created_by=by, progress=0
    )
    transaction.on_commit(lambda: run_export.enqueue(job.pk))
    return job
