from django.urls import path

from hersteld.messaging import views

app_name = "messaging"
urlpatterns = [
    path("messages/", views.inbox, name="inbox"),
    path("messages/settings/", views.preference, name="preference"),
    path("cases/<int:case_pk>/messages/", views.send, name="send"),
    path("messages/attachments/<int:pk>/", views.download, name="attachment"),
]
