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
from typing import Concatenate, ParamSpec, Protocol, runtime_checkable

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponse]


@runtime_checkable
class PermissionHolder(Protocol):
    """What the decorator needs of a user: the permission tree of hersteld.accounts."""

    def has_perm_anywhere(self, action: str) -> bool: ...


@dataclass(frozen=True)
class Access:
    """Who may reach a route: anyone, any signed-in user, or holders of one of `permissions`."""

    sign_in: bool
    permissions: tuple[str, ...] = ()


def may(user: object, *permissions: str) -> bool:
    """True when the user holds at least one of the permissions in some scope."""
    return isinstance(user, PermissionHolder) and any(
        user.has_perm_anywhere(permission) for permission in permissions
    )


def _declare(access: Access) -> Callable[[View[P]], View[P]]:
    def decorate(view: View[P]) -> View[P]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            if access.sign_in and not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if access.permissions and not may(request.user, *access.permissions):
                # A route about one object answers as if the object did not exist, so it
                # never tells whether an id is in use; a page without one answers 403.
                if kwargs:
                    raise Http404
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.access = access  # type: ignore[attr-defined]
        return wrapper

    return decorate


def requires(*permissions: str) -> Callable[[View[P]], View[P]]:
    """Signed in, and holding at least one of `permissions` somewhere; else 403."""
    if not permissions:
        raise ValueError("requires() needs at least one permission; use @signed_in")
    return _declare(Access(sign_in=True, permissions=permissions))


def signed_in(view: View[P]) -> View[P]:
    """Any signed-in user: the view itself shows only the user's own things."""
    return _declare(Access(sign_in=True))(view)


def public(view: View[P]) -> View[P]:
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
