from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    """Secure messages per dossier (P14). Labelled `messaging`: `messages` is Django's."""

    name = "hersteld.messaging"
    label = "messaging"
    verbose_name = _("Messages")

    def ready(self) -> None:
        from hersteld.core import daily, signals
        from hersteld.messaging import selectors, services, tabs

        daily.register(daily.DailyStep(name="Message digests", order=20, run=services.daily_step))
        signals.dossier_tabs.connect(tabs.dossier_tabs, dispatch_uid="messaging.tabs")
        signals.dossier_tab.connect(tabs.dossier_tab, dispatch_uid="messaging.tab")

        from hersteld.messaging import retention

        signals.retention_categories.connect(
            retention.categories, dispatch_uid="messaging.retention.categories"
        )
        signals.subject_records.connect(
            selectors.subject_records, dispatch_uid="messaging.subject_records"
        )
