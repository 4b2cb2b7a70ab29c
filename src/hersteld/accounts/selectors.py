"""Reads of users and grants for the user-management pages, through `restrict`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import Count, Max, Prefetch, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from hersteld.accounts import useragent
from hersteld.accounts.models import ApiToken, PortalSession, User, UserGrant
from hersteld.core import subject
from hersteld.core.actor import Actor
from hersteld.core.signals import SubjectRecords


def users(actor: Actor) -> QuerySet[User]:
    return (
        User.objects.restrict(actor, "accounts.manage")
        .select_related("arbodienst", "employer", "department", "employee")
        .annotate(grant_count=Count("grants"))
        .order_by("username")
    )


def with_scopes(queryset: QuerySet[User]) -> QuerySet[User]:
    """Users read with what `scopes_for` needs (home department, grants), so that asking
    each of a list where he may act costs no query per user (messaging's recipients)."""
    return queryset.select_related("department").prefetch_related(
        Prefetch("grants", queryset=UserGrant.objects.select_related("department"))
    )


def user(actor: Actor, pk: int) -> User:
    return get_object_or_404(users(actor), pk=pk)


def grants_of(actor: Actor, target: User) -> QuerySet[UserGrant]:
    return (
        UserGrant.objects.restrict(actor, "accounts.manage")
        .filter(user=target)
        .select_related("employer", "department")
    )


def tokens_of(owner: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=owner).order_by("-created_at")


def sessions_of(owner: User) -> list[PortalSession]:
    """The user's portal sessions that can still be used (not expired, not ended)."""
    rows = list(PortalSession.objects.filter(user=owner).order_by("-last_seen_at"))
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.db" and rows:
        alive = set(
            Session.objects.filter(
                session_key__in=[row.session_key for row in rows], expire_date__gt=timezone.now()
            ).values_list("session_key", flat=True)
        )
        rows = [row for row in rows if row.session_key in alive]
    for row in rows:
        row.device = useragent.label(row.user_agent) or row.user_agent[:60]  # type: ignore[attr-defined]
    return rows


def lockout_of(target: User) -> dt.datetime | None:
    """When the lock on this user name ends, or None when it is not locked (issue 11 S5)."""
    cool_off = dt.timedelta(minutes=settings.LOCKOUT_MINUTES)
    now = timezone.now()
    recent = AccessAttempt.objects.filter(
        username=target.username.lower(), attempt_time__gt=now - cool_off
    ).aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    if (recent["failures"] or 0) < settings.LOCKOUT_TRIES or recent["last"] is None:
        return None
    ends: dt.datetime = recent["last"] + cool_off
    return ends


ACCOUNT_FIELDS = ("username", "first_name", "last_name", "email", "role", "is_active")


def subject_records(employee: Any, requester: Actor, **kwargs: Any) -> list[SubjectRecords]:
    """Receiver of core.signals.subject_records: the employee's own portal account. The
    caller reached the employee through restrict(), and the account is his, so no further
    scope applies; the password hash and second factor stay out."""
    accounts = list(User.objects.filter(employee_id=employee.pk).order_by("id"))
    rows = subject.rows(accounts, ACCOUNT_FIELDS)
    for row, account in zip(rows, accounts, strict=True):
        row["date_joined"] = account.date_joined
        row["last_login"] = account.last_login
    return [
        SubjectRecords(
            name="user_account",
            title=_("Portal account"),
            rows=rows,
            columns=(
                *subject.columns(User, ("username", "email", "is_active")),
                ("last_login", str(_("last logged in"))),
            ),
        )
    ]
