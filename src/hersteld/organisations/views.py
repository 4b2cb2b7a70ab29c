"""Thin portal views for employers and their department tree."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hersteld.core import retention
from hersteld.core.selectors import describe, history_for_object
from hersteld.organisations import selectors, services
from hersteld.organisations.forms import (
    DepartmentForm,
    EmployerForm,
    RetentionTermsForm,
    employer_form,
)
from hersteld.organisations.models import Arbodienst
from hersteld.web.access import (
    AuthedRequest,
    is_arbodienst_admin,
    is_arbodienst_staff,
    requires,
)
from hersteld.web.helpers import form_page, paginate, run_service


def _employer_page(employer: Any) -> str:
    return reverse("organisations:employer_detail", args=[employer.pk])


@requires("organisations.view")
def employer_list(request: AuthedRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    return render(
        request,
        "organisations/employer_list.html",
        {
            "page": paginate(request, selectors.employer_list(request.user, search=search)),
            "q": search,
            "can_add": Arbodienst.objects.restrict(request.user, "organisations.change").exists(),
        },
    )


@requires("organisations.view")
def employer_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    employer = selectors.employer(request.user, pk)
    can_change = selectors.employers(request.user, "organisations.change").filter(pk=pk).exists()
    form = DepartmentForm(actor=request.user, employer_id=employer.pk) if can_change else None
    history = None
    if request.user.has_perm_anywhere("audit.view"):
        history = describe(history_for_object(request.user, employer)[:20], user=request.user)
    return render(
        request,
        "organisations/employer_detail.html",
        {
            "employer": employer,
            "departments": selectors.department_tree(request.user, employer.pk),
            "can_change": can_change,
            "department_form": form,
            "history": history,
        },
    )


@requires("organisations.change")
@require_http_methods(["GET", "POST"])
def employer_create(request: AuthedRequest) -> HttpResponse:
    arbodiensten = Arbodienst.objects.restrict(request.user, "organisations.change")
    if not arbodiensten.exists():
        raise PermissionDenied
    form = employer_form(request.POST or None, actor=request.user, creating=True)

    def save(data: dict[str, Any]) -> Any:
        tenant = data.pop("arbodienst", None) or arbodiensten.get(users=request.user.pk)
        return services.create_employer(actor=request.user, arbodienst=tenant, data=data)

    return form_page(
        request,
        form,
        save,
        success=lambda employer: _("Employer %(name)s has been added.") % {"name": employer.name},
        done=_employer_page,
        template="organisations/employer_form.html",
    )


@requires("organisations.change")
@require_http_methods(["GET", "POST"])
def employer_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    employer = selectors.employer(request.user, pk, "organisations.change")
    initial = {key: getattr(employer, key) for key in EmployerForm.base_fields}
    return form_page(
        request,
        employer_form(request.POST or None, actor=request.user, creating=False, initial=initial),
        lambda data: services.update_employer(actor=request.user, employer_id=pk, data=data),
        success=lambda _saved: _("The employer has been saved."),
        done=_employer_page,
        template="organisations/employer_form.html",
        context={"employer": employer},
    )


@requires("organisations.change")
@require_http_methods(["POST"])
def department_create(request: AuthedRequest, pk: int) -> HttpResponse:
    employer = selectors.employer(request.user, pk, "organisations.change")
    form = DepartmentForm(request.POST, actor=request.user, employer_id=employer.pk)
    if form.is_valid():
        department = run_service(
            form,
            lambda: services.create_department(
                actor=request.user, employer_id=employer.pk, data=form.cleaned_data
            ),
        )
        if department is not None:
            messages.success(
                request, _("Department %(name)s has been added.") % {"name": department.name}
            )
            return redirect("organisations:employer_detail", pk=employer.pk)
    return render(
        request,
        "organisations/employer_detail.html",
        {
            "employer": employer,
            "departments": selectors.department_tree(request.user, employer.pk),
            "can_change": True,
            "department_form": form,
        },
        status=422,
    )


@requires("organisations.change")
@require_http_methods(["GET", "POST"])
def department_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    department = selectors.department(request.user, pk, "organisations.change")
    initial = {"code": department.code, "name": department.name, "parent": department.parent}
    form = DepartmentForm(
        request.POST or None,
        initial=initial,
        actor=request.user,
        employer_id=department.employer_id,
    )
    return form_page(
        request,
        form,
        lambda data: services.update_department(actor=request.user, department_id=pk, data=data),
        success=lambda _saved: _("The department has been saved."),
        done=lambda saved: reverse("organisations:employer_detail", args=[saved.employer_id]),
        template="organisations/department_form.html",
        context={"department": department},
    )


@requires("organisations.change", rule=is_arbodienst_admin)
@require_http_methods(["GET", "POST"])
def retention_terms(request: AuthedRequest) -> HttpResponse:
    """The arbodienst's retention terms, set by its administrator."""
    tenant = selectors.own_tenant(request.user)
    initial = {name: getattr(tenant, name) for name in Arbodienst.RETENTION_FIELDS}
    return form_page(
        request,
        RetentionTermsForm(request.POST or None, initial=initial),
        lambda data: services.update_retention_terms(
            actor=request.user, arbodienst_id=tenant.pk, data=data
        ),
        success=lambda _saved: _("The retention terms have been saved."),
        done=lambda _saved: reverse("organisations:retention_terms"),
        template="organisations/retention_terms.html",
        context={"tenant": tenant},
    )


@requires("organisations.view", rule=is_arbodienst_staff)
def retention_reports(request: AuthedRequest) -> HttpResponse:
    """What the retention job removed, per run: category, employer, number; never who."""
    page = paginate(request, selectors.retention_runs(request.user))
    runs = list(page.object_list)
    lines = selectors.retention_lines(request.user, runs)
    names = retention.labels()
    page.object_list = [
        {
            "run": run,
            "lines": [
                {"label": names.get(line.category, line.category), "line": line}
                for line in lines[run.pk]
            ],
        }
        for run in runs
    ]
    return render(
        request,
        "organisations/retention_reports.html",
        {
            "page": page,
            "tenant": selectors.own_tenant(request.user),
            "can_change": is_arbodienst_admin(request.user),
        },
    )
