"""Background work of the surveys: large paper imports, with their progress."""

from __future__ import annotations

from django_tasks import task

from parindex.surveys.models import ImportJob


@task()
def run_paper_import(job_id: int) -> str:
    """Run one queued import (all or nothing, as in the page); a rerun of a finished job does
    nothing, and a job killed half-way imported nothing (the import is one transaction)."""
    from parindex.surveys.actions import import_paper, report_data

    job = ImportJob.objects.select_related("campaign__questionnaire", "created_by").get(pk=job_id)
    if job.state == ImportJob.State.DONE:
        return job.state
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.RUNNING, progress=1)

    def progress(percent: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(progress=max(1, min(percent, 99)))

    try:
        report = import_paper(
            job.campaign,
            by=job.created_by,
            data=bytes(job.data),
            filename=job.filename,
            only_valid=job.only_valid,
            progress=progress,
        )
    except Exception:
        ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.FAILED)
        raise
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.DONE, progress=100, report=report_data(report), data=b""
    )
    return ImportJob.State.DONE
