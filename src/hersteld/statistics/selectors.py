"""Reads for the absence figures: who may see which population, and its plain values.

A population is found through restrict() (another tenant's or employer's answers 404); its
employments, terms, cases and recoveries then load in four queries, whatever its size, and
become the plain values of hersteld.statistics.figures.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from hersteld.absence.models import AbsenceCase, CaseKind, CaseStatus, Recovery
from hersteld.accounts.permissions import ARBODIENST_ROLES, Role
from hersteld.core.actor import Actor
from hersteld.core.restrict import AllScopes, restrict
from hersteld.organisations.models import Arbodienst, Department, Employer
from hersteld.people.models import Employment, EmploymentTerms
from hersteld.statistics import figures

ACTION = "absence.view"


def may_see_statistics(user: object) -> bool:
    """Employer users and arbodienst staff; an employee sees only his own file."""
    return getattr(user, "role", None) != Role.EMPLOYEE


def min_group() -> int:
    return int(getattr(settings, "STATISTICS_MIN_GROUP", figures.DEFAULT_K))


@dataclass(frozen=True)
class Population:
    """Whose figures: one employer, a department subtree, or every employer of an arbodienst.

    `within` holds department paths (a subtree each) or None for the whole employer(s);
    `breakdown` marks a group below the employer, shown only from k persons on."""

    label: str
    employers: tuple[Employer, ...]
    within: tuple[str, ...] | None
    breakdown: bool
    employer: Employer | None = None
    department: Department | None = None
    arbodienst: Arbodienst | None = None


def employers(user: Actor) -> list[Employer]:
    """The employers whose figures the user may see, by name."""
    if not may_see_statistics(user):
        return []
    return list(restrict(Employer.objects.all(), user, ACTION).order_by("name", "id"))


def _reach(user: Actor, employer: Employer) -> tuple[str, ...] | None:
    """None when the user sees the whole employer, else the department paths he may see."""
    scopes = user.scopes_for(ACTION)
    if isinstance(scopes, AllScopes):
        return None
    paths: list[str] = []
    for scope in scopes:
        if scope.employee_id is not None or scope.arbodienst_id != employer.arbodienst_id:
            continue
        if scope.employer_id is None or (
            scope.employer_id == employer.pk and scope.department_path is None
        ):
            return None
        if scope.employer_id == employer.pk and scope.department_path is not None:
            paths.append(scope.department_path)
    if not paths:
        raise Http404
    return tuple(paths)


def population(
    user: Actor, *, employer_id: int | None = None, department_id: int | None = None
) -> Population:
    """The population the user asked for, or 404 when it lies outside his scope."""
    if not may_see_statistics(user) or employer_id is None:
        raise Http404
    employer = get_object_or_404(
        restrict(Employer.objects.select_related("arbodienst"), user, ACTION), pk=employer_id
    )
    reach = _reach(user, employer)
    if department_id is None:
        if reach is None:
            return Population(employer.name, (employer,), None, False, employer=employer)
        department = (
            Department.objects.filter(employer=employer, path__in=reach).order_by("path").first()
        )
        if department is None:
            raise Http404
    else:
        department = get_object_or_404(
            Department.objects.filter(employer=employer), pk=department_id
        )
        if reach is not None and not department.path.startswith(reach):
            raise Http404
    return Population(
        f"{employer.name}: {department.name}",
        (employer,),
        (department.path,),
        True,
        employer=employer,
        department=department,
    )


def arbodienst_population(user: Actor) -> Population:
    """Every employer of the user's arbodienst: staff with a scope over the whole tenant."""
    if getattr(user, "role", None) not in ARBODIENST_ROLES:
        raise Http404
    scopes = user.scopes_for(ACTION)
    if isinstance(scopes, AllScopes):
        raise Http404
    tenant_ids = {
        scope.arbodienst_id
        for scope in scopes
        if scope.employer_id is None and scope.department_path is None and scope.employee_id is None
    }
    if user.arbodienst_id not in tenant_ids:
        raise Http404
    arbodienst = get_object_or_404(Arbodienst.objects.all(), pk=user.arbodienst_id)
    members = tuple(Employer.objects.filter(arbodienst=arbodienst).order_by("name", "id"))
    return Population(arbodienst.name, members, None, False, arbodienst=arbodienst)


