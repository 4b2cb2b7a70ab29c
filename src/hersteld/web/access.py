"""Every portal route declares who may reach it: `@requires(...)`, `@signed_in` or `@public`.

The declaration does the coarse check: an anonymous visitor is sent to the log-in page, and
a user who lacks the permission everywhere gets 403 on a page without an object and 404 on
a route about one object (as if it did not exist). The selectors still decide which
objects are in scope (404 outside it). The declared access is kept on the view as
`view.access`, so a test can walk the URLconf and fail on a route that declares nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar, cast, runtime_checkable

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from hersteld.core.actor import Actor

P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponseBase)
Req = TypeVar("Req", bound=HttpRequest)
View = Callable[Concatenate[Req, P], R]


class AuthedRequest(HttpRequest):
    """The request of a route that needs a sign-in: its user is an Actor for the services.

    Views behind `@requires` or `@signed_in` annotate `request: AuthedRequest`; Ninja API
    functions too (their authentication sets `request.user`)."""

    user: Actor  # type: ignore[assignment]


@runtime_checkable
class PermissionHolder(Protocol):
    """What the decorator needs of a user: the permission tree of hersteld.accounts."""

    def has_perm_anywhere(self, action: str) -> bool: ...


Rule = Callable[[object], bool]


# hersteld.accounts.permissions.Role.EMPLOYEE; web lies below accounts, so it names the value.
EMPLOYEE_ROLE = "employee"


def is_employee(user: object) -> bool:
    """Whether the user is an employee acting on his own file: the one test of it.

    The role decides what a user may do, so the role is the test. The accounts services
    give every user with the employee role his employee record and no other role one; a
    row that breaks this (made around the services) has no file of his own to show (his
    home scope is empty, User.home_scopes), so the employee record is required as well. A
    user of another role with an employee record therefore never counts as an employee.
    """
    return (
        getattr(user, "role", None) == EMPLOYEE_ROLE
        and getattr(user, "employee_id", None) is not None
    )


# The roles of an arbodienst's own staff (hersteld.accounts.permissions.ARBODIENST_ROLES; the
# web layer sits below accounts, so it names them).
STAFF_ROLES = frozenset({"arbodienst_admin", "casemanager", "medic", "pob"})


def is_arbodienst_staff(user: object) -> bool:
    """A rule for what only the arbodienst's own staff do (retention, legal holds, erasure,
    the GDPR export): its admin, casemanager, company doctor or POB."""
    return getattr(user, "role", None) in STAFF_ROLES and bool(getattr(user, "arbodienst_id", None))


def is_arbodienst_admin(user: object) -> bool:
    """A rule for the arbodienst's own settings: its administrator only."""
    return getattr(user, "role", None) == "arbodienst_admin" and bool(
        getattr(user, "arbodienst_id", None)
    )


@dataclass(frozen=True)
class Access:
    """Who may reach a route: anyone, any signed-in user, or holders of one of `permissions`;
    `rule`, when given, is a further condition on the user (e.g. a scope of a whole employer)."""

    sign_in: bool
    permissions: tuple[str, ...] = ()
    rule: Rule | None = None
    # An API route of the exchange that a coupling's key opens (its authentication checks
    # the key and that the coupling is active), not a user.
    coupling: bool = False

    def admits(self, user: object) -> bool:
        """Whether the user passes this route's coarse check (the menu asks the same)."""
        if not self.sign_in:
            return True
        if not getattr(user, "is_authenticated", False):
            return False
        if self.permissions and not may(user, *self.permissions):
            return False
        return self.rule is None or self.rule(user)


def may(user: object, *permissions: str) -> bool:
    """True when the user holds at least one of the permissions in some scope."""
    return isinstance(user, PermissionHolder) and any(
        user.has_perm_anywhere(permission) for permission in permissions
    )


