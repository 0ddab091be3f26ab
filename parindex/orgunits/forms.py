from django import forms
from django.utils.translation import gettext_lazy as _


class UnitImportForm(forms.Form):
    file = forms.FileField(
        label=_("List of units (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
