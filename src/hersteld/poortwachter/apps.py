from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoortwachterConfig(AppConfig):
    name = "hersteld.poortwachter"
    label = "poortwachter"
    verbose_name = _("Poortwachter")
