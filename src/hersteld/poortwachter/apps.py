from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoortwachterConfig(AppConfig):
    name = "hersteld.poortwachter"
    label = "poortwachter"
    verbose_name = _("Poortwachter")

    def ready(self) -> None:
        from hersteld.core import daily, signals
        from hersteld.poortwachter import timeline
        from hersteld.poortwachter.selectors import subject_records
        from hersteld.poortwachter.services import daily_step, on_chain_changed

        daily.register(daily.DailyStep(name="Signals per user", order=10, run=daily_step))
        signals.chain_changed.connect(on_chain_changed, dispatch_uid="poortwachter.chain")
        signals.dossier_tab.connect(timeline.dossier_tab, dispatch_uid="poortwachter.timeline")
        signals.subject_records.connect(
            subject_records, dispatch_uid="poortwachter.subject_records"
        )
