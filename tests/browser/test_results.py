"""The index in a real browser: the council approves and the secretariat publishes; a leader reads
the dashboard (charts drawn by the vendored library); a commune's officer on a phone reads the
scorecard and tries a what-if; the public page shows the published ranking."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from parindex.assessments import actions
from parindex.frameworks.actions import create_framework, publish_framework
from parindex.frameworks.library import shipped
from parindex.orgunits.models import Kind
from parindex.scoring.models import Publication, PublicationState
from tests import factories
from tests.conftest import World
from tests.scoring.conftest import score

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

LOSSES = {  # commune → its sub-criteria below full points (seed 003 for the first)
    "Xã An Bình": {
        "1.1.2": "2.85",
        "1.5.1": "1",
        "3.1.1": "0",
        "3.1.2": "0",
        "7.1.1": "0",
        "7.2.1": "1.99",
        "8.1.2": "0.5",
        "9.1": "32.5",
    },
    "Phường Bình Minh": {"3.1.1": "0", "9.1": "33"},
    "Xã Tân Lập": {"1.5.1": "0", "3.3.1": "1", "9.1": "30.2"},
    "Xã Hòa Bình": {"1.5.1": "0", "3.1.1": "0", "7.2.1": "1", "9.1": "29.5"},
    "Phường Đông Hải": {"3.1.1": "0", "9.1": "33"},
    "Xã Quang Trung": {"1.1.2": "2.4", "3.1.2": "0", "8.1.2": "0", "9.1": "27.75"},
}


def login(browser: Any, live_server: Any, username: str, width: int = 1366) -> Any:
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=Đăng xuất", state="attached")  # in the folded menu on a phone
    return page


def shoot(page: Any, name: str) -> None:
    if os.environ.get("PARINDEX_SCREENSHOTS"):
        page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def test_results_published_read_and_explored(world: World, live_server: Any, browser: Any) -> None:
    for name in list(LOSSES)[2:]:
        kind = Kind.PHUONG if name.startswith("Phường") else Kind.XA
        factories.unit(name, kind, world.province)
    framework = publish_framework(
        create_framework(by=None, owner=world.province, spec=shipped()), by=None
    )
    today = timezone.localdate()
    cycle = actions.open_cycle(
        by=None,
        framework=framework,
        scope=world.province,
        year=2025,
        name="Chỉ số CCHC cấp xã năm 2025",
        self_opens_on=today - dt.timedelta(days=60),
        self_deadline=today - dt.timedelta(days=30),
        appraisal_deadline=today - dt.timedelta(days=5),
    )
    for assessment in cycle.assessments.select_related("unit"):
        score(assessment, LOSSES[assessment.unit.name])

    # The secretariat freezes a version; the council approves it; the secretariat publishes it.
    page = login(browser, live_server, "secretariat")
    page.goto(f"{live_server.url}/ket-qua/{cycle.pk}/cong-bo/")
    page.click("text=Chốt kết quả thành phiên bản mới")
    page.wait_for_selector("text=sẵn sàng để Hội đồng thông qua")
    council = login(browser, live_server, "council")
    council.goto(f"{live_server.url}/ket-qua/{cycle.pk}/cong-bo/")
    council.fill("input[name=decision]", "Nghị quyết số 12/NQ-HĐTĐ ngày 20/02/2026")
    council.click("button[value=approve]")
    council.wait_for_selector("text=đã được thông qua")
    page.reload()
    page.check("form[action$='/cong-bo/'] input[name=confirm]")  # publishing is irreversible
    page.click("button:has-text('Công bố')")
    page.wait_for_selector("text=đã được công bố")
    assert Publication.objects.get(cycle=cycle).state == PublicationState.PUBLISHED

    # A leader's dashboard, desktop and phone: the ranking and the drawn charts.
    for width, tag in ((1366, "desktop"), (390, "phone")):
        leader = login(browser, live_server, "viewer", width=width)
        leader.goto(f"{live_server.url}/ket-qua/{cycle.pk}/?phien-ban=1")
        leader.wait_for_selector("canvas[data-chart='chart-bars'][data-chart-drawn]")
        leader.wait_for_selector("canvas[data-chart='chart-radar'][data-chart-drawn]")
        first = leader.locator("table.ranking tbody tr").first
        assert "Phường Bình Minh" in first.inner_text()
        assert "Phường Đông Hải" in leader.locator("table.ranking tbody tr").nth(1).inner_text()
        leader.wait_for_timeout(400)  # let the charts' animation end before the picture
        shoot(leader, f"results-dashboard-{tag}.png")

    # The commune's officer, on a phone: scorecard, lost points, what-if.
    officer = login(browser, live_server, "officer_a", width=390)
    code = world.commune_a.code
    officer.goto(f"{live_server.url}/ket-qua/{cycle.pk}/xa/{code}/")
    assert "91,84/100" in officer.locator(".stat.big").inner_text()
    assert "40/48" in officer.content()
    officer.check("input[name=sua][value='9.1']")
    officer.wait_for_selector("#what-if-result >> text=+3,5")
    assert "95,34/100" in officer.locator("#what-if-result").inner_text()
    shoot(officer, "results-scorecard-phone.png")
    desktop = login(browser, live_server, "officer_a")
    desktop.goto(f"{live_server.url}/ket-qua/{cycle.pk}/xa/{code}/")
    desktop.wait_for_selector("canvas[data-chart='chart-radar'][data-chart-drawn]")
    desktop.wait_for_timeout(400)
    shoot(desktop, "results-scorecard-desktop.png")

    # The public, without an account.
    public = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    public.goto(f"{live_server.url}/cong-khai/{cycle.pk}/")
    public.click("text=Xã An Bình")
    public.wait_for_selector("text=91,84/100")
