"""Thin portal views for employments and employees: selectors to read, services to write."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hersteld.core import signals
from hersteld.core.selectors import describe, history_for_employee
from hersteld.organisations import selectors as org_selectors
from hersteld.people import selectors, services
from hersteld.people.forms import (
    AccessLogFilter,
    EmployeeEditForm,
    EmploymentAddForm,
    EmploymentEditForm,
    EndEmploymentForm,
    EraseForm,
    HoldForm,
    SubjectExportForm,
)
from hersteld.people.models import Employment
from hersteld.privacy import services as privacy_services
from hersteld.privacy.selectors import describe as describe_access
from hersteld.web.access import AuthedRequest, is_arbodienst_staff, is_employee, requires
from hersteld.web.helpers import (
    dates_in_range,
    form_page,
    id_filter,
    paginate,
    query_without_page,
    run_service,
)


@requires("people.view")
def employment_list(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", "in")
    in_service = {"in": True, "out": False}.get(status)
    employer_id = id_filter(request.GET.get("employer"))
    department_id = id_filter(request.GET.get("department"))
    qs = selectors.employment_list(
        request.user,
        search=request.GET.get("q", "").strip(),
        employer_id=employer_id,
        department_id=department_id,
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
        "can_add": request.user.has_perm_anywhere("people.change"),
    }
    template = (
        "people/_employment_rows.html"
        if getattr(request, "htmx", False)
        else "people/employment_list.html"
    )
    return render(request, template, context)


def _employee_page(employment: Any) -> str:
    return reverse("people:employee_detail", args=[employment.employee_id])


@requires("people.change")
@require_http_methods(["GET", "POST"])
def employment_add(request: AuthedRequest) -> HttpResponse:
    return form_page(
        request,
        EmploymentAddForm(request.POST or None, actor=request.user),
        lambda data: services.add_employment(actor=request.user, data=data),
        success=lambda employment: (
            _("The employment of %(name)s has been added.")
            % {"name": employment.employee.display_name}
        ),
        done=_employee_page,
        template="people/employment_add.html",
    )


@requires("people.view")
def employee_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    employee = selectors.employee(request.user, pk)
    tab = request.GET.get("tab", "data")
    employments = list(
        selectors.employee_employments(request.user, employee).prefetch_related("terms__department")
    )
    # The absence app adds each employment's cases (core.signals.employments_shown).
    signals.employments_shown.send(sender=Employment, user=request.user, employments=employments)
    context: dict[str, Any] = {
        "employee": employee,
        "tab": tab,
        "employments": employments,
        "can_change": selectors.employees(request.user, "people.change").filter(pk=pk).exists(),
        "can_history": request.user.has_perm_anywhere("audit.view"),
        "can_access_log": selectors.may_see_access_log(request.user, employee),
        "can_erase": is_arbodienst_staff(request.user)
        and employee.anonymised_on is None
        and selectors.employees(request.user, "people.change").filter(pk=pk).exists(),
        "can_export": privacy_services.may_export(request.user),
        "can_hold": services.may_hold_person(request.user) and employee.anonymised_on is None,
    }
    if tab == "history" and context["can_history"]:
        page = paginate(request, history_for_employee(request.user, employee))
        page.object_list = describe(page.object_list, user=request.user)
        context["history"] = page
    if tab == "access" and context["can_access_log"]:
        context.update(_access_log_page(request, employee))
    return render(request, "people/employee_detail.html", context)


def _access_log_page(request: AuthedRequest, employee: Any) -> dict[str, Any]:
    """One page of who viewed the file, in the period of the filter form."""
    form = AccessLogFilter(request.GET or None)
    start = end = None
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    page = paginate(request, selectors.access_log(request.user, employee, start, end))
    page.object_list = [describe_access(event) for event in page.object_list]
    return {"access_page": page, "access_form": form, "querystring": query_without_page(request)}


@requires("people.view", rule=is_arbodienst_staff)
@require_http_methods(["GET", "POST"])
def employee_export(request: AuthedRequest, pk: int) -> HttpResponse:
    """The GDPR export of one employee: a form (date and purpose of the request), then the
    ZIP as a download. Not a form_page: a valid POST answers the file, not a redirect."""
    employee = selectors.employee(request.user, pk, log_access=False)
    form = SubjectExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and dates_in_range(form):
        made = run_service(
            form,
            lambda: privacy_services.export_subject(
                actor=request.user,
                employee=employee,
                purpose=form.cleaned_data["purpose"],
                request_date=form.cleaned_data["request_date"],
            ),
        )
        if made is not None:
            return zip_response(made)
    status = 422 if form.errors else 200
    context = {
        "employee": employee,
        "form": form,
        "medical": privacy_services.includes_medical(request.user, employee),
    }
    return render(request, "people/employee_export.html", context, status=status)


def zip_response(made: privacy_services.SubjectExport) -> HttpResponse:
    """The export as a download, never cached on the way."""
    response = HttpResponse(made.content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    response["Cache-Control"] = "no-store"
    return response


@requires("people.view", rule=is_employee)
def my_access_log(request: AuthedRequest) -> HttpResponse:
    """The employee's own "who viewed my file" (B3)."""
    assert request.user.employee_id is not None  # the rule
    employee = selectors.employee(request.user, request.user.employee_id, log_access=False)
    context = {"employee": employee, **_access_log_page(request, employee)}
    return render(request, "people/my_access_log.html", context)


