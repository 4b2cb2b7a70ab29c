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
from typing import Concatenate, ParamSpec, Protocol, TypeVar, cast, runtime_checkable

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


@dataclass(frozen=True)
class Access:
    """Who may reach a route: anyone, any signed-in user, or holders of one of `permissions`;
    `rule`, when given, is a further condition on the user (e.g. a scope of a whole employer)."""

    sign_in: bool
    permissions: tuple[str, ...] = ()
    rule: Rule | None = None

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
