from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "hersteld.accounts"
    label = "accounts"
    verbose_name = _("Users and rights")

    def ready(self) -> None:
        from hersteld.accounts import (
            retention,
            signals,  # noqa: F401  (connects the session receivers)
        )
        from hersteld.core import signals as hooks

        hooks.retention_categories.connect(
            retention.categories, dispatch_uid="accounts.retention.categories"
        )
