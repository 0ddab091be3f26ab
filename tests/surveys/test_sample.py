"""Sample size: fixed, or computed per commune from the dossiers it handled (Cochran with the
finite-population correction); the campaign page's targets and warnings follow it."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from decimal import Decimal

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parindex.audit.models import AuditEntry
from parindex.surveys import actions
from parindex.surveys.models import Campaign, CampaignUnit, SampleMethod
from parindex.surveys.selectors import collection, targets
from parindex.surveys.stats import sample_size
from parindex.surveys.yaml_io import shipped
from tests.conftest import World
from tests.surveys.test_paper import forms_of, workbook

D = Decimal


def test_cochran_at_95_per_cent_and_10_points_for_300_dossiers_is_73() -> None:
    # By hand: z = 1,96, p = 0,5, e = 0,1.
    # n0 = 1,96² × 0,5 × 0,5 ÷ 0,1² = 3,8416 × 0,25 ÷ 0,01 = 96,04
    # n  = 96,04 ÷ (1 + (96,04 − 1) ÷ 300) = 96,04 ÷ (1 + 0,3168) = 96,04 ÷ 1,3168 = 72,934…
    # rounded up: 73 forms.
    assert sample_size(300, confidence=95, margin_points=D(10)) == 73


@pytest.mark.parametrize(
    ("confidence", "expected"),
    [
        # z = 1,645: n0 = 2,706025 × 25 = 67,650625; n = 67,650625 ÷ 1,22216875 = 55,35… → 56
        (90, 56),
        # z = 2,576: n0 = 6,635776 × 25 = 165,8944; n = 165,8944 ÷ 1,549648 = 107,05… → 108
        (99, 108),
    ],
)
def test_cochran_at_the_other_confidence_levels(confidence: int, expected: int) -> None:
    assert sample_size(300, confidence=confidence, margin_points=D(10)) == expected


def test_cochran_never_asks_more_forms_than_dossiers_and_none_of_zero() -> None:
    # ±5 points at 95%: n0 = 384,16; N = 50 gives 384,16 ÷ (1 + 383,16 ÷ 50) = 44,34… → 45
    assert sample_size(50, confidence=95, margin_points=D(5)) == 45
    assert sample_size(0, confidence=95, margin_points=D(5)) == 0
    with pytest.raises(KeyError):
        sample_size(300, confidence=80, margin_points=D(10))


def _campaign(world: World, *, closes_in: int = 30) -> Campaign:
    today = timezone.localdate()
    return actions.open_campaign(
        by=None,
        questionnaire=actions.install_questionnaire(shipped("sipas-2024.yaml")),
        scope=world.province,
        year=2025,
        name="SIPAS 2025",
        opens_on=today - dt.timedelta(days=30),
        closes_on=today + dt.timedelta(days=closes_in),
    )


def _client(world: World, role: str = "secretariat") -> Client:
    client = Client()
    client.force_login(world.users[role])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # sentences added since the last round
    return client


def test_targets_follow_the_dossiers_and_the_behind_warning_uses_them(world: World) -> None:
    campaign = _campaign(world, closes_in=3)
    # commune A: 60 forms; commune B: 50 forms
    rows = forms_of(0, world.commune_a.code) + forms_of(1, world.commune_b.code)
    rows += [[f"X{j}", world.commune_a.code, *row[2:]] for j, row in enumerate(rows[:10])]
    report = actions.import_paper(campaign, by=None, data=workbook(rows), filename="p.xlsx")
    assert report.added == 110
    changed = actions.set_sample_size(
        campaign,
        by=world.users["secretariat"],
        method=SampleMethod.COMPUTED,
        target_per_commune=50,
        confidence=95,
        margin=D(10),
    )
    assert changed is True
    actions.set_dossiers(campaign, by=world.users["secretariat"], counts={world.commune_a.pk: 300})
    goals = targets(campaign)
    assert goals[world.commune_a.pk] == {"target": 73, "source": "computed", "dossiers": 300}
    # B's dossiers are not entered: it keeps the fixed number
    assert goals[world.commune_b.pk] == {"target": 50, "source": "fixed", "dossiers": None}
    page = _client(world).get(reverse("surveys:campaign", args=[campaign.pk])).content.decode()
    assert "60/73" in page
    assert "50/50" in page
    assert "110 valid forms collected of 123 planned." in page
    # A (60 < 73) is behind; with the fixed 50 it would not be; B reached its 50
    assert "1 commune is behind its target with the collection closing soon." in page
    assert "N = 300" in page
    # the formula is on the page
    assert "n = n₀ ÷ (1 + (n₀ − 1) ÷ N)" in page


def test_the_settings_are_checked_and_audited(world: World) -> None:
    campaign = _campaign(world)
    with pytest.raises(actions.SurveyError) as refused:
        actions.set_sample_size(
            campaign,
            by=None,
            method="guess",
            target_per_commune=0,
            confidence=80,
            margin=D("0.05"),
        )
    assert [p.code for p in refused.value.problems] == [
        "campaign.sample_method",
        "campaign.target",
        "campaign.confidence",
        "campaign.margin",
    ]
    campaign.refresh_from_db()
    assert (campaign.sample_method, campaign.margin) == (SampleMethod.FIXED, D(10))
    client = _client(world)
    url = reverse("surveys:sample", args=[campaign.pk])
    bad = client.post(
        url,
        {
            "form": "settings",
            "sample_method": "computed",
            "target_per_commune": "40",
            "confidence": "99",
            "margin": "0",
        },
    )
    assert bad.status_code == 422
    saved = client.post(
        url,
        {
            "form": "settings",
            "sample_method": "computed",
            "target_per_commune": "40",
            "confidence": "99",
            "margin": "7.5",
        },
    )
    assert saved["Location"] == url
    campaign.refresh_from_db()
    assert (campaign.sample_method, campaign.target_per_commune, campaign.confidence) == (
        "computed",
        40,
        99,
    )
    assert campaign.margin == D("7.5")
    entry = AuditEntry.objects.get(action="campaign.update")
    assert entry.old_value == {"method": "fixed", "target": 50, "confidence": 95, "margin": "10.0"}
    assert entry.new_value == {
        "method": "computed",
        "target": 40,
        "confidence": 99,
        "margin": "7.5",
    }


def test_dossiers_typed_in_the_table_keep_what_was_typed_when_one_is_wrong(world: World) -> None:
    campaign = _campaign(world)
    client = _client(world)
    url = reverse("surveys:sample", args=[campaign.pk])
    a, b = world.commune_a.pk, world.commune_b.pk
    refused = client.post(url, {"form": "table", f"n_{a}": "1.250", f"n_{b}": "nhiều"})
    assert refused.status_code == 422
    page = refused.content.decode()
    assert 'value="nhiều"' in page
    assert 'value="1.250"' in page
    assert "is not a number of dossiers" in page
    assert CampaignUnit.objects.count() == 0
    client.post(url, {"form": "table", f"n_{a}": "1.250", f"n_{b}": ""})
    assert dict(campaign.units.values_list("unit_id", "dossiers")) == {a: 1250}
    entry = AuditEntry.objects.get(action="campaign.dossiers")
    assert entry.new_value == {world.commune_a.code: 1250}
    # emptied again: forgotten, back to the fixed target
    client.post(url, {"form": "table", f"n_{a}": "", f"n_{b}": ""})
    assert CampaignUnit.objects.count() == 0


def _dossier_book(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Mã xã", "Tên xã", "Số hồ sơ"])  # type: ignore[union-attr]
    for row in rows:
        sheet.append(row)  # type: ignore[union-attr]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_dossiers_imported_from_excel_all_or_nothing(world: World) -> None:
    campaign = _campaign(world)
    client = _client(world)
    url = reverse("surveys:sample", args=[campaign.pk])
    bad = _dossier_book(
        [
            [world.commune_a.code, "A", 300],
            ["99999", "?", 10],
            [world.commune_b.code, "B", "-4"],
            [world.commune_a.code, "A", 12],
        ]
    )
    refused = client.post(url, {"form": "upload", "file": SimpleUploadedFile("n.xlsx", bad)})
    assert refused.status_code == 422
    report = actions.import_dossiers(campaign, by=None, data=bad)
    assert [(e.row, e.column, e.problem.code) for e in report.errors] == [
        (3, "Mã xã", "paper.unknown_commune"),
        (4, "Số hồ sơ", "dossiers.not_a_number"),
        (5, "Mã xã", "list.repeated"),
    ]
    page = refused.content.decode()
    assert "“-4” is not a number of dossiers" in page
    assert CampaignUnit.objects.count() == 0
    good = _dossier_book([[world.commune_a.code, "A", 300], [world.commune_b.code, "B", 80]])
    saved = client.post(url, {"form": "upload", "file": SimpleUploadedFile("n.xlsx", good)})
    assert saved["Location"] == url
    assert dict(campaign.units.values_list("unit__code", "dossiers")) == {
        world.commune_a.code: 300,
        world.commune_b.code: 80,
    }
    # the same file again changes nothing
    again = actions.import_dossiers(campaign, by=None, data=good)
    assert (again.changed, again.skipped, again.saved) == (0, 2, True)
    # the list to fill, with what is entered
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("surveys:sample_template", args=[campaign.pk])).content)
    ).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]  # type: ignore[union-attr]
    assert [world.commune_a.code, world.commune_a.name, 300] in values


def test_the_campaign_page_draws_collected_against_target_from_its_own_data(
    world: World,
) -> None:
    campaign = _campaign(world)
    actions.import_paper(
        campaign, by=None, data=workbook(forms_of(0, world.commune_a.code)[:7]), filename="p"
    )
    page = _client(world).get(reverse("surveys:campaign", args=[campaign.pk])).content.decode()
    found = re.search(r'<script id="collection-chart" type="application/json">(.*?)</script>', page)
    assert found is not None
    chart = json.loads(found.group(1))
    rows = collection(campaign)
    assert chart["labels"] == [r["unit"].name for r in rows]
    assert chart["datasets"] == [
        {"label": "Valid forms", "data": [r["total"] for r in rows]},
        {"label": "Target", "data": [50, 50]},
    ]
    assert sorted(chart["datasets"][0]["data"]) == [0, 7]
    assert '<canvas data-chart="collection-chart"' in page
    assert "vendor/chart.umd.min.js" in page
    assert "js/charts.js" in page
    # the table with the same numbers stays next to the chart
    assert "7/50" in page
