from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "hersteld.organisations"
    label = "organisations"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from hersteld.core import signals
        from hersteld.organisations import retention

        signals.retention_categories.connect(
            retention.categories, dispatch_uid="organisations.retention.categories"
        )
