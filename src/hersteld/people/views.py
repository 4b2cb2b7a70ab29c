"""Thin portal views for employments and employees: selectors to read, services to write."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hersteld.core.selectors import history_for_employee
from hersteld.organisations import selectors as org_selectors
from hersteld.people import selectors, services
from hersteld.people.forms import (
    EmployeeEditForm,
    EmploymentAddForm,
    EmploymentEditForm,
    EndEmploymentForm,
)
from hersteld.portal.helpers import int_or_none, paginate, query_without_page, run_service


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm_anywhere(permission):  # type: ignore[union-attr]
        raise PermissionDenied


@login_required
def employment_list(request: HttpRequest) -> HttpResponse:
    _require(request, "people.view")
    status = request.GET.get("status", "in")
    in_service = {"in": True, "out": False}.get(status)
    employer_id = int_or_none(request.GET.get("employer"))
    department_id = int_or_none(request.GET.get("department"))
    department_path = None
    if department_id is not None:
        department = org_selectors.departments(request.user).filter(pk=department_id).first()
        department_path = department.path if department else "-"
    qs = selectors.employment_list(
        request.user,
        search=request.GET.get("q", "").strip(),
        employer_id=employer_id,
        department_path=department_path,
        in_service=in_service,
    )
    context = {
        "page": paginate(request, qs),
        "employers": org_selectors.employers(request.user),
        "departments": org_selectors.departments(request.user).order_by("employer__name", "path"),
        "filters": {
            "q": request.GET.get("q", ""),
            "employer": employer_id,
            "department": department_id,
            "status": status,
        },
        "querystring": query_without_page(request),
        "can_add": request.user.has_perm_anywhere("people.change"),  # type: ignore[union-attr]
    }
    template = (
        "people/_employment_rows.html"
        if getattr(request, "htmx", False)
        else "people/employment_list.html"
    )
    return render(request, template, context)


def _add_data(form: EmploymentAddForm) -> dict[str, Any]:
    return dict(form.cleaned_data)


@login_required
@require_http_methods(["GET", "POST"])
def employment_add(request: HttpRequest) -> HttpResponse:
    _require(request, "people.change")
    form = EmploymentAddForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        employment = run_service(
            form, lambda: services.add_employment(actor=request.user, data=_add_data(form))
        )
        if employment is not None:
            messages.success(
                request,
                _("The employment of %(name)s has been added.")
                % {"name": employment.employee.display_name},
            )
            return redirect("people:employee_detail", pk=employment.employee_id)
    return render(
        request, "people/employment_add.html", {"form": form}, status=422 if form.errors else 200
    )


@login_required
def employee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    employee = selectors.employee(request.user, pk)
    tab = request.GET.get("tab", "data")
    context: dict[str, Any] = {
        "employee": employee,
        "tab": tab,
        "employments": selectors.employee_employments(request.user, employee).prefetch_related(
            "terms__department"
        ),
        "can_change": selectors.employees(request.user, "people.change").filter(pk=pk).exists(),
        "can_history": request.user.has_perm_anywhere("audit.view"),  # type: ignore[union-attr]
    }
    if tab == "history" and context["can_history"]:
        context["history"] = paginate(request, history_for_employee(request.user, employee))
    return render(request, "people/employee_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def employee_edit(request: HttpRequest, pk: int) -> HttpResponse:
    employee = selectors.employee(request.user, pk, "people.change", log_access=False)
    initial = {key: getattr(employee, key) for key in EmployeeEditForm.base_fields}
    form = EmployeeEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.update_employee(
                actor=request.user, employee_id=employee.pk, data=form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(request, _("The employee data has been saved."))
            return redirect("people:employee_detail", pk=employee.pk)
    return render(
        request,
        "people/employee_edit.html",
        {"form": form, "employee": employee},
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def employment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    employment = selectors.employment(request.user, pk, "people.change", log_access=False)
    initial = {
        key: getattr(employment, key)
        for key in EmploymentEditForm.base_fields
        if key != "valid_from"
    }
    form = EmploymentEditForm(
        request.POST or None,
        initial=initial,
        actor=request.user,
        employer_id=employment.employer_id,
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "valid_from"}
        saved = run_service(
            form,
            lambda: services.update_employment(
                actor=request.user,
                employment_id=employment.pk,
                data=data,
                valid_from=form.cleaned_data.get("valid_from"),
            ),
        )
        if saved is not None:
            messages.success(request, _("The employment has been saved."))
            return redirect("people:employee_detail", pk=employment.employee_id)
    return render(
        request,
        "people/employment_edit.html",
        {"form": form, "employment": employment},
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def employment_end(request: HttpRequest, pk: int) -> HttpResponse:
    employment = selectors.employment(request.user, pk, "people.change", log_access=False)
    form = EndEmploymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.end_employment(
                actor=request.user,
                employment_id=employment.pk,
                end_date=form.cleaned_data["end_date"],
            ),
        )
        if saved is not None:
            messages.success(
                request,
                _("%(name)s has been reported out of service.")
                % {"name": employment.employee.display_name},
            )
            return redirect("people:employee_detail", pk=employment.employee_id)
    return render(
        request,
        "people/employment_end.html",
        {"form": form, "employment": employment},
        status=422 if form.errors else 200,
    )
