"""Pages make a fixed number of queries, whatever the number of rows (no N+1).

Each page is loaded with a few rows and with many; both must stay within the same budget.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parindex.accounts.models import Role
from parindex.audit.actions import record
from parindex.audit.models import AuditAction
from parindex.orgunits.models import Kind
from tests import factories
from tests.conftest import World

PAGES = {
    "home": (lambda w: reverse("home"), 8),
    "orgunits:list": (lambda w: reverse("orgunits:list"), 7),
    "orgunits:detail": (lambda w: reverse("orgunits:detail", args=[w.province.pk]), 10),
    "accounts:user_list": (lambda w: reverse("accounts:user_list"), 9),
    "audit:list": (lambda w: reverse("audit:list"), 7),
}


def _grow(world: World, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        commune = factories.unit(f"Xã Số {i}", Kind.XA, world.province)
        officer = factories.user(f"officer_{i}", role=Role.COMMUNE_OFFICER, on=commune)
        record(
            actor=officer,
            action=AuditAction.SCORE_CHANGE,
            obj=commune,
            unit=commune,
            old="1.00",
            new="0.50",
            reason="test",
        )


def _count(world: World, name: str) -> int:
    client = Client()
    client.force_login(world.users["secretariat"])
    url = PAGES[name][0](world)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", list(PAGES))
def test_page_queries_do_not_grow_with_rows(world: World, name: str) -> None:
    _grow(world, 3)
    few = _count(world, name)
    _grow(world, 30, start=100)
    many = _count(world, name)
    assert many == few, f"{name}: {few} queries with few rows, {many} with many"
    assert many <= PAGES[name][1], f"{name}: {many} queries, budget {PAGES[name][1]}"
