"""/healthz: for load balancers and monitoring, without login; 200 with the database, 503 (JSON)
without it, and nothing else said."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.deploy.envfile import PYTHON, production_env, run

pytestmark = pytest.mark.django_db


def test_health_answers_without_login_and_says_nothing_else(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert "sessionid" not in response.cookies


def test_health_refuses_other_methods(client: Client) -> None:
    assert client.post("/healthz").status_code == 405


PROBE = """
import json, django
django.setup()
from django.test import Client
response = Client().get("/healthz")
print(json.dumps([response.status_code, response["Content-Type"], response.content.decode()]))
"""


@pytest.mark.django_db(databases=[])
def test_health_is_503_when_the_database_is_down() -> None:
    # Nothing listens on port 9 here: the connection is refused at once.
    env = production_env(
        DATABASE_URL="postgres://parindex:x@127.0.0.1:9/parindex",
        ALLOWED_HOSTS="testserver",
        CONN_MAX_AGE="0",
    )
    result = run([PYTHON, "-c", PROBE], env=env)
    assert result.returncode == 0, result.stderr
    status, content_type, body = json.loads(result.stdout.strip().splitlines()[-1])
    assert status == 503
    assert content_type == "application/json"
    assert json.loads(body) == {"status": "unavailable", "database": "down"}
    assert "127.0.0.1" not in body  # no error text, no address
