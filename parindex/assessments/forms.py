"""Forms of the yearly cycle: a cycle and its calendar, evidence upload, reasons."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from parindex.common.dates import parse_day
from parindex.frameworks.models import Framework, Status
from parindex.orgunits.models import Level, Unit


class DayField(forms.CharField):
    """A date typed dd/mm/yyyy (or chosen in the browser's date picker)."""

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if not text:
            return None
        day = parse_day(text)
        if day is None:
            raise forms.ValidationError(_("“%(v)s” is not a date (dd/mm/yyyy).") % {"v": text})
        return day


def _day(label: Any, required: bool = True) -> DayField:
    return DayField(
        label=label,
        required=required,
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
    )


class CalendarForm(forms.Form):
    """The phases of a cycle, with their dates."""

    name = forms.CharField(label=_("Name"), max_length=200)
    rounds = forms.TypedChoiceField(
        label=_("Appraisal rounds"), choices=[(1, "1"), (2, "2")], coerce=int
    )
    self_opens_on = _day(_("Self-assessment opens"))
    self_deadline = _day(_("Self-assessment deadline"))
    appraisal_deadline = _day(_("Appraisal deadline"))
    appraisal2_deadline = _day(_("Second round deadline"), required=False)
    explanation_from = _day(_("Explanations from"), required=False)
    explanation_to = _day(_("Explanations until"), required=False)
    council_on = _day(_("Council meeting"), required=False)
    publish_on = _day(_("Publication"), required=False)

    @staticmethod
    def initial_of(cycle: Any) -> dict[str, Any]:
        from parindex.assessments.actions import CALENDAR_FIELDS

        values = {name: getattr(cycle, name) for name in CALENDAR_FIELDS}
        return {
            k: v.strftime("%d/%m/%Y") if hasattr(v, "strftime") else v for k, v in values.items()
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, deadline, appraisal = (
            data.get("self_opens_on"),
            data.get("self_deadline"),
            data.get("appraisal_deadline"),
        )
        if opens and deadline and appraisal and not opens <= deadline <= appraisal:
            raise forms.ValidationError(
                _("The dates must follow each other: opening, deadline, then appraisal.")
            )
        if data.get("rounds") == 2 and not data.get("appraisal2_deadline"):
            self.add_error("appraisal2_deadline", _("Two rounds need the second round's deadline."))
        start, end = data.get("explanation_from"), data.get("explanation_to")
        if bool(start) != bool(end) or (start and end and end < start):
            self.add_error(
                "explanation_to", _("Give both days of the explanation window, in order.")
            )
        return data


class CycleForm(CalendarForm):
    framework = forms.ModelChoiceField(label=_("Framework"), queryset=Framework.objects.none())
    scope = forms.ModelChoiceField(label=_("Scope"), queryset=Unit.objects.none())
    year = forms.IntegerField(label=_("Year assessed"), min_value=2000, max_value=2100)
    field_order = ["framework", "scope", "year", "name"]

    def __init__(self, *args: Any, frameworks: Any, scopes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["framework"].queryset = frameworks.filter(status=Status.PUBLISHED)  # type: ignore[attr-defined]
        self.fields["scope"].queryset = scopes.filter(  # type: ignore[attr-defined]
            level__in=[Level.PROVINCE, Level.DISTRICT]
        ).order_by("-valid_from", "path")


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File (PDF, Word, Excel or image)"))
    number = forms.CharField(label=_("Number and symbol (số)"), max_length=100, required=False)
    issued_on = _day(_("Date (ngày)"), required=False)
    summary = forms.CharField(
        label=_("Summary (trích yếu)"),
        max_length=500,
        required=False,
        help_text=_("E.g. Kế hoạch cải cách hành chính năm 2025."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000)


class ReopenForm(ReasonForm):
    until = _day(_("Reopened until"))
