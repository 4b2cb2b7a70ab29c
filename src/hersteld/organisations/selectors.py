"""Reads of arbodiensten, employers and departments, always through `restrict`."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from hersteld.core.actor import Actor
from hersteld.core.models import RetentionLine, RetentionRun
from hersteld.core.retention_rules import Terms
from hersteld.organisations.models import Arbodienst, Department, Employer


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


def retention_terms(arbodienst_id: int | None) -> Terms:
    """The retention terms of a tenant (the defaults for the operator's own rows)."""
    if arbodienst_id is None:
        return Terms()
    values = (
        Arbodienst.objects.filter(pk=arbodienst_id).values(*Arbodienst.RETENTION_FIELDS).first()
    )
    if values is None:
        return Terms()
    return Terms(**{name.removeprefix("retention_"): years for name, years in values.items()})


def tenant_ids(arbodienst_id: int | None = None) -> list[int]:
    """Every tenant, or the one asked for: the retention job works tenant by tenant."""
    tenants = Arbodienst.objects.order_by("pk")
    if arbodienst_id is not None:
        tenants = tenants.filter(pk=arbodienst_id)
    return list(tenants.values_list("pk", flat=True))


def own_tenant(user: Actor) -> Arbodienst:
    """The user's own arbodienst (the rule of the route has checked he has one)."""
    return get_object_or_404(Arbodienst, pk=user.arbodienst_id)


def retention_runs(user: Actor) -> QuerySet[RetentionRun]:
    """The retention job's runs over the user's tenant (or over all tenants), newest first."""
    return RetentionRun.objects.filter(
        Q(arbodienst__isnull=True) | Q(arbodienst_id=user.arbodienst_id)
    ).order_by("-started_at", "-id")


def retention_lines(user: Actor, runs: list[RetentionRun]) -> dict[int, list[RetentionLine]]:
    """The lines of the user's own tenant of each run, by run id."""
    out: dict[int, list[RetentionLine]] = {run.pk: [] for run in runs}
    if user.arbodienst_id is None:
        return out
    lines = RetentionLine.objects.filter(
        run__in=[run.pk for run in runs], arbodienst_id=user.arbodienst_id
    ).select_related("employer")
    for line in lines:
        out[line.run_id].append(line)
    return out
