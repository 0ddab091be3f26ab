"""Charts: Chart.js is served from our static files (no CDN), drawn by one shared initialiser,
and never loaded by the public survey form."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parindex.surveys import actions
from parindex.surveys.yaml_io import shipped
from tests.conftest import World


def test_the_vendored_chart_library_and_the_initialiser_are_static_files() -> None:
    library = finders.find("vendor/chart.umd.min.js")
    assert library is not None
    text = Path(library).read_text(encoding="utf-8")
    assert text.startswith("/*!\n * Chart.js v4.")
    # the source map is not shipped, so nothing may point to it (the manifest storage would fail)
    assert "sourceMappingURL" not in text
    initialiser = finders.find("js/charts.js")
    assert initialiser is not None
    code = Path(initialiser).read_text(encoding="utf-8")
    assert 'querySelectorAll("canvas[data-chart]")' in code


def test_the_public_form_never_loads_the_chart_library(world: World) -> None:
    today = timezone.localdate()
    campaign = actions.open_campaign(
        by=None,
        questionnaire=actions.install_questionnaire(shipped("sipas-2024.yaml")),
        scope=world.province,
        year=2025,
        name="SIPAS 2025",
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=1),
    )
    link = actions.public_links(campaign)[0]
    respondent_campaign = actions.open_campaign(
        by=None,
        questionnaire=actions.install_questionnaire(shipped("can-bo-2024.yaml")),
        scope=world.province,
        year=2025,
        name="Cán bộ 2025",
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=1),
    )
    respondent = actions.add_respondent(
        respondent_campaign, by=None, name="A", position="", form_code="01"
    )
    client = Client()
    pages = [
        reverse("surveys:public_start", args=[link.token]),
        reverse("surveys:public_step", args=[link.token, 1]),
        reverse("surveys:public_done", args=[link.token]),
        reverse("surveys:respondent_home", args=[respondent.token]),
        reverse("surveys:respondent_step", args=[respondent.token, world.commune_a.code, 1]),
    ]
    for url in pages:
        page = client.get(url)
        assert page.status_code == 200, url
        text = page.content.decode()
        assert "chart" not in text.lower(), url
        assert "<script" not in text, url
