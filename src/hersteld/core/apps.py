from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hersteld.core"
    label = "core"
    verbose_name = "Kern"
