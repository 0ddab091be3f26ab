"""Reads of the surveys: the forms of a campaign as plain data, and its results."""

from __future__ import annotations

import gc
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q

from parindex.orgunits.models import Unit
from parindex.surveys.models import Campaign, Respondent, ResponseAnswer, SampleMethod
from parindex.surveys.stats import Form, UnitResult, compute, compute_counts, sample_size


def campaign_forms(campaign: Campaign) -> list[Form]:
    """Every form of the campaign with its answers, in two queries."""
    return [form for _pk, form in _forms_by_id(campaign)]


def campaign_results(campaign: Campaign) -> dict[str, UnitResult]:
    """Every commune's results (`stats.compute`), from counts the database aggregates: the valid
    forms of each commune, and the valid forms' answers counted per commune, question and value
    (a few rows per question instead of one per answer)."""
    codes: dict[int, str] = {}
    forms: dict[str, int] = {}
    for unit_id, code, valid in (
        campaign.responses.order_by()
        .values("unit_id", "unit__code")
        .annotate(valid=Count("pk", filter=Q(excluded=False)))
        .values_list("unit_id", "unit__code", "valid")
    ):
        codes[unit_id] = code
        forms[code] = valid
    answers = (
        ResponseAnswer.objects.filter(response__campaign=campaign, response__excluded=False)
        .order_by()
        .values("response__unit_id", "question", "value")
        .annotate(n=Count("pk"))
        .values_list("response__unit_id", "question", "value", "n")
    )
    return compute_counts(
        campaign.questionnaire.parsed(),
        forms,
        ((codes[unit_id], question, value, n) for unit_id, question, value, n in answers),
    )


def targets(campaign: Campaign) -> dict[int, dict[str, Any]]:
    """Each commune's target number of forms (by commune id), and where it comes from.

    - an officials' survey with respondents: the number of respondents who rate the commune
      (`source` "respondents");
    - a sample size computed from dossiers: Cochran's n for the commune's N at the campaign's
      confidence and margin (`source` "computed", `dossiers` N); a commune whose N is not entered
      yet keeps the fixed number (`source` "fixed", `dossiers` None);
    - otherwise the fixed number of forms per commune.
    """
    from parindex.surveys.actions import campaign_communes

    communes = campaign_communes(campaign).values()
    dossiers = dict(campaign.units.values_list("unit_id", "dossiers"))
    out: dict[int, dict[str, Any]] = {}
    if campaign.questionnaire.audience == "officials" and campaign.respondents.exists():
        rated = respondent_counts(campaign)
        for unit in communes:
            out[unit.pk] = {
                "target": rated.get(unit.pk, 0),
                "source": "respondents",
                "dossiers": dossiers.get(unit.pk),
            }
        return out
    for unit in communes:
        n = dossiers.get(unit.pk)
        if campaign.sample_method == SampleMethod.COMPUTED and n is not None:
            target = sample_size(
                n, confidence=campaign.confidence, margin_points=Decimal(campaign.margin)
            )
            out[unit.pk] = {"target": target, "source": "computed", "dossiers": n}
        else:
            out[unit.pk] = {
                "target": campaign.target_per_commune,
                "source": "fixed",
                "dossiers": n,
            }
    return out


def respondent_counts(campaign: Campaign) -> dict[int, int]:
    """How many respondents rate each commune (a respondent with no commune listed rates all)."""
    from parindex.surveys.actions import campaign_communes

    every = [u.pk for u in campaign_communes(campaign).values()]
    counts: dict[int, int] = defaultdict(int)
    chosen: dict[int, list[int]] = defaultdict(list)
    for respondent_id, unit_id in Respondent.units.through.objects.filter(
        respondent__campaign=campaign
    ).values_list("respondent_id", "unit_id"):
        chosen[respondent_id].append(unit_id)
    for respondent_id in campaign.respondents.values_list("pk", flat=True):
        for unit_id in chosen.get(respondent_id) or every:
            counts[unit_id] += 1
    return dict(counts)


