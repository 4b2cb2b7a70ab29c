"""Writes of users, grants, API tokens and MFA devices, each audited in its own transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from importlib import import_module
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from hersteld.accounts.models import ROLE_CHOICES, ApiToken, PortalSession, User, UserGrant
from hersteld.accounts.permissions import EMPLOYER_SIDE_ROLES, Role, grantable_to
from hersteld.core.audit import record_change, snapshot
from hersteld.core.models import AuditAction
from hersteld.core.services import ensure_in_scope, locked, record_created, save_and_record
from hersteld.core.validation import Problems, fail, message
from hersteld.organisations.models import Arbodienst, Department, Employer
from hersteld.people.models import Employee

TOKEN_PREFIX = "hst_"


def _manageable_roles(actor: User) -> set[str]:
    if actor.role == Role.OPERATOR:
        return {role.value for role in Role}
    if actor.has_perm_anywhere("accounts.manage"):
        return {role.value for role in Role if role != Role.OPERATOR}
    return set()


def _check_home(data: dict[str, Any], problems: Problems, *, actor: User) -> dict[str, Any]:
    """Role decides which home fields a user needs; all of them must lie in the actor's tenant."""
    role = data.get("role")
    arbodienst: Arbodienst | None = data.get("arbodienst")
    if actor.role != Role.OPERATOR:
        arbodienst = actor.arbodienst
    home: dict[str, Any] = {
        "arbodienst": arbodienst,
        "employer": None,
        "department": None,
        "employee": None,
    }
    if role not in _manageable_roles(actor):
        problems.add("role", "role_not_allowed")
        return home
    if role == Role.OPERATOR:
        home["arbodienst"] = None
        return home
    if arbodienst is None:
        problems.add("arbodienst", "required")
        return home
    if role == Role.EMPLOYER_USER:
        employer: Employer | None = data.get("employer")
        department: Department | None = data.get("department")
        if employer is None:
            problems.add("employer", "role_needs_employer")
        elif employer.arbodienst_id != arbodienst.pk:
            problems.add("employer", "employer_other_tenant")
        if (
            department is not None
            and employer is not None
            and department.employer_id != employer.pk
        ):
            problems.add("department", "department_other_employer")
        home.update(employer=employer, department=department)
    elif role == Role.EMPLOYEE:
        employee: Employee | None = data.get("employee")
        if employee is None:
            problems.add("employee", "role_needs_employee")
        elif employee.employer.arbodienst_id != arbodienst.pk:
            problems.add("employee", "employer_other_tenant")
        else:
            home.update(employee=employee, employer=employee.employer)
    return home


@transaction.atomic
def create_user(*, actor: User, data: dict[str, Any]) -> User:
    problems = Problems()
    problems.require(data, "username", "role", "password")
    username = (data.get("username") or "").strip()
    if username and User.objects.filter(username__iexact=username).exists():
        problems.add("username", "username_taken")
    home = _check_home(data, problems, actor=actor)
    employee = home.get("employee")
    if employee is not None and User.objects.filter(employee=employee).exists():
        problems.add("employee", "employee_has_user")
    if data.get("password"):
        candidate = User(username=username, email=data.get("email", ""))
        try:
            validate_password(data["password"], user=candidate)
        except ValidationError as exc:
            for error in exc.error_list:
                problems.errors.setdefault("password", []).append(error)
    problems.raise_if_any()
    user = User(
        username=username,
        first_name=(data.get("first_name") or "").strip(),
        last_name=(data.get("last_name") or "").strip(),
        email=(data.get("email") or "").strip(),
        role=data["role"],
        **home,
    )
    user.is_staff = user.role == Role.OPERATOR  # operators maintain tenants in Django admin
    user.set_password(data["password"])
    user.save()
    ensure_in_scope(actor, user, "accounts.manage")
    record_created(actor=actor, obj=user, fields=User.AUDITED)
    return user


# The fields that decide what a user sees: changed only through change_scope, with a confirmation.
SCOPE_FIELDS = ("role", "arbodienst", "employer", "department", "employee")
DETAIL_FIELDS = ("first_name", "last_name", "email")


def grantable_roles(actor: User) -> list[tuple[str, Any]]:
    """The role choices an actor may give: the user form offers exactly these."""
    allowed = _manageable_roles(actor)
    return [(value, label) for value, label in ROLE_CHOICES if value in allowed]


