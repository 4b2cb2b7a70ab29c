from django.urls import path

from hersteld.absence import views

app_name = "absence"
urlpatterns = [
    path("cases/", views.case_list, name="case_list"),
    path("cases/add/<int:employment_pk>/", views.case_add, name="case_add"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/correct/", views.case_correct, name="case_correct"),
    path("cases/<int:pk>/withdraw/", views.case_withdraw, name="case_withdraw"),
    path("cases/<int:pk>/convert/", views.case_convert, name="case_convert"),
    path("cases/<int:pk>/close/", views.case_close, name="case_close"),
    path("cases/<int:pk>/delivery/", views.case_delivery, name="case_delivery"),
    path("cases/<int:pk>/end-leave/", views.case_end_leave, name="case_end_leave"),
    path("cases/<int:pk>/recoveries/add/", views.recovery_add, name="recovery_add"),
    path("cases/<int:pk>/same-cause/", views.case_same_cause, name="case_same_cause"),
    path("cases/<int:pk>/hold/", views.case_hold, name="case_hold"),
    path("cases/<int:pk>/hold/lift/", views.case_hold_lift, name="case_hold_lift"),
    path("recoveries/<int:pk>/correct/", views.recovery_correct, name="recovery_correct"),
    path("recoveries/<int:pk>/remove/", views.recovery_remove, name="recovery_remove"),
]
