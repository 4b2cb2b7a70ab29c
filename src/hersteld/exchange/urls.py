from django.urls import path

from hersteld.exchange import views

app_name = "exchange"
urlpatterns = [
    path("couplings/", views.coupling_list, name="coupling_list"),
    path("couplings/add/", views.coupling_add, name="coupling_add"),
    path("couplings/<int:pk>/", views.coupling_detail, name="coupling_detail"),
    path("couplings/<int:pk>/edit/", views.coupling_edit, name="coupling_edit"),
    *[
        path(
            f"couplings/<int:pk>/{action}/",
            views.coupling_action,
            {"action": action},
            name=f"coupling_{action}",
        )
        for action in ("activate", "suspend", "key")
    ],
    path("couplings/<int:pk>/errors/", views.error_log, name="errors"),
    path("couplings/<int:pk>/errors/<int:message_pk>/retry/", views.retry, name="retry"),
    path("couplings/<int:pk>/errors/<int:message_pk>/dismiss/", views.dismiss, name="dismiss"),
    path(
        "couplings/<int:pk>/outbox/<int:message_pk>/retry/",
        views.outbox_retry,
        name="outbox_retry",
    ),
    path("datakluis/reveal/", views.vault_reveal, name="vault_reveal"),
    path("proposals/", views.review_list, name="review_list"),
    path("proposals/<int:pk>/", views.review_detail, name="review_detail"),
]