def current_scope(user: User) -> dict[str, Any]:
    return {name: getattr(user, name) for name in SCOPE_FIELDS}


@transaction.atomic
def update_user(*, actor: User, user_id: int, data: dict[str, Any]) -> User:
    """Name, e-mail and blocking. A scope field in `data` must equal the stored value: a scope
    change is its own confirmed action (change_scope), never a side effect of saving details."""
    user = locked(User, actor, user_id, "accounts.manage")
    before = snapshot(user, User.AUDITED)
    problems = Problems()
    for name in SCOPE_FIELDS:
        if name in data and data[name] != getattr(user, name):
            problems.add(name, "scope_change_separate")
    problems.raise_if_any()
    for key in DETAIL_FIELDS:
        if key in data:
            setattr(user, key, (data[key] or "").strip())
    if "is_active" in data:
        if user.pk == actor.pk and not data["is_active"]:
            raise fail("is_active", "not_allowed")
        user.is_active = bool(data["is_active"])
    save_and_record(actor=actor, obj=user, before=before, fields=User.AUDITED)
    if before["is_active"] and not user.is_active:
        revoke_access(actor=actor, user=user, reason="blocked")
    return user


@transaction.atomic
def check_scope(*, actor: User, user_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """The new scope `data` asks for, checked but not saved (the confirmation page shows it)."""
    user = locked(User, actor, user_id, "accounts.manage")
    problems = Problems()
    problems.require(data, "role", "reason")
    home = _check_home(data, problems, actor=actor)
    employee = home.get("employee")
    if employee is not None and User.objects.filter(employee=employee).exclude(pk=user.pk).exists():
        problems.add("employee", "employee_has_user")
    if user.pk == actor.pk:
        problems.add("role", "scope_own")
    problems.raise_if_any()
    return {"role": data["role"], **home}


@transaction.atomic
def change_scope(*, actor: User, user_id: int, data: dict[str, Any]) -> User:
    """Role, arbodienst, employer, department or employee of a user: what he may see.

    Its own audited action, reached only through the confirmation step of the portal.
    """
    scope = check_scope(actor=actor, user_id=user_id, data=data)
    user = locked(User, actor, user_id, "accounts.manage")
    before = snapshot(user, User.AUDITED)
    for key, value in scope.items():
        setattr(user, key, value)
    user.is_staff = user.role == Role.OPERATOR  # operators maintain tenants in Django admin
    if save_and_record(
        actor=actor,
        obj=user,
        before=before,
        fields=User.AUDITED,
        reason=data["reason"].strip(),
    ):
        ensure_in_scope(actor, user, "accounts.manage")
    return user


@transaction.atomic
def add_grant(
    *,
    actor: User,
    user_id: int,
    permission: str,
    employer: Employer | None = None,
    department: Department | None = None,
) -> UserGrant:
    """Give one user an extra permission, scoped to the tenant, an employer or a department subtree."""
    user = locked(User, actor, user_id, "accounts.manage")
    problems = Problems()
    if (
        user.role == Role.OPERATOR
        or user.arbodienst_id is None
        or not grantable_to(user.role_enum, permission)
    ):
        problems.add("permission", "permission_not_for_role")
    if department is not None:
        employer = department.employer
    if employer is not None and employer.arbodienst_id != user.arbodienst_id:
        problems.add("employer", "employer_other_tenant")
    if user.role in EMPLOYER_SIDE_ROLES and employer is None:
        problems.add("employer", "grant_scope_required")
    if user.role == Role.EMPLOYEE:
        problems.add("permission", "permission_not_for_role")
    if (
        not problems
        and UserGrant.objects.filter(
            user=user, permission=permission, employer=employer, department=department
        ).exists()
    ):
        problems.add("permission", "grant_exists")
    problems.raise_if_any()
    grant = UserGrant.objects.create(
        user=user, permission=permission, employer=employer, department=department, granted_by=actor
    )
    record_change(
        actor=actor,
        action=AuditAction.GRANT,
        obj=user,
        changes={"grant": [None, _grant_text(grant)]},
    )
    return grant


@transaction.atomic
def revoke_grant(*, actor: User, grant_id: int) -> None:
    grant = locked(UserGrant, actor, grant_id, "accounts.manage")
    user = grant.user
    text = _grant_text(grant)
    grant.delete()
    record_change(actor=actor, action=AuditAction.REVOKE, obj=user, changes={"grant": [text, None]})


def _grant_text(grant: UserGrant) -> str:
    where = grant.department or grant.employer or "arbodienst"
    return f"{grant.permission} @ {where}"


@transaction.atomic
def set_password(*, actor: User, user_id: int, password: str) -> User:
    user = locked(User, actor, user_id, "accounts.manage")
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.error_list}) from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    record_change(
        actor=actor, action=AuditAction.UPDATE, obj=user, changes={"password": ["***", "***"]}
    )
    revoke_access(actor=actor, user=user, reason="new password")
    return user


