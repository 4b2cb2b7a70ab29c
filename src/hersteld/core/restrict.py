"""One place that turns (user, action) into a queryset filter.

Every selector calls `restrict`; a view that fetches by id goes through a
selector, so an object outside the caller's scope is simply not found (404).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from collections.abc import Sequence


@dataclass(frozen=True)
class Scope:
    """Where a grant applies: a whole arbodienst, one employer, a department subtree, or one employee."""

    arbodienst_id: int
    employer_id: int | None = None
    department_path: str | None = None
    employee_id: int | None = None


class AllScopes:
    """The operator's scope: every tenant (only for permissions the operator holds)."""


ALL = AllScopes()


class ScopedUser(Protocol):
    is_authenticated: bool
    is_active: bool

    def scopes_for(self, action: str) -> Sequence[Scope] | AllScopes: ...


@dataclass(frozen=True)
class ScopePaths:
    """How a model reaches the tenant, the employer, the department and the employee.

    Each value is an ORM path to the related object ("" = the model itself, None = no such
    relation). `department_many` marks a path through a to-many relation, which is then
    wrapped in a subquery so rows are never duplicated.
    """

    arbodienst: str
    employer: str | None = None
    department: str | None = None
    employee: str | None = None
    department_many: bool = False
    # Path to the Employee.sealed flag for models that can hold a Datakluis person who has not
    # been revealed: those rows are hidden from everyone (docs/adr/0018-datakluis.md).
    sealed: str | None = None


def _id(path: str) -> str:
    return "pk" if path == "" else f"{path}_id"


def _prefix(path: str) -> str:
    return "" if path == "" else f"{path}__"


M = TypeVar("M", bound=models.Model)


def _scope_q(model: type[models.Model], paths: ScopePaths, scope: Scope, action: str) -> Q | None:
    if scope.employee_id is not None:
        if paths.employee is None:
            return None
        return Q(**{_id(paths.employee): scope.employee_id})
    if scope.department_path is not None:
        if paths.department is None:
            # A model above departments (the employer itself) is readable from a subtree.
            if action.endswith(".view") and paths.employer is not None:
                return Q(**{_id(paths.employer): scope.employer_id})
            return None
        lookup = {f"{_prefix(paths.department)}path__startswith": scope.department_path}
        if paths.department_many:
            return Q(pk__in=model._default_manager.filter(**lookup).values("pk"))
        return Q(**lookup)
    if scope.employer_id is not None:
        if paths.employer is None:
            return None
        return Q(**{_id(paths.employer): scope.employer_id})
    return Q(**{_id(paths.arbodienst): scope.arbodienst_id})


# Actions that see sealed persons as rows: the statistics count the whole population, and
# show only aggregates (k rule).
SEES_SEALED_ACTIONS = ("statistics.",)


def _unsealed(queryset: models.QuerySet[M], user: Any, action: str) -> models.QuerySet[M]:
    """Without the Datakluis persons not yet revealed, unless the actor works with them (a
    coupling applying its messages) or the action only counts them."""
    paths: ScopePaths = queryset.model.scope_paths  # type: ignore[attr-defined]
    if (
        paths.sealed is None
        or getattr(user, "sees_sealed", False)
        or action.startswith(SEES_SEALED_ACTIONS)
    ):
        return queryset
    return queryset.exclude(**{paths.sealed: True})


def restrict(
    queryset: models.QuerySet[M], user: ScopedUser | Any, action: str
) -> models.QuerySet[M]:
    """Narrow `queryset` to the rows `user` may reach for `action` (e.g. "people.view")."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    scopes = user.scopes_for(action)
    if isinstance(scopes, AllScopes):
        return _unsealed(queryset, user, action)
    model = queryset.model
    paths: ScopePaths = model.scope_paths  # type: ignore[attr-defined]
    combined: Q | None = None
    for scope in scopes:
        q = _scope_q(model, paths, scope, action)
        if q is not None:
            combined = q if combined is None else combined | q
    if combined is None:
        return queryset.none()
    return _unsealed(queryset.filter(combined), user, action)


@dataclass(frozen=True)
class Place:
    """Where one object lies, read once: what `reaches` matches scopes against in Python."""

    arbodienst_id: int
    employer_id: int | None = None
    department_path: str | None = None
    employee_id: int | None = None
    sealed: bool = False


def reaches(user: ScopedUser | Any, action: str, paths: ScopePaths, place: Place) -> bool:
    """Whether `restrict(<the object's model>, user, action)` would keep the object at `place`,
    decided without a query: for asking it of many users at once (the recipients of a
    message). It follows `restrict`, `_scope_q` and `_unsealed` case by case;
    tests/core/test_reaches.py holds the two side by side."""
    if paths.department_many:
        raise ValueError("reaches() takes one department per object")
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if (
        paths.sealed is not None
        and place.sealed
        and not getattr(user, "sees_sealed", False)
        and not action.startswith(SEES_SEALED_ACTIONS)
    ):
        return False
    scopes = user.scopes_for(action)
    if isinstance(scopes, AllScopes):
        return True
    return any(_scope_holds(paths, scope, place, action) for scope in scopes)


def _scope_holds(paths: ScopePaths, scope: Scope, place: Place, action: str) -> bool:
    if scope.employee_id is not None:
        return paths.employee is not None and place.employee_id == scope.employee_id
    if scope.department_path is not None:
        if paths.department is None:
            return (
                action.endswith(".view")
                and paths.employer is not None
                and place.employer_id == scope.employer_id
            )
        return place.department_path is not None and place.department_path.startswith(
            scope.department_path
        )
    if scope.employer_id is not None:
        return paths.employer is not None and place.employer_id == scope.employer_id
    return place.arbodienst_id == scope.arbodienst_id


class RestrictedQuerySet(models.QuerySet[M]):
    def restrict(self, user: ScopedUser | Any, action: str) -> RestrictedQuerySet[M]:
        return restrict(self, user, action)  # type: ignore[return-value]


class ScopedModel(models.Model):
    """Base for every tenant-owned model: declares how `restrict` reaches its scope."""

    scope_paths: ClassVar[ScopePaths]

    class Meta:
        abstract = True
