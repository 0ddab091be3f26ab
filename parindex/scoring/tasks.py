"""Background work of the index: long exports (report, score tables, every scorecard).

`reports.queue_export(cycle, kind, *, by, publication=None)` records an `ExportJob` and enqueues
`run_export(job.pk)` once the transaction commits; the worker builds the file and stores it in the
job with its name and type. The job's page polls `state` and `progress` (per cent):
- queued → running (progress 1 … 99 as the work goes) → done (100, `data`, `filename`,
  `content_type`), or failed (`error`: a sentence for the user, in the language active when the
  worker ran it — Vietnamese, the site's language, in the worker — and the traceback in the log).
- The board is the publication's snapshot when the job names one (`services.published_board`),
  else the cycle's current results (`services.cycle_board`). Last year's results
  (`services.previous_result`) and the years' history (`services.history`) are read per unit.
- A rerun of a finished job does nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django_tasks import task

from parindex.orgunits.models import Unit
from parindex.scoring import reports, services
from parindex.scoring.models import ExportJob

if TYPE_CHECKING:
    from parindex.scoring.engine import Board
    from parindex.scoring.services import Before, YearPoint

logger = logging.getLogger(__name__)


@task()
def run_export(job_id: int) -> str:
    """Build the job's file; see the module docstring for the states it goes through."""
    job = ExportJob.objects.select_related(
        "cycle__scope__parent", "cycle__framework", "publication"
    ).get(pk=job_id)
    if job.state == ExportJob.State.DONE:
        return job.state
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.RUNNING, progress=1, error="")
    last = [1]

    def progress(percent: int) -> None:
        value = max(1, min(int(percent), 99))
        if value != last[0]:  # one write per step, not per unit
            last[0] = value
            ExportJob.objects.filter(pk=job.pk).update(progress=value)

    try:
        data = build(job, progress=progress)
    except Exception as exc:
        logger.exception("export job %s (%s) failed", job.pk, job.kind)
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportJob.State.FAILED, error=failure_message(exc)
        )
        raise
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportJob.State.DONE,
        progress=100,
        data=data,
        filename=reports.filename_for(job.kind, job.cycle, job.publication),
        content_type=reports.CONTENT_TYPES[job.kind],
        error="",
    )
    return ExportJob.State.DONE


def failure_message(exc: Exception) -> str:
    """What the job's page says when the export failed."""
    if isinstance(exc, reports.ExportError):
        reason = str(exc.message)
    else:
        reason = _("an unexpected error (%(error)s)") % {"error": type(exc).__name__}
    return _(
        "The file could not be made: %(reason)s. Try again; if it fails again, tell the "
        "administrator."
    ) % {"reason": reason}


def build(job: ExportJob, *, progress: Callable[[int], None]) -> bytes:
    """The file of a job (its bytes), from the publication's snapshot or the current results."""
    if job.kind not in reports.KINDS:
        raise reports.ExportError(_("Unknown export: %(kind)s.") % {"kind": job.kind})
    cycle, publication = job.cycle, job.publication
    if publication is not None:
        board = services.published_board(publication)
    else:
        board = services.cycle_board(cycle)
    if not board.results:
        raise reports.ExportError(_("This cycle has no results to export yet."))
    meta = reports.cycle_meta_of(cycle, publication)
    progress(10)

    if job.kind == "scores_xlsx":
        return reports.scores_xlsx(
            board, title=f"Kết quả Chỉ số cải cách hành chính năm {meta['year']} — {meta['scope']}"
        )
    previous = previous_results(job, board, progress=lambda p: progress(10 + p * 20 // 100))
    if job.kind == "report_docx":
        data = reports.result_report_docx(board, cycle_meta=meta, previous=previous)
        progress(95)
        return data
    histories = histories_of(board)
    progress(35)
    return reports.scorecards_pdf(
        board,
        cycle_meta=meta,
        histories=histories,
        previous=previous,
        progress=lambda p: progress(35 + p * 60 // 100),
    )


def _units(board: Board) -> dict[str, Unit]:
    # A code is unique per start date (merged communes reuse old codes): the newest unit wins.
    units: dict[str, Unit] = {}
    for unit in Unit.objects.filter(code__in=list(board.by_unit)).order_by("valid_from"):
        units[unit.code] = unit
    return units


def previous_results(
    job: ExportJob, board: Board, *, progress: Callable[[int], None]
) -> dict[str, Before]:
    """Each unit's official result of the year before (merged units: their predecessors')."""
    units = _units(board)
    out: dict[str, Before] = {}
    for index, (code, unit) in enumerate(units.items(), start=1):
        before = services.previous_result(job.cycle, unit)
        if before is not None:
            out[code] = before
        progress(index * 100 // max(len(units), 1))
    return out


def histories_of(board: Board) -> dict[str, list[YearPoint]]:
    """Each unit's published results over the years."""
    return {code: services.history(unit) for code, unit in _units(board).items()}
