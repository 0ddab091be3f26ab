"""The test province's 2025 cycle (communes A and B) with published results, plans, a survey
campaign and evidence documents of both communes; a token per user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.test import Client

from parindex.api.actions import create_token
from parindex.assessments.actions import upload_document
from parindex.assessments.models import Document
from parindex.plans import actions as plans
from parindex.plans import rules
from parindex.plans.models import Plan, Target, Task
from parindex.scoring import services
from parindex.scoring.models import Publication
from parindex.surveys import actions as surveys
from parindex.surveys.models import Campaign
from parindex.surveys.yaml_io import shipped
from tests.assessments.conftest import Year, year  # noqa: F401
from tests.conftest import World
from tests.scoring.conftest import scored  # noqa: F401

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Data:
    year: Year
    publication: Publication
    plan_a: Plan
    plan_b: Plan
    task_b: Task
    target_b: Target
    campaign: Campaign
    doc_a: Document
    doc_b: Document


def _plan(world: World, unit: object, who: str) -> tuple[Plan, Task, Target]:
    plan = plans.create_plan(
        by=world.users[who], unit=unit, year=2025, kind="annual", title="Kế hoạch CCHC năm 2025"
    )
    task = plans.add_task(
        plan, by=None, title="Số hóa hồ sơ", due=rules.Due("date", dt.date(2025, 12, 1))
    )
    target = plans.add_target(plan, by=None, name="Tỷ lệ hồ sơ trực tuyến", target_text="90%")
    return plan, task, target


@pytest.fixture
def data(world: World, scored: Year) -> Data:  # noqa: F811
    pub = services.prepare_publication(scored.cycle, by=world.users["secretariat"])
    services.approve_publication(pub, by=world.users["council"], decision="Nghị quyết 1")
    pub = services.publish(pub, by=world.users["secretariat"])
    plan_a, _task_a, _target_a = _plan(world, world.commune_a, "commune_officer")
    plan_b, task_b, target_b = _plan(world, world.commune_b, "officer_b")
    campaign = surveys.open_campaign(
        by=world.users["secretariat"],
        questionnaire=surveys.install_questionnaire(shipped("sipas-2024.yaml")),
        scope=world.province,
        year=2025,
        name="Khảo sát SIPAS năm 2025",
        opens_on=dt.date(2025, 10, 1),
        closes_on=dt.date(2025, 12, 15),
    )
    docs = [
        upload_document(by=None, unit=u, name=f"qd-{u.code}.pdf", content=PDF, max_bytes=10**6)
        for u in (world.commune_a, world.commune_b)
    ]
    return Data(scored, pub, plan_a, plan_b, task_b, target_b, campaign, docs[0], docs[1])


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def client_for(world: World, role: str, *, language: str = "vi") -> Client:
    _token, plaintext = create_token(user=world.users[role], name=f"test {role}")
    return Client(headers={"authorization": f"Bearer {plaintext}", "accept-language": language})
