from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultsConfig(AppConfig):
    name = "hersteld.consults"
    label = "consults"
    verbose_name = _("Consults")

    def ready(self) -> None:
        from hersteld.consults import selectors, views
        from hersteld.consults.services import daily_step
        from hersteld.core import daily, signals

        daily.register(daily.DailyStep(name="Consult reminders", order=30, run=daily_step))
        signals.dossier_tabs.connect(views.dossier_tabs, dispatch_uid="consults.tabs")
        signals.dossier_tab.connect(views.dossier_tab, dispatch_uid="consults.tab")
        signals.sms_number.connect(selectors.sms_number, dispatch_uid="consults.sms_number")

        from hersteld.consults import retention

        signals.retention_categories.connect(
            retention.categories, dispatch_uid="consults.retention.categories"
        )
        signals.subject_records.connect(
            selectors.subject_records, dispatch_uid="consults.subject_records"
        )
