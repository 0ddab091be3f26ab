"""Refusals of campaigns, rules and nominations as sentences in the user's language."""

from __future__ import annotations

import contextlib

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parindex.assessments import problems as assessment_problems
from parindex.awards.eligibility import RuleProblem
from parindex.frameworks.rules import Problem

MESSAGES: dict[str, Promise] = {
    "campaign.name": _("The campaign needs a name."),
    "campaign.period": _("The campaign's period must end on or after the day it starts."),
    "campaign.scope": _("%(scope)s is not under %(issuer)s: a campaign covers the issuer's units."),
    "campaign.cycle_scope": _(
        "The results of %(cycle)s do not cover %(scope)s: choose the cycle of these communes."
    ),
    "campaign.competitors": _("Say who competes: collectives, individuals or both."),
    "campaign.award_forms": _("Give at least one award form (e.g. Giấy khen của Chủ tịch UBND)."),
    "campaign.deadline": _("The last day for nominations cannot come before the campaign starts."),
    "campaign.status": _("This campaign is %(status)s: it cannot go to “%(to)s”."),
    "campaign.decided": _("The awards of this campaign are decided: it can no longer change."),
    "campaign.pending": _(
        "%(count)s submitted nominations still await the council's decision: decide them first."
    ),
    "target.name": _("The target needs its wording."),
    "target.plan": _("This plan target is not one of the issuer's plans."),
    "rule.yaml": _("The rule cannot be read (line %(line)s): %(error)s"),
    "rule.too_long": _("The rule is too long (at most %(limit)s characters)."),
    "rule.empty": _("Write the rule, or use the preset."),
    "rule.too_deep": _("The rule nests groups more than %(depth)s levels deep."),
    "rule.not_a_clause": _(
        '“%(value)s” is not a condition: write e.g. percent: ">= 80" or all: [...].'
    ),
    "rule.extra_keys": _("Unknown words here: %(keys)s."),
    "rule.group_list": _("“%(kind)s” must be followed by a list of conditions (lines with “- ”)."),
    "rule.group_empty": _("“%(kind)s” has no condition under it."),
    "rule.unknown": _(
        "“%(keys)s” is not a condition: use percent, total, field, rank, change, "
        "higher_than_last_year or plan_target."
    ),
    "rule.comparison": _(
        '“%(value)s” is not a comparison: write an operator and a number, e.g. ">= 80" or "<= 10".'
    ),
    "rule.measure": _("“%(value)s” is not a measure here: use %(allowed)s."),
    "rule.field_code": _('Give the code of the field or criterion (e.g. field: "9").'),
    "rule.field_measure": _(
        "Field %(code)s: say whether its percent or its points are compared (one of the two)."
    ),
    "rule.target_code": _('Give the code of the plan target (e.g. plan_target: "1.1").'),
    "rule.target_state": _("“%(value)s” is not a target state: use %(states)s."),
    "rule.higher_value": _("Write higher_than_last_year: true."),
    "nomination.closed": _("The campaign is not open for nominations (%(status)s)."),
    "nomination.deadline": _(
        "The last day for nominations was %(deadline)s: nominations are closed. Ask the "
        "secretariat if the deadline is extended."
    ),
    "nomination.missing_documents": _(
        "The nomination cannot be submitted without its required documents. Missing: %(missing)s."
    ),
    "nomination.kind": _("This campaign does not award %(kind)s."),
    "nomination.name": _("Give the name of the collective or of the person."),
    "nomination.position": _("Give the person's position (e.g. Chủ tịch UBND xã)."),
    "nomination.award_form": _("“%(form)s” is not one of this campaign's award forms."),
    "nomination.unit": _("%(unit)s does not compete in this campaign."),
    "nomination.nominee_unit": _("The collective must be %(unit)s or one of its offices."),
    "nomination.not_draft": _("This nomination is %(status)s: it can no longer change."),
    "nomination.not_submitted": _(
        "Only a submitted nomination is reviewed (this one is %(status)s)."
    ),
    "nomination.reason": _("Give the reason for not accepting the nomination."),
    "nomination.outcome": _("Choose to accept or not to accept the nomination."),
    "nomination.votes": _("Give the numbers of votes for, against and abstaining (at least one)."),
    "nomination.requirement": _("“%(name)s” is not a document this campaign asks for."),
    "nomination.document_cited": _("This document is already attached here."),
}


def message(problem: Problem | RuleProblem) -> str:
    template = MESSAGES.get(problem.code)
    if template is None:
        if isinstance(problem, RuleProblem):
            return problem.code
        return assessment_problems.message(problem)
    text = str(template)
    with contextlib.suppress(KeyError, ValueError, TypeError):
        text = text % dict(problem.params)
    where = getattr(problem, "where", "")
    return f"{where}: {text}" if where else text
