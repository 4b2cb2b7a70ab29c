"""Issue 11 S3: a new password, a reset second factor or a block ends every token and session;
admins list and revoke a user's tokens and sessions, a user sees and ends his own sessions."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from hersteld.accounts import services
from hersteld.accounts.models import ApiToken, PortalSession, User
from hersteld.core.models import AuditEvent
from tests.support.world import PASSWORD

# These tests type user names: the world's users are named after their role here.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("named_world")]

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
NEW_PASSWORD = "een-heel-nieuw-wachtwoord-2026"


def signed_in(username: str = "hr", agent: str = FIREFOX) -> Client:
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR="192.0.2.7")
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def bearer(user: User) -> Client:
    raw, _ = services.issue_token(user=user, name="salaris")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def still_in(client: Client) -> bool:
    return client.get("/").status_code == 200


def token_works(client: Client) -> bool:
    return client.get("/api/v1/employers").status_code == 200


@pytest.fixture
def hr(world) -> User:
    return world.hr


@pytest.fixture
def admin(world) -> User:
    return world.admin


def test_a_log_in_is_listed_with_browser_address_and_times(hr) -> None:
    client = signed_in()
    row = PortalSession.objects.get(user=hr)
    assert row.ip_address == "192.0.2.7"
    page = client.get("/profile/sessions/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Firefox · Windows" in text and "192.0.2.7" in text


@pytest.mark.parametrize("what", ["new password", "mfa reset", "block"])
def test_admin_actions_end_every_token_and_session(what, hr, admin) -> None:
    portal = signed_in()
    api = bearer(hr)
    assert still_in(portal) and token_works(api)
    if what == "new password":
        services.set_password(actor=admin, user_id=hr.pk, password=NEW_PASSWORD)
    elif what == "mfa reset":
        services.reset_mfa(actor=admin, user_id=hr.pk)
    else:
        services.update_user(actor=admin, user_id=hr.pk, data={"is_active": False})
    assert not still_in(portal)
    assert not token_works(api)
    assert not ApiToken.objects.filter(user=hr, revoked_at__isnull=True).exists()
    assert not PortalSession.objects.filter(user=hr).exists()
    audited = AuditEvent.objects.filter(object_type="accounts.user", object_id=hr.pk)
    assert audited.filter(action="token", changes__token__1="revoked").exists()
    assert audited.filter(changes__sessions__1="ended").exists()


def test_the_own_password_reset_link_ends_tokens_and_sessions(hr) -> None:
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    portal = signed_in()
    api = bearer(hr)
    hr.refresh_from_db()  # the log-in changed last_login, which the link depends on
    uid = urlsafe_base64_encode(force_bytes(hr.pk))
    token = default_token_generator.make_token(hr)
    anonymous = Client()
    form = anonymous.get(f"/accounts/reset/{uid}/{token}/", follow=True)
    done = anonymous.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert not token_works(api)
    assert not still_in(portal)


def test_a_user_ends_one_of_his_other_sessions(hr) -> None:
    laptop = signed_in()
    phone = signed_in(agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Safari/604.1")
    phone_row = PortalSession.objects.get(user=hr, user_agent__contains="iPhone")
    assert laptop.post(f"/profile/sessions/{phone_row.pk}/end/").status_code == 302
    assert not still_in(phone)
    assert still_in(laptop)
    assert not Session.objects.filter(session_key=phone_row.session_key).exists()


def test_a_user_cannot_end_someone_elses_session(world, hr) -> None:
    signed_in("other_hr")
    other = PortalSession.objects.get(user=world.other_hr)
    client = signed_in()
    assert client.post(f"/profile/sessions/{other.pk}/end/").status_code == 404
    assert PortalSession.objects.filter(pk=other.pk).exists()


def test_end_all_other_sessions_keeps_the_current_one(hr) -> None:
    first, second, current = signed_in(), signed_in(), signed_in()
    current.post("/profile/sessions/end-others/")
    assert still_in(current)
    assert not still_in(first) and not still_in(second)


def test_the_user_page_lists_tokens_and_sessions_and_revokes(world, sign_in, hr) -> None:
    signed_in()
    api = bearer(hr)
    token = ApiToken.objects.get(user=hr)
    admin_client = sign_in(world.admin)
    page = admin_client.get(f"/users/{hr.pk}/").content.decode()
    assert f"{token.prefix}…" in page and "192.0.2.7" in page
    admin_client.post(f"/users/{hr.pk}/tokens/{token.pk}/revoke/")
    assert not token_works(api)
    admin_client.post(f"/users/{hr.pk}/sessions/end-all/")
    assert not PortalSession.objects.filter(user=hr).exists()


def test_revoke_all_tokens_from_the_user_page(world, sign_in, hr) -> None:
    first, second = bearer(hr), bearer(hr)
    sign_in(world.admin).post(f"/users/{hr.pk}/tokens/revoke-all/")
    assert not token_works(first) and not token_works(second)


def test_another_tenants_admin_gets_404(world, sign_in, hr) -> None:
    bearer(hr)
    token = ApiToken.objects.get(user=hr)
    other = sign_in(world.other_admin)
    assert other.post(f"/users/{hr.pk}/tokens/{token.pk}/revoke/").status_code == 404
    assert other.post(f"/users/{hr.pk}/sessions/end-all/").status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_an_employer_user_cannot_revoke_others_tokens(world, sign_in) -> None:
    jansen = world.other_hr
    bearer(jansen)
    token = ApiToken.objects.get(user=jansen)
    response = sign_in(world.hr).post(f"/users/{jansen.pk}/tokens/{token.pk}/revoke/")
    # Without accounts.manage anywhere, a route about one user answers as if he did not exist.
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
