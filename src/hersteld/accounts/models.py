from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hersteld.accounts.permissions import (
    ARBODIENST_ROLES,
    LABELS,
    ROLE_DEFAULTS,
    Role,
    covers,
    mfa_required,
)
from hersteld.core.restrict import (
    ALL,
    AllScopes,
    RestrictedQuerySet,
    Scope,
    ScopedModel,
    ScopePaths,
)

ROLE_CHOICES = [
    (Role.OPERATOR.value, _("Operator")),
    (Role.ARBODIENST_ADMIN.value, _("Arbodienst administrator")),
    (Role.CASEMANAGER.value, _("Case manager")),
    (Role.MEDIC.value, _("Company doctor (medic)")),
    (Role.POB.value, _("Practice assistant of the company doctor (POB)")),
    (Role.EMPLOYER_USER.value, _("Employer user")),
    (Role.EMPLOYEE.value, _("Employee")),
]

# What an operator may do in Django admin (/django-admin/): tenants, the holiday decree days
# (docs/rules/day-arithmetic.md), and reading the audit trail.
OPERATOR_ADMIN_PERMS = frozenset(
    {
        "organisations.add_arbodienst",
        "organisations.change_arbodienst",
        "organisations.view_arbodienst",
        "poortwachter.add_holidaydecree",
        "poortwachter.change_holidaydecree",
        "poortwachter.delete_holidaydecree",
        "poortwachter.view_holidaydecree",
        "core.view_auditevent",
        "core.view_accessevent",
    }
)
OPERATOR_ADMIN_APPS = frozenset({perm.split(".", 1)[0] for perm in OPERATOR_ADMIN_PERMS})

PERMISSION_CHOICES = [(code, label) for code, label in LABELS.items()]


class ScopedUserManager(UserManager["User"]):
    def get_queryset(self) -> RestrictedQuerySet[User]:
        return RestrictedQuerySet(self.model, using=self._db)

    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> User:
        """`hersteld createsuperuser` makes an operator: the installation's own administrator."""
        extra.setdefault("role", Role.OPERATOR.value)
        return super().create_superuser(username, email, password, **extra)

    def restrict(self, user: Any, action: str) -> RestrictedQuerySet[User]:
        return self.get_queryset().restrict(user, action)


