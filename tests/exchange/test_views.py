"""Portal pages of the exchange, per role: couplings, the error log (X6), proposals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from hersteld.accounts.models import User
from hersteld.exchange import services
from hersteld.exchange.models import (
    Coupling,
    CouplingStatus,
    InboxMessage,
    InboxStatus,
    ReviewKind,
    ReviewStatus,
    ReviewTask,
)
from tests.support.exchange import (
    EXAMPLE_SOURCE,
    Coupled,
    absence,
    example,
    example_departments,
    job,
    message,
    person,
)

SignIn = Callable[[User], Client]


@pytest.fixture
def failed(coupled: Coupled, django_capture_on_commit_callbacks: Any) -> InboxMessage:
    body = message("V-1", [{"employee": person(), "employment": job(department_code="XYZ")}])
    with django_capture_on_commit_callbacks(execute=True):
        response = coupled.send(body, "application/json")
    stored = InboxMessage.objects.get(pk=response.json()["id"])
    assert stored.status == InboxStatus.FAILED
    return stored


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("operator", 200),
        ("casemanager", 403),
        ("hr", 403),
        ("employee", 403),
    ],
)
def test_the_coupling_list_is_for_arbodienst_admins_and_the_operator(
    world: Any, coupled: Coupled, sign_in: SignIn, who: str, status: int
) -> None:
    response = sign_in(getattr(world, who)).get("/couplings/")
    assert response.status_code == status
    if status == 200:
        assert world.employer.name in response.content.decode()


@pytest.mark.django_db
def test_another_arbodienst_does_not_find_the_coupling(
    world: Any, coupled: Coupled, sign_in: SignIn
) -> None:
    coupling = coupled.coupling
    client = sign_in(world.other_admin)
    assert client.get(f"/couplings/{coupling.pk}/").status_code == 404
    assert client.get(f"/couplings/{coupling.pk}/errors/").status_code == 404
    listing = client.get("/couplings/")
    assert listing.status_code == 200
    assert world.employer.name not in listing.content.decode()


@pytest.mark.django_db
def test_the_error_log_needs_its_own_permission(
    world: Any, coupled: Coupled, sign_in: SignIn, failed: InboxMessage
) -> None:
    coupling = coupled.coupling
    page = sign_in(world.admin).get(f"/couplings/{coupling.pk}/errors/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "unknown_department" in text and "/items/0/employment/department_code" in text
    assert sign_in(world.casemanager).get(f"/couplings/{coupling.pk}/errors/").status_code == 404
    assert sign_in(world.hr).get(f"/couplings/{coupling.pk}/errors/").status_code == 404


@pytest.mark.django_db
def test_a_granted_casemanager_sees_the_error_log(
    world: Any, coupled: Coupled, sign_in: SignIn, failed: InboxMessage
) -> None:
    from hersteld.accounts.services import add_grant

    coupling = coupled.coupling
    add_grant(actor=world.admin, user_id=world.casemanager.pk, permission="exchange.view_error_log")
    client = sign_in(world.casemanager)
    assert client.get(f"/couplings/{coupling.pk}/errors/").status_code == 200
    assert client.get("/couplings/").status_code == 200


@pytest.mark.django_db
def test_retry_from_the_error_log_applies_the_fixed_message(
    world: Any,
    coupled: Coupled,
    sign_in: SignIn,
    failed: InboxMessage,
    django_capture_on_commit_callbacks: Any,
) -> None:
    coupling = coupled.coupling
    example_departments(world, "XYZ")
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_in(world.admin).post(f"/couplings/{coupling.pk}/errors/{failed.pk}/retry/")
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == InboxStatus.PROCESSED


@pytest.mark.django_db
def test_the_operator_issues_a_key_that_is_shown_once(
    world: Any, coupled: Coupled, sign_in: SignIn
) -> None:
    coupling = coupled.coupling
    client = sign_in(world.operator)
    response = client.post(f"/couplings/{coupling.pk}/key/")
    assert response.status_code == 200
    key = response.context["new_key"]
    assert key and key in response.content.decode()
    assert key != coupled.key  # a new key replaces the old one
    assert services.coupling_for_key(key) == coupling
    assert services.coupling_for_key(coupled.key) is None
    assert key not in client.get(f"/couplings/{coupling.pk}/").content.decode()


@pytest.mark.django_db
def test_an_arbodienst_admin_cannot_activate_or_issue_keys(
    world: Any, coupled: Coupled, sign_in: SignIn
) -> None:
    coupling = coupled.coupling
    client = sign_in(world.admin)
    assert client.post(f"/couplings/{coupling.pk}/suspend/").status_code == 403
    assert client.post(f"/couplings/{coupling.pk}/key/").status_code == 403
    coupling.refresh_from_db()
    assert coupling.status == CouplingStatus.ACTIVE


@pytest.mark.django_db
def test_request_configure_and_activate_through_the_portal(world: Any, sign_in: SignIn) -> None:
    admin = sign_in(world.admin)
    form = {
        "employer": world.employer.pk,
        "source_system": "Salarissysteem",
        "employer_key": "DV-SAL",
        "all_employments": "False",
        "absence_reports": "False",
        "salary": "True",
        "bsn": "False",
        "correction_policy": "manual",
        "error_email": "fouten@example.org",
    }
    response = admin.post("/couplings/add/", form)
    assert response.status_code == 302
    coupling = Coupling.objects.get(source_system="Salarissysteem")
    assert coupling.employer_id == world.employer.pk
    assert coupling.status == CouplingStatus.REQUESTED
    assert (coupling.all_employments, coupling.absence_reports, coupling.salary) == (
        False,
        False,
        True,
    )
    del form["employer"]
    assert admin.post(f"/couplings/{coupling.pk}/edit/", form).status_code == 302
    coupling.refresh_from_db()
    assert coupling.status == CouplingStatus.CONFIGURED
    operator = sign_in(world.operator)
    operator.post(f"/couplings/{coupling.pk}/key/")
    operator.post(f"/couplings/{coupling.pk}/activate/")
    coupling.refresh_from_db()
    assert coupling.status == CouplingStatus.ACTIVE


@pytest.mark.django_db
def test_a_bad_coupling_form_says_which_field_and_saves_nothing(
    world: Any, coupled: Coupled, sign_in: SignIn
) -> None:
    response = sign_in(world.admin).post(
        "/couplings/add/",
        {
            "employer": world.employer.pk,
            "source_system": EXAMPLE_SOURCE,  # exists already
            "employer_key": "X",
            "all_employments": "True",
            "absence_reports": "True",
            "salary": "False",
            "bsn": "False",
            "correction_policy": "manual",
            "outbound_url": "ftp://example.org",
        },
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "source_system" in errors and "outbound_url" in errors
    assert Coupling.objects.filter(employer=world.employer).count() == 1


@pytest.mark.django_db
def test_the_coupling_page_shows_messages_and_billing(
    world: Any,
    coupled: Coupled,
    sign_in: SignIn,
    django_capture_on_commit_callbacks: Any,
) -> None:
    coupling = coupled.coupling
    with django_capture_on_commit_callbacks(execute=True):
        response = coupled.send(example("sick-report.xml"))
    assert InboxMessage.objects.get(pk=response.json()["id"]).status == InboxStatus.PROCESSED
    page = sign_in(world.admin).get(f"/couplings/{coupling.pk}/")
    text = page.content.decode()
    assert "DEVRIES-2025-000101" in text
    # Billed: the set-up (at activation) and the one processed message, both this month.
    assert [(row["kind"], row["count"]) for row in page.context["billing"]] == [
        ("message", 1),
        ("setup", 1),
    ]


@pytest.mark.django_db
def test_a_casemanager_decides_a_correction_side_by_side(
    world: Any,
    coupled: Coupled,
    sign_in: SignIn,
    django_capture_on_commit_callbacks: Any,
) -> None:
    for ref, mutation in (
        ("C-1", absence("sick_report", 1)),
        ("C-2", absence("correction", 2, first_day="2025-02-27")),
    ):
        body = message(ref, [{"employee": person(), "employment": job(), "absence": mutation}])
        with django_capture_on_commit_callbacks(execute=True):
            coupled.send(body, "application/json")
    review = ReviewTask.objects.get(kind=ReviewKind.CORRECTION)
    client = sign_in(world.casemanager)
    listing = client.get("/proposals/")
    assert listing.status_code == 200 and f"/proposals/{review.pk}/" in listing.content.decode()
    detail = client.get(f"/proposals/{review.pk}/")
    rows = {row["label"]: row for row in detail.context["rows"]}
    first_day = next(row for row in rows.values() if row["current"] == "03-03-2025")
    assert first_day["proposed"] == "27-02-2025" and first_day["changed"]
    assert client.post(f"/proposals/{review.pk}/", {"decision": "accept"}).status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.APPLIED
    assert sign_in(world.hr).get(f"/proposals/{review.pk}/").status_code == 404
    assert sign_in(world.other_casemanager).get(f"/proposals/{review.pk}/").status_code == 404


@pytest.mark.django_db
def test_a_failed_outbound_message_is_listed_and_sent_again_from_the_error_log(
    world: Any, coupled: Coupled, sign_in: SignIn
) -> None:
    from django.utils import timezone

    from hersteld.exchange.models import OutboxMessage, OutboxStatus

    coupling = coupled.coupling
    failed_out = OutboxMessage.objects.create(
        coupling=coupling,
        stream=2,
        message_ref="OUT-1",
        body=b"<WerknemerGegevens/>",
        status=OutboxStatus.FAILED,
        attempts=10,
        next_attempt_at=timezone.now(),
        last_error="HTTP 503: Service Unavailable",
    )
    admin = sign_in(world.admin)
    page = admin.get(f"/couplings/{coupling.pk}/errors/")
    assert "HTTP 503" in page.content.decode()
    outsider = sign_in(world.other_admin)
    retry = f"/couplings/{coupling.pk}/outbox/{failed_out.pk}/retry/"
    assert outsider.post(retry).status_code == 404
    failed_out.refresh_from_db()
    assert failed_out.status == OutboxStatus.FAILED and failed_out.attempts == 10
    admin.post(retry)
    failed_out.refresh_from_db()
    assert failed_out.status == OutboxStatus.PENDING and failed_out.attempts == 0


@pytest.mark.django_db
def test_a_message_set_aside_leaves_the_error_log_and_cannot_be_retried(
    world: Any, coupled: Coupled, sign_in: SignIn, failed: InboxMessage
) -> None:
    coupling = coupled.coupling
    dismiss = f"/couplings/{coupling.pk}/errors/{failed.pk}/dismiss/"
    assert sign_in(world.hr).post(dismiss).status_code == 404
    client = sign_in(world.admin)
    errors = f"/couplings/{coupling.pk}/errors/"
    assert "V-1" in client.get(errors).content.decode()
    assert client.post(dismiss).status_code == 302
    failed.refresh_from_db()
    assert failed.status == InboxStatus.DISMISSED
    assert "V-1" not in client.get(errors).content.decode()
    client.post(f"/couplings/{coupling.pk}/errors/{failed.pk}/retry/")
    failed.refresh_from_db()
    assert failed.status == InboxStatus.DISMISSED


@pytest.mark.django_db
def test_a_post_without_a_decision_changes_nothing(
    world: Any,
    coupled: Coupled,
    sign_in: SignIn,
    django_capture_on_commit_callbacks: Any,
) -> None:
    for ref, mutation in (
        ("D-1", absence("sick_report", 1)),
        ("D-2", absence("correction", 2, first_day="2025-02-27")),
    ):
        body = message(ref, [{"employee": person(), "employment": job(), "absence": mutation}])
        with django_capture_on_commit_callbacks(execute=True):
            coupled.send(body, "application/json")
    review = ReviewTask.objects.get(kind=ReviewKind.CORRECTION)
    response = sign_in(world.casemanager).post(f"/proposals/{review.pk}/", {"decision": "maybe"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.OPEN


@pytest.mark.django_db
def test_a_requested_coupling_with_a_key_is_activated_without_saving_configure_again(
    world: Any, sign_in: SignIn
) -> None:
    """The guide says "Kies Activeren": offered when complete; what is missing is listed."""
    admin = sign_in(world.admin)
    admin.post(
        "/couplings/add/",
        {
            "employer": world.employer.pk,
            "source_system": "Salarissysteem",
            "employer_key": "DV-SAL",
            "all_employments": "True",
            "absence_reports": "True",
            "salary": "False",
            "bsn": "False",
            "correction_policy": "manual",
        },
    )
    coupling = Coupling.objects.get(source_system="Salarissysteem")
    assert coupling.status == CouplingStatus.REQUESTED
    operator = sign_in(world.operator)
    page = operator.get(f"/couplings/{coupling.pk}/").content.decode()
    assert "Voordat deze koppeling kan worden geactiveerd, ontbreekt nog:" in page
    assert "een API-sleutel (API-sleutel uitgeven" in page
    assert f"/couplings/{coupling.pk}/activate/" not in page

    refused = operator.post(f"/couplings/{coupling.pk}/activate/", follow=True)
    assert "Deze koppeling kan nog niet worden geactiveerd. Nog nodig: een API-sleutel" in (
        refused.content.decode()
    )
    coupling.refresh_from_db()
    assert coupling.status == CouplingStatus.REQUESTED

    operator.post(f"/couplings/{coupling.pk}/key/")
    page = operator.get(f"/couplings/{coupling.pk}/").content.decode()
    assert 'id="coupling-missing"' not in page
    assert f"/couplings/{coupling.pk}/activate/" in page
    assert "deze koppeling is compleet" in (
        admin.get(f"/couplings/{coupling.pk}/").content.decode().lower()
    )
    operator.post(f"/couplings/{coupling.pk}/activate/")
    coupling.refresh_from_db()
    assert coupling.status == CouplingStatus.ACTIVE and coupling.activated_at is not None


@pytest.mark.django_db
def test_an_incomplete_coupling_lists_each_missing_item(coupled: Coupled) -> None:
    coupling = coupled.coupling
    Coupling.objects.filter(pk=coupling.pk).update(
        status=CouplingStatus.CONFIGURED, employer_key="", key_hash=""
    )
    coupling.refresh_from_db()
    from django.utils import translation

    with translation.override("nl"):
        assert services.missing_for_activation(coupling) == [
            "de werkgeverssleutel in berichten, IdWrkgvrArbdnst (Instellen)",
            "een API-sleutel (API-sleutel uitgeven, door de beheerder van de installatie)",
        ]


@pytest.mark.django_db
def test_the_coupling_list_is_ordered_and_paginates_without_a_warning(
    world: Any, coupled: Coupled, sign_in: SignIn, settings: Any
) -> None:
    """Meta.ordering is dropped by the list's aggregates: the order is explicit."""
    import warnings

    from django.core.paginator import UnorderedObjectListWarning

    for name in ("Zeta-systeem", "Alfa-systeem"):
        services.request_coupling(
            actor=world.admin,
            employer_id=world.employer.pk,
            data={"source_system": name, "employer_key": "DV-X"},
        )
    settings.PAGE_SIZE = 2
    client = sign_in(world.operator)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnorderedObjectListWarning)
        first = client.get("/couplings/")
        second = client.get("/couplings/?page=2")
    pages = [
        [c.source_system for c in first.context["page"]],
        [c.source_system for c in second.context["page"]],
    ]
    # The world's only couplings, all of one employer: by source system, two per page.
    assert pages == [["Alfa-systeem", EXAMPLE_SOURCE], ["Zeta-systeem"]]
