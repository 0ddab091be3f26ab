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


# --- the main pages, on the benchmark's generated data ----------------------------------------

BENCH_PAGES = ("ranking_live", "ranking", "scorecard", "assessment", "survey", "plan", "plans")


def _bench_world() -> dict[str, object]:
    from dataclasses import replace

    from parindex.assessments.models import Assessment, Cycle
    from parindex.core.bench import generator
    from parindex.core.bench.sizes import SIZES, YEAR
    from parindex.plans.models import Plan
    from parindex.surveys.models import Campaign

    generator.generate(replace(SIZES["small"], communes=8, forms=3, tasks=6), seed=7)
    cycle = Cycle.objects.get(scope=generator.bench_province(), year=YEAR)
    commune = generator.first_commune()
    return {
        "cycle": cycle,
        "commune": commune,
        "assessment": Assessment.objects.get(cycle=cycle, unit=commune),
        "campaign": Campaign.objects.get(cycle=cycle),
        "plan": Plan.objects.get(unit=commune),
    }


def _bench_url(page: str, w: dict[str, object]) -> tuple[str, str]:
    """The page's address and who reads it."""
    from parindex.core.bench.generator import OFFICER, SECRETARIAT

    cycle, commune = w["cycle"], w["commune"]
    return {
        "ranking_live": (
            reverse("scoring:dashboard", args=[cycle.pk]) + "?phien-ban=tam-tinh",
            SECRETARIAT,
        ),  # type: ignore[attr-defined]
        "ranking": (reverse("scoring:dashboard", args=[cycle.pk]), SECRETARIAT),  # type: ignore[attr-defined]
        "scorecard": (reverse("scoring:scorecard", args=[cycle.pk, commune.code]), SECRETARIAT),  # type: ignore[attr-defined]
        "assessment": (reverse("assessments:assessment", args=[w["assessment"].pk]), OFFICER),  # type: ignore[attr-defined]
        "survey": (reverse("surveys:campaign", args=[w["campaign"].pk]), SECRETARIAT),  # type: ignore[attr-defined]
        "plan": (reverse("plans:plan", args=[w["plan"].pk]), OFFICER),  # type: ignore[attr-defined]
        "plans": (reverse("plans:plans"), SECRETARIAT),
    }[page]


def _bench_count(page: str, w: dict[str, object]) -> int:
    from parindex.accounts.models import User

    url, username = _bench_url(page, w)
    client = Client()
    client.force_login(User.objects.get(username=username))
    client.get(url)  # caches filled once per process (framework trees, questionnaires)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (page, response.status_code)
    return len(queries)


def _shrink(page: str, w: dict[str, object]) -> None:
    """Fewer rows behind the page: communes, items, forms, tasks or plans."""
    from parindex.assessments.models import Answer, Assessment
    from parindex.plans.models import Plan, Task
    from parindex.surveys.models import Response

    cycle, commune, assessment = w["cycle"], w["commune"], w["assessment"]
    if page == "ranking_live":
        gone = list(
            Assessment.objects.filter(cycle=cycle)
            .exclude(unit=commune)
            .order_by("pk")
            .values_list("pk", flat=True)[:5]
        )
        Assessment.objects.filter(pk__in=gone).delete()
    elif page == "assessment":
        keep = list(
            Answer.objects.filter(assessment=assessment)
            .order_by("pk")
            .values_list("pk", flat=True)[:8]
        )
        Answer.objects.filter(assessment=assessment).exclude(pk__in=keep).delete()
    elif page == "survey":
        Response.objects.filter(campaign=w["campaign"]).exclude(unit=commune).delete()
    elif page == "plan":
        Task.objects.filter(plan=w["plan"]).exclude(position=1).delete()
    elif page == "plans":
        Plan.objects.exclude(unit=commune).delete()


# Queries of each page; the same with fewer rows (pages whose rows come from a frozen snapshot
# or a fixed framework only keep their budget).
BENCH_BUDGETS = {
    "ranking_live": 30,
    "ranking": 30,
    "scorecard": 40,
    "assessment": 40,
    "survey": 40,
    "plan": 40,
    "plans": 30,
}


@pytest.mark.parametrize("page", BENCH_PAGES)
def test_main_page_queries_do_not_grow_with_rows(db: None, page: str) -> None:
    w = _bench_world()
    many = _bench_count(page, w)
    assert many <= BENCH_BUDGETS[page], f"{page}: {many} queries, budget {BENCH_BUDGETS[page]}"
    if page in {"ranking", "scorecard"}:
        return
    _shrink(page, w)
    few = _bench_count(page, w)
    assert many == few, f"{page}: {few} queries with few rows, {many} with many"
