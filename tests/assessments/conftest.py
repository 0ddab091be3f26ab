"""A published framework and an open cycle over the test province (communes A and B)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from parindex.assessments import actions
from parindex.assessments.models import Assessment, Cycle
from parindex.frameworks.actions import create_framework, publish_framework
from parindex.frameworks.library import shipped
from tests.conftest import World


@dataclass
class Year:
    cycle: Cycle
    a: Assessment  # commune A's
    b: Assessment  # commune B's


@pytest.fixture
def year(world: World) -> Year:
    framework = publish_framework(
        create_framework(by=None, owner=world.province, spec=shipped()), by=None
    )
    today = timezone.localdate()
    cycle = actions.open_cycle(
        by=world.users["secretariat"],
        framework=framework,
        scope=world.province,
        year=2025,
        name="Chỉ số CCHC cấp xã năm 2025",
        self_opens_on=today - dt.timedelta(days=10),
        self_deadline=today + dt.timedelta(days=10),
        appraisal_deadline=today + dt.timedelta(days=30),
        explanation_from=today - dt.timedelta(days=1),
        explanation_to=today + dt.timedelta(days=40),
    )
    return Year(
        cycle,
        cycle.assessments.get(unit=world.commune_a),
        cycle.assessments.get(unit=world.commune_b),
    )
