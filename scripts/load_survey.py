"""Load test of the public survey form: N concurrent citizens for a bounded time, nothing lost.

    .venv/bin/python scripts/load_survey.py --clients 100 --seconds 60 [--database-url URL]

Builds a throw-away instance (its own database: a SQLite file in a temporary folder, or, when
`--database-url` (or DATABASE_URL) names a PostgreSQL server, a new database created on it and
dropped afterwards; migrations applied), opens a SIPAS campaign with one commune's public link,
serves the application with gunicorn (2 workers, a free port on 127.0.0.1) and runs N client
threads until the time is up. Each client fills whole forms as a browser would: it reads the first
page (CSRF cookie and token), sends the six pages, and reads the thank-you page. Each form carries
a unique marker in its free-text answer, so the forms the server confirmed can be matched one by
one with the rows stored: the run fails when a confirmed form is missing, when a form is stored
twice, when anything is stored that was not confirmed, or when any answer is a 5xx.

The per-address limit of the form (`SURVEY_FORMS_PER_ADDRESS_PER_HOUR`) is raised for the run:
every client comes from 127.0.0.1.

Prints the figures (forms and requests per second, latency percentiles) and exits non-zero when
anything was lost, duplicated or failed. tests/reliability/test_load.py runs a short form of it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RESULT = "RESULT:"

# --- a throw-away instance -----------------------------------------------------------------------


def _is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://", "pgsql://"))


def _admin_connect(url: str) -> Any:
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        urlunsplit(parts._replace(path="/postgres")), autocommit=True, connect_timeout=10
    )


@dataclass
class Instance:
    """A ParIndex of its own: database, media and evidence folders, settings in the environment."""

    root: Path
    database_url: str

    @classmethod
    def create(cls, root: Path, server_url: str | None = None, *, label: str = "x") -> Instance:
        """A new, empty database: a SQLite file under `root`, or a new database on the
        PostgreSQL server `server_url` names."""
        root.mkdir(parents=True, exist_ok=True)
        if server_url and _is_postgres(server_url):
            base = urlsplit(server_url).path.lstrip("/") or "parindex"
            name = f"{base[:30]}_{label[:10]}_{os.getpid()}_{secrets.token_hex(3)}"
            with _admin_connect(server_url) as admin:
                admin.execute(f'CREATE DATABASE "{name}"')
            url = urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))
        else:
            url = f"sqlite:///{root / 'db.sqlite3'}"
        return cls(root, url)

    @property
    def engine(self) -> str:
        return "postgresql" if _is_postgres(self.database_url) else "sqlite"

    @property
    def media_root(self) -> Path:
        return self.root / "media"

    @property
    def evidence_root(self) -> Path:
        return self.root / "evidence"

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings.base",
            DEBUG="false",
            SECRET_KEY="throw-away-instance-key-0123456789abcdefghijklmnopqrstuvwxyz",  # noqa: S106
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SECURE_SSL_REDIRECT="false",
            DATABASE_URL=self.database_url,
            MEDIA_ROOT=str(self.media_root),
            EVIDENCE_ROOT=str(self.evidence_root),
            STATIC_ROOT=str(self.root / "static"),
            STATICFILES_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage",
            TASKS_BACKEND="django_tasks_db.DatabaseBackend",
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            LOG_LEVEL="WARNING",
            PYTHONPATH=str(ROOT),
        )
        env.update(extra)
        return env

    def manage(
        self, *args: str, check: bool = True, timeout: float = 600, **env: str
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            [PYTHON, str(ROOT / "manage.py"), *args],
            cwd=ROOT,
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and done.returncode != 0:
            raise RuntimeError(
                f"manage.py {' '.join(args)} failed ({done.returncode}):\n"
                f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
            )
        return done

    def run_python(self, code: str, **env: str) -> Any:
        """Run `code` inside the instance (Django set up); it prints RESULT:<json> once."""
        out = self.manage("shell", "-c", code, **env).stdout
        for line in out.splitlines():
            if line.startswith(RESULT):
                return json.loads(line[len(RESULT) :])
        raise RuntimeError(f"no result in:\n{out[-3000:]}")

    def migrate(self) -> None:
        self.manage("migrate", "--no-input", "-v", "0")

    def drop(self) -> None:
        if self.engine == "postgresql":
            name = urlsplit(self.database_url).path.lstrip("/")
            with _admin_connect(self.database_url) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(self.root, ignore_errors=True)

    def serve(self, *, workers: int = 2, **env: str) -> Server:
        return Server(self, workers, env)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """gunicorn serving the instance on a free port of 127.0.0.1 (a context manager)."""

    def __init__(self, instance: Instance, workers: int, env: dict[str, str]) -> None:
        self.instance, self.workers, self.extra = instance, workers, env
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.log = instance.root / "gunicorn.log"

    def __enter__(self) -> Server:
        self.port = free_port()
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and gunicorn
                [
                    PYTHON,
                    "-m",
                    "gunicorn",
                    "config.wsgi:application",
                    "--workers",
                    str(self.workers),
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--backlog",
                    "2048",
                    "--timeout",
                    "120",
                    "--graceful-timeout",
                    "10",
                ],
                cwd=ROOT,
                env=self.instance.env(**self.extra),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped:\n{self.log.read_text()[-3000:]}")
            try:
                status, _h, _b = request(self.port, "GET", "/tai-khoan/dang-nhap/", timeout=5)
                if status < 500:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("gunicorn did not answer within 60 s")

    def __exit__(self, *_exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def request(
    port: int,
    method: str,
    path: str,
    *,
    body: dict[str, str] | None = None,
    cookies: dict[str, str] | None = None,
    timeout: float = 60,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """One HTTP request on a new connection; cookies set by the answer are added to `cookies`."""
    from urllib.parse import urlencode

    sent = {"Host": f"127.0.0.1:{port}", "Accept-Language": "vi", **(headers or {})}
    data = None
    if body is not None:
        data = urlencode(body).encode()
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    if cookies:
        sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=data, headers=sent)
        answer = connection.getresponse()
        content = answer.read()
        if cookies is not None:
            for header in answer.headers.get_all("Set-Cookie") or []:
                jar: SimpleCookie = SimpleCookie()
                jar.load(header)
                for name, morsel in jar.items():
                    cookies[name] = morsel.value
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, content
    finally:
        connection.close()


# --- the campaign and what was stored ------------------------------------------------------------

SETUP = """
import datetime as dt, json
from django.utils import timezone
from parindex.orgunits.actions import create_unit
from parindex.orgunits.models import Kind
from parindex.surveys import actions
from parindex.surveys.yaml_io import shipped
day = dt.date(2025, 7, 1)
province = create_unit(by=None, code="91", name="Tỉnh Thử Nghiệm", kind=Kind.TINH, parent=None,
                       valid_from=day, valid_to=None)
