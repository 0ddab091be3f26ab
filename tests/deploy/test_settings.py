"""The production settings, as deploy/env.example gives them: they load, pass the deployment
checks, name every setting, and switch documents to S3-compatible storage when a bucket is named."""

from __future__ import annotations

import json
import os
import pwd
import re
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.envfile import (
    ENV_EXAMPLE,
    PYTHON,
    ROOT,
    commented_keys,
    manage,
    production_env,
    read_env_file,
    run,
)

SHOW = """
import json, django
django.setup()
from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import storages
from parindex.assessments.models import Document
evidence = storages["evidence"]
field_storage = Document._meta.get_field("file").storage
print(json.dumps({
    "debug": settings.DEBUG,
    "hosts": settings.ALLOWED_HOSTS,
    "engine": settings.DATABASES["default"]["ENGINE"],
    "proxy_ssl": settings.SECURE_PROXY_SSL_HEADER,
    "cache": type(caches["default"]).__name__,
    "cache_table": settings.CACHES["default"]["LOCATION"],
    "evidence": type(evidence).__module__ + "." + type(evidence).__name__,
    "document_storage": type(field_storage).__name__,
    "default": settings.STORAGES["default"]["BACKEND"],
    "static": settings.STORAGES["staticfiles"]["BACKEND"],
    "evidence_options": {
        k: getattr(evidence, k, None)
        for k in ("bucket_name", "endpoint_url", "region_name", "location", "default_acl",
                  "querystring_auth", "querystring_expire", "file_overwrite", "access_key",
                  "addressing_style", "base_location")
    },
    "default_location": getattr(storages["default"], "location", None),
    "signed_url": evidence.url("7/0123abcd") if hasattr(evidence, "bucket_name") else "",
}))
"""

S3 = {
    "AWS_STORAGE_BUCKET_NAME": "parindex-tai-lieu",
    "AWS_S3_ENDPOINT_URL": "https://s3.example-cloud.vn",
    "AWS_S3_REGION_NAME": "hn-1",
    "AWS_S3_ADDRESSING_STYLE": "path",
    "AWS_S3_ACCESS_KEY_ID": "EXAMPLEKEYID",
    "AWS_S3_SECRET_ACCESS_KEY": "example-secret-not-real",
    "AWS_EC2_METADATA_DISABLED": "true",  # never ask the network for keys
}


