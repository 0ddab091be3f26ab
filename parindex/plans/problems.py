"""Refusals of the plans as sentences in the user's language."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parindex.assessments import problems as assessment_problems
from parindex.frameworks.rules import Problem

MESSAGES: dict[str, Promise] = {
    "plan.title": _("The plan needs a title."),
    "plan.year": _("%(year)s is not a year a plan can be made for."),
    "plan.closed": _("This plan is closed: it can no longer change."),
    "plan.not_draft": _("This plan is %(status)s: only a draft is issued."),
    "plan.not_issued": _("Only an issued plan can be closed."),
    "plan.number": _(
        "The number and symbol of the issuing document are required (e.g. 35/KH-UBND)."
    ),
    "plan.document_other_unit": _("This document belongs to another unit."),
    "target.name": _("The target needs its wording."),
    "target.node_code": _("Give the code of the field or criterion this target is measured on."),
    "target.heading": _("A heading row has no value of its own."),
    "target.period": _("“%(period)s” is not a period: write 2026-03, 2026-Q1 or 2026."),
    "target.period_year": _("%(period)s is not in the plan's year %(year)s."),
    "task.title": _("The task needs its wording."),
    "task.due": _(
        "“%(value)s” is not a deadline: write 15/03/2026, Tháng 3/2026, Quý I/2026 or Cả năm."
    ),
    "task.status": _("Unknown status “%(value)s”."),
    "task.done_in_future": _("A task cannot be completed on a day still to come."),
    "feed.not_annual": _("Only the annual PAR plan feeds the plan-implementation criterion."),
    "feed.other_year": _("The plan is for %(plan)s, the assessment for %(cycle)s."),
    "feed.no_criterion": _(
        "The framework of this cycle has no criterion scored by the plan's tasks."
    ),
    "feed.locked": _("This commune's result is locked: the plan can no longer change its points."),
    "review.month": _("“%(month)s” is not a month (write 2026-03)."),
    "improve.no_result": _("This commune has no result in this cycle yet."),
}


def message(problem: Problem) -> str:
    template = MESSAGES.get(problem.code)
    if template is None:
        return assessment_problems.message(problem)
    try:
        return str(template) % dict(problem.params)
    except (KeyError, ValueError, TypeError):
        return str(template)
