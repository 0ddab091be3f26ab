"""Forms of the plans: a plan, its issue, a target and its reported values, a task."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from parindex.assessments.forms import _day
from parindex.assessments.models import Document
from parindex.common.dates import parse_day
from parindex.frameworks.rules import Problem, to_decimal
from parindex.orgunits.models import Unit
from parindex.plans import rules
from parindex.plans.models import IndexSource, Kind, TaskStatus
from parindex.plans.problems import message


class PlanForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    grounds = forms.CharField(
        label=_("Legal grounds (căn cứ)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    purpose = forms.CharField(
        label=_("Purpose and requirements"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class PlanEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    grounds = forms.CharField(
        label=_("Legal grounds (căn cứ)"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    purpose = forms.CharField(
        label=_("Purpose and requirements"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )


class IssueForm(forms.Form):
    number = forms.CharField(label=_("Number and symbol"), max_length=100)
    issued_on = _day(_("Date issued"))
    document = forms.ModelChoiceField(
        label=_("Issuing document (uploaded evidence)"),
        queryset=Document.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, documents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = documents  # type: ignore[attr-defined]


class TargetForm(forms.Form):
    code = forms.CharField(label=_("No."), max_length=20, required=False)
    group = forms.CharField(label=_("Field"), max_length=200, required=False)
    name = forms.CharField(label=_("Target"), widget=forms.Textarea(attrs={"rows": 2}))
    target_text = forms.CharField(
        label=_("Target value as written"),
        max_length=200,
        required=False,
        help_text=_("As the plan writes it: 100%, Trên 90%, Chỉ số xếp hạng cao hơn năm 2025."),
    )
    index_source = forms.ChoiceField(
        label=_("Measured from"), choices=IndexSource.choices, required=False
    )
    node_code = forms.CharField(
        label=_("Field or criterion code"),
        max_length=30,
        required=False,
        help_text=_("When measured on a field or criterion of the index, e.g. 9 for SIPAS."),
    )
    tracking_unit = forms.CharField(label=_("Unit tracking and guiding"), required=False)
    implementing_unit = forms.CharField(label=_("Implementing unit"), required=False)
    heading = forms.BooleanField(label=_("Heading row (no value of its own)"), required=False)


class ReportForm(forms.Form):
    period = forms.CharField(
        label=_("Period"),
        max_length=10,
        help_text=_("2026-03 for a month, 2026-Q1 for a quarter, 2026 for the whole year."),
    )
    value = forms.CharField(label=_("Actual value"), max_length=20)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean_value(self) -> Decimal:
        text = self.cleaned_data["value"].strip().rstrip("%").strip()
        try:
            return to_decimal(text)
        except ValueError:
            raise forms.ValidationError(_("“%(v)s” is not a number.") % {"v": text}) from None

    def clean_period(self) -> str:
        period = self.cleaned_data["period"].strip().upper().replace(" ", "")
        if "Q" in period and "-Q" not in period:
            period = period.replace("Q", "-Q")
        if not rules.is_period(period):
            raise forms.ValidationError(
                _("Write 2026-03 for a month, 2026-Q1 for a quarter, 2026 for the year.")
            )
        return period


class TaskForm(forms.Form):
    code = forms.CharField(label=_("No."), max_length=20, required=False)
    group = forms.CharField(label=_("Field"), max_length=200, required=False)
    title = forms.CharField(label=_("Task"), widget=forms.Textarea(attrs={"rows": 2}))
    product = forms.CharField(label=_("Activity or product"), max_length=300, required=False)
    lead = forms.CharField(label=_("Lead unit"), max_length=200, required=False)
    coordinating = forms.CharField(label=_("Coordinating units"), max_length=300, required=False)
    due = forms.CharField(
        label=_("Due"),
        max_length=40,
        help_text=_("15/03/2026, Tháng 3/2026, Quý I/2026 or Cả năm."),
    )
    node_code = forms.CharField(label=_("Criterion served (code)"), max_length=30, required=False)

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.year = year

    def clean_due(self) -> rules.Due:
        text = self.cleaned_data["due"]
        due = rules.read_due(text, self.year)
        if due is None:
            raise forms.ValidationError(message(Problem("task.due", {"value": text})))
        return due


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices)
    done_on = forms.CharField(label=_("Completed on"), required=False)
    product_document = forms.ModelChoiceField(
        label=_("Product document"),
        queryset=Document.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, documents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product_document"].queryset = documents  # type: ignore[attr-defined]

    def clean_done_on(self) -> Any:
        text = self.cleaned_data.get("done_on", "")
        if not text:
            return None
        day = parse_day(text)
        if day is None:
            raise forms.ValidationError(_("“%(v)s” is not a date (dd/mm/yyyy).") % {"v": text})
        return day