class User(AbstractUser):
    """A person who logs in. Role and home scope decide what the role's permissions reach."""

    scope_paths = ScopePaths(arbodienst="arbodienst", employer="employer", department="department")

    AUDITED = (
        "username",
        "first_name",
        "last_name",
        "email",
        "role",
        "arbodienst",
        "employer",
        "department",
        "employee",
        "is_active",
    )

    role = models.CharField(_("role"), max_length=20, choices=ROLE_CHOICES)
    arbodienst = models.ForeignKey(
        "organisations.Arbodienst",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("arbodienst"),
    )
    employer = models.ForeignKey(
        "organisations.Employer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("employer"),
    )
    department = models.ForeignKey(
        "organisations.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("department (subtree)"),
    )
    employee = models.OneToOneField(
        "people.Employee",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="user",
        verbose_name=_("employee"),
    )

    objects: ClassVar[ScopedUserManager] = ScopedUserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_arbodienst_staff(self) -> bool:
        return self.role in ARBODIENST_ROLES

    @property
    def mfa_required(self) -> bool:
        if self.role not in Role.__members__.values():
            return True  # a user without a valid role gets nothing, and still needs two factors
        return mfa_required(self.role_enum, employer_users=settings.MFA_EMPLOYER_USERS)

    def home_scopes(self) -> list[Scope] | AllScopes:
        role = self.role_enum
        if role == Role.OPERATOR:
            return ALL
        if self.arbodienst_id is None:
            return []
        if role in ARBODIENST_ROLES:
            return [Scope(self.arbodienst_id)]
        if role == Role.EMPLOYEE:
            if self.employee_id is None:
                return []
            return [
                Scope(
                    self.arbodienst_id, employer_id=self.employer_id, employee_id=self.employee_id
                )
            ]
        if self.employer_id is None:
            return []
        department = self.department
        if department is not None:
            return [Scope(self.arbodienst_id, self.employer_id, department_path=department.path)]
        return [Scope(self.arbodienst_id, self.employer_id)]

    def _grants(self) -> list[UserGrant]:
        cached: list[UserGrant] | None = self.__dict__.get("_grant_cache")
        if cached is None:
            # Read with the user by accounts.selectors.with_scopes (one query for a list).
            prefetched = getattr(self, "_prefetched_objects_cache", {}).get("grants")
            if prefetched is not None:
                cached = list(prefetched)
            else:
                cached = list(UserGrant.objects.filter(user=self).select_related("department"))
            for grant in cached:
                grant.user = self
            self.__dict__["_grant_cache"] = cached
        return cached

    def scopes_for(self, action: str) -> Sequence[Scope] | AllScopes:
        """Where this user may perform `action`; cached for the life of the user object."""
        cache: dict[str, Sequence[Scope] | AllScopes] = self.__dict__.setdefault("_scope_cache", {})
        if action in cache:
            return cache[action]
        scopes: list[Scope] = []
        if self.is_active and self.role in Role.__members__.values():
            if any(covers(code, action) for code in ROLE_DEFAULTS[self.role_enum]):
                home = self.home_scopes()
                if isinstance(home, AllScopes):
                    cache[action] = ALL
                    return ALL
                scopes.extend(home)
            if self.arbodienst_id is not None and self.role != Role.EMPLOYEE:
                for grant in self._grants():
                    if covers(grant.permission, action):
                        scopes.append(grant.scope())
        cache[action] = scopes
        return scopes

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        """Django admin rights: an active operator maintains tenants and reads the audit trail there."""
        if self.is_active and self.role == Role.OPERATOR and perm in OPERATOR_ADMIN_PERMS:
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        if self.is_active and self.role == Role.OPERATOR and app_label in OPERATOR_ADMIN_APPS:
            return True
        return super().has_module_perms(app_label)

    def has_perm_anywhere(self, action: str) -> bool:
        scopes = self.scopes_for(action)
        return isinstance(scopes, AllScopes) or bool(scopes)

    def clear_scope_cache(self) -> None:
        self.__dict__.pop("_scope_cache", None)
        self.__dict__.pop("_grant_cache", None)


class UserGrant(ScopedModel):
    """An extra permission for one user, scoped to the own arbodienst, one employer or a subtree."""

    scope_paths = ScopePaths(
        arbodienst="user__arbodienst", employer="employer", department="department"
    )

    AUDITED = ("user", "permission", "employer", "department")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants")
    permission = models.CharField(_("permission"), max_length=64, choices=PERMISSION_CHOICES)
    employer = models.ForeignKey(
        "organisations.Employer",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("employer"),
    )
    department = models.ForeignKey(
        "organisations.Department",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("department (subtree)"),
    )
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[RestrictedQuerySet[UserGrant]] = RestrictedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["user", "permission"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "permission", "employer", "department"], name="grant_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.permission}"

    @property
    def arbodienst_id(self) -> int | None:
        return self.user.arbodienst_id

    def scope(self) -> Scope:
        arbodienst_id = self.user.arbodienst_id
        assert arbodienst_id is not None
        department = self.department
        if department is not None:
            return Scope(arbodienst_id, department.employer_id, department_path=department.path)
        if self.employer_id is not None:
            return Scope(arbodienst_id, self.employer_id)
        return Scope(arbodienst_id)


class ApiToken(models.Model):
    """A bearer token for the REST API; only its SHA-256 hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class PortalSession(models.Model):
    """One signed-in portal session, so a user (or his admin) can see and end it (issue 11 S3).

    Django's session row holds the data; this row holds what a person recognises it by.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="portal_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"
