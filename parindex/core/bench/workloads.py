"""The workloads of the benchmark and their budgets.

Each in-process workload runs in a process of its own (so its peak memory is its own), `runs`
times; the figure is the median. The page and public-form workloads run against gunicorn with 2
workers on 127.0.0.1 (`load`). Budgets are those of the 2-core machine the figures in
docs/benchmarks.md were measured on.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import connection

from parindex.assessments.models import Answer, Assessment, Cycle
from parindex.core.bench.sizes import YEAR, Size
from parindex.scoring.engine import Board, Leaf, Tree, compute_all

# Budgets: seconds, milliseconds, megabytes, or a ratio.
ENGINE_S = 0.3
RECOMPUTE_S = 3.0
SIPAS_S = 3.0
SIPAS_RATIO = 3.0
PAGE_P95_MS = 150.0
PAPER_S = 30.0
EXPORT_S = 5.0
MEMORY_MB = 300.0


@dataclass
class Figure:
    key: str
    title: str
    value: float
    unit: str
    budget: float | None  # None: shown for information
    rows: int = 0
    rows_of: str = ""
    runs: list[float] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)
    equal: bool = False  # the budget is a value to equal (0 errors), not a ceiling

    @property
    def ratio(self) -> float | None:
        if self.budget in (None, 0):
            return None
        return round(self.value / self.budget, 3)  # type: ignore[operator]

    @property
    def passed(self) -> bool | None:
        if self.budget is None:
            return None
        return self.value == self.budget if self.equal else self.value < self.budget

    def data(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio, "passed": self.passed}


def timed_runs(work: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    """Run `work` `runs` times; the seconds of each run and the last run's result."""
    seconds = []
    out = None
    for _ in range(runs):
        started = time.perf_counter()
        out = work()
        seconds.append(round(time.perf_counter() - started, 4))
    return seconds, out


def median(values: list[float]) -> float:
    return round(statistics.median(values), 4) if values else 0.0


def cycles() -> list[Cycle]:
    return list(Cycle.objects.filter(year=YEAR).select_related("framework", "scope"))


# --- the index -----------------------------------------------------------------------------------


def _inputs(cycle: Cycle) -> tuple[Tree, list[dict[str, Any]], dict[int, dict[str, Leaf]]]:
    """What `services.cycle_board` reads, kept in memory (the engine's input)."""
    from parindex.scoring.services import leaf_of, tree_of

    heads: list[dict[str, Any]] = list(
        Assessment.objects.filter(cycle=cycle).values(  # type: ignore[arg-type]
            "pk", "group", "unit__code", "unit__name", "unit__parent__name"
        )
    )
    leaves: dict[int, dict[str, Leaf]] = {h["pk"]: {} for h in heads}
    for row in Answer.objects.filter(assessment__cycle=cycle).values(
        "assessment_id",
        "node__code",
        "node__source",
        "self_points",
        "self_working",
        "appraisal_status",
        "appraised_points",
        "appraised_working",
        "appraisal_reason",
    ):
        leaves[row["assessment_id"]][row["node__code"]] = leaf_of(row)
    return tree_of(cycle.framework), heads, leaves


def engine(size: Size, runs: int) -> list[Figure]:
    """The pure engine on in-memory data: every commune computed, then ranked."""
    data = [(_inputs(c), tuple(c.tie_break or ())) for c in cycles()]

    def work() -> int:
        count = 0
        for (tree, heads, leaves), tie_break in data:
            results = compute_all(
                tree,
                (
                    (
                        leaves[h["pk"]],
                        {
                            "unit": h["unit__code"],
                            "name": h["unit__name"],
                            "group": h["group"],
                            "extra": {"parent": h["unit__parent__name"] or ""},
                        },
                    )
                    for h in heads
                ),
            )
            board = Board(tree, results, tie_break)
            count += len(board.ranks)
        return count

    seconds, count = timed_runs(work, runs)
    return [
        Figure(
            "engine",
            "Index and ranking, pure engine on in-memory data",
            median(seconds),
            "s",
            ENGINE_S,
            count,
            "communes",
            seconds,
        )
    ]


def recompute(size: Size, runs: int) -> list[Figure]:
    """Every cycle's index and ranking from the database (`services.cycle_board`)."""
    from parindex.scoring.services import cycle_board

    chosen = cycles()

    def work() -> int:
        count = 0
        for cycle in chosen:
            board = cycle_board(cycle)
            count += len(board.ranks) + 0 * len(board.group_ranks)
        return count

    seconds, count = timed_runs(work, runs)
    answers = Answer.objects.filter(assessment__cycle__in=chosen).count()
    return [
        Figure(
            "recompute",
            "Index and ranking of every commune, from the database",
            median(seconds),
            "s",
            RECOMPUTE_S,
            count,
            "communes",
            seconds,
            {"answers": answers, "cycles": len(chosen)},
        )
    ]


# --- surveys -------------------------------------------------------------------------------------

SQL_REFERENCE = """
SELECT r.unit_id, a.question,
       SUM(CASE WHEN a.value IN ('4', '5') THEN 1 ELSE 0 END) AS satisfied,
       SUM(CASE WHEN a.value IN ('1', '2', '3', '4', '5') THEN 1 ELSE 0 END) AS valid
FROM surveys_responseanswer a
JOIN surveys_response r ON r.id = a.response_id
WHERE r.campaign_id IN ({ids}) AND NOT r.excluded
GROUP BY r.unit_id, a.question
"""


