"""Log-in with a second factor, MFA enrolment, API tokens, and user management for arbodienst admins."""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from hersteld.accounts import selectors, services
from hersteld.accounts.access import api_user
from hersteld.accounts.forms import (
    GrantForm,
    LoginForm,
    OtpForm,
    PasswordForm,
    ScopeForm,
    TokenForm,
    UserDetailsForm,
    UserForm,
)
from hersteld.accounts.middleware import second_factor_missing
from hersteld.accounts.models import ROLE_CHOICES, User
from hersteld.accounts.permissions import DESCRIPTIONS, LABELS, ROLE_DEFAULTS, expand
from hersteld.core.validation import message
from hersteld.web.access import AuthedRequest, public, requires, signed_in
from hersteld.web.helpers import paginate, run_service


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}):
        return candidate
    return reverse("portal:home")


@public
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        if getattr(request, "axes_locked_out", False):
            return render(request, "accounts/locked_out.html", status=429)
        if user is None:
            form.add_error(None, message("credentials_invalid"))
        else:
            login(request, user)
            has_device = services.confirmed_device(user) is not None
            if has_device:
                request.session["mfa_pending"] = True
            if has_device or user.mfa_required:
                return redirect(f"{reverse('accounts:otp')}?next={_next_url(request)}")
            return redirect(_next_url(request))
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "next": request.GET.get("next", ""),
            "timeout": request.GET.get("timeout"),
        },
    )


@signed_in
def otp_view(request: AuthedRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if services.confirmed_device(user) is None:
        return redirect("accounts:otp_setup")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.verify_otp(user, form.cleaned_data["otp"])
        if device is None:
            form.add_error("otp", message("otp_invalid"))
        else:
            otp_login(request, device)
            request.session.pop("mfa_pending", None)
            return redirect(_next_url(request))
    return render(request, "accounts/otp.html", {"form": form, "next": request.GET.get("next", "")})


def _otp_check_url(request: HttpRequest) -> str:
    return f"{reverse('accounts:otp')}?next={_next_url(request)}"


@signed_in
def otp_setup_view(request: AuthedRequest) -> HttpResponse:
    """Enrolment only without a confirmed device: a new one never replaces it (issue 11 S1)."""
    user: User = request.user  # type: ignore[assignment]
    if services.confirmed_device(user) is not None:
        if user.is_verified():  # type: ignore[attr-defined]
            messages.info(
                request,
                _(
                    "You already have an authenticator. To change it, ask your administrator "
                    "to reset two-factor authentication."
                ),
            )
            return redirect("portal:home")
        return redirect(_otp_check_url(request))
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = run_service(
            form, lambda: services.confirm_totp(user=user, code=form.cleaned_data["otp"])
        )
        if device is not None:
            otp_login(request, device)
            request.session.pop("mfa_pending", None)
            messages.success(request, _("Two-factor authentication is set up."))
            return redirect("portal:home")
    device = services.start_totp_enrolment(user=user) if request.method == "GET" else None
    if device is None:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(
            user=user, confirmed=False
        ).first() or services.start_totp_enrolment(user=user)
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=5, title="QR")
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request, "accounts/otp_setup.html", {"form": form, "qr_svg": qr_svg, "secret": secret}
    )


@public
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


@requires(rule=api_user)
def tokens_view(request: AuthedRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if second_factor_missing(request, check_device=True):
        return redirect(_otp_check_url(request))
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        new_token, _token = services.issue_token(user=user, name=form.cleaned_data["name"])
        form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "tokens": selectors.tokens_of(user),
            "new_token": new_token,
        },
    )


@requires(rule=api_user)
@require_POST
def token_revoke_view(request: AuthedRequest, pk: int) -> HttpResponse:
    services.revoke_token(user=request.user, token_id=pk)  # type: ignore[arg-type]
    messages.success(request, _("The token has been revoked."))
    return redirect("accounts:tokens")


@requires("accounts.manage")
def user_list_view(request: AuthedRequest) -> HttpResponse:
    qs = selectors.users(request.user)
    search = request.GET.get("q", "").strip()
    if search:
        qs = qs.filter(username__icontains=search)
    return render(
        request,
        "accounts/user_list.html",
        {
            "page": paginate(request, qs),
            "q": search,
        },
    )


def _user_form_data(form: UserForm) -> dict[str, Any]:
    return dict(form.cleaned_data)


@requires("accounts.manage")
def user_create_view(request: AuthedRequest) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    form = UserForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        created = run_service(
            form, lambda: services.create_user(actor=actor, data=_user_form_data(form))
        )
        if created is not None:
            messages.success(
                request, _("User %(name)s has been created.") % {"name": created.username}
            )
            return redirect("accounts:user_detail", pk=created.pk)
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


def _permission_rows(codes: Any) -> list[dict[str, str]]:
    """Dutch label and one-line explanation per permission; the code only for a tooltip."""
    return [
        {"code": code, "label": _(LABELS[code]), "description": _(DESCRIPTIONS[code])}
        for code in codes
    ]


