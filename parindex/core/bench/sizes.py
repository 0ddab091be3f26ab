"""The sizes of the benchmark's data set and of its workloads."""

from __future__ import annotations

from dataclasses import dataclass

# The province whose ranking page, assessment pages, public form, paper import and reports are
# measured: Bắc Ninh, 99 communes since 01/07/2025 (the "100-commune province").
BENCH_PROVINCE = "24"
YEAR = 2025  # the year assessed, appraised, surveyed and published
PLAN_YEAR = 2026  # the plans being carried out


@dataclass(frozen=True)
class Size:
    name: str
    provinces: frozenset[str] | None  # None: all 34
    communes: int | None  # keep only the first N communes of each province (None: all)
    forms: int  # SIPAS forms per commune
    tasks: int  # plan tasks per commune
    paper_rows: int  # rows of the paper-forms workbook imported
    users: int  # concurrent users on the pages
    seconds: float  # how long each page workload runs
    submissions: int  # public forms sent in the submissions workload
    runs: int  # runs of each timed workload (the median is reported)


SIZES = {
    "national": Size("national", None, None, 50, 20, 10_000, 20, 20.0, 200, 5),
    "province": Size(
        "province", frozenset({BENCH_PROVINCE}), None, 50, 20, 10_000, 20, 20.0, 200, 5
    ),
    "small": Size("small", frozenset({BENCH_PROVINCE}), 12, 10, 5, 300, 4, 2.0, 16, 2),
}
