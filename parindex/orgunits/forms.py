from django import forms
from django.utils.translation import gettext_lazy as _

from parindex.common.import_files import ImportFile


class UnitImportForm(forms.Form):
    what = forms.ChoiceField(
        label=_("The file lists"),
        choices=[("units", _("units")), ("successions", _("mergers (old unit → new unit)"))],
        initial="units",
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=_("File (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        validators=[ImportFile("xlsx", "csv")],
    )
