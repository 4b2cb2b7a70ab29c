from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "hersteld.accounts"
    label = "accounts"
    verbose_name = _("Users and rights")

    def ready(self) -> None:
        # Importing `signals` connects the session receivers.
        from hersteld.accounts import retention, selectors, signals  # noqa: F401
        from hersteld.core import signals as hooks

        hooks.retention_categories.connect(
            retention.categories, dispatch_uid="accounts.retention.categories"
        )
        hooks.subject_records.connect(
            selectors.subject_records, dispatch_uid="accounts.subject_records"
        )
