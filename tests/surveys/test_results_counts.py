"""A campaign's results come from answers counted in the database (per commune, question and
value): they equal `stats.compute` over the forms themselves, and a count made by hand, with blank,
padded and unknown values, missing answers, excluded forms and a commune whose forms are all
excluded."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from parindex.orgunits.models import Kind
from parindex.surveys import actions
from parindex.surveys.models import Campaign, Channel, Response, ResponseAnswer
from parindex.surveys.selectors import campaign_forms, campaign_results
from parindex.surveys.stats import compute, wilson
from parindex.surveys.yaml_io import shipped
from tests import factories
from tests.conftest import World

SCALE_VALUES = ["1", "2", "3", "4", "5", " 4", "5 ", "", "  ", "9", "khác"]
WEIGHTED_VALUES = ["A", "B", "C", "D", " B ", "", "E"]


def _campaign(world: World, library_file: str, year: int) -> Campaign:
    return actions.open_campaign(
        by=world.users["secretariat"],
        questionnaire=actions.install_questionnaire(shipped(library_file)),
        scope=world.province,
        year=year,
        name=f"Khảo sát {year}",
        opens_on=dt.date(year, 10, 1),
        closes_on=dt.date(year, 12, 15),
    )


def _fill(
    campaign: Campaign,
    units: list[tuple[int, str]],
    values: list[str],
    seed: int,
    all_excluded: str,
) -> dict[str, list[tuple[bool, dict[str, str]]]]:
    """Random forms for each commune; returns what was stored, by commune code."""
    rng = random.Random(seed)
    spec = campaign.questionnaire.parsed()
    questions = [q.code for section in spec.sections for q in section.questions]
    stored: dict[str, list[tuple[bool, dict[str, str]]]] = {code: [] for _pk, code in units}
    number = 0
    for unit_id, code in units:
        for _ in range(rng.randint(3, 25)):
            number += 1
            excluded = code == all_excluded or rng.random() < 0.15
            response = Response.objects.create(
                campaign=campaign,
                unit_id=unit_id,
                form_number=f"F{number:05d}",
                channel=Channel.PAPER,
                content_hash=f"{seed}-{number}",
                excluded=excluded,
            )
            answers = {q: rng.choice(values) for q in questions if rng.random() < 0.85}
            ResponseAnswer.objects.bulk_create(
                ResponseAnswer(response=response, question=q, value=v) for q, v in answers.items()
            )
            stored[code].append((excluded, answers))
    return stored


@pytest.fixture
def units(world: World) -> list[tuple[int, str]]:
    out = [(world.commune_a.pk, world.commune_a.code), (world.commune_b.pk, world.commune_b.code)]
    for n in range(4):
        unit = factories.unit(f"Xã Đếm {n}", Kind.XA, world.province, code=f"92{100 + n}")
        out.append((unit.pk, unit.code))
    return out


def test_citizens_survey_results_from_counts_equal_the_forms_and_a_hand_count(
    world: World, units: list[tuple[int, str]]
) -> None:
    campaign = _campaign(world, "sipas-2024.yaml", 2025)
    every_excluded = units[-1][1]
    stored = _fill(campaign, units, SCALE_VALUES, seed=7, all_excluded=every_excluded)

    results = campaign_results(campaign)
    assert results == compute(campaign.questionnaire.parsed(), campaign_forms(campaign))
    assert sorted(results) == sorted(code for _pk, code in units)
    assert results[every_excluded].forms == 0
    assert results[every_excluded].index is None

    spec = campaign.questionnaire.parsed()
    rated = [
        (section.code, q.code)
        for section in spec.elements
        for q in section.questions
        if q.rated and q.kind == "scale5"
    ]
    assert rated
    for _pk, code in units[:-1]:
        valid = [answers for excluded, answers in stored[code] if not excluded]
        assert results[code].forms == len(valid)
        sections = {s.code: s for s in results[code].sections}
        for section_code, question in rated:
            values = [a[question].strip() for a in valid if question in a]
            n = sum(v in {"1", "2", "3", "4", "5"} for v in values)
            k = sum(v in {"4", "5"} for v in values)
            rate = sections[section_code].questions[question]
            assert rate.n == n
            if n:
                expected = (Decimal(100 * k) / Decimal(n)).quantize(
                    Decimal("0.01"), "ROUND_HALF_UP"
                )
                assert rate.pct == expected
                assert (rate.low, rate.high) == wilson(k, n)
            else:
                assert rate.low is None


def test_officials_survey_weighted_results_from_counts_equal_a_hand_count(
    world: World, units: list[tuple[int, str]]
) -> None:
    campaign = _campaign(world, "can-bo-2024.yaml", 2026)
    stored = _fill(campaign, units, WEIGHTED_VALUES, seed=11, all_excluded="")

    results = campaign_results(campaign)
    assert results == compute(campaign.questionnaire.parsed(), campaign_forms(campaign))
    weights = {"A": Decimal(1), "B": Decimal("0.6"), "C": Decimal("0.2"), "D": Decimal(0)}
    for _pk, code in units:
        valid = [answers for excluded, answers in stored[code] if not excluded]
        rate = next(s for s in results[code].sections if s.code == "TTHC").questions["TTHC1"]
        chosen = [a["TTHC1"].strip() for a in valid if a.get("TTHC1", "").strip() in weights]
        assert rate.n == len(chosen)
        if chosen:
            exact = sum(weights[v] for v in chosen) * 100 / len(chosen)
            assert rate.pct == exact.quantize(Decimal("0.01"), "ROUND_HALF_UP")
            assert (rate.low, rate.high) == (None, None)
