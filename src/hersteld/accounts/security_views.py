"""Sessions, lasting access and lock-outs (issue 11 S3, S5): the own sessions page and the
user page's token, session and lock sections. Thin: each write is one service call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hersteld.accounts import selectors, services
from hersteld.accounts.models import User
from hersteld.web.access import AuthedRequest, requires, signed_in


@signed_in
def sessions_view(request: AuthedRequest) -> HttpResponse:
    """The user's own signed-in sessions: where, with what, last seen; each can be ended."""
    user: User = request.user  # type: ignore[assignment]
    return render(
        request,
        "accounts/sessions.html",
        {
            "sessions": selectors.sessions_of(user),
            "current_key": request.session.session_key,
        },
    )


@signed_in
@require_POST
def session_end_view(request: AuthedRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    services.end_own_session(user=user, session_id=pk)
    messages.success(request, _("The session has been ended."))
    return redirect("accounts:sessions")


@signed_in
@require_POST
def sessions_end_others_view(request: AuthedRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    count = services.end_sessions(
        actor=user, user=user, except_key=request.session.session_key, reason="own request"
    )
    messages.success(request, _("Sessions ended: %(count)s.") % {"count": count})
    return redirect("accounts:sessions")


def _manage(request: AuthedRequest) -> User:
    actor: User = request.user  # type: ignore[assignment]
    services.require_manage(actor)
    return actor


@requires("accounts.manage")
@require_POST
def user_token_revoke_view(request: AuthedRequest, pk: int, token_pk: int) -> HttpResponse:
    services.revoke_token_of(actor=_manage(request), user_id=pk, token_id=token_pk)
    messages.success(request, _("The token has been revoked."))
    return redirect("accounts:user_detail", pk=pk)


@requires("accounts.manage")
@require_POST
def user_tokens_revoke_all_view(request: AuthedRequest, pk: int) -> HttpResponse:
    count = services.revoke_tokens_of(actor=_manage(request), user_id=pk)
    messages.success(request, _("Tokens revoked: %(count)s.") % {"count": count})
    return redirect("accounts:user_detail", pk=pk)


@requires("accounts.manage")
@require_POST
def user_session_end_view(request: AuthedRequest, pk: int, session_pk: int) -> HttpResponse:
    services.end_session_of(actor=_manage(request), user_id=pk, session_id=session_pk)
    messages.success(request, _("The session has been ended."))
    return redirect("accounts:user_detail", pk=pk)


@requires("accounts.manage")
@require_POST
def user_sessions_end_all_view(request: AuthedRequest, pk: int) -> HttpResponse:
    count = services.end_sessions_of(actor=_manage(request), user_id=pk)
    messages.success(request, _("Sessions ended: %(count)s.") % {"count": count})
    return redirect("accounts:user_detail", pk=pk)


@requires("accounts.manage")
@require_POST
def user_unlock_view(request: AuthedRequest, pk: int) -> HttpResponse:
    services.lift_lockout(actor=_manage(request), user_id=pk)
    messages.success(request, _("The lock has been lifted; the user can log in again."))
    return redirect("accounts:user_detail", pk=pk)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The e-mailed link: after the new password no old token or session lives on."""

    def form_valid(self, form: Form) -> HttpResponse:
        response = super().form_valid(form)
        services.password_was_reset(user=self.user)
        return response