@requires("accounts.manage")
def user_detail_view(request: AuthedRequest, pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    target = selectors.user(actor, pk)
    initial = {
        "username": target.username,
        "first_name": target.first_name,
        "last_name": target.last_name,
        "email": target.email,
    }
    form = UserDetailsForm(request.POST or None, initial=initial)
    grant_form = GrantForm(actor=actor)
    if request.method == "POST" and form.is_valid():
        data = {key: form.cleaned_data[key] for key in services.DETAIL_FIELDS}
        updated = run_service(
            form, lambda: services.update_user(actor=actor, user_id=target.pk, data=data)
        )
        if updated is not None:
            messages.success(request, _("The user has been saved."))
            return redirect("accounts:user_detail", pk=target.pk)
    role_permissions = sorted(
        {leaf for code in ROLE_DEFAULTS[target.role_enum] for leaf in expand(code)}
    )
    return render(
        request,
        "accounts/user_detail.html",
        {
            "target": target,
            "form": form,
            "grant_form": grant_form,
            "password_form": PasswordForm(),
            "grants": [
                (grant, _permission_rows([grant.permission])[0])
                for grant in selectors.grants_of(actor, target)
            ],
            "role_permissions": _permission_rows(role_permissions),
        },
        status=422 if form.errors else 200,
    )


def _scope_rows(form: ScopeForm, scope: dict[str, Any]) -> list[tuple[Any, Any]]:
    """(label, shown value) per scope field, for the old-against-new confirmation."""
    roles = dict(ROLE_CHOICES)
    rows = []
    for name in services.SCOPE_FIELDS:
        if name not in form.fields:
            continue
        value = scope.get(name)
        shown = roles.get(str(value), value) if name == "role" else value
        rows.append((form.fields[name].label, shown if shown not in (None, "") else "—"))
    return rows


@requires("accounts.manage")
@require_http_methods(["GET", "POST"])
def user_scope_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """Change role and home of a user in two steps: choose, then confirm old against new."""
    actor: User = request.user  # type: ignore[assignment]
    target = selectors.user(actor, pk)
    current = services.current_scope(target)
    form = ScopeForm(request.POST or None, actor=actor, initial=current)
    context: dict[str, Any] = {"target": target, "form": form}
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if request.POST.get("confirm") == "1":
            changed = run_service(
                form, lambda: services.change_scope(actor=actor, user_id=target.pk, data=data)
            )
            if changed is not None:
                messages.success(request, _("The scope of the user has been changed."))
                return redirect("accounts:user_detail", pk=target.pk)
        else:
            new = run_service(
                form, lambda: services.check_scope(actor=actor, user_id=target.pk, data=data)
            )
            if new is not None and new == current:
                form.add_error(None, _("This is the current scope; nothing changes."))
            elif new is not None:
                context.update(
                    confirming=True,
                    rows=zip(_scope_rows(form, current), _scope_rows(form, new), strict=True),
                )
    status = 422 if form.errors else 200
    return render(request, "accounts/user_scope.html", context, status=status)


@requires("accounts.manage")
@require_POST
def user_active_view(request: AuthedRequest, pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    active = request.POST.get("active") == "1"
    form = TokenForm()
    result = run_service(
        form,
        lambda: services.update_user(actor=actor, user_id=pk, data={"is_active": active}),
    )
    if result is None:
        messages.error(
            request, " ".join(str(e) for e in form.non_field_errors()) or message("not_allowed")
        )
    return redirect("accounts:user_detail", pk=pk)


@requires("accounts.manage")
@require_POST
def password_set_view(request: AuthedRequest, pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    selectors.user(actor, pk)  # a user outside the admin's scope is not found (404)
    form = PasswordForm(request.POST)
    password = form.cleaned_data.get("password", "") if form.is_valid() else ""
    saved = password and run_service(
        form, lambda: services.set_password(actor=actor, user_id=pk, password=password)
    )
    if saved:
        messages.success(request, _("The new password has been set."))
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    return redirect("accounts:user_detail", pk=pk)


@requires("accounts.manage")
@require_POST
def mfa_reset_view(request: AuthedRequest, pk: int) -> HttpResponse:
    services.reset_mfa(actor=request.user, user_id=pk)  # type: ignore[arg-type]
    messages.success(
        request,
        _(
            "Two-factor authentication has been reset; the user sets it up again at the next log-in."
        ),
    )
    return redirect("accounts:user_detail", pk=pk)


@requires("accounts.manage")
@require_POST
def grant_add_view(request: AuthedRequest, pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    target = selectors.user(actor, pk)
    form = GrantForm(request.POST, actor=actor)
    if form.is_valid():
        grant = run_service(
            form,
            lambda: services.add_grant(
                actor=actor,
                user_id=target.pk,
                permission=form.cleaned_data["permission"],
                employer=form.cleaned_data["employer"],
                department=form.cleaned_data["department"],
            ),
        )
        if grant is not None:
            messages.success(request, _("The right has been granted."))
            return redirect("accounts:user_detail", pk=target.pk)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    return redirect("accounts:user_detail", pk=target.pk)


@requires("accounts.manage")
@require_POST
def grant_revoke_view(request: AuthedRequest, pk: int, grant_pk: int) -> HttpResponse:
    services.revoke_grant(actor=request.user, grant_id=grant_pk)  # type: ignore[arg-type]
    messages.success(request, _("The right has been revoked."))
    return redirect("accounts:user_detail", pk=pk)