@requires("people.change")
@require_http_methods(["GET", "POST"])
def employee_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    employee = selectors.employee(request.user, pk, "people.change", log_access=False)
    initial = {key: getattr(employee, key) for key in EmployeeEditForm.base_fields}
    return form_page(
        request,
        EmployeeEditForm(request.POST or None, initial=initial),
        lambda data: services.update_employee(actor=request.user, employee_id=pk, data=data),
        success=lambda _saved: _("The employee data has been saved."),
        done=lambda saved: reverse("people:employee_detail", args=[saved.pk]),
        template="people/employee_edit.html",
        context={"employee": employee},
    )


@requires("people.change")
@require_http_methods(["GET", "POST"])
def employment_edit(request: AuthedRequest, pk: int) -> HttpResponse:
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

    def save(data: dict[str, Any]) -> Any:
        changes = {key: value for key, value in data.items() if key != "valid_from"}
        return services.update_employment(
            actor=request.user, employment_id=pk, data=changes, valid_from=data.get("valid_from")
        )

    return form_page(
        request,
        form,
        save,
        success=lambda _saved: _("The employment has been saved."),
        done=_employee_page,
        template="people/employment_edit.html",
        context={"employment": employment},
    )


@requires("people.change")
@require_http_methods(["GET", "POST"])
def employment_end(request: AuthedRequest, pk: int) -> HttpResponse:
    employment = selectors.employment(request.user, pk, "people.change", log_access=False)
    return form_page(
        request,
        EndEmploymentForm(request.POST or None),
        lambda data: services.end_employment(
            actor=request.user, employment_id=pk, end_date=data["end_date"]
        ),
        success=lambda ended: (
            _("%(name)s has been reported out of service.") % {"name": ended.employee.display_name}
        ),
        done=_employee_page,
        template="people/employment_end.html",
        context={"employment": employment},
    )


@requires("people.change", rule=is_arbodienst_staff)
@require_http_methods(["GET", "POST"])
def employee_erase(request: AuthedRequest, pk: int) -> HttpResponse:
    """Erasure on request (right to be forgotten): refused while a legal term runs."""
    employee = selectors.employee(request.user, pk, "people.change")
    return form_page(
        request,
        EraseForm(request.POST or None),
        lambda data: services.erase_employee(
            actor=request.user, employee_id=pk, reason=data["reason"]
        ),
        success=lambda _erased: _("The employee has been anonymised and his records erased."),
        done=lambda erased: reverse("people:employee_detail", args=[erased.pk]),
        template="people/employee_erase.html",
        context={
            "employee": employee,
            "refusal": None
            if employee.anonymised_on
            else services.erasure_refusal(employee, timezone.localdate()),
        },
        guarded=("reason",),
    )


def _hold_action(request: AuthedRequest, pk: int, *, lift: bool) -> HttpResponse:
    """Set or lift a legal hold on the person: arbodienst staff with him in scope (else 404)."""
    if not services.may_hold_person(request.user):
        raise Http404
    employee = selectors.employee(request.user, pk, log_access=False)
    service = services.lift_person_hold if lift else services.set_person_hold
    return form_page(
        request,
        HoldForm(request.POST or None),
        lambda data: service(actor=request.user, employee_id=pk, reason=data["reason"]),
        success=lambda _held: (
            _("The legal hold has been lifted.") if lift else _("The legal hold is on.")
        ),
        done=lambda held: reverse("people:employee_detail", args=[held.pk]),
        template="people/employee_hold.html",
        context={"employee": employee, "lift": lift},
        guarded=("reason",),
    )


@requires("people.view", rule=is_arbodienst_staff)
@require_http_methods(["GET", "POST"])
def employee_hold(request: AuthedRequest, pk: int) -> HttpResponse:
    return _hold_action(request, pk, lift=False)


@requires("people.view", rule=is_arbodienst_staff)
@require_http_methods(["GET", "POST"])
def employee_hold_lift(request: AuthedRequest, pk: int) -> HttpResponse:
    return _hold_action(request, pk, lift=True)
