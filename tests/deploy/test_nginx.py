"""deploy/nginx/parindex.conf: consistent with the app and gunicorn, and accepted by `nginx -t`
(when nginx is installed; it is no dependency of the project)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.deploy.envfile import DEPLOY, ENV_EXAMPLE, read_env_file

CONF = DEPLOY / "nginx" / "parindex.conf"


def _directive(name: str) -> str:
    found = re.findall(rf"^\s*{name}\s+([^;]+);", CONF.read_text(), flags=re.MULTILINE)
    assert len(found) == 1, (name, found)
    return found[0].strip()


def test_upload_limit_above_the_apps() -> None:
    size = _directive("client_max_body_size")
    assert size.endswith("m")
    values = read_env_file(ENV_EXAMPLE)
    largest = max(int(values["EVIDENCE_MAX_MB"]), int(values["IMPORT_MAX_MB"]))
    assert largest == 20  # the settings' default too
    # The file plus the form around it must pass nginx, so that the app says what is wrong.
    assert int(size[:-1]) > largest


def test_proxy_matches_gunicorn() -> None:
    upstream = re.search(r"upstream parindex \{[^}]*server ([^ ;]+)", CONF.read_text())
    assert upstream is not None
    assert upstream.group(1) == read_env_file(ENV_EXAMPLE)["GUNICORN_BIND"]
    gunicorn_timeout = 120  # deploy/gunicorn.conf.py's default
    assert 'GUNICORN_TIMEOUT", 120' in (DEPLOY / "gunicorn.conf.py").read_text()
    assert int(_directive("proxy_read_timeout").rstrip("s")) > gunicorn_timeout
    text = CONF.read_text()
    for header in ("Host $host", "X-Real-IP $remote_addr", "X-Forwarded-Proto $scheme"):
        assert f"proxy_set_header {header};" in text
    # The documents are never served by nginx from the disk.
    assert not re.search(r"^\s*(alias|root)\s+\S*(evidence|media)", text, flags=re.MULTILINE)


def _self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "parindex.example.gov.vn")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "fullchain.pem", folder / "privkey.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_nginx_accepts_the_configuration(tmp_path: Path) -> None:
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if nginx is None:
        pytest.skip("nginx is not installed here (apt-get install nginx to run this check)")
    cert, key = _self_signed(tmp_path)
    # The file as shipped, with the certificate and the log files moved into the test's folder.
    site = (
        CONF.read_text()
        .replace("/etc/ssl/parindex/fullchain.pem", str(cert))
        .replace("/etc/ssl/parindex/privkey.pem", str(key))
        .replace("/var/log/nginx/", f"{tmp_path}/")
    )
    (tmp_path / "parindex.conf").write_text(site)
    temp = "\n".join(
        f"    {kind}_temp_path {tmp_path}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\n"
        f"error_log {tmp_path}/error.log;\n"
        "events {}\n"
        "http {\n"
        f"    access_log {tmp_path}/access.log;\n"
        f"{temp}\n"
        f"    include {tmp_path}/parindex.conf;\n"
        "}\n"
    )
    result = subprocess.run(  # noqa: S603 - the system's nginx, checking only
        [
            nginx,
            "-t",
            "-p",
            str(tmp_path),
            "-e",
            str(tmp_path / "error.log"),
            "-c",
            str(tmp_path / "nginx.conf"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr
    assert "test is successful" in result.stderr
