"""Who acts through a service: the one type every service signature names.

A person (hersteld.accounts.models.User) or a system acting on one employer (a coupling, a
bulk import without a user). Services check rights only through `scopes_for` (via
restrict()) and name the actor in the audit trail through `get_username`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from hersteld.core.restrict import AllScopes, Scope


class Actor(Protocol):
    """What a service needs of whoever acts."""

    @property
    def pk(self) -> Any: ...

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def is_active(self) -> bool: ...

    @property
    def role(self) -> str: ...

    @property
    def employee_id(self) -> int | None: ...

    @property
    def arbodienst_id(self) -> int | None: ...

    def scopes_for(self, action: str) -> Sequence[Scope] | AllScopes: ...

    def has_perm_anywhere(self, action: str) -> bool: ...

    def get_username(self) -> str: ...

    def get_full_name(self) -> str: ...


@dataclass(frozen=True)
class SystemActor:
    """A system acting on one employer with a fixed set of actions and an employer user's
    role (a coupling, the import without --user). It has no user row: audit rows carry
    its `name`."""

    name: str
    full_name: str
    scope: Scope
    actions: frozenset[str]
    role: str = "employer_user"
    # A coupling of a Datakluis works with sealed persons (restrict hides them from others).
    sees_sealed: bool = False
    pk: None = field(default=None, init=False)
    employee_id: None = field(default=None, init=False)
    is_authenticated: bool = field(default=True, init=False)
    is_active: bool = field(default=True, init=False)

    @property
    def arbodienst_id(self) -> int:
        return self.scope.arbodienst_id

    def scopes_for(self, action: str) -> list[Scope]:
        return [self.scope] if action in self.actions else []

    def has_perm_anywhere(self, action: str) -> bool:
        return action in self.actions

    def get_username(self) -> str:
        return self.name

    def get_full_name(self) -> str:
        return self.full_name
