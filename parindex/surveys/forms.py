from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from parindex.assessments.forms import DayField
from parindex.orgunits.models import Level, Unit
from parindex.surveys.models import Questionnaire


class CampaignForm(forms.Form):
    questionnaire = forms.ModelChoiceField(
        label=_("Questionnaire"), queryset=Questionnaire.objects.all()
    )
    scope = forms.ModelChoiceField(label=_("Scope"), queryset=Unit.objects.none())
    year = forms.IntegerField(label=_("Year assessed"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Name"), max_length=200)
    target_per_commune = forms.IntegerField(
        label=_("Forms per commune"), min_value=1, max_value=10_000, initial=50
    )
    opens_on = DayField(label=_("Collection opens"))
    closes_on = DayField(label=_("Collection closes"))

    def __init__(self, *args: Any, scopes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"].queryset = scopes.filter(  # type: ignore[attr-defined]
            level__in=[Level.PROVINCE, Level.DISTRICT]
        ).order_by("-valid_from", "path")


class PaperForm(forms.Form):
    file = forms.FileField(label=_("Workbook of paper forms (.xlsx)"))
    only_valid = forms.BooleanField(
        label=_("Import the valid rows and leave the others out"),
        required=False,
        help_text=_("By default a file with any bad row is refused whole."),
    )
