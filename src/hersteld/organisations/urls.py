from django.urls import path

from hersteld.organisations import views

app_name = "organisations"
urlpatterns = [
    path("employers/", views.employer_list, name="employer_list"),
    path("employers/add/", views.employer_create, name="employer_create"),
    path("employers/<int:pk>/", views.employer_detail, name="employer_detail"),
    path("employers/<int:pk>/edit/", views.employer_edit, name="employer_edit"),
    path("employers/<int:pk>/departments/add/", views.department_create, name="department_create"),
    path("departments/<int:pk>/edit/", views.department_edit, name="department_edit"),
    path("retention/", views.retention_reports, name="retention_reports"),
    path("retention/terms/", views.retention_terms, name="retention_terms"),
]
