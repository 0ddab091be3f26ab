"""The benchmark's short run (the small size), end to end: the data set generated in a
throw-away SQLite file, every workload run once against it, the JSON complete."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
EXPECTED = {
    "engine",
    "recompute",
    "sipas",
    "sipas_sql",
    "paper_import",
    "report_docx",
    "scores_xlsx",
    "page_ranking",
    "page_ranking_live",
    "page_assessment",
    "submissions",
    "submissions_rate",
    "submissions_p95",
    "memory_web",
    "memory_paper_import",
    "memory_exports",
}


def _manage(*args: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["DEBUG"] = "1"  # the outer command only starts the benchmark's own process
    return subprocess.run(  # noqa: S603 - our own interpreter and command
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_small_benchmark_runs_end_to_end(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    generated = _manage(
        "gen_bench_data",
        "--size",
        "small",
        "--database-url",
        url,
        "--json",
        str(tmp_path / "g.json"),
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    counts = json.loads((tmp_path / "g.json").read_text())["counts"]
    assert counts["communes"] == 12
    assert counts["answers"] == 12 * 48
    assert counts["survey forms"] == 12 * 10
    assert counts["tasks"] == 12 * 5

    out = tmp_path / "bench.json"
    ran = _manage(
        "bench", "--size", "small", "--runs", "1", "--database-url", url, "--json", str(out)
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    data = json.loads(out.read_text())
    figures = {f["key"]: f for f in data["figures"]}
    assert set(figures) >= EXPECTED
    for key in EXPECTED:
        figure = figures[key]
        assert isinstance(figure["value"], int | float), key
        assert "budget" in figure, key
    budgeted = [f for f in figures.values() if f["budget"] is not None]
    assert {f["key"] for f in budgeted} >= EXPECTED - {"submissions_rate", "submissions_p95"}
    # The public form: every form sent is stored, without an error.
    assert figures["submissions"]["value"] == 0
    assert (
        figures["submissions"]["detail"]["stored"] == figures["submissions"]["detail"]["forms_sent"]
    )
    assert figures["paper_import"]["rows"] == 300
    assert data["database"]["vendor"] == "sqlite"
    assert data["machine"]["cores"]
    # The table is printed with every workload and its budget.
    assert "Ranking page" in ran.stdout
    assert "< 150" in ran.stdout
    # Nothing was written to the main database's file.
    assert not (tmp_path / "parindex.sqlite3").exists()
