"""Sending a message costs the same number of queries however many parties receive it.

Each candidate party used to cost two scope queries and one for his e-mail wish. The
world's dossier first has its usual parties; then its employer gets more HR users (whole
employer, a department subtree, one outside it, one with a grant, some mailed at once)
and another casemanager: the count of queries stays, the count of receipts grows.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hersteld.absence.services import add_case
from hersteld.accounts.services import add_grant
from hersteld.messaging import services
from hersteld.messaging.models import Receipt
from tests.support.world import user

pytestmark = pytest.mark.django_db


def _send(world: Any, case: Any, thread: str = "case") -> tuple[int, set[int]]:
    author = world.medic if thread == "medical" else world.casemanager
    with CaptureQueriesContext(connection) as queries:
        message = services.send(actor=author, case_id=case.pk, text="Hoe gaat het?", thread=thread)
    received = set(Receipt.objects.filter(message=message).values_list("user_id", flat=True))
    return len(queries), received


def _more_parties(world: Any) -> dict[str, Any]:
    operator = world.operator
    added = {
        "hr_a": user(operator, "employer_user", employer=world.employer),
        "hr_b": user(operator, "employer_user", employer=world.employer),
        "manager_sub": user(
            operator, "employer_user", employer=world.employer, department=world.sub_department
        ),
        "manager_sibling": user(  # the employee's case lies outside his subtree
            operator, "employer_user", employer=world.employer, department=world.sibling_department
        ),
        "granted": user(operator, "employer_user", employer=world.other_employer),
        "casemanager": user(operator, "casemanager", arbodienst=world.tenant),
    }
    add_grant(
        actor=world.admin,
        user_id=added["granted"].pk,
        permission="absence.view",
        employer=world.employer,
    )
    for name in ("hr_a", "manager_sub"):
        services.set_frequency(actor=added[name], email="immediately")
    services.set_frequency(actor=added["hr_b"], email="off")
    return added


def test_sending_costs_the_same_queries_with_more_recipients(world: Any) -> None:
    case = add_case(
        actor=world.casemanager,
        employment_id=world.own_employment.pk,
        kind="sickness",
        data={"first_day": timezone.localdate()},
    )
    small, small_received = _send(world, case)
    added = _more_parties(world)
    big, big_received = _send(world, case)

    assert small_received == {world.employee.pk, world.medic.pk, world.hr.pk, world.manager.pk}
    # The new parties whose scope holds the case, and no one else.
    expected_new = {added[name].pk for name in ("hr_a", "hr_b", "manager_sub", "granted")}
    expected_new.add(added["casemanager"].pk)
    assert big_received == small_received | expected_new
    assert big == small


def test_the_medical_thread_costs_the_same_queries_with_more_staff(world: Any) -> None:
    case = add_case(
        actor=world.casemanager,
        employment_id=world.own_employment.pk,
        kind="sickness",
        data={"first_day": timezone.localdate()},
    )
    small, small_received = _send(world, case, "medical")
    for _ in range(3):
        user(world.operator, "medic", arbodienst=world.tenant)
    _more_parties(world)
    big, big_received = _send(world, case, "medical")
    assert small_received == {world.employee.pk}
    assert len(big_received) == len(small_received) + 3  # only the new medics
    assert big == small
