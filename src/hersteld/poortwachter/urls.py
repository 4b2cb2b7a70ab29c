from django.urls import path

from hersteld.poortwachter import views

app_name = "poortwachter"
urlpatterns = [
    path("worklist/", views.worklist, name="worklist"),
    path("todos/<int:pk>/done/", views.todo_done, name="todo_done"),
    path("cases/<int:case_pk>/todos/add/", views.todo_add, name="todo_add"),
    path("notifications/", views.notification_list, name="notifications"),
    path(
        "notifications/<int:pk>/dismiss/",
        views.notification_dismiss,
        name="notification_dismiss",
    ),
    path(
        "notifications/dismiss-done/",
        views.notifications_dismiss_done,
        name="notifications_dismiss_done",
    ),
]
