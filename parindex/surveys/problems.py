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
    "paper.commune_not_yours": _(
        "The form of commune %(code)s is not within your communes: you may key in only the forms "
        "of the communes you cover."
    ),
    "paper.not_allowed": _("You may not key in paper forms for this campaign."),
    "file.no_questionnaire": _("The file has no “questionnaire:” section."),
    "file.yaml_syntax_at": _("The YAML cannot be read at line %(line)s: %(detail)s."),
    "file.node_shape": _(
        "A section or a question is not written as a mapping (code, title or text, …)."
    ),
    "questionnaire.too_large": _("The questionnaire is too large (at most %(kb)s KB)."),
    "questionnaire.exists": _(
        "A questionnaire with the code %(code)s already exists: choose another code."
    ),
    "questionnaire.code_changed": _(
        "The code must stay %(code)s (the text says %(new)s). To make a new version, copy the "
        "questionnaire."
    ),
    "questionnaire.code_long": _("The code is too long (at most %(max)s characters)."),
    "campaign.enterer_outside": _("%(name)s does not belong to a unit of this campaign's scope."),
    "campaign.sample_method": _("Unknown way of setting the sample size “%(value)s”."),
    "campaign.target": _("The number of forms per commune must be between 1 and 10,000."),
    "campaign.confidence": _("The confidence level must be 90, 95 or 99 per cent."),
    "campaign.margin": _(
        "The margin of error must be more than 0 and at most 50 points, with at most one decimal."
    ),
    "dossiers.unknown_commune": _("A commune chosen is not in this campaign."),
    "dossiers.not_a_count": _(
        "%(unit)s: the number of dossiers must be a whole number, 0 or more."
    ),
    "dossiers.not_a_number": _(
        "“%(value)s” is not a number of dossiers (a whole number, 0 or more)."
    ),
    "list.missing_columns": _("The sheet needs the columns: %(columns)s."),
    "list.repeated": _("Commune %(code)s is already on row %(row)s."),
    "respondent.not_officials": _("Respondents are listed for officials' surveys only."),
    "respondent.name": _("The respondent's full name is missing."),
    "respondent.form_code": _(
        "“%(value)s” is not a form code (1 to 10 letters or digits, e.g. 01)."
    ),
    "respondent.has_forms": _("%(name)s has already sent forms: they stay on the list."),
}


def message(problem: Problem) -> str:
    template = MESSAGES.get(problem.code)
    if template is None:
        return assessment_problems.message(problem)
    try:
        return str(template) % dict(problem.params)
    except (KeyError, ValueError, TypeError):
        return str(template)
