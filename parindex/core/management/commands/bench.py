from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from parindex.core.bench import runner
from parindex.core.bench.sizes import SIZES, YEAR, Size
from parindex.core.bench.workloads import IN_PROCESS, MEMORY_MB, PAGE_P95_MS, Figure


class Command(BaseCommand):
    help = (
        "Run the performance benchmark on the data set of `gen_bench_data` (same --size and "
        "--database-url): prints every workload's median, budget and ratio, and writes them as "
        "JSON (--json)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=sorted(SIZES), default="small")
        parser.add_argument("--runs", type=int, default=None, help="runs of each timed workload")
        parser.add_argument("--json", default=None, help="write the figures here")
        parser.add_argument("--database-url", default=None)
        parser.add_argument(
            "--only",
            default="",
            help="comma-separated workloads: " + ", ".join([*IN_PROCESS, "web"]),
        )
        parser.add_argument("--workload", default="", help=argparse.SUPPRESS)
        parser.add_argument("--out", default="", help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        size = SIZES[options["size"]]
        runs = options["runs"] or size.runs
        url = runner.database_url(size.name, options["database_url"])
        if not runner.is_child():
            argv = ["bench", "--size", size.name, "--runs", str(runs), "--database-url", url]
            if options["json"]:
                argv += ["--json", str(Path(options["json"]).resolve())]
            if options["only"]:
                argv += ["--only", options["only"]]
            code = runner.rerun(argv, url)
            if code:
                raise CommandError(f"the benchmark failed (exit code {code})")
            return
        if options["workload"]:  # one in-process workload, in a process of its own
            self._one(options["workload"], size, runs, options["out"])
            return
        self._all(size, runs, url, options)

    def _one(self, name: str, size: Size, runs: int, out: str) -> None:
        from parindex.core.bench.load import peak_rss_mb

        figures = IN_PROCESS[name](size, runs)
        data = {"figures": [f.data() for f in figures], "peak_rss_mb": peak_rss_mb()}
        Path(out).write_text(json.dumps(data, ensure_ascii=False, default=str))

    def _all(self, size: Size, runs: int, url: str, options: dict[str, Any]) -> None:
        from parindex.core.bench.generator import counts_of

        wanted = {w.strip() for w in options["only"].split(",") if w.strip()}
        # A data set made before the last migrations of the code being measured.
        call_command("migrate", verbosity=0, interactive=False)
        counts = counts_of()
        if not counts["assessments"]:
            raise CommandError("no data: run gen_bench_data with the same --size first")
        self.stdout.write(
            f"Benchmark {size.name} on {connection.vendor}: "
            + ", ".join(f"{k} {v:,}" for k, v in counts.items())
        )
        figures: list[Figure] = []
        memory: list[Figure] = []
        for name in IN_PROCESS:
            if wanted and name not in wanted:
                continue
            self.stdout.write(f"  {name} …")
            with tempfile.TemporaryDirectory() as folder:
                out = Path(folder) / "out.json"
                argv = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "bench"]
                argv += ["--size", size.name, "--runs", str(runs), "--database-url", url]
                argv += ["--workload", name, "--out", str(out)]
                subprocess.run(argv, check=True, env=dict(os.environ))  # noqa: S603
                data = json.loads(out.read_text())
            for row in data["figures"]:
                row.pop("ratio", None)
                row.pop("passed", None)
                figures.append(Figure(**row))
            budget = MEMORY_MB if name in {"paper_import", "exports"} else None
            memory.append(
                Figure(
                    f"memory_{name}",
                    f"Peak memory of the process running «{name}»",
                    round(data["peak_rss_mb"], 1),
                    "MB",
                    budget,
                )
            )
        if not wanted or "web" in wanted:
            self.stdout.write("  web (gunicorn, 2 workers) …")
            web, peak = _web(size)
            figures += web
            memory.insert(
                0,
                Figure(
                    "memory_web",
                    "Peak memory of a web worker (pages, public form)",
                    round(peak, 1),
                    "MB",
                    MEMORY_MB,
                ),
            )
        figures += memory
        self._print(figures)
        result = {
            "size": size.name,
            "runs": runs,
            "date": timezone.localdate().isoformat(),
            "machine": machine(),
            "database": database(),
            "counts": counts,
            "command": f"manage.py bench --size {size.name} --runs {runs}",
            "figures": [f.data() for f in figures],
        }
        if options["json"]:
            Path(options["json"]).write_text(json.dumps(result, indent=2, ensure_ascii=False))
            self.stdout.write(f"Written to {options['json']}")
        missed = [f.key for f in figures if f.passed is False]
        if missed:
            self.stdout.write("Over budget: " + ", ".join(missed))

    def _print(self, figures: list[Figure]) -> None:
        header = f"{'workload':<62} {'median':>10} {'budget':>10} {'ratio':>6} {'rows':>10}  ok"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for f in figures:
            budget = "" if f.budget is None else ("= " if f.equal else "< ") + _n(f.budget)
            ratio = "" if f.ratio is None else f"{f.ratio:.2f}"
            ok = {True: "yes", False: "NO", None: ""}[f.passed]
            self.stdout.write(
                f"{f.title[:62]:<62} {_n(f.value) + ' ' + f.unit:>10} {budget:>10} "
                f"{ratio:>6} {f.rows:>10,}  {ok}"
            )


def _n(value: float) -> str:
    return f"{value:g}" if value >= 10 else f"{value:.3g}"


def _web(size: Size) -> tuple[list[Figure], float]:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.urls import reverse

    from parindex.accounts.models import User
    from parindex.core.bench import generator, load
    from parindex.surveys.models import Channel, Response

    def session(username: str) -> dict[str, str]:
        user = User.objects.get(username=username)
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return {settings.SESSION_COOKIE_NAME: str(store.session_key)}

    from parindex.assessments.models import Assessment, Cycle

    cycle = Cycle.objects.get(scope=generator.bench_province(), year=YEAR)
    assessment = Assessment.objects.get(cycle=cycle, unit=generator.first_commune())
    communes = Assessment.objects.filter(cycle=cycle).count()
    items = assessment.answers.count()
    campaign = generator.submission_campaign()
    link = campaign.links.filter(active=True).order_by("unit__code").first()
    if link is None:
        raise CommandError("the open campaign has no public link")
    spec = campaign.questionnaire.parsed()
    sections = [[q.code for q in s.questions] for s in spec.sections]
    ranking = reverse("scoring:dashboard", args=[cycle.pk])
    pages = [
        (
            "page_ranking",
            f"Ranking page of a {communes}-commune province",
            ranking,
            SECRETARY,
            communes,
        ),
        (
            "page_ranking_live",
            f"Ranking page, live figures ({communes} communes)",
            ranking + "?phien-ban=tam-tinh",
            SECRETARY,
            communes,
        ),
        (
            "page_assessment",
            f"A commune's assessment page ({items} items)",
            reverse("assessments:assessment", args=[assessment.pk]),
            OFFICER,
            items,
        ),
    ]
    env = runner.bench_env(os.environ["DATABASE_URL"])
    env["SECRET_KEY"] = os.environ["SECRET_KEY"]  # the sessions above are signed with it
    figures = []
    with load.Server(env, Path(settings.BASE_DIR)) as server:
        for key, title, path, who, rows in pages:
            sessions = [session(who) for _ in range(size.users)]
            status, _body, _h = load.request(server.port, "GET", path, cookies=dict(sessions[0]))
            if status != 200:
                raise CommandError(f"{path} answered {status}")
            result = load.pages(server.port, path, sessions, seconds=size.seconds)
            summary = result.summary()
            figures.append(
                Figure(
                    key,
                    f"{title}: p95, {size.users} users",
                    summary["p95_ms"],
                    "ms",
                    PAGE_P95_MS,
                    rows,
                    "rows",
                    [],
                    summary,
                )
            )
        before = Response.objects.filter(campaign=campaign, channel=Channel.ONLINE).count()
        result = load.submit_forms(
            server.port,
            link.token,
            sections,
            lambda rng: generator.form_answers(spec, rng, 0.85),
            forms=size.submissions,
            citizens=CITIZENS,
        )
        stored = Response.objects.filter(campaign=campaign, channel=Channel.ONLINE).count() - before
        peak = server.peak_rss_mb()
    summary = result.summary()
    summary["stored"] = stored
    lost = abs(stored - summary["forms_sent"]) + result.errors
    figures += [
        Figure(
            "submissions",
            f"Public form: errors and forms not stored ({size.submissions} sent)",
            lost,
            "",
            0,
            stored,
            "forms",
            [],
            summary,
            equal=True,
        ),
        Figure(
            "submissions_rate",
            f"Public form: forms a second, {CITIZENS} citizens at once",
            summary["forms_per_second"],
            "/s",
            None,
            summary["forms_sent"],
            "forms",
        ),
        Figure(
            "submissions_p95",
            "Public form: p95 of its page requests",
            summary["p95_ms"],
            "ms",
            None,
            summary["requests"],
            "requests",
        ),
    ]
    return figures, peak


SECRETARY = "bench.sothuky"
OFFICER = "bench.canbo"
CITIZENS = 6


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        memory_gb = round(int(memory) / 1024 / 1024)
    except OSError:
        memory_gb = 0
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": memory_gb,
        "python": platform.python_version(),
        "system": platform.platform(terse=True),
    }


def database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    return {"vendor": connection.vendor, "version": version}
