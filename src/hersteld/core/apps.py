from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hersteld.core"
    label = "core"
    verbose_name = "Kern"

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from hersteld.core.lengths import refuse_overlong_text

        pre_save.connect(refuse_overlong_text, dispatch_uid="core.refuse_overlong_text")
