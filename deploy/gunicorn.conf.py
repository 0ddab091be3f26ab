"""Gunicorn for ParIndex: `gunicorn -c deploy/gunicorn.conf.py` (see docs/deploy.md).

Every value can be changed from the environment (the systemd unit reads /etc/parindex/env):
GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_THREADS, GUNICORN_TIMEOUT, GUNICORN_MAX_REQUESTS,
GUNICORN_ACCESS_LOG, GUNICORN_LOG_LEVEL, GUNICORN_CONTROL_SOCKET, FORWARDED_ALLOW_IPS.

Behind a reverse proxy every request comes from the proxy's address. The app keys two limits on
the client's address (failed logins per username and address; public survey forms per address an
hour), so each worker takes the client's address from X-Real-IP (or the last X-Forwarded-For
entry) when, and only when, the request comes from a trusted proxy (FORWARDED_ALLOW_IPS).
"""

from __future__ import annotations

import ipaddress
import multiprocessing
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, "") or default)


wsgi_app = "config.wsgi:application"
chdir = str(ROOT)
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")

# Workers: processes (CPU-bound work such as Word and Excel exports runs in the task worker, not
# here). 2 × cores + 1 is gunicorn's rule; each worker holds one database connection (CONN_MAX_AGE)
# per thread, so workers × threads × app servers must stay below PostgreSQL's max_connections.
workers = _int("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1)
threads = _int("GUNICORN_THREADS", 1)  # more than 1: the gthread worker
timeout = _int("GUNICORN_TIMEOUT", 120)  # an upload checked by OCR may take a while
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (memory held by big imports is given back).
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max_requests // 10

# Logs to stdout/stderr: journald keeps them (`journalctl -u parindex-web`).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# The control socket of `gunicornc` (worker status, adding workers): off unless a path is given;
# the systemd unit puts it in /run/parindex/.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
control_socket_mode = 0o600

# The proxies whose X-Forwarded-Proto (and client address, below) are believed: nginx on this
# machine by default; the load balancer's address or network when it talks to gunicorn directly.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


def _networks(value: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network] | None:
    """The trusted networks; None for "*" (any peer: only when nothing else can reach gunicorn)."""
    items = [item.strip() for item in value.split(",") if item.strip()]
    if "*" in items:
        return None
    return [ipaddress.ip_network(item, strict=False) for item in items]


def _trusted(peer: str, networks: Iterable[Any] | None) -> bool:
    if networks is None:
        return True
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return peer == ""  # a Unix socket: only the proxy can write to it
    return any(address in network for network in networks)


def client_address(environ: dict[str, Any], networks: Iterable[Any] | None) -> str | None:
    """The client's address as the trusted proxy saw it, or None to keep REMOTE_ADDR."""
    if not _trusted(environ.get("REMOTE_ADDR", ""), networks):
        return None
    candidate = environ.get("HTTP_X_REAL_IP", "").strip()
    if not candidate:
        forwarded = [p.strip() for p in environ.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        candidate = forwarded[-1] if forwarded else ""
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def real_client_address(
    app: Callable[..., Any], networks: Iterable[Any] | None
) -> Callable[..., Any]:
    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        address = client_address(environ, networks)
        if address is not None:
            environ["REMOTE_ADDR"] = address  # the same dict the access log reads
        return app(environ, start_response)

    return wrapped


def post_worker_init(worker: Any) -> None:
    worker.wsgi = real_client_address(worker.wsgi, _networks(forwarded_allow_ips))
