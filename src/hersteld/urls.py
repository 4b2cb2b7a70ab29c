from django.contrib import admin
from django.urls import include, path

from hersteld.api.router import api

urlpatterns = [
    path("", include("hersteld.portal.urls")),
    path("", include("hersteld.accounts.urls")),
    path("", include("hersteld.people.urls")),
    path("", include("hersteld.absence.urls")),
    path("", include("hersteld.poortwachter.urls")),
    path("", include("hersteld.messaging.urls")),
    path("", include("hersteld.consults.urls")),
    path("", include("hersteld.documents.urls")),
    path("", include("hersteld.organisations.urls")),
    path("", include("hersteld.exchange.urls")),
    path("", include("hersteld.exchange.import_urls")),
    path("", include("hersteld.statistics.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("django-admin/", admin.site.urls),
]
