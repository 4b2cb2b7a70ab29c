"""Issue 11 S1: the second factor cannot be skipped by enrolling a new authenticator.

A user with a confirmed device who has given only the password reaches nothing but log-in,
log-out and the code check; enrolment is only for a user without a confirmed device.
"""

from __future__ import annotations

import base64

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import URLPattern, get_resolver
from django_otp.plugins.otp_totp.models import TOTPDevice

from hersteld.accounts import services
from hersteld.accounts.models import ApiToken, User
from tests.support.auth import DEMO_TOTP_SECRET, totp_now
from tests.support.world import PASSWORD

# Log-in tests type user names: the world's users are named after their role here.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("named_world")]

MEDIC = "medic"
OTP_PAGE = "/accounts/otp/"


def password_only(username: str = MEDIC) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith(OTP_PAGE)
    return client


def attacker_device(username: str = MEDIC) -> TOTPDevice:
    """An unconfirmed device as an earlier visit to the enrolment page would have left."""
    user = User.objects.get(username=username)
    return TOTPDevice.objects.create(user=user, name="Attacker", confirmed=False)


def code_of(device: TOTPDevice) -> str:
    return totp_now(base64.b32encode(device.bin_key).decode())


def test_setup_page_sends_a_user_with_a_device_to_the_code_check() -> None:
    client = password_only()
    response = client.get("/accounts/otp/setup/")
    assert response.status_code == 302
    assert response["Location"].startswith(OTP_PAGE)
    assert not TOTPDevice.objects.filter(user__username=MEDIC, confirmed=False).exists()


def test_a_direct_post_to_setup_neither_verifies_nor_deletes_the_device() -> None:
    client = password_only()
    device = attacker_device()
    response = client.post("/accounts/otp/setup/", {"otp": code_of(device)})
    assert response.status_code == 302 and response["Location"].startswith(OTP_PAGE)
    own = TOTPDevice.objects.get(user__username=MEDIC, confirmed=True)
    assert own.name != "Attacker"
    assert client.get("/employments/")["Location"] == OTP_PAGE


def _portal_account_paths() -> list[str]:
    """Every /accounts/ and /profile/ route, with 1 for each path parameter."""
    paths = []
    for pattern in get_resolver().url_patterns:
        for sub in getattr(pattern, "url_patterns", [pattern]):
            if not isinstance(sub, URLPattern):
                continue
            route = str(sub.pattern)
            if route.startswith(("accounts/", "profile/")):
                for part in ("<int:pk>", "<int:grant_pk>", "<uidb64>", "<token>"):
                    route = route.replace(part, "1")
                paths.append("/" + route)
    return paths


OPEN_BEFORE_SECOND_FACTOR = {"/accounts/login/", "/accounts/logout/", OTP_PAGE}


def test_every_accounts_and_profile_page_waits_for_the_second_factor() -> None:
    client = password_only()
    paths = [p for p in _portal_account_paths() if p not in OPEN_BEFORE_SECOND_FACTOR]
    assert "/profile/tokens/" in paths and "/accounts/password-reset/" in paths
    assert "/profile/sessions/" in paths
    for path in paths:
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code == 302, path
            assert response["Location"].startswith(OTP_PAGE), path


def test_no_token_from_the_portal_after_a_password_only_log_in() -> None:
    client = password_only()
    response = client.post("/profile/tokens/", {"name": "stolen"})
    assert response.status_code == 302 and response["Location"].startswith(OTP_PAGE)
    assert not ApiToken.objects.filter(user__username=MEDIC).exists()


def test_the_token_route_wants_the_code_of_the_confirmed_device(client: Client) -> None:
    device = attacker_device()
    body = {"username": MEDIC, "password": PASSWORD, "otp": code_of(device)}
    refused = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert refused.status_code == 422
    without = {"username": MEDIC, "password": PASSWORD}
    assert (
        client.post("/api/v1/auth/token", without, content_type="application/json").status_code
        == 422
    )
    assert not ApiToken.objects.filter(user__username=MEDIC).exists()


def test_token_page_after_the_code_check_works() -> None:
    client = password_only()
    assert client.post(OTP_PAGE, {"otp": totp_now(DEMO_TOTP_SECRET)}).status_code == 302
    response = client.post("/profile/tokens/", {"name": "Salaris"})
    assert response.status_code == 200
    assert ApiToken.objects.filter(user__username=MEDIC).count() == 1


def test_confirming_a_new_device_keeps_the_old_one_without_its_code() -> None:
    user = User.objects.get(username=MEDIC)
    device = services.start_totp_enrolment(user=user)
    with pytest.raises(ValidationError):
        services.confirm_totp(user=user, code=code_of(device))
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
    assert TOTPDevice.objects.get(user=user, confirmed=True).pk != device.pk


def test_with_the_old_code_a_new_device_replaces_the_old_one() -> None:
    user = User.objects.get(username=MEDIC)
    old = TOTPDevice.objects.get(user=user, confirmed=True)
    device = services.start_totp_enrolment(user=user)
    services.confirm_totp(user=user, code=code_of(device), current_code=totp_now(DEMO_TOTP_SECRET))
    assert list(TOTPDevice.objects.filter(user=user, confirmed=True)) == [device]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()


def test_after_an_admin_reset_the_user_enrols_again() -> None:
    admin = User.objects.get(username="admin")
    medic = User.objects.get(username=MEDIC)
    services.reset_mfa(actor=admin, user_id=medic.pk)
    client = password_only()
    page = client.get("/accounts/otp/setup/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=medic, confirmed=False)
    assert client.post("/accounts/otp/setup/", {"otp": code_of(device)}).status_code == 302
    assert client.get("/employments/").status_code == 200


def test_api_docs_and_schema_are_not_public(client: Client) -> None:
    assert client.get("/api/openapi.json").status_code == 401
    docs = client.get("/api/docs")
    assert docs.status_code == 302 and docs["Location"].startswith("/accounts/login/")


def test_api_docs_wait_for_the_second_factor() -> None:
    client = password_only()
    assert client.get("/api/docs")["Location"].startswith(OTP_PAGE)
    assert client.get("/api/openapi.json")["Location"].startswith(OTP_PAGE)
    client.post(OTP_PAGE, {"otp": totp_now(DEMO_TOTP_SECRET)})
    assert client.get("/api/docs").status_code == 200
    assert client.get("/api/openapi.json").status_code == 200


def test_schema_with_a_token(world, api_as) -> None:
    assert api_as(world.hr).get("/api/openapi.json").status_code == 200
    bad = Client(HTTP_AUTHORIZATION="Bearer hst_nothing")
    assert bad.get("/api/openapi.json").status_code == 401
