from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "parindex.accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from parindex.accounts import receivers, two_factor  # noqa: F401