def respondent_communes(respondent: Respondent) -> list[Unit]:
    """The communes an official rates, by name: those listed, or every commune of the campaign."""
    from parindex.surveys.actions import campaign_communes

    chosen = list(respondent.units.all())
    units = chosen or list(campaign_communes(respondent.campaign).values())
    return sorted(units, key=lambda u: (u.name, u.code))


def respondent_progress(respondent: Respondent) -> list[dict[str, Any]]:
    """The communes an official rates, each with whether their form for it is in."""
    done = set(respondent.responses.values_list("unit_id", flat=True))
    return [{"unit": u, "done": u.pk in done} for u in respondent_communes(respondent)]


def respondents_overview(campaign: Campaign) -> list[dict[str, Any]]:
    """Every respondent of a campaign with the communes they rate and how many forms are in."""
    from parindex.surveys.actions import campaign_communes

    every = len(campaign_communes(campaign))
    sent: dict[int, int] = dict(
        campaign.responses.filter(respondent__isnull=False)
        .values("respondent_id")
        .annotate(n=Count("pk"))
        .values_list("respondent_id", "n")
    )
    out = []
    for respondent in campaign.respondents.prefetch_related("units"):
        units = sorted(respondent.units.all(), key=lambda u: u.name)
        out.append(
            {
                "respondent": respondent,
                "units": units,
                "to_rate": len(units) or every,
                "sent": sent.get(respondent.pk, 0),
            }
        )
    return out


def results_by_form(campaign: Campaign) -> dict[str, dict[str, UnitResult]]:
    """An officials' survey's results split by the respondents' form (group): {form: {commune
    code: result}}, forms in order; forms with no respondent (keyed in without one) are left out.
    Each group is `stats.compute` over its forms, as `stats.compute_by` does for an answer."""
    groups: dict[str, list[Form]] = {
        code: []
        for code in campaign.respondents.order_by("form_code")
        .values_list("form_code", flat=True)
        .distinct()
    }
    forms = dict(_forms_by_id(campaign))
    for response_id, form_code in campaign.responses.filter(respondent__isnull=False).values_list(
        "pk", "respondent__form_code"
    ):
        groups.setdefault(form_code, []).append(forms[response_id])
    spec = campaign.questionnaire.parsed()
    return {code: compute(spec, groups[code]) for code in sorted(groups)}


def _forms_by_id(campaign: Campaign) -> list[tuple[int, Form]]:
    """Every form of the campaign (with its id) and its answers, in two queries."""
    responses = list(campaign.responses.values_list("pk", "unit__code", "excluded"))
    answers: dict[int, dict[str, str]] = defaultdict(dict)
    # Millions of small objects for a whole province, none in a cycle: the garbage collector's
    # passes over them would take about as long as reading them (see `scoring.engine.gc_paused`).
    enabled = gc.isenabled()
    gc.disable()
    try:
        for response_id, question, value in ResponseAnswer.objects.filter(
            response__campaign=campaign
        ).values_list("response_id", "question", "value"):
            answers[response_id][question] = value
    finally:
        if enabled:
            gc.enable()
    return [
        (pk, Form(unit=code, answers=answers[pk], excluded=excluded))
        for pk, code, excluded in responses
    ]


def collection(campaign: Campaign) -> list[dict[str, Any]]:
    """Forms collected per commune and channel, against the commune's target (`targets`)."""
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
    goals = targets(campaign)
    rows = []
    for unit in sorted(campaign_communes(campaign).values(), key=lambda u: u.name):
        row = counts.get(unit.pk, {})
        goal = goals[unit.pk]
        rows.append(
            {
                "unit": unit,
                "total": row.get("total", 0),
                "paper": row.get("paper", 0),
                "online": row.get("online", 0),
                "excluded": row.get("excluded", 0),
                "target": goal["target"],
                "target_source": goal["source"],
                "dossiers": goal["dossiers"],
            }
        )
    return rows
