"""Refusals of the surveys as sentences in the user's language."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parindex.assessments import problems as assessment_problems
from parindex.frameworks.rules import Problem

MESSAGES: dict[str, Promise] = {
    "survey.code_name": _("The questionnaire needs a code and a name."),
    "survey.audience": _("“%(value)s”: the respondents are citizens or officials."),
    "survey.section_duplicate": _("Two sections have the code %(code)s."),
    "survey.section_empty": _("Section %(code)s has no question."),
    "survey.question_code": _("Question code “%(code)s” is empty or used twice."),
    "survey.kind": _("Unknown kind of question “%(kind)s”."),
    "survey.options": _("A choice question needs at least two options."),
    "survey.option_duplicate": _("Two options have the same code."),
    "survey.weight": _("Weight %(value)s must be between 0 and 1."),
    "survey.rated_kind": _("Only 5-point questions or weighted options can count in a rate."),
    "survey.rated_profile": _("A profile question cannot count in a rate."),
    "survey.no_element": _("The questionnaire measures no element."),
    "survey.frozen": _("Questionnaire %(code)s already has answers: it can no longer change."),
    "campaign.window": _("The collection must close after it opens."),
    "campaign.no_cycle": _("This campaign feeds no assessment cycle."),
    "campaign.exists": _("%(unit)s already has this questionnaire for %(year)s."),
    "paper.unknown_column": _("Unknown column “%(column)s”."),
    "paper.missing_columns": _("The sheet needs the columns “Số phiếu” and “Mã xã”."),
    "paper.bad_answer": _("“%(value)s” is not an answer of this question (%(allowed)s)."),
    "paper.no_form_number": _("The form number is missing."),
    "paper.repeated": _("Form %(number)s is already on row %(row)s."),
    "paper.unknown_commune": _("“%(code)s” is not a commune of this campaign."),
    "paper.bad_date": _("“%(value)s” is not a date (dd/mm/yyyy)."),
    "paper.missing_answer": _("This question must be answered."),
    "paper.conflict": _(
        "Form %(number)s was already imported with other answers: nothing overwrites it."
    ),
}


def message(problem: Problem) -> str:
    template = MESSAGES.get(problem.code)
    if template is None:
        return assessment_problems.message(problem)
    try:
        return str(template) % dict(problem.params)
    except (KeyError, ValueError, TypeError):
        return str(template)
