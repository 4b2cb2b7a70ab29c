from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hersteld.core"
    label = "core"
    verbose_name = "Kern"

    def ready(self) -> None:
        from django.db.models.signals import post_save, pre_save

        from hersteld.core import chain, daily, retention, signals
        from hersteld.core.lengths import refuse_overlong_text

        pre_save.connect(refuse_overlong_text, dispatch_uid="core.refuse_overlong_text")
        # The log rows are linked into their tenant's hash chain after their commit.
        for model in chain.CHAINED:
            post_save.connect(
                chain.seal_after_commit, sender=model, dispatch_uid=f"core.seal.{model.__name__}"
            )
        daily.register(daily.DailyStep(name="Seal the logs", order=99, run=chain.daily_step))
        # The retention job (docs/adr/0022-retention.md): after every other step, before sealing.
        signals.retention_categories.connect(
            retention.core_categories, dispatch_uid="core.retention.core_categories"
        )
        daily.register(daily.DailyStep(name="Retention", order=98, run=retention.daily_step))
