"""The portal's bulk import (X9); include with `path("", include("hersteld.exchange.import_urls"))`."""

from django.urls import path

from hersteld.exchange import import_views

urlpatterns = [
    path("exchange/import/", import_views.import_page, name="exchange-import"),
    path("exchange/import/<int:pk>/", import_views.import_run_page, name="exchange-import-run"),
    path(
        "exchange/import/<int:pk>/status/",
        import_views.import_status,
        name="exchange-import-status",
    ),
    path(
        "exchange/import/<int:pk>/errors.csv",
        import_views.import_errors_csv,
        name="exchange-import-errors",
    ),
]