def departments(population: Population) -> list[Department]:
    """The departments of a one-employer population, in tree order (for the breakdown)."""
    if population.employer is None:
        return []
    qs = Department.objects.filter(employer=population.employer)
    if population.within is not None:
        subtree = Q()
        for path in population.within:
            subtree |= Q(path__startswith=path)
        qs = qs.filter(subtree)
    return list(qs.order_by("path"))


@dataclass(frozen=True)
class Loaded:
    """The plain values of a population: `employments` grouped by department path, the same
    employments grouped by function and department (`figures.labelled`), and each person's
    birth date (for the age bands)."""

    employments: list[figures.Employment]
    periods: list[figures.Period]
    by_function: list[figures.Employment]
    births: dict[int, dt.date]

    def by_age(self, day: dt.date) -> list[figures.Employment]:
        """The employments grouped by the age band of their person on `day`."""
        return [
            figures.relabel(employment, figures.age_band(self.births[employment.person], day))
            for employment in self.employments
        ]


def load(
    population: Population, start: dt.date, end: dt.date
) -> tuple[list[figures.Employment], list[figures.Period]]:
    """The employments and absence periods of the population's employers touching start..end."""
    loaded = load_all(population, start, end)
    return loaded.employments, loaded.periods


def load_all(population: Population, start: dt.date, end: dt.date) -> Loaded:
    """The employments and absence periods of the population's employers touching start..end,
    with functions and birth dates.

    Four queries. Department filtering happens in figures.compute (`within`), on the
    effective-dated department of each day, not on today's department; the function of a
    day comes from the same terms."""
    fulltime = {employer.pk: float(employer.fulltime_hours) for employer in population.employers}
    touching = Employment.objects.filter(
        employer_id__in=list(fulltime), start_date__lte=end
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
    rows = list(
        touching.order_by().values_list(
            "id",
            "employee_id",
            "employer_id",
            "start_date",
            "end_date",
            "hours_per_week",
            "department__path",
            "function_name",
            "employee__birth_date",
        )
    )
    terms: dict[int, list[tuple[dt.date, float, str, str]]] = defaultdict(list)
    for employment_id, valid_from, hours, path, function in (
        EmploymentTerms.objects.filter(employment__in=touching.values("pk"))
        .order_by("employment_id", "valid_from")
        .values_list(
            "employment_id", "valid_from", "hours_per_week", "department__path", "function_name"
        )
    ):
        terms[employment_id].append((valid_from, float(hours), path, function))
    employments = []
    by_function = []
    births: dict[int, dt.date] = {}
    for pk, person, employer_id, first, last, hours, path, function, birth in rows:
        history = terms.get(pk) or [(first, float(hours), path, function)]
        births[person] = birth
        employments.append(
            figures.Employment.from_terms(
                pk, person, first, last, [row[:3] for row in history], fulltime[employer_id]
            )
        )
        by_function.append(
            figures.Employment.from_terms(
                pk,
                person,
                first,
                last,
                [(day, h, figures.labelled(name, group)) for day, h, group, name in history],
                fulltime[employer_id],
            )
        )
    cases = (
        AbsenceCase.objects.filter(
            employment__in=touching.values("pk"),
            kind__in=[CaseKind.SICKNESS, CaseKind.PREGNANCY_LEAVE],
            first_day__lte=end,
        )
        .exclude(status=CaseStatus.WITHDRAWN)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=start))
    )
    recoveries: dict[int, list[tuple[dt.date, float, bool]]] = defaultdict(list)
    for case_id, day, percentage, therapeutic in (
        Recovery.objects.filter(case__in=cases.values("pk"))
        .order_by("case_id", "date")
        .values_list("case_id", "date", "percentage", "therapeutic")
    ):
        recoveries[case_id].append((day, float(percentage), therapeutic))
    periods = [
        figures.Period.of_case(
            employment_id,
            kind,
            first_day,
            end_date,
            sick_percentage=float(sick_percentage),
            recoveries=recoveries.get(pk, ()),
            end_reason=end_reason,
        )
        for pk, employment_id, kind, first_day, end_date, sick_percentage, end_reason in cases.order_by(
            "employment_id", "first_day"
        ).values_list(
            "pk", "employment_id", "kind", "first_day", "end_date", "sick_percentage", "end_reason"
        )
    ]
    return Loaded(employments, periods, by_function, births)
