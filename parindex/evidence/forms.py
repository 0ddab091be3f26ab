"""The officer's confirmation of what was read from a document."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from parindex.assessments.forms import DayField
from parindex.evidence.models import KIND_CHOICES


class FactsForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=KIND_CHOICES, required=False)
    number = forms.CharField(label=_("Number and symbol (số)"), max_length=100, required=False)
    issued_on = DayField(
        label=_("Date (ngày)"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
    )
    summary = forms.CharField(label=_("Summary (trích yếu)"), max_length=500, required=False)
    issuer = forms.CharField(label=_("Issuing body"), max_length=300, required=False)
    signer = forms.CharField(label=_("Signer"), max_length=120, required=False)
