"""Two published years of a test province (2024 and 2025) and an open campaign with seed 004's
rule, built through the real actions and services.

The communes' indices are set on the SIPAS criterion (9.1, 36 points; every other criterion at
full points, 64 in all), so each total is exact:

| commune | 2024 | 2025 | seed 004 |
| --- | --- | --- | --- |
| Xã Một | 82,10 | 81,50 | not: ≥ 80 but not higher than last year, < 83 |
| Xã Hai | 79,00 | 80,00 | eligible: ≥ 80 and higher |
| Xã Ba | 84,00 | 83,00 | eligible: ≥ 83 |
| Xã Bốn | 70,00 | 79,99 | not: < 80, < 83 |
| Xã Năm (new in 2025) | — | 82,99 | not: no earlier result, < 83 |
| Xã Sáu | 81,00 | 81,00 | not: equal is not higher, < 83 |
| Xã Tám (merger of Cũ A ×1 and Cũ B ×3) | 80 and 84 → 83,00 | 82,50 | not: not higher than 83,00 |
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

import pytest
from django.utils import timezone

from parindex.accounts.models import Role, User
from parindex.assessments.actions import open_cycle
from parindex.assessments.models import Cycle
from parindex.awards import actions
from parindex.awards.eligibility import SEED_004
from parindex.awards.forms import DEFAULT_DOCUMENTS
from parindex.awards.models import Campaign, CampaignStatus
from parindex.frameworks.actions import create_framework, publish_framework
from parindex.frameworks.library import shipped
from parindex.orgunits.actions import record_succession
from parindex.orgunits.models import Kind, Succession, Unit
from parindex.scoring import services
from tests import factories
from tests.scoring.conftest import score

OLD = dt.date(2020, 1, 1)
NEW = dt.date(2025, 1, 1)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
AWARD = "Giấy khen của Chủ tịch UBND tỉnh"

# name, code, valid from, valid to, 2024 percent, 2025 percent
COMMUNES = [
    ("Xã Một", "95001", OLD, None, "82.10", "81.50"),
    ("Xã Hai", "95002", OLD, None, "79.00", "80.00"),
    ("Xã Ba", "95003", OLD, None, "84.00", "83.00"),
    ("Xã Bốn", "95004", OLD, None, "70.00", "79.99"),
    ("Xã Năm", "95005", NEW, None, None, "82.99"),
    ("Xã Sáu", "95006", OLD, None, "81.00", "81.00"),
    ("Xã Tám", "95008", NEW, None, None, "82.50"),
    ("Xã Cũ A", "95091", OLD, dt.date(2024, 12, 31), "80.00", None),
    ("Xã Cũ B", "95092", OLD, dt.date(2024, 12, 31), "84.00", None),
]
OTHERS = Decimal(64)  # every criterion but 9.1 at full points


@dataclass
class Awards:
    province: Unit
    units: dict[str, Unit]  # by name
    cycles: dict[int, Cycle]
    campaign: Campaign
    users: dict[str, User]


def _publish(cycle: Cycle, percents: dict[str, str], by: User) -> None:
    for assessment in cycle.assessments.select_related("unit"):
        points = Decimal(percents[assessment.unit.code]) - OTHERS
        score(assessment, {"9.1": str(points)})
    publication = services.prepare_publication(cycle, by=by)
    services.approve_publication(publication, by=by, decision="Nghị quyết 01/NQ-HĐ")
    services.publish(publication, by=by)


def _open(framework: object, province: Unit, year: int, by: User) -> Cycle:
    return open_cycle(
        by=by,
        framework=framework,  # type: ignore[arg-type]
        scope=province,
        year=year,
        name=f"Chỉ số CCHC cấp xã năm {year}",
        self_opens_on=dt.date(year + 1, 1, 2),
        self_deadline=dt.date(year + 1, 1, 15),
        appraisal_deadline=dt.date(year + 1, 2, 10),
    )


@pytest.fixture
def awards(db: None) -> Awards:
    province = factories.unit("Tỉnh Thi Đua", Kind.TINH, code="95", valid_from=OLD)
    units = {
        name: factories.unit(name, Kind.XA, province, code=code, valid_from=start, valid_to=end)
        for name, code, start, end, _a, _b in COMMUNES
    }
    for old, weight in (("Xã Cũ A", 1), ("Xã Cũ B", 3)):
        record_succession(
            by=None, predecessor=units[old], successor=units["Xã Tám"], effective_on=NEW
        )
        Succession.objects.filter(predecessor=units[old]).update(weight=Decimal(weight))
    users = {
        "secretariat": factories.user("td_secretariat", role=Role.SECRETARIAT, on=province),
        "council": factories.user("td_council", role=Role.COUNCIL, on=province),
        "viewer": factories.user("td_viewer", role=Role.VIEWER, on=province),
        "leader_hai": factories.user("td_leader_hai", role=Role.COMMUNE_LEADER, on=units["Xã Hai"]),
        "officer_mot": factories.user(
            "td_officer_mot", role=Role.COMMUNE_OFFICER, on=units["Xã Một"]
        ),
    }
    framework = publish_framework(
        create_framework(
            by=None, owner=province, spec=replace(shipped(), code="TD-XA", year_from=2024)
        ),
        by=None,
    )
    secretariat = users["secretariat"]
    cycles = {year: _open(framework, province, year, secretariat) for year in (2024, 2025)}
    for year, column in ((2024, 4), (2025, 5)):
        percents = {row[1]: row[column] for row in COMMUNES if row[column] is not None}
        _publish(cycles[year], percents, secretariat)  # type: ignore[arg-type]
    today = timezone.localdate()
    campaign = actions.create_campaign(
        by=secretariat,
        issuer=province,
        cycle=cycles[2025],
        name="Phong trào thi đua “Cải cách hành chính” năm 2025",
        number="12/KH-UBND",
        period_from=today - dt.timedelta(days=60),
        period_to=today + dt.timedelta(days=30),
        nomination_deadline=today + dt.timedelta(days=10),
        award_forms=[AWARD],
        required_documents=DEFAULT_DOCUMENTS,
        signer="Nguyễn Văn Tỉnh",
    )
    actions.save_rule(campaign, by=secretariat, data=SEED_004, name="Seed 004")
    campaign = actions.set_campaign_status(campaign, by=secretariat, to=CampaignStatus.OPEN)
    return Awards(province, units, cycles, campaign, users)
