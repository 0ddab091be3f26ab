"""Who keys in paper forms: the scope's secretariat, the users a campaign names, and — when the
campaign lets them — each commune's officers for their own commune only. Checked by the import
itself, not only by the pages."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from parindex.audit.models import AuditEntry
from parindex.surveys import actions
from parindex.surveys.models import Campaign, Response
from parindex.surveys.permissions import can_enter_paper, paper_units
from parindex.surveys.problems import message
from parindex.surveys.yaml_io import shipped
from tests.conftest import World
from tests.surveys.test_paper import forms_of, workbook


def _campaign(world: World, *, communes_enter_own: bool = False) -> Campaign:
    campaign = actions.open_campaign(
        by=None,
        questionnaire=actions.install_questionnaire(shipped("sipas-2024.yaml")),
        scope=world.province,
        year=2025,
        name="SIPAS 2025",
        opens_on=dt.date(2025, 10, 1),
        closes_on=dt.date(2025, 12, 15),
    )
    if communes_enter_own:
        actions.set_paper_entry(campaign, by=None, enterers=[], communes_enter_own=True)
    return campaign


def _mixed() -> tuple[list[list[object]], bytes]:
    """5 forms of commune A (rows 2-6) and 3 of commune B (rows 7-9)."""
    rows = forms_of(0, "91001")[:5] + forms_of(1, "91002")[:3]
    return rows, workbook(rows)


def _client(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # sentences added since the last round
    return client


def test_a_commune_keys_in_its_own_forms_only_and_the_others_are_refused_by_row(
    world: World,
) -> None:
    campaign = _campaign(world, communes_enter_own=True)
    officer = world.users["commune_officer"]  # commune A's
    assert paper_units(officer, campaign) == {world.commune_a.pk}
    _rows, data = _mixed()
    report = actions.import_paper(campaign, by=officer, data=data, filename="p.xlsx")
    assert [(e.row, e.column, e.problem.code) for e in report.errors] == [
        (7, "Mã xã", "paper.commune_not_yours"),
        (8, "Mã xã", "paper.commune_not_yours"),
        (9, "Mã xã", "paper.commune_not_yours"),
    ]
    with translation.override("en"):
        assert message(report.errors[0].problem) == (
            "The form of commune 91002 is not within your communes: you may key in only the "
            "forms of the communes you cover."
        )
    assert (report.saved, Response.objects.count()) == (False, 0)
    # only the valid rows: commune A's five
    taken = actions.import_paper(
        campaign, by=officer, data=data, filename="p.xlsx", only_valid=True
    )
    assert (taken.added, taken.bad_rows) == (5, 3)
    assert set(Response.objects.values_list("unit__code", flat=True)) == {"91001"}
    assert set(Response.objects.values_list("entered_by", flat=True)) == {officer.pk}


def test_without_the_option_a_commune_keys_in_nothing(world: World) -> None:
    campaign = _campaign(world)
    officer = world.users["commune_officer"]
    assert paper_units(officer, campaign) == set()
    _rows, data = _mixed()
    report = actions.import_paper(
        campaign, by=officer, data=data, filename="p.xlsx", only_valid=True
    )
    assert [e.problem.code for e in report.errors] == ["paper.not_allowed"]
    assert Response.objects.count() == 0
    # the pages say the same: the officer cannot even read the province's campaign (404), a
    # viewer of the province reads it but may not import (403)
    url = reverse("surveys:paper_import", args=[campaign.pk])
    assert _client(world, "commune_officer").get(url).status_code == 404
    viewer = _client(world, "viewer")
    assert viewer.get(url).status_code == 403
    assert viewer.post(url, {"file": SimpleUploadedFile("p.xlsx", data)}).status_code == 403
    assert Response.objects.count() == 0


def test_a_named_user_keys_in_every_commune(world: World) -> None:
    campaign = _campaign(world)
    viewer = world.users["viewer"]
    changed = actions.set_paper_entry(
        campaign, by=world.users["secretariat"], enterers=[viewer], communes_enter_own=False
    )
    assert changed is True
    assert paper_units(viewer, campaign) is None
    _rows, data = _mixed()
    client = _client(world, "viewer")
    done = client.post(
        reverse("surveys:paper_import", args=[campaign.pk]),
        {"file": SimpleUploadedFile("p.xlsx", data)},
    )
    assert done.status_code == 200
    assert Response.objects.count() == 8
    entry = AuditEntry.objects.get(action="campaign.update")
    assert entry.new_value == {"enterers": ["viewer"], "communes enter their own": False}


def test_a_commune_reaches_its_import_page_from_the_list(world: World) -> None:
    campaign = _campaign(world, communes_enter_own=True)
    client = _client(world, "commune_officer")
    url = reverse("surveys:paper_import", args=[campaign.pk])
    listing = client.get(reverse("surveys:campaigns")).content.decode()
    assert f'href="{url}"' in listing
    # the campaign's own page stays the province's
    assert client.get(reverse("surveys:campaign", args=[campaign.pk])).status_code == 404
    page = client.get(url).content.decode()
    assert f"You key in the forms of: {world.commune_a.name}." in page
    template = client.get(reverse("surveys:paper_template", args=[campaign.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(template.content))["Mã xã"]
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == [world.commune_a.code]
    _rows, data = _mixed()
    refused = client.post(url, {"file": SimpleUploadedFile("p.xlsx", data)})
    assert refused.status_code == 422
    assert "The form of commune 91002 is not within your communes" in refused.content.decode()
    assert Response.objects.count() == 0
    # an officer of another province's commune still gets nothing
    assert not can_enter_paper(world.users["secretariat_other"], campaign)


def test_the_setting_page_saves_who_keys_in(world: World) -> None:
    campaign = _campaign(world)
    client = _client(world, "secretariat")
    url = reverse("surveys:paper_entry", args=[campaign.pk])
    page = client.get(url).content.decode()
    assert world.users["viewer"].username in page
    assert world.users["secretariat_other"].username not in page  # not of this scope
    saved = client.post(url, {"enterers": [world.users["viewer"].pk], "communes_enter_own": "on"})
    assert saved["Location"] == reverse("surveys:campaign", args=[campaign.pk])
    campaign.refresh_from_db()
    assert list(campaign.enterers.all()) == [world.users["viewer"]]
    assert campaign.communes_enter_own is True
    refused = client.post(url, {"enterers": [world.users["secretariat_other"].pk]})
    assert refused.status_code == 422
    assert list(campaign.enterers.all()) == [world.users["viewer"]]


def test_only_accounts_of_the_scope_are_named(world: World) -> None:
    campaign = _campaign(world)
    with pytest.raises(actions.SurveyError) as refused:
        actions.set_paper_entry(
            campaign,
            by=None,
            enterers=[world.users["secretariat_other"]],
            communes_enter_own=False,
        )
    assert [p.code for p in refused.value.problems] == ["campaign.enterer_outside"]
    assert list(campaign.enterers.all()) == []
