from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "hersteld.people"
    label = "people"
    verbose_name = _("Employees and employments")

    def ready(self) -> None:
        from django.core import checks

        from hersteld.core import signals
        from hersteld.people.checks import datakluis_key
        from hersteld.people.selectors import department_in_use, subject_records

        checks.register(datakluis_key)

        signals.department_ending.connect(
            department_in_use, dispatch_uid="people.department_in_use"
        )

        from hersteld.people import retention

        signals.retention_categories.connect(
            retention.categories, dispatch_uid="people.retention.categories"
        )
        signals.subject_records.connect(subject_records, dispatch_uid="people.subject_records")
