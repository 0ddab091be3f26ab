from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "parindex.scoring"
    label = "scoring"
    verbose_name = _("Index results")
