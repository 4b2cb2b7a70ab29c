from django.urls import path

from hersteld.consults import views

app_name = "consults"
urlpatterns = [
    path("consults/", views.consult_list, name="list"),
    path("agenda/", views.agenda, name="agenda"),
    path("billing/", views.billing, name="billing"),
    path("consults/request/", views.consult_request, name="request"),
    path("consults/sms-consent/", views.sms_consent, name="sms_consent"),
    path("consults/blocks/<int:pk>/remove/", views.block_remove, name="block_remove"),
    path("consults/<int:pk>/", views.consult_detail, name="detail"),
    path("consults/<int:pk>/letter.pdf", views.consult_letter, name="letter"),
    path("consults/<int:pk>/schedule/", views.consult_schedule, name="schedule"),
    path("consults/<int:pk>/cancel/", views.consult_cancel, name="cancel"),
    path("consults/<int:pk>/reschedule/", views.consult_reschedule, name="reschedule"),
    path("consults/<int:pk>/held/", views.consult_held, name="held"),
    path("consults/<int:pk>/no-show/", views.consult_no_show, name="no_show"),
    path("consults/<int:pk>/notes/", views.note_add, name="note_add"),
    path("consults/<int:pk>/report/", views.report_edit, name="report"),
    path("consults/<int:pk>/report/final/", views.report_final, name="report_final"),
    path("cases/<int:case_pk>/consults/plan/", views.consult_plan, name="plan"),
    path(
        "cases/<int:case_pk>/information-requests/new/",
        views.information_add,
        name="information_add",
    ),
    path("information-requests/<int:pk>/", views.information_detail, name="information_detail"),
    path(
        "information-requests/<int:pk>/withdraw/",
        views.information_withdraw,
        name="information_withdraw",
    ),
]
