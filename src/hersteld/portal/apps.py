from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "hersteld.portal"
    label = "portal"
    verbose_name = "Portal"
