from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "hersteld.accounts"
    label = "accounts"
    verbose_name = _("Users and rights")

    def ready(self) -> None:
        # Importing `signals` connects the session receivers.
        from hersteld.accounts import selectors, signals  # noqa: F401
        from hersteld.core.signals import subject_records

        subject_records.connect(selectors.subject_records, dispatch_uid="accounts.subject_records")