def _show(env: dict[str, str]) -> dict[str, Any]:
    result = run([PYTHON, "-c", SHOW], env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_env_example_holds_no_real_secret() -> None:
    values = read_env_file(ENV_EXAMPLE)
    assert values["SECRET_KEY"].startswith("change-me")
    assert "change-me" in values["DATABASE_URL"]
    assert values["EMAIL_HOST_PASSWORD"] == "change-me"
    assert values["DEBUG"] == "false"


def test_env_example_names_every_setting() -> None:
    """Every environment variable the settings read is in env.example, set or shown commented."""
    source = (ROOT / "config" / "settings" / "base.py").read_text(encoding="utf-8")
    read = set(
        re.findall(
            r"""(?:environ\.get|environ\[|env_bool|env_list)\(?\s*["']([A-Z0-9_]+)""", source
        )
    )
    assert {"SECRET_KEY", "DATABASE_URL", "CACHE_BACKEND", "AWS_STORAGE_BUCKET_NAME"} <= read
    listed = set(read_env_file(ENV_EXAMPLE)) | commented_keys(ENV_EXAMPLE)
    # One bucket variable is enough: PARINDEX_S3_BUCKET is another name for the same thing.
    missing = read - listed - {"PARINDEX_S3_BUCKET"}
    assert not missing, f"add to deploy/env.example: {sorted(missing)}"


def test_production_settings_load_from_env_example() -> None:
    shown = _show(production_env())
    assert shown["debug"] is False
    assert shown["hosts"] == ["parindex.example.gov.vn"]
    assert shown["engine"] == "django.db.backends.postgresql"
    assert shown["proxy_ssl"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    # A cache shared by every worker and server: the database's.
    assert shown["cache"] == "DatabaseCache"
    assert shown["cache_table"] == "parindex_cache"
    # No bucket: documents on this machine's disk, outside the web root; static by WhiteNoise.
    assert shown["evidence"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert shown["evidence_options"]["base_location"] == "/srv/parindex/var/evidence"
    assert shown["default"] == "django.core.files.storage.FileSystemStorage"
    assert shown["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_the_cache_is_memory_when_not_configured() -> None:
    env = production_env()
    del env["CACHE_BACKEND"], env["CACHE_LOCATION"]
    assert _show(env)["cache"] == "LocMemCache"


def test_check_deploy_with_env_example() -> None:
    result = manage("check", "--deploy", env=production_env())
    # What it says is printed with the test's output (-rA): no error at least.
    print(result.stdout, result.stderr)  # noqa: T201
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified" in result.stdout + result.stderr


def test_a_bucket_sends_documents_to_private_s3_storage() -> None:
    """No network: the storage is built and signs an address locally."""
    shown = _show(production_env(**S3))
    assert shown["evidence"] == "storages.backends.s3.S3Storage"
    assert shown["document_storage"] == "S3Storage"  # the Document model's field follows
    assert shown["evidence_options"] == {
        "bucket_name": "parindex-tai-lieu",
        "endpoint_url": "https://s3.example-cloud.vn",
        "region_name": "hn-1",
        "location": "evidence",
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": 300,
        "file_overwrite": False,
        "access_key": "EXAMPLEKEYID",
        "addressing_style": "path",
        "base_location": None,
    }
    assert shown["default"] == "storages.backends.s3.S3Storage"
    assert shown["default_location"] == "media"
    url = str(shown["signed_url"])
    # Path style at the provider's endpoint, signed, short-lived: never a public address.
    assert url.startswith("https://s3.example-cloud.vn/parindex-tai-lieu/evidence/7/0123abcd?")
    assert "X-Amz-Signature=" in url
    assert "X-Amz-Expires=300" in url
    # Static files stay with WhiteNoise.
    assert shown["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_the_other_bucket_name_and_a_prefix() -> None:
    others = {k: v for k, v in S3.items() if k != "AWS_STORAGE_BUCKET_NAME"}
    env = production_env(**others, PARINDEX_S3_BUCKET="tinh-x", AWS_LOCATION="parindex")
    shown = _show(env)
    assert shown["evidence_options"]["bucket_name"] == "tinh-x"
    assert shown["evidence_options"]["location"] == "parindex/evidence"
    assert shown["default_location"] == "parindex/media"


def test_s3_storage_without_a_bucket_is_refused() -> None:
    env = production_env(EVIDENCE_STORAGE="storages.backends.s3.S3Storage")
    result = run([PYTHON, "-c", SHOW], env=env)
    assert result.returncode != 0
    assert "AWS_STORAGE_BUCKET_NAME" in result.stderr


def test_manage_script_reads_the_env_file(tmp_path: Path) -> None:
    """deploy/manage.sh: a command with the production settings, read from the file as the shell
    reads it (quoted values included)."""
    if not (ROOT / ".venv" / "bin" / "python").exists():
        pytest.skip("the script runs the checkout's .venv, which is not here")
    env_file = tmp_path / "env"
    env_file.write_text(ENV_EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    env = {
        "PATH": os.environ["PATH"],
        "PARINDEX_ENV": str(env_file),
        "PARINDEX_USER": pwd.getpwuid(os.getuid()).pw_name,  # already the app's user
    }
    script = str(ROOT / "deploy" / "manage.sh")
    checked = run(["sh", script, "check", "--deploy"], env=env)
    assert checked.returncode == 0, checked.stderr
    assert "no issues" in checked.stdout
    code = "from django.conf import settings as s; print(s.ALLOWED_HOSTS, s.DEFAULT_FROM_EMAIL)"
    shown = run(["sh", script, "shell", "-c", code], env=env)
    assert shown.returncode == 0, shown.stderr
    expected = "['parindex.example.gov.vn'] ParIndex <parindex@example.gov.vn>"
    assert shown.stdout.strip().splitlines()[-1] == expected
    missing = run(["sh", script, "check"], env={**env, "PARINDEX_ENV": str(tmp_path / "none")})
    assert missing.returncode == 1
    assert "Cannot read" in missing.stderr
