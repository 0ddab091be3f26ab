"""`manage.py backup` then `manage.py restore` into a new, empty instance (its own database and
folders): the restored instance shows the same published results (services and public page), the
same live scores, the same survey forms and the same evidence documents, byte for byte. A
damaged backup or a non-empty instance is refused and nothing is written."""

from __future__ import annotations

import io
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

FINGERPRINT = """
import hashlib, json, re
from django.test import Client
from parindex.assessments.models import Cycle, Document
from parindex.scoring.models import Publication
from parindex.scoring.services import cycle_board, published_board
from parindex.surveys.models import Response, ResponseAnswer

def results(board):
    return [[r.unit, str(r.total), str(r.percent), board.ranks.get(r.unit)] for r in board.results]

out = {"publications": {}, "cycles": {}, "documents": {}, "public_pages": {}}
for p in Publication.objects.order_by("pk"):
    out["publications"][p.pk] = [p.cycle_id, p.version, p.state, results(published_board(p))]
for c in Cycle.objects.order_by("pk"):
    out["cycles"][c.pk] = results(cycle_board(c))
for d in Document.objects.order_by("pk"):
    with d.file.open("rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    out["documents"][d.pk] = [d.name, d.file.name, digest, d.sha256]
client = Client(HTTP_HOST="localhost")
for p in Publication.objects.filter(state="published").order_by("pk"):
    page = client.get(f"/cong-khai/{p.cycle_id}/")
    body = page.content.decode()
    out["public_pages"][p.cycle_id] = [page.status_code, re.findall(r"\\b\\d{1,3},\\d{2}\\b", body)]
answers = ResponseAnswer.objects.order_by("response__form_number", "question")
out["survey"] = [Response.objects.count(), hashlib.sha256(
    repr(list(answers.values_list("response__form_number", "question", "value"))).encode()
).hexdigest()]
print("RESULT:" + json.dumps(out))
"""

SURVEY_FORMS = """
import json
from parindex.surveys import actions
from parindex.surveys.models import Campaign
campaign = Campaign.objects.order_by("pk").first()
answers = {"TC1": "1", "TC2": "5", "TC3": "4", "TT1": "1", "TT2": "4", "TT3": "4", "CC1": "5",
           "CC2": "3", "KQ1": "1", "KQ2": "4", "PA1": "4", "GT": "nu", "TUOI": "25_40",
           "LV": "ho_tich", "KENH": "truc_tiep"}
for n, link in enumerate(actions.public_links(campaign)[:5]):
    actions.submit_online(link, answers=dict(answers, PA2=f"ý kiến {n}"), form_id=f"f{n}",
                          started_at=None, client_hash="h")
print("RESULT:" + json.dumps({}))
"""

STILL_WRITABLE = """
import datetime as dt, json
from parindex.orgunits.actions import create_unit
from parindex.orgunits.models import Kind
unit = create_unit(by=None, code="99", name="Tỉnh Mới", kind=Kind.TINH, parent=None,
                   valid_from=dt.date(2026, 1, 1), valid_to=None)
print("RESULT:" + json.dumps({"pk": unit.pk}))
"""


def _damaged_copy(original: Path, target: Path) -> None:
    """The same backup with one evidence file changed (its manifest entry left as it was)."""
    with tarfile.open(original, "r:gz") as source, tarfile.open(target, "w:gz") as copy:
        changed = False
        for member in source.getmembers():
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if not changed and member.name.startswith("files/evidence/"):
                data = data[:-1] + bytes([data[-1] ^ 1])
                changed = True
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    assert changed


def test_a_backup_restored_into_an_empty_instance_shows_the_same_results_and_documents(
    new_instance: Callable[[], Any], tmp_path: Path
) -> None:
    source = new_instance()
    source.manage("load_demo")
    source.run_python(SURVEY_FORMS)
    before = source.run_python(FINGERPRINT)
    assert len(before["publications"]) >= 3
    assert len(before["documents"]) >= 1
    assert before["survey"][0] > 0
    assert all(status == 200 and figures for status, figures in before["public_pages"].values())

    made = source.manage("backup", "--out", str(tmp_path))
    backup = next(tmp_path.glob("parindex-backup-*.tar.gz"))
    assert str(backup) in made.stdout

    target = new_instance()
    # A damaged backup is refused before anything is written.
    damaged = tmp_path / "damaged.tar.gz"
    _damaged_copy(backup, damaged)
    refused = target.manage("restore", str(damaged), check=False)
    assert refused.returncode != 0
    assert "checksum" in refused.stderr
    assert "Nothing restored" in refused.stderr
    assert not any(target.evidence_root.rglob("*.*"))

    restored = target.manage("restore", str(backup))
    assert "Restored and verified" in restored.stdout
    after = target.run_python(FINGERPRINT)
    assert after == before
    # The documents are the same bytes in the new instance's own folder.
    for _name, stored_as, _digest, _recorded in before["documents"].values():
        assert (target.evidence_root / stored_as).is_file()
    assert {d[2] for d in after["documents"].values()} == {
        d[3] for d in after["documents"].values()
    }
    # The restored instance takes new rows (its id sequences follow the restored rows).
    assert target.run_python(STILL_WRITABLE)["pk"] > 0

    # Restoring again into the now non-empty instance is refused.
    again = target.manage("restore", str(backup), check=False)
    assert again.returncode != 0
    assert "not empty" in again.stderr


def test_a_file_that_is_not_a_backup_is_refused(
    new_instance: Callable[[], Any], tmp_path: Path
) -> None:
    target = new_instance()
    bogus = tmp_path / "not-a-backup.tar.gz"
    bogus.write_bytes(b"PK\x03\x04 not a tar at all")
    refused = target.manage("restore", str(bogus), check=False)
    assert refused.returncode != 0
    assert "Nothing restored" in refused.stderr
