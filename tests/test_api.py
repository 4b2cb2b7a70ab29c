"""REST API v1 (B1): same services as the portal, one error shape, tokens with MFA."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from hersteld.accounts.models import ApiToken
from hersteld.core.models import AccessEvent, AuditEvent
from hersteld.people.models import Employment
from tests.support.auth import totp_now, wrong_code
from tests.support.world import PASSWORD

# Log-in tests type user names: the world's users are named after their role here.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("named_world")]


def new_employment(department_id: int, **overrides):
    body = {
        "department_id": department_id,
        "personnel_number": "API-1",
        "start_date": "2024-02-01",
        "hours_per_week": "24",
        "annual_salary": "30000",
        "contract_type": "fixed_term",
        "employee": {
            "initials": "A.P.",
            "surname": "Interface",
            "birth_date": "1985-03-04",
            "gender": "O",
            "marital_status": "married",
            "postcode": "3511AB",
            "street": "Stationsplein",
            "house_number": 5,
            "city": "Utrecht",
            "country": "NL",
            "phone": "030 1234567",
            "email": "a.interface@example.org",
        },
    }
    body.update(overrides)
    return body


def test_token_for_an_employer_user_with_password_only(client: Client) -> None:
    response = client.post(
        "/api/v1/auth/token",
        {"username": "hr", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["token"].startswith("hst_")
    assert dt.datetime.fromisoformat(body["expires_at"]) > timezone.now()
    stored = ApiToken.objects.get(user__username="hr")
    assert body["token"] not in (stored.key_hash, stored.prefix)
    me = Client(HTTP_AUTHORIZATION=f"Bearer {body['token']}").get("/api/v1/employers")
    assert me.status_code == 200


def test_token_for_a_medic_needs_the_totp_code(client: Client) -> None:
    url = "/api/v1/auth/token"
    without = client.post(
        url,
        {"username": "medic", "password": PASSWORD},
        content_type="application/json",
    )
    assert without.status_code == 422
    assert without.json()["errors"][0]["field"] == "otp"
    wrong = client.post(
        url,
        {"username": "medic", "password": PASSWORD, "otp": wrong_code()},
        content_type="application/json",
    )
    assert wrong.status_code == 422
    TOTPDevice.objects.filter(user__username="medic").update(throttling_failure_count=0)
    right = client.post(
        url,
        {"username": "medic", "password": PASSWORD, "otp": totp_now()},
        content_type="application/json",
    )
    assert right.status_code == 201


def test_a_wrong_password_gives_401_and_five_lock_the_account(client: Client) -> None:
    url = "/api/v1/auth/token"
    for _ in range(5):
        response = client.post(
            url, {"username": "other_hr", "password": "fout"}, content_type="application/json"
        )
        assert response.status_code in (401, 429)
    locked = client.post(
        url, {"username": "other_hr", "password": PASSWORD}, content_type="application/json"
    )
    assert locked.status_code == 429


def test_tokens_are_listed_and_revoked_by_their_owner_only(world, api_as) -> None:
    owner = api_as(world.hr)
    tokens = owner.get("/api/v1/auth/tokens").json()
    assert len(tokens) == 1
    token_id = tokens[0]["id"]
    assert api_as(world.other_hr).delete(f"/api/v1/auth/tokens/{token_id}").status_code == 404
    assert owner.delete(f"/api/v1/auth/tokens/{token_id}").status_code == 204
    assert owner.get("/api/v1/auth/tokens").status_code == 401


def test_expired_tokens_are_refused(world, api_as) -> None:
    client = api_as(world.hr)
    ApiToken.objects.filter(user=client.user).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert client.get("/api/v1/employers").status_code == 401


def test_create_update_end_an_employment_through_the_api(world, api_as) -> None:
    client = api_as(world.hr)
    bakkerij = world.department
    created = client.post("/api/v1/employments", new_employment(bakkerij.pk))
    assert created.status_code == 201, created.json()
    employment_id = created.json()["id"]
    patched = client.patch(
        f"/api/v1/employments/{employment_id}", {"hours_per_week": "32", "valid_from": "2025-01-01"}
    )
    assert patched.status_code == 200
    assert patched.json()["hours_per_week"] == "32.00"
    terms = client.get(f"/api/v1/employments/{employment_id}/terms", on="2024-06-01").json()
    assert terms[0]["hours_per_week"] == "24.00"
    ended = client.post(f"/api/v1/employments/{employment_id}/end", {"end_date": "2025-12-31"})
    assert ended.json()["end_date"] == "2025-12-31"
    actions = list(
        AuditEvent.objects.filter(object_type="people.employment", object_id=str(employment_id))
        .order_by("id")
        .values_list("action", "channel")
    )
    assert actions == [("create", "api"), ("update", "api"), ("end", "api")]


def test_bad_input_gives_422_with_field_errors_and_writes_nothing(world, api_as) -> None:
    client = api_as(world.hr)
    bakkerij = world.department
    count = Employment.objects.count()
    body = new_employment(bakkerij.pk, personnel_number=world.own_employment.personnel_number)
    body["employee"]["postcode"] = "99999"
    response = client.post("/api/v1/employments", body)
    assert response.status_code == 422
    errors = {(e["field"], e["code"]) for e in response.json()["errors"]}
    assert errors == {
        ("postcode", "postcode_format"),
        ("personnel_number", "personnel_number_taken"),
    }
    assert response.json()["errors"], "nothing to check"
    assert all(e["message"] for e in response.json()["errors"])
    assert Employment.objects.count() == count


@pytest.mark.parametrize(
    "body",
    [
        {"start_date": "not-a-date"},
        {"start_date": "2024-01-01", "hours_per_week": "veel"},
        {"start_date": "2024-01-01", "employee": "geen object"},
        {},
    ],
)
def test_malformed_bodies_give_422_not_500(world, api_as, body) -> None:
    response = api_as(world.hr).post("/api/v1/employments", body)
    assert response.status_code == 422
    assert response.json()["errors"]


def test_invalid_json_gives_a_4xx(world, api_as) -> None:
    response = api_as(world.hr).client.post(
        "/api/v1/employments", "{niet json", content_type="application/json"
    )
    assert 400 <= response.status_code < 500


def test_a_department_of_another_employer_is_an_error_not_a_leak(world, api_as) -> None:
    zuid = world.foreign_department
    response = api_as(world.hr).post("/api/v1/employments", new_employment(zuid.pk))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "department_id"


def test_changed_after_returns_only_newer_rows(world, api_as) -> None:
    client = api_as(world.hr)
    mark = timezone.now()
    assert client.get("/api/v1/employments", changed_after=mark.isoformat()).json()["count"] == 0
    employment = world.own_employment
    client.patch(f"/api/v1/employees/{employment.employee_id}", {"city": "Deventer"})
    body = client.get("/api/v1/employments", changed_after=mark.isoformat()).json()
    assert [item["id"] for item in body["items"]] == [employment.pk]


def test_reading_a_person_through_the_api_is_logged(world, api_as) -> None:
    client = api_as(world.casemanager)
    employment = world.hire(world.other_department)
    client.get(f"/api/v1/employees/{employment.employee_id}")
    event = AccessEvent.objects.latest("id")
    assert (event.actor_name, event.object_type, event.channel) == (
        "casemanager",
        "people.employee",
        "api",
    )


def test_employers_and_departments_through_the_api(world, api_as) -> None:
    admin = api_as(world.admin)
    created = admin.post("/api/v1/employers", {"name": "Schilders Bos", "kvk_number": "87654321"})
    assert created.status_code == 201
    employer_id = created.json()["id"]
    dup = admin.post("/api/v1/employers", {"name": "Nog een", "kvk_number": "87654321"})
    assert dup.status_code == 422 and dup.json()["errors"][0]["code"] == "kvk_taken"
    top = admin.post(
        "/api/v1/departments", {"employer_id": employer_id, "code": "A", "name": "Atelier"}
    ).json()
    sub = admin.post(
        "/api/v1/departments",
        {"employer_id": employer_id, "code": "A1", "name": "Spuiterij", "parent_id": top["id"]},
    )
    assert sub.json()["depth"] == 1
    cycle = admin.patch(f"/api/v1/departments/{top['id']}", {"parent_id": sub.json()["id"]})
    assert cycle.status_code == 422 and cycle.json()["errors"][0]["code"] == "department_cycle"
    # An employer user holds no organisations.change anywhere: the route refuses (403).
    assert (
        api_as(world.hr)
        .post("/api/v1/employers", {"name": "X", "kvk_number": "11111111"})
        .status_code
        == 403
    )
    ended = admin.post(f"/api/v1/employers/{employer_id}/end", {"end_date": "2026-12-31"})
    assert ended.json()["end_date"] == "2026-12-31"


def test_openapi_and_docs_are_served_to_signed_in_users(world, sign_in) -> None:
    """Issue 11 S4: not public; a portal user past the second factor reads them."""
    client = sign_in(world.casemanager)
    schema = client.get("/api/openapi.json").json()
    assert "/api/v1/employments" in schema["paths"]
    assert "/api/v1/auth/token" in schema["paths"]
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    # The page loads its scripts from this installation, never from a CDN.
    sources = re.findall(rb'(?:src|href)="([^"]+)"', docs.content)
    assert sources and all(not s.startswith((b"http:", b"https:", b"//")) for s in sources)
