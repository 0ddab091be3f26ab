"""Refusals of the results' workflow as sentences in the user's language."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parindex.assessments import problems as assessment_problems
from parindex.frameworks.rules import Problem

MESSAGES: dict[str, Promise] = {
    "publication.not_locked": _(
        "%(count)s communes are not locked yet: %(units)s. Lock every result before publishing."
    ),
    "publication.pending": _(
        "A version is already waiting for the council: approve or reject it first."
    ),
    "publication.reason_required": _(
        "These results were already published: a correction needs its reason."
    ),
    "publication.state": _("This version is %(state)s: that step is not possible now."),
}


def message(problem: Problem) -> str:
    template = MESSAGES.get(problem.code)
    if template is None:
        return assessment_problems.message(problem)
    try:
        return str(template) % dict(problem.params)
    except (KeyError, ValueError, TypeError):
        return str(template)
