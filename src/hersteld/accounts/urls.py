from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from hersteld.accounts import security_views, views
from hersteld.accounts.mail import QueuedPasswordResetForm
from hersteld.web.access import public

app_name = "accounts"
urlpatterns = [
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/otp/", views.otp_view, name="otp"),
    path("accounts/otp/setup/", views.otp_setup_view, name="otp_setup"),
    path(
        "accounts/password-reset/",
        public(
            auth_views.PasswordResetView.as_view(
                template_name="accounts/password_reset.html",
                email_template_name="accounts/password_reset_email.txt",
                subject_template_name="accounts/password_reset_subject.txt",
                form_class=QueuedPasswordResetForm,
                success_url=reverse_lazy("accounts:password_reset_done"),
            )
        ),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        public(
            auth_views.PasswordResetDoneView.as_view(
                template_name="accounts/password_reset_done.html"
            )
        ),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        public(
            security_views.PasswordResetConfirmView.as_view(
                template_name="accounts/password_reset_confirm.html",
                success_url=reverse_lazy("accounts:password_reset_complete"),
            )
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        public(
            auth_views.PasswordResetCompleteView.as_view(
                template_name="accounts/password_reset_complete.html"
            )
        ),
        name="password_reset_complete",
    ),
    path("profile/tokens/", views.tokens_view, name="tokens"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("users/", views.user_list_view, name="user_list"),
    path("users/add/", views.user_create_view, name="user_create"),
    path("users/<int:pk>/", views.user_detail_view, name="user_detail"),
    path("users/<int:pk>/scope/", views.user_scope_view, name="user_scope"),
    path("users/<int:pk>/active/", views.user_active_view, name="user_active"),
    path("users/<int:pk>/grants/add/", views.grant_add_view, name="grant_add"),
    path("users/<int:pk>/password/", views.password_set_view, name="password_set"),
    path("users/<int:pk>/mfa-reset/", views.mfa_reset_view, name="mfa_reset"),
    path(
        "users/<int:pk>/grants/<int:grant_pk>/revoke/", views.grant_revoke_view, name="grant_revoke"
    ),
    # Sessions, tokens of others and lock-outs (issue 11 S3, S5).
    path("profile/sessions/", security_views.sessions_view, name="sessions"),
    path("profile/sessions/<int:pk>/end/", security_views.session_end_view, name="session_end"),
    path(
        "profile/sessions/end-others/",
        security_views.sessions_end_others_view,
        name="sessions_end_others",
    ),
    path(
        "users/<int:pk>/tokens/<int:token_pk>/revoke/",
        security_views.user_token_revoke_view,
        name="user_token_revoke",
    ),
    path(
        "users/<int:pk>/tokens/revoke-all/",
        security_views.user_tokens_revoke_all_view,
        name="user_tokens_revoke_all",
    ),
    path(
        "users/<int:pk>/sessions/<int:session_pk>/end/",
        security_views.user_session_end_view,
        name="user_session_end",
    ),
    path(
        "users/<int:pk>/sessions/end-all/",
        security_views.user_sessions_end_all_view,
        name="user_sessions_end_all",
    ),
    path("users/<int:pk>/unlock/", security_views.user_unlock_view, name="user_unlock"),
]