commune = create_unit(by=None, code="91001", name="Xã An Bình", kind=Kind.XA, parent=province,
                      valid_from=day, valid_to=None)
today = timezone.localdate()
campaign = actions.open_campaign(
    by=None, questionnaire=actions.install_questionnaire(shipped("sipas-2024.yaml")),
    scope=province, year=today.year, name="SIPAS", opens_on=today - dt.timedelta(days=5),
    closes_on=today + dt.timedelta(days=5))
link = next(l for l in actions.public_links(campaign) if l.unit == commune)
print("RESULT:" + json.dumps({"token": link.token}))
"""

STORED = """
import json
from parindex.surveys.models import Response, ResponseAnswer
markers = list(ResponseAnswer.objects.filter(question="PA2").values_list("value", flat=True))
print("RESULT:" + json.dumps({"forms": Response.objects.count(),
      "answers": ResponseAnswer.objects.count(), "markers": markers}))
"""

# One form of the shipped SIPAS questionnaire, page by page; PA2 (free text) carries the marker.
PAGES: tuple[dict[str, str], ...] = (
    {"TC1": "1", "TC2": "5", "TC3": "4"},
    {"TT1": "1", "TT2": "4", "TT3": "4"},
    {"CC1": "5", "CC2": "3"},
    {"KQ1": "1", "KQ2": "4"},
    {"PA1": "4", "PA2": ""},
    {"GT": "nu", "TUOI": "25_40", "LV": "ho_tich", "KENH": "truc_tiep"},
)
ANSWERS_PER_FORM = sum(len(page) for page in PAGES)
ERROR_LINE = re.compile(r"^[\w.]+(?:Error|Exception): .*$", re.MULTILINE)
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Tally:
    confirmed: list[str] = field(default_factory=list)  # markers of the forms the server confirmed
    latencies: list[float] = field(default_factory=list)  # seconds, every request
    final_latencies: list[float] = field(default_factory=list)  # the last page's POST
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _timed(tally: Tally, port: int, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
    start = time.perf_counter()
    status, headers, body = request(port, method, path, **kwargs)
    spent = time.perf_counter() - start
    with tally.lock:
        tally.latencies.append(spent)
        tally.statuses[status] += 1
    return status, (headers, body, spent)


def fill_one(port: int, token: str, marker: str, tally: Tally) -> None:
    """One citizen's whole form; the marker goes to `tally.confirmed` once the server confirms."""
    cookies: dict[str, str] = {}
    base = f"/khao-sat/p/{token}"
    status, (_h, body, _s) = _timed(tally, port, "GET", f"{base}/1/", cookies=cookies)
    found = CSRF.search(body)
    if status != 200 or found is None:
        raise RuntimeError(f"first page: {status}")
    csrf = found.group(1).decode()
    for number, page in enumerate(PAGES, start=1):
        data = dict(page, csrfmiddlewaretoken=csrf)
        if "PA2" in data:
            data["PA2"] = marker
        status, (headers, _b, spent) = _timed(
            tally, port, "POST", f"{base}/{number}/", body=data, cookies=cookies
        )
        expected = f"{base}/{number + 1}/" if number < len(PAGES) else f"{base}/cam-on/"
        if status != 302 or headers.get("location") != expected:
            raise RuntimeError(f"page {number}: {status} {headers.get('location', '')}")
    with tally.lock:
        tally.confirmed.append(marker)
        tally.final_latencies.append(spent)
    status, _rest = _timed(tally, port, "GET", f"{base}/cam-on/", cookies=cookies)
    if status != 200:
        raise RuntimeError(f"thank-you page: {status}")


