"""Reads of users and grants for the user-management pages, through `restrict`."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from hersteld.accounts.models import ApiToken, User, UserGrant


def users(actor: Any) -> QuerySet[User]:
    return (
        User.objects.restrict(actor, "accounts.manage")
        .select_related("arbodienst", "employer", "department", "employee")
        .annotate(grant_count=Count("grants"))
        .order_by("username")
    )


def user(actor: Any, pk: int) -> User:
    return get_object_or_404(users(actor), pk=pk)


def grants_of(actor: Any, target: User) -> QuerySet[UserGrant]:
    return (
        UserGrant.objects.restrict(actor, "accounts.manage")
        .filter(user=target)
        .select_related("employer", "department")
    )


def tokens_of(owner: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=owner).order_by("-created_at")
