"""Plans' rules as pure functions: reading a target and a deadline as the plans write them, the
status of a target, overdue tasks and the share of tasks done on time.

Targets as written (seed 002's Phụ lục 1): "100%" (at least 100 %), "90%" (at least 90 %),
"Trên 90%" (more than 90 %), "Dưới 5%" / "Không quá 5%" (less than / at most), "≥ 95%", a number
("12 cuộc"), "Chỉ số xếp hạng cao hơn năm 2023" (a better rank than the year before), "Cao hơn
năm trước" (better than last year).

Deadlines as written (Phụ lục 2): "15/3/2024" (or "Trước ngày 15/3/2024"), "Tháng 3/2024",
"Quý I/2024" (I–IV or 1–4),
"Cả năm" / "Thường xuyên" / "Năm 2024" (all year: due on 31/12).

Target status (`target_status`):
- not reported: no actual value yet;
- met / missed: once the year is over (or a value for the whole year is reported), whether the
  last value satisfies the target;
- on track / at risk: during the year, whether the last value satisfies it already.
For "better than last year" the comparison is with the baseline (last year's value); for a rank,
smaller is better.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}


def _plain(text: str) -> str:
    """Lower case without Vietnamese marks: 'Quý I/2024' -> 'quy i/2024'."""
    text = unicodedata.normalize("NFD", text.strip().lower()).replace("đ", "d")
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


# --- targets -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadTarget:
    measure: str  # percent, count, rank, index, text
    direction: str  # ge, gt, le, lt, eq, better
    value: Decimal | None


_NUMBER = re.compile(r"(\d+(?:[.,]\d+)?)")


def read_target(text: str) -> ReadTarget | None:
    """A target as the plans write it; None when it cannot be read (kept as text)."""
    plain = _plain(text)
    if not plain:
        return None
    if "xep hang" in plain and ("cao hon" in plain or "tang" in plain):
        return ReadTarget("rank", "better", None)
    if "cao hon" in plain or "tot hon" in plain or "cai thien" in plain:
        return ReadTarget("index", "better", None)
    match = _NUMBER.search(plain)
    if match is None:
        return None
    try:
        value = Decimal(match.group(1).replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern only matches numbers
        return None
    measure = "percent" if "%" in plain else "count"
    head = plain[: match.start()]
    if "tren" in head or (">" in head and "≥" not in text and ">=" not in head):
        direction = "gt"
    elif "khong qua" in head or "toi da" in head or "≤" in text or "<=" in head:
        direction = "le"
    elif "duoi" in head or "<" in head:
        direction = "lt"
    else:
        direction = "ge"  # "100%", "90%", "≥ 95%", "tu 95% tro len": at least
    return ReadTarget(measure, direction, value)


def satisfies(
    direction: str,
    actual: Decimal,
    value: Decimal | None,
    baseline: Decimal | None,
    *,
    smaller_is_better: bool = False,
) -> bool | None:
    """Does `actual` meet the target? None when it cannot be said (no value or baseline)."""
    if direction == "better":
        if baseline is None:
            return None
        return actual < baseline if smaller_is_better else actual > baseline
    if value is None:
        return None
    return {
        "ge": actual >= value,
        "gt": actual > value,
        "le": actual <= value,
        "lt": actual < value,
        "eq": actual == value,
    }[direction]


class TargetState(StrEnum):
    NOT_REPORTED = "not_reported"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    MET = "met"
    MISSED = "missed"
    UNKNOWN = "unknown"  # a value, but nothing to compare it with


def target_status(
    direction: str,
    value: Decimal | None,
    actual: Decimal | None,
    *,
    baseline: Decimal | None = None,
    smaller_is_better: bool = False,
    final: bool,
) -> TargetState:
    """The state of a target from its last actual value; `final`: the year is over."""
    if actual is None:
        return TargetState.NOT_REPORTED
    ok = satisfies(direction, actual, value, baseline, smaller_is_better=smaller_is_better)
    if ok is None:
        return TargetState.UNKNOWN
    if final:
        return TargetState.MET if ok else TargetState.MISSED
    return TargetState.ON_TRACK if ok else TargetState.AT_RISK


def latest(reports: Iterable[tuple[str, Decimal]]) -> tuple[str, Decimal] | None:
    """The report of the latest period, compared by the day each period ends (as text, 2026 <
    2026-03 < 2026-Q1 is not chronological); on the same day the longer period wins (the year's
    value over the fourth quarter's, the quarter's over December's)."""

    def key(row: tuple[str, Decimal]) -> tuple[dt.date, int]:
        period = row[0]
        return period_end(period), (2 if len(period) == 4 else 1 if "Q" in period else 0)

    rows = sorted(reports, key=key)
    return rows[-1] if rows else None


# --- periods and deadlines -----------------------------------------------------------------------


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def period_end(period: str) -> dt.date:
    """'2026-03' -> 31/03/2026; '2026-Q1' -> 31/03/2026; '2026' -> 31/12/2026."""
    if re.fullmatch(r"\d{4}", period):
        return dt.date(int(period), 12, 31)
    match = re.fullmatch(r"(\d{4})-Q([1-4])", period)
    if match:
        return _month_end(int(match.group(1)), int(match.group(2)) * 3)
    match = re.fullmatch(r"(\d{4})-(\d{2})", period)
    if match and 1 <= int(match.group(2)) <= 12:
        return _month_end(int(match.group(1)), int(match.group(2)))
    raise ValueError(f"not a period: {period!r}")


def is_period(period: str) -> bool:
    try:
        period_end(period)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Due:
    kind: str  # date, month, quarter, year
    on: dt.date  # the day it is due (the end of its period)

    def label(self) -> str:
        """As the plans write it: 15/03/2024 · Tháng 3/2024 · Quý I/2024 · Cả năm 2024."""
        if self.kind == "date":
            return self.on.strftime("%d/%m/%Y")
        if self.kind == "month":
            return f"Tháng {self.on.month}/{self.on.year}"
        if self.kind == "quarter":
            roman = {1: "I", 2: "II", 3: "III", 4: "IV"}[(self.on.month - 1) // 3 + 1]
            return f"Quý {roman}/{self.on.year}"
        return f"Cả năm {self.on.year}"


def read_due(text: str, year: int) -> Due | None:
    """A deadline as the plans write it, in the plan's year unless it names one; None if unread."""
    plain = re.sub(r"^(?:truoc|han|cham nhat)\s*(?:ngay)?\s*", "", _plain(text))
    if not plain:
        return None
    named = re.search(r"(?:/|nam\s*)(\d{4})\b", plain)
    in_year = int(named.group(1)) if named else year
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", plain)
    if match:
        try:
            return Due(
                "date", dt.date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
            )
        except ValueError:
            return None
    match = re.match(r"thang\s*(\d{1,2})", plain)
    if match and 1 <= int(match.group(1)) <= 12:
        return Due("month", _month_end(in_year, int(match.group(1))))
    match = re.match(r"quy\s*(iv|iii|ii|i|[1-4])\b", plain)
    if match:
        token = match.group(1).upper()
        quarter = ROMAN.get(token) or int(token)
        return Due("quarter", _month_end(in_year, quarter * 3))
    if (
        plain.startswith(("ca nam", "thuong xuyen", "nam ", "hang thang", "hang quy"))
        or plain == "nam"
    ):
        return Due("year", dt.date(in_year, 12, 31))
    return None


# --- tasks ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskFact:
    status: str  # todo, doing, done, cancelled
    due_on: dt.date
    done_on: dt.date | None


def is_overdue(task: TaskFact, today: dt.date) -> bool:
    return task.status in {"todo", "doing"} and task.due_on < today


def done_on_time(task: TaskFact) -> bool:
    return task.status == "done" and task.done_on is not None and task.done_on <= task.due_on


@dataclass(frozen=True)
class Completion:
    planned: int  # tasks of the plan, cancelled ones left out
    done: int  # done on time
    late: int  # done after their due date
    open: int

    def answer(self) -> dict[str, int]:
        """The answer of the plan-completion rule ({"done": d, "planned": p})."""
        return {"done": self.done, "planned": self.planned}


def completion(tasks: Iterable[TaskFact]) -> Completion:
    """How many planned tasks were done on time: what feeds the plan-implementation criterion
    (seed 003: 6 of 7 tasks done gives 2,85/3 under its rule). Cancelled tasks are not planned;
    a task done late does not count as done."""
    planned = done = late = still = 0
    for task in tasks:
        if task.status == "cancelled":
            continue
        planned += 1
        if done_on_time(task):
            done += 1
        elif task.status == "done":
            late += 1
        else:
            still += 1
    return Completion(planned, done, late, still)
