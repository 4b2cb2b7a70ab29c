"""Shared pieces of every service: fetch-for-write under lock, and the scope re-check."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404

from hersteld.core.validation import message

M = TypeVar("M", bound=models.Model)


def locked(model: type[M], actor: Any, pk: int, action: str) -> M:
    """Fetch for a write under a row lock; outside the actor's scope it does not exist (404)."""
    queryset = model._default_manager.restrict(actor, action).select_for_update()  # type: ignore[attr-defined]
    return get_object_or_404(queryset, pk=pk)


def ensure_in_scope(actor: Any, obj: models.Model, action: str) -> None:
    """After a write the result must still be reachable by the actor; else roll back (403)."""
    manager = type(obj)._default_manager
    if not manager.restrict(actor, action).filter(pk=obj.pk).exists():  # type: ignore[attr-defined]
        raise PermissionDenied(message("not_allowed"))
