"""A background import killed half-way (SIGKILL of the worker inside the import's transaction)
leaves nothing of its file, and running it again imports the whole file once."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from typing import Any

from tests.reliability.conftest import ROOT, load_survey, query, writer_busy

ROWS = 10_000  # half the import's row limit: its one write transaction lasts a few seconds

QUEUE = """
import io, json, openpyxl
from django.db import transaction
from parindex.surveys import actions
from parindex.surveys.models import Campaign
campaign = Campaign.objects.get()
spec = campaign.questionnaire.parsed()
codes = [q.code for _s, q in spec.questions()]
book = openpyxl.Workbook(write_only=True)
sheet = book.create_sheet()
sheet.append(["so_phieu", "ma_xa", "ngay", *codes])
answers = {"TC1": "1", "TC2": "5", "TC3": "4", "TT1": "1", "TT2": "4", "TT3": "4", "CC1": "5",
           "CC2": "3", "KQ1": "1", "KQ2": "4", "PA1": "4", "PA2": "", "GT": "nu", "TUOI": "25_40",
           "LV": "ho_tich", "KENH": "truc_tiep"}
for n in range(1, ROWS + 1):
    row = dict(answers, PA2=f"giay-{n}")
    sheet.append([f"P{n:06d}", "91001", "", *(row.get(c, "") for c in codes)])
out = io.BytesIO()
book.save(out)
with transaction.atomic():
    job = actions.queue_paper_import(campaign, by=None, data=out.getvalue(),
                                     filename="phieu-giay.xlsx", only_valid=False)
print("RESULT:" + json.dumps({"job": job.pk, "bytes": len(out.getvalue())}))
"""

REQUEUE = """
import json
from parindex.surveys.tasks import run_paper_import
run_paper_import.enqueue(JOB)
print("RESULT:" + json.dumps({}))
"""

COUNTS = """
import json
from parindex.surveys.models import ImportJob, Response, ResponseAnswer
job = ImportJob.objects.get()
print("RESULT:" + json.dumps({"forms": Response.objects.count(),
      "answers": ResponseAnswer.objects.count(), "state": job.state,
      "distinct": Response.objects.values("form_number").distinct().count()}))
"""


def _worker(instance: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
        [load_survey.PYTHON, str(ROOT / "manage.py"), "db_worker", "--no-startup-delay"],
        cwd=ROOT,
        env=instance.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def test_an_import_killed_mid_way_stores_nothing_and_a_rerun_stores_it_all(
    new_instance: Callable[[], Any],
) -> None:
    instance = new_instance()
    instance.run_python(load_survey.SETUP)
    job = instance.run_python(QUEUE.replace("ROWS", str(ROWS)))["job"]
    worker = _worker(instance)
    caught = False
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and worker.poll() is None:
            sql = f"SELECT progress FROM surveys_importjob WHERE id = {int(job)}"  # noqa: S608
            (progress,) = query(instance, sql)[0]
            # The file is read (79 %), then one transaction writes every form: kill inside it.
            if progress >= 79 and writer_busy(instance):
                time.sleep(0.3)  # well inside the write
                if writer_busy(instance):
                    caught = True
                    break
            time.sleep(0.02)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    assert caught, "the worker never reached the import's write (or finished first)"

    after_kill = instance.run_python(COUNTS)
    assert (after_kill["forms"], after_kill["answers"]) == (0, 0)  # nothing half-imported
    assert after_kill["state"] == "running"  # the job was cut off, not finished

    instance.run_python(REQUEUE.replace("JOB", str(job)))
    rerun = instance.manage("db_worker", "--batch", "--no-startup-delay", timeout=600)
    assert rerun.returncode == 0
    done = instance.run_python(COUNTS)
    assert done == {"forms": ROWS, "answers": ROWS * 16, "state": "done", "distinct": ROWS}
