"""Seed 004's rule on two published years: every candidate eligible or not, with the clause that
decided and its figures; last year as `previous_result` finds it (merged communes included); the
page sorted and filtered; the rule editor refusing bad rules in words and keeping the text."""

from __future__ import annotations

from decimal import Decimal

from django.test import Client
from django.urls import reverse
from django.utils import translation

from parindex.audit.models import AuditAction, AuditEntry
from parindex.awards import explain, selectors
from parindex.awards.models import EligibilityRule
from parindex.scoring import services
from tests.awards.conftest import Awards

D = Decimal


def _client(awards: Awards, user: str, language: str = "en") -> Client:
    client = Client()
    client.force_login(awards.users[user])
    client.cookies["django_language"] = language
    return client


def test_every_candidate_with_its_eligibility(awards: Awards) -> None:
    found = selectors.candidates(awards.campaign)
    assert found.published is not None
    by_name = {row.unit.name: row for row in found.rows}
    # The communes of the 2025 publication only (the merged-away ones are not candidates).
    assert sorted(by_name) == sorted(
        ["Xã Một", "Xã Hai", "Xã Ba", "Xã Bốn", "Xã Năm", "Xã Sáu", "Xã Tám"]
    )
    eligible = {name for name, row in by_name.items() if row.eligible}
    assert eligible == {"Xã Hai", "Xã Ba"}
    assert found.eligible_count == 2
    assert by_name["Xã Tám"].before is not None
    assert by_name["Xã Tám"].before.result.percent == D("83.00")  # (80 × 1 + 84 × 3) ÷ 4
    assert by_name["Xã Tám"].before.predecessors == ("Xã Cũ A", "Xã Cũ B")
    assert by_name["Xã Năm"].before is None
    assert [row.rank for row in found.rows] == sorted(row.rank for row in found.rows)


def test_the_verdicts_name_the_deciding_clause_with_figures(awards: Awards) -> None:
    rows = {row.unit.name: row for row in selectors.candidates(awards.campaign).rows}
    with translation.override("en"):
        said = {name: explain.verdict(row.check) for name, row in rows.items() if row.check}
    assert said["Xã Hai"] == "Eligible: index 80.00% ≥ 80% and higher than last year (2024: 79.00%)"
    assert said["Xã Ba"] == "Eligible: index 83.00% ≥ 83%"
    assert said["Xã Một"] == (
        "Not eligible: index 81.50% ≥ 80% but not higher than last year (2024: 82.10%); "
        "index 81.50% < 83%"
    )
    assert said["Xã Bốn"] == (
        "Not eligible: higher than last year (2024: 70.00%) but index 79.99% < 80%; "
        "index 79.99% < 83%"
    )
    assert said["Xã Năm"] == (
        "Not eligible: index 82.99% ≥ 80% but no published result of an earlier year to compare "
        "with; index 82.99% < 83%"
    )
    assert said["Xã Sáu"] == (
        "Not eligible: index 81.00% ≥ 80% but not higher than last year (2024: 81.00%); "
        "index 81.00% < 83%"
    )
    assert said["Xã Tám"] == (
        "Not eligible: index 82.50% ≥ 80% but not higher than last year (2024: 83.00%, merged "
        "units' weighted result); index 82.50% < 83%"
    )


def test_numbers_are_written_the_vietnamese_way(awards: Awards) -> None:
    rows = {row.unit.name: row for row in selectors.candidates(awards.campaign).rows}
    check = rows["Xã Một"].check
    assert check is not None
    with translation.override("vi"):
        said = explain.verdict(check)
    assert "81,50% ≥ 80%" in said
    assert "(2024: 82,10%)" in said
    assert "81,50% < 83%" in said


def test_last_year_as_the_results_pages_find_it(awards: Awards) -> None:
    units = list(awards.units.values())
    batch = selectors.previous_results(awards.cycles[2025], units)
    for unit in units:
        one = services.previous_result(awards.cycles[2025], unit)
        found = batch.get(unit.pk)
        assert (found is None) == (one is None), unit.name
        if one is not None and found is not None:
            assert (found.result.percent, found.result.total, found.rank) == (
                one.result.percent,
                one.result.total,
                one.rank,
            )
            assert found.predecessors == one.predecessors


