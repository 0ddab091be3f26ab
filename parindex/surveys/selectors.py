"""Reads of the surveys: the forms of a campaign as plain data, and its results."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Q

from parindex.surveys.models import Campaign, ResponseAnswer
from parindex.surveys.stats import Form, UnitResult, compute


def campaign_forms(campaign: Campaign) -> list[Form]:
    """Every form of the campaign with its answers, in two queries."""
    responses = list(
        campaign.responses.select_related("unit").values_list("pk", "unit__code", "excluded")
    )
    answers: dict[int, dict[str, str]] = defaultdict(dict)
    for response_id, question, value in ResponseAnswer.objects.filter(
        response__campaign=campaign
    ).values_list("response_id", "question", "value"):
        answers[response_id][question] = value
    return [
        Form(unit=code, answers=answers[pk], excluded=excluded) for pk, code, excluded in responses
    ]


def campaign_results(campaign: Campaign) -> dict[str, UnitResult]:
    return compute(campaign.questionnaire.parsed(), campaign_forms(campaign))


def collection(campaign: Campaign) -> list[dict[str, Any]]:
    """Forms collected per commune and channel, against the target."""
    from parindex.surveys.actions import campaign_communes

    counts = {
        row["unit_id"]: row
        for row in campaign.responses.values("unit_id").annotate(
            total=Count("pk", filter=Q(excluded=False)),
            paper=Count("pk", filter=Q(channel="paper", excluded=False)),
            online=Count("pk", filter=Q(channel="online", excluded=False)),
            excluded=Count("pk", filter=Q(excluded=True)),
        )
    }
    rows = []
    for unit in sorted(campaign_communes(campaign).values(), key=lambda u: u.name):
        row = counts.get(unit.pk, {})
        rows.append(
            {
                "unit": unit,
                "total": row.get("total", 0),
                "paper": row.get("paper", 0),
                "online": row.get("online", 0),
                "excluded": row.get("excluded", 0),
                "target": campaign.target_per_commune,
            }
        )
    return rows
