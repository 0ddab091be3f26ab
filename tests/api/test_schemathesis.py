"""schemathesis over every operation of the schema, in-process through the WSGI app, with a valid
token of the province's secretariat (and the test data of both communes): no server error (5xx)
and no response that contradicts the schema. A few examples per operation keep it short."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from parindex.api.actions import create_token
from tests.api.conftest import Data
from tests.conftest import World

pytestmark = pytest.mark.django_db

EXAMPLES = 8
CHECKS = [not_a_server_error, response_schema_conformance]
FEW = hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def test_every_operation_conforms(world: World, data: Data, settings: Any) -> None:
    settings.API_REQUESTS_PER_MINUTE = 10**6
    _token, plaintext = create_token(user=world.users["secretariat"], name="schemathesis")
    headers = {"Authorization": f"Bearer {plaintext}"}
    # The raw WSGI app closes the database connection after each request (Django's test client
    # disconnects that for the same reason): inside the test's transaction it must stay open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) == 28
        seen: Counter[tuple[str, int]] = Counter()
        for operation in operations:
            _run(operation, headers, seen)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert sum(seen.values()) >= len(operations)
    assert any(status == 200 for (_label, status) in seen)  # not only refusals


def _run(operation: Any, headers: dict[str, str], seen: Counter[tuple[str, int]]) -> None:
    @given(case=operation.as_strategy())
    @FEW
    def check(case: schemathesis.Case) -> None:
        response = case.call(headers=headers)
        seen[(operation.label, response.status_code)] += 1
        case.validate_response(response, checks=CHECKS)

    check()
