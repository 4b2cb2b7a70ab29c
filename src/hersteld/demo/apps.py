from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Only provides the `demo_data` management command; it has no models."""

    name = "hersteld.demo"
    label = "demo"
    verbose_name = "Demo data"
