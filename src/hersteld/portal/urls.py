from django.urls import path

from hersteld.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    # Public: a load balancer asks it without a session (hersteld.core.health).
    path("health", views.health, name="health"),
]
