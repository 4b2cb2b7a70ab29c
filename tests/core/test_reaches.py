"""`reaches` decides in Python what `restrict` decides in SQL, for one object at a known place.

Messaging asks it of every party of a dossier at once; it must never admit a user whom
`restrict` would refuse, nor the other way round. Every world user (home scopes of each
role, and grants of an employer, a department subtree and the whole tenant) against cases
at each place of the world.
"""

from __future__ import annotations

import pytest

from hersteld.absence.models import CASE_SCOPE, AbsenceCase
from hersteld.accounts.models import User
from hersteld.accounts.selectors import with_scopes
from hersteld.accounts.services import add_grant
from hersteld.core.restrict import Place, ScopePaths, reaches
from hersteld.messaging.selectors import case_place
from tests.support.world import USERS

pytestmark = pytest.mark.django_db

ACTIONS = ("absence.view", "absence.change", "medical.view", "people.view")


def test_reaches_agrees_with_restrict_for_every_user_case_and_action(world) -> None:
    add_grant(
        actor=world.admin,
        user_id=world.other_hr.pk,
        permission="absence.view",
        department=world.sibling_department,
    )
    add_grant(
        actor=world.admin, user_id=world.casemanager.pk, permission="medical.view"
    )  # the whole tenant
    add_grant(
        actor=world.admin,
        user_id=world.manager.pk,
        permission="absence.change",
        employer=world.other_employer,
    )
    cases = [
        world.report_sick(),  # the employee's, in the sub-department
        world.report_sick(world.colleague_employment),  # the sibling department
        world.report_sick(world.hire(world.other_department, surname="Elders")),
        world.report_sick(world.hire(world.foreign_department, surname="Ver")),
    ]
    users = [getattr(world, name) for name in USERS]
    checked = 0
    for user in users:
        for action in ACTIONS:
            in_sql = set(
                AbsenceCase.objects.restrict(user, action)
                .filter(pk__in=[c.pk for c in cases])
                .values_list("pk", flat=True)
            )
            for case in cases:
                assert reaches(user, action, CASE_SCOPE, case_place(case)) == (case.pk in in_sql), (
                    user.username,
                    action,
                    case.pk,
                )
                checked += 1
    assert checked == len(users) * len(ACTIONS) * len(cases)
    # The grants above are in force: the other employer's HR reaches the sibling department.
    assert reaches(world.other_hr, "absence.view", CASE_SCOPE, case_place(cases[1]))
    assert not reaches(world.other_hr, "absence.view", CASE_SCOPE, case_place(cases[0]))


def test_users_read_with_their_scopes_decide_without_a_query(
    world, django_assert_num_queries
) -> None:
    place = case_place(world.report_sick())
    with django_assert_num_queries(2):  # the users with their department; their grants
        users = list(with_scopes(User.objects.filter(arbodienst=world.tenant)))
    with django_assert_num_queries(0):
        seen = [reaches(user, "absence.view", CASE_SCOPE, place) for user in users]
    assert any(seen)
    assert not all(seen)


def test_an_inactive_or_anonymous_user_reaches_nothing(world) -> None:
    place = case_place(world.report_sick())
    hr = world.hr
    hr.is_active = False
    assert not reaches(hr, "absence.view", CASE_SCOPE, place)
    assert not reaches(None, "absence.view", CASE_SCOPE, place)


def test_a_to_many_department_path_is_refused() -> None:
    paths = ScopePaths(arbodienst="a", department="d", department_many=True)
    with pytest.raises(ValueError):
        reaches(None, "absence.view", paths, Place(arbodienst_id=1))
