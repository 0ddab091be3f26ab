from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from parindex.accounts.models import User
from parindex.assessments.forms import DayField
from parindex.common.import_files import ImportFile
from parindex.orgunits.models import Level, Unit
from parindex.surveys.models import Confidence, Questionnaire, SampleMethod


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
    file = forms.FileField(
        label=_("Workbook of paper forms (.xlsx)"), validators=[ImportFile("xlsx")]
    )
    only_valid = forms.BooleanField(
        label=_("Import the valid rows and leave the others out"),
        required=False,
        help_text=_("By default a file with any bad row is refused whole."),
    )


class QuestionnaireTextForm(forms.Form):
    text = forms.CharField(
        label=_("Questionnaire (YAML)"),
        widget=forms.Textarea(
            attrs={
                "rows": 28,
                "spellcheck": "false",
                "autocapitalize": "off",
                "style": "max-width: none; font-family: monospace; font-size: .9rem",
            }
        ),
        strip=False,
        max_length=200 * 1024,
    )


class QuestionnaireUploadForm(forms.Form):
    file = forms.FileField(label=_("Questionnaire file (.yaml)"), validators=[ImportFile("yaml")])


class QuestionnaireCopyForm(forms.Form):
    code = forms.CharField(
        label=_("Code of the new version"),
        max_length=50,
        help_text=_("The new version has the same questions and can be edited until it is used."),
    )


class SampleForm(forms.Form):
    sample_method = forms.ChoiceField(
        label=_("Sample size"), choices=SampleMethod.choices, widget=forms.RadioSelect
    )
    target_per_commune = forms.IntegerField(
        label=_("Forms per commune"),
        min_value=1,
        max_value=10_000,
        help_text=_("Also the target of a commune whose number of dossiers is not entered yet."),
    )
    confidence = forms.TypedChoiceField(
        label=_("Confidence level"), choices=Confidence.choices, coerce=int
    )
    margin = forms.DecimalField(
        label=_("Margin of error (± percentage points)"),
        min_value=Decimal("0.1"),
        max_value=Decimal(50),
        max_digits=3,
        decimal_places=1,
        localize=True,
    )


class PaperEntryForm(forms.Form):
    enterers = forms.ModelMultipleChoiceField(
        label=_("Users who may also import paper forms"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Besides the secretariat of the scope, for every commune (e.g. the post office "
            "or the survey team)."
        ),
    )
    communes_enter_own = forms.BooleanField(
        label=_("Communes key in their own paper forms"),
        required=False,
        help_text=_(
            "A commune's officers may then import the forms of their own commune only; rows "
            "of other communes are refused."
        ),
    )

    def __init__(self, *args: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["enterers"]
        field.queryset = users  # type: ignore[attr-defined]
        field.label_from_instance = lambda u: f"{u.get_full_name()} ({u.username})"  # type: ignore[attr-defined]


class ListUploadForm(forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"), validators=[ImportFile("xlsx")])


class RespondentForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=150)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    form_code = forms.CharField(
        label=_("Form code"),
        max_length=10,
        help_text=_("The form they fill, e.g. 01 for council delegates, 03 for department heads."),
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Communes rated"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every commune of the campaign."),
    )

    def __init__(self, *args: Any, communes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = communes  # type: ignore[attr-defined]