def test_the_campaign_page_shows_eligibility_and_why(awards: Awards) -> None:
    client = _client(awards, "viewer")
    page = client.get(reverse("awards:campaign", args=[awards.campaign.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Eligible: index 83.00% ≥ 83%" in text
    assert "but not higher than last year (2024: 82.10%)" in text
    assert text.count('class="tag ok"') == 2


def test_the_commune_reads_the_campaign_too(awards: Awards) -> None:
    client = _client(awards, "leader_hai", "vi")
    page = client.get(reverse("awards:campaign", args=[awards.campaign.pk]))
    assert page.status_code == 200
    assert "80,00%" in page.content.decode()


def test_sorted_and_filtered(awards: Awards) -> None:
    client = _client(awards, "viewer")
    url = reverse("awards:campaign", args=[awards.campaign.pk])
    by_index = client.get(url, {"sap-xep": "chi-so"}).context["rows"]
    percents = [row["candidate"].result.percent for row in by_index]
    assert percents == sorted(percents, reverse=True)
    by_name = client.get(url, {"sap-xep": "-ten"}).context["rows"]
    assert by_name[0]["candidate"].unit.name == "Xã Tám"
    eligible = client.get(url, {"loc": "du"}).context["rows"]
    assert {row["candidate"].unit.name for row in eligible} == {"Xã Hai", "Xã Ba"}
    first = client.get(url, {"sap-xep": "dieu-kien"}).context["rows"][:2]
    assert {row["candidate"].unit.name for row in first} == {"Xã Hai", "Xã Ba"}


def test_no_published_result_no_candidate(awards: Awards) -> None:
    from parindex.scoring.models import Publication, PublicationState

    Publication.objects.filter(cycle=awards.cycles[2025]).update(state=PublicationState.APPROVED)
    found = selectors.candidates(awards.campaign)
    assert found.published is None
    assert found.rows == []


def test_the_rule_editor_refuses_a_bad_rule_in_words_and_keeps_it(awards: Awards) -> None:
    client = _client(awards, "secretariat")
    url = reverse("awards:rules", args=[awards.campaign.pk])
    rules_before = list(EligibilityRule.objects.values_list("pk", "data"))
    bad = "any:\n  - percent: about 80\n  - rank: '<= 3'\n"
    page = client.post(url, {"name": "Thử", "applies_to": "both", "text": bad})
    assert page.status_code == 422
    text = page.content.decode()
    assert "any › 1 › percent" in text
    assert "about 80" in text  # the text stays in the box
    assert list(EligibilityRule.objects.values_list("pk", "data")) == rules_before
    broken = client.post(url, {"name": "", "applies_to": "both", "text": "any: [\n"})
    assert broken.status_code == 422
    assert "line" in broken.content.decode()


def test_the_rule_editor_saves_canonical_data_and_audits(awards: Awards) -> None:
    client = _client(awards, "secretariat")
    url = reverse("awards:rules", args=[awards.campaign.pk])
    text = "all:\n  - percent: ≥ 90\n  - rank: '<= 3'\n"
    preview = client.post(url, {"applies_to": "unit", "text": text, "preview": "1"})
    assert preview.status_code == 200
    assert preview.context["preview"]["found"].eligible_count == 0
    assert EligibilityRule.objects.count() == 1
    saved = client.post(url, {"name": "Top", "applies_to": "unit", "text": text})
    assert saved.status_code == 302
    rule = EligibilityRule.objects.get(name="Top")
    assert rule.data == {"all": [{"percent": ">= 90"}, {"rank": "<= 3"}]}
    assert AuditEntry.objects.filter(action=AuditAction.AWARD_RULE_CHANGE).count() == 2


def test_the_preset_is_offered(awards: Awards) -> None:
    client = _client(awards, "secretariat")
    page = client.get(reverse("awards:rules", args=[awards.campaign.pk]), {"mau": "seed004"})
    assert "higher_than_last_year: true" in page.content.decode()


def test_the_secretariat_creates_a_campaign_and_bad_dates_lose_nothing(awards: Awards) -> None:
    from parindex.awards.models import Campaign

    client = _client(awards, "secretariat")
    url = reverse("awards:campaign_create")
    form = {
        "issuer": awards.province.pk,
        "cycle": awards.cycles[2025].pk,
        "name": "Thi đua CCHC năm 2026",
        "period_from": "01/01/2026",
        "period_to": "31/12/2025",
        "nomination_deadline": "15/12/2026",
        "for_collectives": "on",
        "award_forms": "Giấy khen của Chủ tịch UBND tỉnh\n\nGiấy khen của Chủ tịch UBND tỉnh",
        "required_documents": "- Tờ trình đề nghị khen thưởng\n- Báo cáo thành tích",
    }
    refused = client.post(url, form)
    assert refused.status_code == 422
    assert "Thi đua CCHC năm 2026" in refused.content.decode()  # kept in the form
    assert Campaign.objects.count() == 1
    created = client.post(url, form | {"period_to": "31/12/2026"})
    assert created.status_code == 302
    campaign = Campaign.objects.get(name="Thi đua CCHC năm 2026")
    assert campaign.award_forms == ["Giấy khen của Chủ tịch UBND tỉnh"]
    assert campaign.required_documents == ["Tờ trình đề nghị khen thưởng", "Báo cáo thành tích"]
    assert (campaign.status, campaign.for_individuals, campaign.scope) == (
        "draft",
        False,
        awards.province,
    )
    # A draft is its managers' only.
    viewer = _client(awards, "viewer")
    assert viewer.get(reverse("awards:campaign", args=[campaign.pk])).status_code == 404
    opened = client.post(reverse("awards:campaign_status", args=[campaign.pk]), {"to": "open"})
    assert opened.status_code == 302
    assert viewer.get(reverse("awards:campaign", args=[campaign.pk])).status_code == 200


def test_the_campaign_is_edited_and_audited(awards: Awards) -> None:
    client = _client(awards, "secretariat")
    campaign = awards.campaign
    url = reverse("awards:campaign_edit", args=[campaign.pk])
    form = client.get(url).context["form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    data["cycle"] = campaign.cycle_id
    data["for_collectives"] = "on"
    data["for_individuals"] = "on"
    data["nomination_deadline"] = "31/12/2030"
    response = client.post(url, data)
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert f"{campaign.nomination_deadline:%d/%m/%Y}" == "31/12/2030"
    entry = AuditEntry.objects.filter(action=AuditAction.AWARD_CAMPAIGN_UPDATE).latest("pk")
    assert entry.new_value == {"nomination_deadline": "2030-12-31"}
    refused = client.post(reverse("awards:campaign_status", args=[campaign.pk]), {"to": "draft"})
    assert refused.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == "open"
