from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoortwachterConfig(AppConfig):
    name = "hersteld.poortwachter"
    label = "poortwachter"
    verbose_name = _("Poortwachter")

    def ready(self) -> None:
        from hersteld.core import daily
        from hersteld.poortwachter.services import daily_step

        daily.register(daily.DailyStep(name="Signals per user", order=10, run=daily_step))
