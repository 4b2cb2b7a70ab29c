from django.urls import path

from hersteld.documents import views

app_name = "documents"
urlpatterns = [
    path("cases/<int:case_pk>/documents/new/", views.document_new, name="document_new"),
    path("cases/<int:case_pk>/reintegration-report.pdf", views.report_pdf, name="report_pdf"),
    path("todos/<int:pk>/document/", views.todo_document, name="todo_document"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
    path("documents/<int:pk>/final/", views.document_final, name="document_final"),
    path("documents/<int:pk>/sign/", views.document_sign, name="document_sign"),
    path("documents/<int:pk>/revise/", views.document_revise, name="document_revise"),
    path("documents/<int:pk>/pdf/", views.document_pdf, name="document_pdf"),
    path("documents/<int:pk>/scan/", views.document_scan, name="document_scan"),
    path("documents/<int:pk>/scans/<int:scan_pk>/", views.scan_download, name="scan_download"),
]
