"""Refusals of the yearly cycle as sentences in the user's language."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parindex.frameworks import problems as framework_problems
from parindex.frameworks.rules import Problem

MESSAGES: dict[str, Promise] = {
    "cycle.framework_not_published": _("Framework %(code)s is not published: publish it first."),
    "cycle.year_outside_framework": _("Framework applies to %(years)s, not to %(year)s."),
    "cycle.scope_level": _("%(unit)s is not a province or a district."),
    "cycle.exists": _("%(unit)s already has a cycle for %(year)s."),
    "cycle.dates_order": _("The dates must follow each other: opening, deadline, then appraisal."),
    "cycle.no_communes": _("%(unit)s has no commune in %(year)s."),
    "cycle.self_closed": _("The self-assessment scores of this cycle are already closed."),
    "assessment.entry_closed": _(
        "The self-assessment cannot be changed now (%(status)s; past the deadline, the "
        "secretariat can reopen it)."
    ),
    "assessment.not_reopenable": _("This assessment is %(status)s: it cannot be reopened."),
    "assessment.locked": _("This result is locked."),
    "answer.from_survey": _("The points of %(code)s come from the survey, not from an answer."),
    "answer.changed_meanwhile": _(
        "Someone else saved %(code)s after you opened it: nothing was overwritten. Reload the "
        "page to see their answer, then make your change again."
    ),
    "document.other_unit": _("This document belongs to another unit."),
    "document.other_requirement": _("This required document belongs to another criterion."),
    "submit.unanswered": _("Not answered yet."),
    "submit.missing_documents": _(
        "Claims points without its required documents: %(documents)s. Attach them, or answer "
        "it at 0 points on purpose."
    ),
    "reason.required": _("A reason is required."),
    "assign.outside_cycle": _("Not in this cycle: %(units)s."),
    "assign.not_appraiser": _(
        "%(name)s has no appraiser role covering %(units)s: grant it first (Accounts)."
    ),
    "appraisal.not_open": _("Appraisal is not open for this assessment (%(status)s)."),
    "appraisal.value_required": _("Give the answer that the adjustment retains for %(code)s."),
    "appraisal.nothing_to_agree": _("%(code)s has no self-assessed points to agree with."),
    "explanation.closed": _("The explanation window is closed."),
    "explanation.not_asked": _("No explanation was asked for %(code)s."),
    "explanation.empty": _("Write the explanation."),
    "lock.not_appraising": _("Only an assessment under appraisal can be locked (%(status)s)."),
    "lock.open_items": _("Still to appraise or to decide after explanation: %(codes)s."),
    "unlock.not_locked": _("This result is not locked."),
}


def message(problem: Problem) -> str:
    template = MESSAGES.get(problem.code)
    if template is None:
        return framework_problems.message(problem)
    try:
        return str(template) % dict(problem.params)
    except (KeyError, ValueError, TypeError):
        return str(template)
