from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AbsenceConfig(AppConfig):
    name = "hersteld.absence"
    label = "absence"
    verbose_name = _("Absence")

    def ready(self) -> None:
        from hersteld.absence.selectors import attach_cases, subject_records
        from hersteld.core import signals

        signals.employments_shown.connect(attach_cases, dispatch_uid="absence.attach_cases")

        from hersteld.absence import retention

        signals.retention_categories.connect(
            retention.categories, dispatch_uid="absence.retention.categories"
        )
        signals.retention_running.connect(
            retention.running, dispatch_uid="absence.retention.running"
        )
        signals.subject_records.connect(subject_records, dispatch_uid="absence.subject_records")