@transaction.atomic
def reset_mfa(*, actor: User, user_id: int) -> None:
    """Lost phone: remove the user's authenticator; at the next log-in the user enrols again."""
    user = locked(User, actor, user_id, "accounts.manage")
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    if removed:
        record_change(
            actor=actor, action=AuditAction.MFA, obj=user, changes={"mfa": ["TOTP", None]}
        )
    revoke_access(actor=actor, user=user, reason="two-factor authentication reset")


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def issue_token(*, user: User, name: str = "") -> tuple[str, ApiToken]:
    """A new bearer token; the raw value is returned once and only its hash is kept."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=raw[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 8],
        key_hash=hash_token(raw),
        expires_at=timezone.now() + dt.timedelta(days=settings.API_TOKEN_DAYS),
    )
    record_change(
        actor=user,
        action=AuditAction.TOKEN,
        obj=user,
        changes={"token": [None, f"{token.prefix}… issued"]},
    )
    return raw, token


@transaction.atomic
def revoke_token(*, user: User, token_id: int) -> ApiToken:
    """A user revokes one of his own tokens."""
    return _revoke(actor=user, owner=user, token_id=token_id)


def _revoke(*, actor: User, owner: User, token_id: int) -> ApiToken:
    """Revoke one token of `owner` (404 when he has none with that id), audited once."""
    token = ApiToken.objects.select_for_update().filter(user=owner, pk=token_id).first()
    if token is None:
        raise Http404
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_change(
            actor=actor,
            action=AuditAction.TOKEN,
            obj=owner,
            changes={"token": [f"{token.prefix}…", "revoked"]},
        )
    return token


def user_for_token(raw: str) -> User | None:
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(raw)).first()
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def start_totp_enrolment(*, user: User) -> TOTPDevice:
    """A fresh unconfirmed TOTP device; it counts only after the first correct code."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)


@transaction.atomic
def confirm_totp(*, user: User, code: str, current_code: str = "") -> TOTPDevice:
    """Confirm the pending device with its first code.

    A confirmed device is replaced only with a correct code from it (`current_code`):
    whoever has only the password cannot swap the authenticator (issue 11 S1).
    """
    current = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if current is not None:
        given = current_code.strip()
        if not given.isdigit() or not current.verify_token(given):
            raise fail("otp", "otp_device_exists")
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not code.strip().isdigit() or not device.verify_token(code.strip()):
        raise fail("otp", "otp_invalid")
    if current is not None:
        current.delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record_change(actor=user, action=AuditAction.MFA, obj=user, changes={"mfa": [None, "TOTP"]})
    return device


def verify_otp(user: User, code: str | None) -> TOTPDevice | None:
    """The confirmed device that accepts `code`, or None."""
    device = confirmed_device(user)
    if device is None or not code or not code.strip().isdigit():
        return None
    return device if device.verify_token(code.strip()) else None


def require_manage(actor: User) -> None:
    if not actor.has_perm_anywhere("accounts.manage"):
        raise PermissionDenied(message("not_allowed"))


# Sessions and lasting access (issue 11 S3) -------------------------------------------------


def record_session(*, user: User, session_key: str, ip: str | None, user_agent: str) -> None:
    """Remember a new portal session so it can be listed and ended."""
    PortalSession.objects.update_or_create(
        session_key=session_key,
        defaults={
            "user": user,
            "ip_address": ip or None,
            "user_agent": user_agent[:300],
            "last_seen_at": timezone.now(),
        },
    )


def touch_session(*, user: User, session_key: str, ip: str | None, user_agent: str) -> None:
    """Last seen and address of a session; a session from before this table gets a row."""
    seen = PortalSession.objects.filter(session_key=session_key, user=user).update(
        last_seen_at=timezone.now(), ip_address=ip or None
    )
    if not seen:
        record_session(user=user, session_key=session_key, ip=ip, user_agent=user_agent)


