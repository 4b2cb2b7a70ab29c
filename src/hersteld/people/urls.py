from django.urls import path

from hersteld.people import views

app_name = "people"
urlpatterns = [
    path("employments/", views.employment_list, name="employment_list"),
    path("employments/add/", views.employment_add, name="employment_add"),
    path("employments/<int:pk>/edit/", views.employment_edit, name="employment_edit"),
    path("employments/<int:pk>/end/", views.employment_end, name="employment_end"),
    path("employees/<int:pk>/", views.employee_detail, name="employee_detail"),
    path("employees/<int:pk>/edit/", views.employee_edit, name="employee_edit"),
    path("employees/<int:pk>/erase/", views.employee_erase, name="employee_erase"),
    path("employees/<int:pk>/export/", views.employee_export, name="employee_export"),
    path("employees/<int:pk>/hold/", views.employee_hold, name="employee_hold"),
    path("employees/<int:pk>/hold/lift/", views.employee_hold_lift, name="employee_hold_lift"),
    path("me/access-log/", views.my_access_log, name="my_access_log"),
]
