from django.urls import path

from hersteld.statistics import views

app_name = "statistics"
urlpatterns = [
    path("verzuimcijfers/", views.overview, name="overview"),
    path("verzuimcijfers/<str:employer>/<str:table>.<str:fmt>", views.export, name="export"),
]
