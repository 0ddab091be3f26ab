"""Dates as Vietnamese users type them: 23/11/2026 (also 23-11-2026 and ISO 2026-11-23)."""

from __future__ import annotations

import datetime as dt

DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d")


def parse_day(text: str | None) -> dt.date | None:
    """The calendar date in `text`, or None when it is empty or not a date."""
    if text:
        for fmt in DATE_FORMATS:
            try:
                return dt.datetime.strptime(text.strip(), fmt).date()  # noqa: DTZ007 - calendar date
            except ValueError:
                continue
    return None