def sipas(size: Size, runs: int) -> list[Figure]:
    """Every campaign's results (`selectors.campaign_results`), against one hand-written SQL
    aggregation over the same answers (satisfied and valid answers per commune and question)."""
    from parindex.surveys.models import Campaign, Response, ResponseAnswer
    from parindex.surveys.selectors import campaign_results

    campaigns = list(Campaign.objects.filter(year=YEAR).select_related("questionnaire"))
    ids = ", ".join(str(int(c.pk)) for c in campaigns)

    def work() -> int:
        return sum(len(campaign_results(c)) for c in campaigns)

    def reference() -> int:
        with connection.cursor() as cursor:
            cursor.execute(SQL_REFERENCE.format(ids=ids))
            return len(cursor.fetchall())

    seconds, communes = timed_runs(work, runs)
    sql_seconds, groups = timed_runs(reference, runs)
    forms = Response.objects.filter(campaign__in=campaigns).count()
    answers = ResponseAnswer.objects.filter(response__campaign__in=campaigns).count()
    value = median(seconds)
    ratio = round(value / median(sql_seconds), 2) if median(sql_seconds) else 0.0
    return [
        Figure(
            "sipas",
            "SIPAS results of every commune",
            value,
            "s",
            SIPAS_S,
            forms,
            "forms",
            seconds,
            {"answers": answers, "communes": communes, "campaigns": len(campaigns)},
        ),
        Figure(
            "sipas_sql",
            "SIPAS results ÷ one SQL aggregation of the same answers",
            ratio,
            "×",
            SIPAS_RATIO,
            answers,
            "answers",
            [],
            {"sql_seconds": sql_seconds, "sql_median": median(sql_seconds), "groups": groups},
        ),
    ]


# --- files ---------------------------------------------------------------------------------------


def paper_workbook(campaign: Any, rows: int, prefix: str, seed: int) -> bytes:
    """A filled paper-forms workbook in the template's columns."""
    import openpyxl

    from parindex.core.bench.generator import form_answers
    from parindex.surveys.actions import campaign_communes

    spec = campaign.questionnaire.parsed()
    questions = [q.code for _s, q in spec.questions()]
    codes = sorted(campaign_communes(campaign))
    rng = random.Random(seed)  # noqa: S311 - benchmark data, not secrets
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Phiếu")
    sheet.append(["Số phiếu", "Mã xã", "Ngày", *questions])
    day = (campaign.opens_on + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    for number in range(1, rows + 1):
        answers = form_answers(spec, rng, 0.85)
        code = codes[number % len(codes)]
        sheet.append(
            [f"{prefix}-{number:05d}", code, day, *[answers.get(q, "") for q in questions]]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def paper_import(size: Size, runs: int) -> list[Figure]:
    """A paper-forms workbook of `size.paper_rows` rows, read, checked and stored; the forms
    are removed after each run, so each run imports them anew."""
    from parindex.core.bench.generator import submission_campaign
    from parindex.surveys.actions import import_paper
    from parindex.surveys.models import Response, ResponseAnswer

    campaign = submission_campaign()
    seconds = []
    added = 0
    for run in range(runs):
        filename = f"bench-paper-{run}.xlsx"
        data = paper_workbook(campaign, size.paper_rows, f"G{run}", seed=run)
        started = time.perf_counter()
        report = import_paper(campaign, by=None, data=data, filename=filename)
        seconds.append(round(time.perf_counter() - started, 3))
        if not report.saved or report.added != size.paper_rows:
            raise RuntimeError(f"paper import: {report.added} added, errors {report.errors[:3]}")
        added = report.added
        ResponseAnswer.objects.filter(
            response__campaign=campaign, response__source=filename
        ).delete()
        Response.objects.filter(campaign=campaign, source=filename).delete()
    return [
        Figure(
            "paper_import",
            f"Import of a {size.paper_rows:,}-row paper-forms workbook",
            median(seconds),
            "s",
            PAPER_S,
            added,
            "forms",
            seconds,
        )
    ]


def exports(size: Size, runs: int) -> list[Figure]:
    """The result report (Word) and the score table (Excel) of the benchmark's province, built
    as the background export does (`scoring.tasks.build`), from its published result."""
    from parindex.core.bench.generator import bench_province
    from parindex.scoring.models import ExportJob
    from parindex.scoring.services import current_publication
    from parindex.scoring.tasks import build

    cycle = Cycle.objects.select_related("scope__parent", "framework").get(
        scope=bench_province(), year=YEAR
    )
    publication = current_publication(cycle)
    communes = Assessment.objects.filter(cycle=cycle).count()
    out = []
    for kind, title in (
        ("report_docx", "Result report (Word)"),
        ("scores_xlsx", "Score table (Excel)"),
    ):
        job = ExportJob(cycle=cycle, publication=publication, kind=kind)
        sizes: list[int] = []

        def work(job: ExportJob = job, sizes: list[int] = sizes) -> None:
            sizes.append(len(build(job, progress=lambda _p: None)))

        seconds, _ = timed_runs(work, runs)
        out.append(
            Figure(
                kind,
                f"{title} of a {communes}-commune province",
                median(seconds),
                "s",
                EXPORT_S,
                communes,
                "communes",
                seconds,
                {"bytes": sizes[-1] if sizes else 0},
            )
        )
    return out


IN_PROCESS: dict[str, Callable[[Size, int], list[Figure]]] = {
    "engine": engine,
    "recompute": recompute,
    "sipas": sipas,
    "paper_import": paper_import,
    "exports": exports,
}
