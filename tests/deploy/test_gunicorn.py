"""gunicorn starts with deploy/gunicorn.conf.py and env.example's settings (on a SQLite database
made for the test and a free port), serves /healthz, the login page and the static files, and
takes the client's address from the trusted proxy's X-Real-IP, never from anyone else's."""

from __future__ import annotations

import http.client
import importlib.util
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

from tests.deploy.envfile import BIN, DEPLOY, ROOT, manage, production_env

HOST = "parindex.example.gov.vn"


@dataclass
class Server:
    port: int
    log: Path

    def get(self, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", path, headers={"Host": HOST} | headers)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("gunicorn")
    env = production_env(
        DATABASE_URL=f"sqlite:///{tmp / 'parindex.sqlite3'}",
        STATIC_ROOT=str(tmp / "static"),
        EVIDENCE_ROOT=str(tmp / "evidence"),
        # The manifest storage's collectstatic takes a minute: the plain one here.
        STATICFILES_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage",
        GUNICORN_WORKERS="2",
    )
    for command in (
        ["migrate", "--no-input"],
        ["createcachetable"],
        ["collectstatic", "--no-input"],
    ):
        result = manage(*command, "-v", "0", env=env, timeout=300)
        assert result.returncode == 0, result.stderr
    port = _free_port()
    log = tmp / "gunicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own server
            [str(BIN / "gunicorn"), "--config", str(DEPLOY / "gunicorn.conf.py")],
            cwd=ROOT,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        served = Server(port, log)
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if served.get("/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
        yield served
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _logged_address(server: Server, marker: str) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for line in server.log.read_text(errors="replace").splitlines():
            if marker in line and line.split(" ", 1)[0][0].isdigit():
                return line.split(" ", 1)[0]
        time.sleep(0.2)
    raise AssertionError(server.log.read_text())


# One test for one server: pytest-xdist would start a module fixture once per worker.
def test_gunicorn_serves_with_the_shipped_configuration(server: Server) -> None:
    # A load balancer's check goes straight to the app server, without TLS: not redirected.
    status, headers, body = server.get("/healthz")
    assert status == 200, body
    assert headers["Content-Type"] == "application/json"
    assert body == b'{"status": "ok", "database": "ok"}'

    # Pages need https, as the proxy says it with X-Forwarded-Proto.
    status, headers, _ = server.get("/dang-nhap/")
    assert status == 301
    assert headers["Location"] == f"https://{HOST}/dang-nhap/"
    https = {"X-Forwarded-Proto": "https"}
    status, headers, body = server.get("/dang-nhap/", **https)
    assert status == 200
    assert "<title>Đăng nhập · ParIndex" in body.decode()
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "secure" in headers["Set-Cookie"].lower()  # the CSRF cookie

    # Static files by WhiteNoise, through gunicorn.
    status, headers, body = server.get("/static/css/parindex.css", **https)
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert len(body) > 1000

    # A host not in ALLOWED_HOSTS is refused.
    assert server.get("/dang-nhap/", Host="evil.example", **https)[0] == 400

    # nginx on this machine (127.0.0.1, trusted by FORWARDED_ALLOW_IPS) says who the client is:
    # the access log, the failed-login limit and the survey limit see that address.
    server.get("/healthz?real-ip", **{"X-Real-IP": "203.0.113.7"})
    assert _logged_address(server, "/healthz?real-ip ") == "203.0.113.7"
    server.get("/healthz?forwarded", **{"X-Forwarded-For": "198.51.100.1, 192.0.2.44"})
    assert _logged_address(server, "/healthz?forwarded ") == "192.0.2.44"
    server.get("/healthz?garbage", **{"X-Real-IP": "not-an-address"})
    assert _logged_address(server, "/healthz?garbage ") == "127.0.0.1"


def _config() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gunicorn_conf", DEPLOY / "gunicorn.conf.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    writes, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # no deploy/__pycache__
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = writes
    return module


def test_client_address_only_from_trusted_proxies() -> None:
    config = _config()
    trusted = config._networks("127.0.0.1,::1,10.0.0.0/8")
    said = {"HTTP_X_REAL_IP": "203.0.113.7"}
    assert config.client_address({"REMOTE_ADDR": "10.1.2.3", **said}, trusted) == "203.0.113.7"
    assert config.client_address({"REMOTE_ADDR": "::1", **said}, trusted) == "203.0.113.7"
    # Anyone else who says so is not believed.
    assert config.client_address({"REMOTE_ADDR": "198.51.100.9", **said}, trusted) is None
    assert config.client_address({"REMOTE_ADDR": "198.51.100.9"}, trusted) is None
    # "*": every peer (only where nothing but the proxy can reach gunicorn).
    assert config.client_address({"REMOTE_ADDR": "198.51.100.9", **said}, None) == "203.0.113.7"
    assert config._networks("*") is None
