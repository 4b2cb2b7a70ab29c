from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "hersteld.documents"
    label = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from hersteld.core import signals
        from hersteld.documents import selectors, services, views

        signals.dossier_tab.connect(views.dossier_tab, dispatch_uid="documents.tab")
        signals.dossier_tabs.connect(views.dossier_tabs, dispatch_uid="documents.tabs")
        signals.chain_changed.connect(services.sync_uwv_todos, dispatch_uid="documents.uwv")
        signals.todo_links.connect(views.todo_links, dispatch_uid="documents.todo_links")
        signals.report_released.connect(
            services.take_over_report, dispatch_uid="documents.take_over_report"
        )

        from hersteld.documents import retention

        signals.retention_categories.connect(
            retention.categories, dispatch_uid="documents.retention.categories"
        )
        signals.subject_records.connect(
            selectors.subject_records, dispatch_uid="documents.subject_records"
        )
