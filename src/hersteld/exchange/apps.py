from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "hersteld.exchange"
    label = "exchange"
    verbose_name = _("Data exchange")

    def ready(self) -> None:
        from django.core import checks

        from hersteld.core import daily, signals
        from hersteld.exchange import feed, selectors
        from hersteld.exchange.checks import datakluis_couplings
        from hersteld.exchange.services import daily_step

        feed.connect()
        checks.register(datakluis_couplings, checks.Tags.database)
        daily.register(daily.DailyStep(name="Coupling error digests", order=20, run=daily_step))
        signals.billable_items.connect(
            selectors.billable_rows, dispatch_uid="exchange.billable_rows"
        )
