"""Reads of arbodiensten, employers and departments, always through `restrict`."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from hersteld.core.actor import Actor
from hersteld.organisations.models import Department, Employer


def employers(user: Actor, action: str = "organisations.view") -> QuerySet[Employer]:
    return Employer.objects.restrict(user, action).select_related("arbodienst")


def employer_list(user: Actor, *, search: str = "") -> QuerySet[Employer]:
    qs = employers(user).annotate(department_count=Count("departments", distinct=True))
    if search:
        qs = qs.filter(name__icontains=search)
    return qs.order_by("name", "id")


def employer(user: Actor, pk: int, action: str = "organisations.view") -> Employer:
    return get_object_or_404(employers(user, action), pk=pk)


def departments(user: Actor, action: str = "organisations.view") -> QuerySet[Department]:
    return Department.objects.restrict(user, action).select_related("employer", "parent")


def department(user: Actor, pk: int, action: str = "organisations.view") -> Department:
    return get_object_or_404(departments(user, action), pk=pk)


def department_tree(user: Actor, employer_id: int) -> list[Department]:
    """Departments of one employer in tree order (path), as far as the user may see them."""
    return list(departments(user).filter(employer_id=employer_id).order_by("path"))
