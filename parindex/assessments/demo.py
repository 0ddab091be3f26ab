"""The demo's cycle: Hải Phòng's communes assess 2026 against the 2026 framework, with the
self-assessment open now (01/11/2026 – 10/01/2027), and the demo appraiser assigned to Xã Thanh
Miện for fields 1–3."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from parindex.accounts.models import User
from parindex.assessments.actions import assign_appraisers, open_cycle
from parindex.assessments.models import Cycle
from parindex.frameworks.actions import publish_framework
from parindex.frameworks.models import Framework, Status
from parindex.orgunits.models import Unit

DEMO_YEAR = 2026


def load_demo_cycle() -> int:
    """Open the demo cycle if it is missing; returns 1 when it was created."""
    province = Unit.objects.valid_on(dt.date(2025, 7, 1)).exclude(kind="co_quan").get(code="31")
    if Cycle.objects.filter(scope=province, year=DEMO_YEAR).exists():
        return 0
    framework = Framework.objects.get(owner=province, code=f"PAR-XA-{DEMO_YEAR}")
    with transaction.atomic():
        if framework.status == Status.DRAFT:
            publish_framework(framework, by=None)
        cycle = open_cycle(
            by=None,
            framework=framework,
            scope=province,
            year=DEMO_YEAR,
            name=f"Chỉ số CCHC cấp xã năm {DEMO_YEAR}",
            self_opens_on=dt.date(2026, 11, 1),
            self_deadline=dt.date(2027, 1, 10),
            appraisal_deadline=dt.date(2027, 1, 31),
            explanation_from=dt.date(2027, 2, 1),
            explanation_to=dt.date(2027, 2, 10),
            council_on=dt.date(2027, 2, 20),
            publish_on=dt.date(2027, 3, 15),
        )
        _demo_campaign(cycle, province)
        appraiser = User.objects.filter(username="thamdinh").first()
        commune = Unit.objects.valid_on(dt.date(2026, 1, 1)).filter(code="11239").first()
        if appraiser is not None and commune is not None:
            assign_appraisers(
                cycle, by=None, appraiser=appraiser, units=[commune], field_codes=["1", "2", "3"]
            )
    return 1


def _demo_campaign(cycle: Cycle, province: Unit) -> None:
    """The shipped questionnaires, and the SIPAS campaign of the demo year feeding the cycle."""
    from parindex.surveys.actions import install_questionnaire, open_campaign
    from parindex.surveys.yaml_io import shipped

    sipas = install_questionnaire(shipped("sipas-2024.yaml"))
    install_questionnaire(shipped("can-bo-2024.yaml"))
    open_campaign(
        by=None,
        questionnaire=sipas,
        scope=province,
        year=DEMO_YEAR,
        name=f"Khảo sát SIPAS cấp xã năm {DEMO_YEAR}",
        opens_on=dt.date(2026, 10, 1),
        closes_on=dt.date(2026, 12, 15),
        target_per_commune=50,
        cycle=cycle,
    )