def forget_session(session_key: str) -> None:
    """Log-out: the session is over; nothing to end."""
    PortalSession.objects.filter(session_key=session_key).delete()


def _end(sessions: list[PortalSession]) -> int:
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for row in sessions:
        store(session_key=row.session_key).delete()
        row.delete()
    return len(sessions)


@transaction.atomic
def end_own_session(*, user: User, session_id: int) -> None:
    """A user ends one of his own sessions (a forgotten computer)."""
    row = PortalSession.objects.select_for_update().filter(user=user, pk=session_id).first()
    if row is None:
        raise Http404
    _end([row])
    record_change(actor=user, action=AuditAction.UPDATE, obj=user, changes=_sessions_change(1))


@transaction.atomic
def end_sessions(
    *, actor: User, user: User, except_key: str | None = None, reason: str = ""
) -> int:
    """End every portal session of `user` (but `except_key`, the one in use); audited."""
    rows = PortalSession.objects.select_for_update().filter(user=user)
    if except_key:
        rows = rows.exclude(session_key=except_key)
    ended = _end(list(rows))
    if ended:
        record_change(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=user,
            changes=_sessions_change(ended),
            reason=reason,
        )
    return ended


def _sessions_change(count: int) -> dict[str, Any]:
    return {"sessions": [f"{count} active", "ended"]}


@transaction.atomic
def revoke_all_tokens(*, actor: User, user: User, reason: str = "") -> int:
    """Revoke every usable API token of `user`; audited with the prefixes."""
    tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    if not tokens:
        return 0
    now = timezone.now()
    ApiToken.objects.filter(pk__in=[t.pk for t in tokens]).update(revoked_at=now)
    record_change(
        actor=actor,
        action=AuditAction.TOKEN,
        obj=user,
        changes={"token": [", ".join(f"{t.prefix}…" for t in tokens), "revoked"]},
        reason=reason,
    )
    return len(tokens)


def revoke_access(*, actor: User, user: User, reason: str) -> None:
    """A new password, a reset second factor or a block: no old token or session lives on."""
    revoke_all_tokens(actor=actor, user=user, reason=reason)
    end_sessions(actor=actor, user=user, reason=reason)


@transaction.atomic
def revoke_token_of(*, actor: User, user_id: int, token_id: int) -> ApiToken:
    """An administrator revokes one token of a user in his scope (404 outside it)."""
    user = locked(User, actor, user_id, "accounts.manage")
    return _revoke(actor=actor, owner=user, token_id=token_id)


@transaction.atomic
def revoke_tokens_of(*, actor: User, user_id: int) -> int:
    user = locked(User, actor, user_id, "accounts.manage")
    return revoke_all_tokens(actor=actor, user=user, reason="administrator")


@transaction.atomic
def end_session_of(*, actor: User, user_id: int, session_id: int) -> None:
    """An administrator ends one session of a user in his scope."""
    user = locked(User, actor, user_id, "accounts.manage")
    row = PortalSession.objects.select_for_update().filter(user=user, pk=session_id).first()
    if row is None:
        raise Http404
    _end([row])
    record_change(actor=actor, action=AuditAction.UPDATE, obj=user, changes=_sessions_change(1))


@transaction.atomic
def end_sessions_of(*, actor: User, user_id: int) -> int:
    user = locked(User, actor, user_id, "accounts.manage")
    return end_sessions(actor=actor, user=user, reason="administrator")


@transaction.atomic
def lift_lockout(*, actor: User, user_id: int) -> int:
    """An administrator lifts the lock on a user name in his scope (issue 11 S5); audited.

    Locks on an IP address end on time (or through the operator in Django admin).
    """
    user = locked(User, actor, user_id, "accounts.manage")
    removed: int
    removed, _ = AccessAttempt.objects.filter(username=user.username.lower()).delete()
    if removed:
        record_change(
            actor=actor, action=AuditAction.UPDATE, obj=user, changes={"lockout": ["locked", None]}
        )
    return removed


@transaction.atomic
def password_was_reset(*, user: User) -> None:
    """The user set a new password through the e-mailed link: old tokens and sessions end."""
    record_change(
        actor=user, action=AuditAction.UPDATE, obj=user, changes={"password": ["***", "***"]}
    )
    revoke_access(actor=user, user=user, reason="new password")
