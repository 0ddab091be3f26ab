"""In a real browser, on a phone-sized screen: the campaign page draws its chart of collected
against target from the page's own data, and the new survey pages fit the screen."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from parindex.surveys import actions
from tests import factories
from tests.conftest import World
from tests.surveys.test_paper import forms_of, workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _login(browser: Any, live_server: Any, username: str) -> Any:
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=Đăng xuất", state="attached")  # in the folded menu
    return page


def test_the_campaign_chart_is_drawn_and_the_pages_fit_a_phone(
    world: World,
    live_server: Any,
    browser: Any,
) -> None:
    from parindex.surveys.yaml_io import shipped

    today = timezone.localdate()
    campaign = actions.open_campaign(
        by=None,
        questionnaire=actions.install_questionnaire(shipped("sipas-2024.yaml")),
        scope=world.province,
        year=2025,
        name="SIPAS 2025",
        opens_on=today - dt.timedelta(days=20),
        closes_on=today + dt.timedelta(days=3),
    )
    actions.import_paper(
        campaign, by=None, data=workbook(forms_of(0, world.commune_a.code)[:30]), filename="p"
    )
    page = _login(browser, live_server, "secretariat")
    page.goto(f"{live_server.url}/khao-sat/{campaign.pk}/")
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.querySelector('canvas[data-chart]'))"
    )
    drawn = page.evaluate(
        """() => {
            const chart = Chart.getChart(document.querySelector('canvas[data-chart]'));
            return {
                labels: chart.data.labels,
                data: chart.data.datasets.map(d => d.data),
                axis: chart.options.indexAxis,
            };
        }"""
    )
    names = sorted([world.commune_a.name, world.commune_b.name])
    assert drawn["labels"] == names
    collected = {world.commune_a.name: 30, world.commune_b.name: 0}
    assert drawn["data"] == [[collected[n] for n in names], [50, 50]]
    assert drawn["axis"] == "y"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    if os.environ.get("PARINDEX_SCREENSHOTS"):
        page.screenshot(path=str(SCREENSHOTS / "survey-campaign-phone.png"), full_page=True)
    for path in (
        f"/khao-sat/{campaign.pk}/co-mau/",
        f"/khao-sat/{campaign.pk}/nguoi-nhap-phieu/",
        "/khao-sat/bo-cau-hoi/",
        f"/khao-sat/bo-cau-hoi/{campaign.questionnaire.pk}/",
        f"/khao-sat/bo-cau-hoi/{campaign.questionnaire.pk}/sua/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    page.context.close()
