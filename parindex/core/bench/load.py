"""The concurrent HTTP driver and the server it drives (standard library only).

- `Server`: gunicorn serving `config.wsgi` with 2 worker processes on 127.0.0.1 (a free port),
  in the benchmark's environment; `peak_rss_mb()` reads each worker's peak resident memory
  (VmHWM in /proc/<pid>/status).
- `pages(...)`: N simulated users, each with its own session, request a page, wait a think time
  (0,5–1,5 s, as a person reading it), and again, for a fixed time; latencies of every request.
- `submit_forms(...)`: citizens filling the public survey form page by page, back to back (no
  think time: the sustained throughput), every request timed.
"""

from __future__ import annotations

import http.client
import math
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

THINK = (0.5, 1.5)  # seconds a user reads a page before the next one


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """gunicorn on 127.0.0.1 with `workers` sync workers, stopped on exit."""

    def __init__(self, env: Mapping[str, str], base_dir: Path, workers: int = 2) -> None:
        self.port = free_port()
        self.workers = workers
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            cwd=base_dir,
            env=dict(env),
            stdout=subprocess.DEVNULL,
        )

    def __enter__(self) -> Server:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the web server stopped at start")
            try:
                status, _body, _h = request(self.port, "GET", "/dang-nhap/")
                if status < 500 and len(self.worker_pids()) >= self.workers:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("the web server did not start")

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def worker_pids(self) -> list[int]:
        pid = self.process.pid
        try:
            text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
            return [int(p) for p in text.split()]
        except OSError:
            return []

    def peak_rss_mb(self) -> float:
        """The largest peak resident memory of the workers, in MB (10^6 bytes)."""
        peaks = [peak_rss_mb(pid) for pid in self.worker_pids()]
        return max(peaks, default=0.0)


def peak_rss_mb(pid: int | str = "self") -> float:
    """A process's peak resident memory (VmHWM), in MB (10^6 bytes); 0 if unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / 1e6
    except OSError:
        pass
    return 0.0


def request(
    port: int,
    method: str,
    path: str,
    *,
    cookies: dict[str, str] | None = None,
    form: Mapping[str, str] | None = None,
    timeout: float = 60,
) -> tuple[int, bytes, list[tuple[str, str]]]:
    """One request on a new connection (gunicorn's sync workers close each one); cookies set by
    the response are stored in `cookies`."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Host": "127.0.0.1", "Accept-Language": "vi"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        found = response.getheaders()
    finally:
        connection.close()
    if cookies is not None:
        for name, value in found:
            if name.lower() == "set-cookie":
                key, _sep, rest = value.partition("=")
                cookies[key.strip()] = rest.split(";", 1)[0]
    return response.status, data, found


def percentile(values: Sequence[float], share: float) -> float:
    """The `share` (0.95) percentile, nearest rank."""
    if not values:
        return 0.0
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1))
    return ordered[index]


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)  # seconds
    errors: int = 0
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        return len(self.latencies)

    def summary(self) -> dict[str, Any]:
        ms = [v * 1000 for v in self.latencies]
        return {
            "requests": self.requests,
            "errors": self.errors,
            "seconds": round(self.seconds, 2),
            "per_second": round(self.requests / self.seconds, 1) if self.seconds else 0,
            "median_ms": round(statistics.median(ms), 1) if ms else 0,
            "p95_ms": round(percentile(ms, 0.95), 1),
            "max_ms": round(max(ms), 1) if ms else 0,
            **self.extra,
        }


def pages(
    port: int,
    path: str,
    sessions: Sequence[dict[str, str]],
    *,
    seconds: float,
    seed: int = 1,
    warmup: int = 4,
) -> LoadResult:
    """Every session a user requesting `path` with a think time between requests, all at once,
    for `seconds`; a response other than 200 is an error."""
    # Each worker imports, compiles its templates and opens its connection: requests at once,
    # so that every worker gets some.
    warm = [
        threading.Thread(target=request, args=(port, "GET", path), kwargs={"cookies": dict(s)})
        for s in list(sessions[:2]) * warmup
    ]
    for thread in warm:
        thread.start()
    for thread in warm:
        thread.join()
    result = LoadResult()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def user(index: int) -> None:
        rng = random.Random(seed * 1000 + index)  # noqa: S311 - think times, not secrets
        cookies = dict(sessions[index])
        time.sleep(rng.uniform(0, THINK[1]))  # users do not all arrive at the same instant
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                status, _body, _h = request(port, "GET", path, cookies=cookies)
            except OSError:
                status = 0
            took = time.perf_counter() - started
            with lock:
                result.latencies.append(took)
                result.errors += status != 200
            time.sleep(rng.uniform(*THINK))

    started = time.perf_counter()
    threads = [threading.Thread(target=user, args=(i,)) for i in range(len(sessions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    result.extra["users"] = len(sessions)
    return result


CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def submit_forms(
    port: int,
    token: str,
    sections: Sequence[Sequence[str]],
    make_answers: Callable[[random.Random], dict[str, str]],
    *,
    forms: int,
    citizens: int,
    seed: int = 1,
) -> LoadResult:
    """`citizens` people filling `forms` public forms in all, page by page, as a browser does:
    the start page, then each section's page read and sent (a redirect to the next), then the
    thank-you page. An unexpected status or redirect is an error; `extra["sent"]` counts the
    forms whose last page was accepted."""
    base = f"/khao-sat/p/{token}/"
    result = LoadResult()
    lock = threading.Lock()
    left = [forms]
    sent = [0]
    stored_latency: list[float] = []

    def timed(method: str, path: str, cookies: dict[str, str], form: Any = None) -> Any:
        started = time.perf_counter()
        try:
            out = request(port, method, path, cookies=cookies, form=form)
        except OSError:
            out = (0, b"", [])
        with lock:
            result.latencies.append(time.perf_counter() - started)
        return out, time.perf_counter() - started

    def citizen(index: int) -> None:
        rng = random.Random(seed * 1000 + index)  # noqa: S311 - answers, not secrets
        while True:
            with lock:
                if left[0] <= 0:
                    return
                left[0] -= 1
            cookies: dict[str, str] = {}
            answers = make_answers(rng)
            ok = timed("GET", base, cookies)[0][0] == 200
            for number, codes in enumerate(sections, start=1):
                if not ok:
                    break
                (status, body, _h), _t = timed("GET", f"{base}{number}/", cookies)
                match = CSRF.search(body)
                if status != 200 or match is None:
                    ok = False
                    break
                form = {"csrfmiddlewaretoken": match.group(1).decode(), "website": ""}
                form.update({code: answers.get(code, "") for code in codes})
                (status, _body, headers), took = timed("POST", f"{base}{number}/", cookies, form)
                location = {k.lower(): v for k, v in headers}.get("location", "")
                last = number == len(sections)
                expected = f"{base}cam-on/" if last else f"{base}{number + 1}/"
                ok = status == 302 and location.endswith(expected)
                if last and ok:
                    with lock:
                        stored_latency.append(took)
            if ok:
                ok = timed("GET", f"{base}cam-on/", cookies)[0][0] == 200
            with lock:
                if ok:
                    sent[0] += 1
                else:
                    result.errors += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=citizen, args=(i,)) for i in range(citizens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    result.extra.update(
        {
            "citizens": citizens,
            "forms_sent": sent[0],
            "forms_per_second": round(sent[0] / result.seconds, 2) if result.seconds else 0,
            "last_page_p95_ms": round(percentile([v * 1000 for v in stored_latency], 0.95), 1),
        }
    )
    return result


def cpu_count() -> int:
    return os.cpu_count() or 1