def _declare(access: Access) -> Callable[[View[Req, P, R]], View[Req, P, R]]:
    def decorate(view: View[Req, P, R]) -> View[Req, P, R]:
        @functools.wraps(view)
        def wrapper(request: Req, /, *args: P.args, **kwargs: P.kwargs) -> R:
            if access.sign_in and not request.user.is_authenticated:
                return cast(R, redirect_to_login(request.get_full_path()))
            if not access.admits(request.user):
                # A route about one object answers as if the object did not exist, so it
                # never tells whether an id is in use; a page without one answers 403.
                if kwargs:
                    raise Http404
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.access = access  # type: ignore[attr-defined]
        return wrapper

    return decorate


def requires(
    *permissions: str, rule: Rule | None = None
) -> Callable[[View[Req, P, R]], View[Req, P, R]]:
    """Signed in, holding at least one of `permissions` somewhere, and passing `rule`."""
    if not permissions and rule is None:
        raise ValueError("requires() needs a permission or a rule; use @signed_in")
    return _declare(Access(sign_in=True, permissions=permissions, rule=rule))


def signed_in(view: View[Req, P, R]) -> View[Req, P, R]:
    """Any signed-in user: the view itself shows only the user's own things."""
    return _declare(Access(sign_in=True))(view)


def public(view: View[Req, P, R]) -> View[Req, P, R]:
    """No sign-in needed (log-in, password reset)."""
    return _declare(Access(sign_in=False))(view)


def declared_access(view: Callable[..., object]) -> Access | None:
    """The access a view declared, looking through decorators such as require_POST."""
    seen: Callable[..., object] | None = view
    while seen is not None:
        access = getattr(seen, "access", None)
        if isinstance(access, Access):
            return access
        seen = getattr(seen, "__wrapped__", None)
    return None


# --- API operations (Django Ninja) ---------------------------------------------------------

F = TypeVar("F", bound=Callable[..., Any])


def _endpoint(access: Access) -> Callable[[F], F]:
    """Declare an API operation's access; put it below `@router.get(...)` and the like.

    `install_access_checks` (called once the API is assembled) enforces it.
    """

    def decorate(func: F) -> F:
        func.access = access  # type: ignore[attr-defined]
        return func

    return decorate


def install_access_checks(api: Any) -> None:
    """Enforce every operation's declared access, right after Ninja's authentication.

    Ninja authenticates, then reads and validates the input, then calls the operation. The
    check belongs between the first two, so that a caller without the permission learns
    nothing from the validation of his input: without the permission anywhere, 403, or 404 on
    a path about one object. The operation's own selectors still decide the scope. It wraps
    each bound operation's `_run_checks` (Ninja's authentication step); tests/test_routes.py
    fails if that ever stops working.
    """
    for router in api._get_bound_routers():  # the operations that answer requests
        for view in router.path_operations.values():
            for operation in view.operations:
                access = declared_access(operation.view_func)
                if access is not None and not access.coupling and access.sign_in:
                    _guard(operation, access)


def _guard(operation: Any, access: Access) -> None:
    authenticate = operation._run_checks
    has_object = "{" in operation.path

    def checks(request: HttpRequest) -> Any:
        error = authenticate(request)
        if error is not None or access.admits(request.user):
            return error
        refusal = Http404() if has_object else PermissionDenied()
        return operation.api.on_exception(request, refusal)

    operation._run_checks = checks


def api_requires(*permissions: str, rule: Rule | None = None) -> Callable[[F], F]:
    """A token or session user holding one of `permissions` somewhere (and passing `rule`)."""
    if not permissions and rule is None:
        raise ValueError("api_requires() needs a permission or a rule; use api_signed_in")
    return _endpoint(Access(sign_in=True, permissions=permissions, rule=rule))


def api_signed_in(func: F) -> F:
    """Any token or session user: the operation itself shows only the user's own things."""
    return _endpoint(Access(sign_in=True))(func)


def api_public(func: F) -> F:
    """No sign-in (the token request itself)."""
    return _endpoint(Access(sign_in=False))(func)


def api_coupling(func: F) -> F:
    """Opened by a coupling's key: the operation's authentication is the check."""
    return _endpoint(Access(sign_in=False, coupling=True))(func)
