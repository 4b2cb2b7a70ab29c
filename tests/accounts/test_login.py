"""Log-in (issue 3, section 4): password, second factor, lock-out, idle time-out, tokens page."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.support.auth import totp_now, wrong_code
from tests.support.world import PASSWORD

# Log-in tests type user names: the world's users are named after their role here.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("named_world")]


def log_in(client: Client, username: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_page_is_dutch_by_default(client: Client) -> None:
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US")
    assert response.status_code == 200
    assert response["Content-Language"] == "nl"


def test_employer_user_logs_in_with_a_password(client: Client) -> None:
    response = log_in(client, "hr")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_wrong_password_shows_a_message_and_no_session(client: Client) -> None:
    response = log_in(client, "hr", "fout-wachtwoord")
    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_medic_must_pass_the_second_factor(client: Client) -> None:
    response = log_in(client, "medic")
    assert response["Location"].startswith("/accounts/otp/")
    assert client.get("/employments/")["Location"] == "/accounts/otp/"
    wrong = client.post("/accounts/otp/", {"otp": wrong_code()})
    assert wrong.status_code == 200
    TOTPDevice.objects.filter(user__username="medic").update(throttling_failure_count=0)
    right = client.post("/accounts/otp/", {"otp": totp_now()})
    assert right.status_code == 302
    assert client.get("/employments/").status_code == 200


def test_employer_users_need_mfa_when_the_setting_says_so(client: Client, settings) -> None:
    settings.MFA_EMPLOYER_USERS = True
    log_in(client, "other_hr")
    response = client.get("/")
    assert response["Location"] == "/accounts/otp/"
    setup = client.get("/accounts/otp/", follow=True)
    assert setup.redirect_chain[-1][0] == "/accounts/otp/setup/"
    assert b"<svg" in setup.content
    device = TOTPDevice.objects.get(user__username="other_hr", confirmed=False)
    import base64

    code = totp_now(base64.b32encode(device.bin_key).decode())
    assert client.post("/accounts/otp/setup/", {"otp": code}).status_code == 302
    assert TOTPDevice.objects.get(user__username="other_hr").confirmed
    assert client.get("/").status_code == 200


def test_five_failures_lock_the_account(client: Client) -> None:
    for _ in range(5):
        log_in(client, "other_hr", "fout")
    response = log_in(client, "other_hr")
    assert response.status_code == 429
    assert client.get("/").status_code == 302


def test_an_idle_session_ends(client: Client, settings) -> None:
    log_in(client, "hr")
    assert client.get("/").status_code == 200
    session = client.session
    session["last_seen"] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 1
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and "timeout=1" in response["Location"]


def test_tokens_page_shows_a_new_token_once_and_revokes(client: Client) -> None:
    log_in(client, "hr")
    response = client.post("/profile/tokens/", {"name": "Salarissysteem"})
    token = response.context["new_token"]
    assert token.startswith("hst_")
    assert token not in client.get("/profile/tokens/").content.decode()
    token_id = response.context["tokens"][0].pk
    client.post(f"/profile/tokens/{token_id}/revoke/")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/employers").status_code == 401