def _client(port: int, token: str, number: int, deadline: float, tally: Tally) -> None:
    form = 0
    while time.monotonic() < deadline:
        form += 1
        marker = f"load-{number}-{form}"
        try:
            fill_one(port, token, marker, tally)
        except (OSError, http.client.HTTPException, RuntimeError) as exc:
            with tally.lock:
                tally.failures.append(f"{marker}: {exc}")


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run(
    *, clients: int, seconds: float, database_url: str | None = None, workers: int = 2
) -> dict[str, Any]:
    """The whole load test; returns its figures and checks (nothing printed)."""
    root = Path(tempfile.mkdtemp(prefix="parindex-load-"))
    instance = Instance.create(root, database_url, label="load")
    try:
        instance.migrate()
        token = instance.run_python(SETUP)["token"]
        tally = Tally()
        throttle = {"SURVEY_FORMS_PER_ADDRESS_PER_HOUR": "1000000000"}
        with instance.serve(workers=workers, **throttle) as server:
            port = server.port
            started = time.monotonic()
            deadline = started + seconds
            threads = [
                threading.Thread(target=_client, args=(port, token, n, deadline, tally))
                for n in range(1, clients + 1)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
        stored = instance.run_python(STORED)
        log = (root / "gunicorn.log").read_text(errors="replace")
    finally:
        instance.drop()
    markers = Counter(m for m in stored["markers"] if m.startswith("load-"))
    confirmed = Counter(tally.confirmed)
    lost = sorted(set(confirmed) - set(markers))
    duplicated = sorted(m for m, n in markers.items() if n > 1)
    unconfirmed = sorted(set(markers) - set(confirmed))
    server_errors = sum(n for status, n in tally.statuses.items() if status >= 500)
    return {
        "engine": instance.engine,
        "clients": clients,
        "seconds": round(elapsed, 1),
        "forms_confirmed": len(tally.confirmed),
        "forms_stored": stored["forms"],
        "answers_stored": stored["answers"],
        "answers_expected": len(tally.confirmed) * ANSWERS_PER_FORM,
        "lost": lost,
        "duplicated": duplicated,
        "unconfirmed": unconfirmed,
        "server_errors": server_errors,
        "failures": tally.failures[:20],
        "failure_count": len(tally.failures),
        "statuses": dict(sorted(tally.statuses.items())),
        "requests": len(tally.latencies),
        "requests_per_second": round(len(tally.latencies) / elapsed, 1),
        "forms_per_second": round(len(tally.confirmed) / elapsed, 2),
        "latency_ms": {
            "p50": round(percentile(tally.latencies, 0.50) * 1000),
            "p95": round(percentile(tally.latencies, 0.95) * 1000),
            "max": round(max(tally.latencies, default=0) * 1000),
        },
        "last_page_ms": {
            "p50": round(percentile(tally.final_latencies, 0.50) * 1000),
            "p95": round(percentile(tally.final_latencies, 0.95) * 1000),
        },
        "server_log_errors": sorted(set(ERROR_LINE.findall(log)))[:10],
    }


def passed(result: dict[str, Any]) -> bool:
    return (
        result["forms_confirmed"] > 0
        and not result["lost"]
        and not result["duplicated"]
        and not result["unconfirmed"]
        and result["server_errors"] == 0
        and result["failure_count"] == 0
        and result["forms_stored"] == result["forms_confirmed"]
        and result["answers_stored"] == result["answers_expected"]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL"),
        help="a PostgreSQL server to create the throw-away database on (default: SQLite)",
    )
    options = parser.parse_args()
    result = run(
        clients=options.clients,
        seconds=options.seconds,
        database_url=options.database_url,
        workers=options.workers,
    )
    print(json.dumps(result, indent=2, ensure_ascii=False))
    ok = passed(result)
    print("PASSED: nothing lost, nothing duplicated, no 5xx" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
