"""Higher apps add dossier tabs through `core.signals.dossier_tabs`, and fill them through
`dossier_tab` with a template of their own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from hersteld.absence.services import add_case
from hersteld.core import signals
from hersteld.core.signals import DossierTab

pytestmark = pytest.mark.django_db


def extra_tab(case: Any, user: Any, **_: Any) -> list[DossierTab]:
    return [DossierTab("letters", "Brieven")] if user.role == "casemanager" else []


def extra_content(case: Any, tab: str, user: Any, **_: Any) -> dict[str, Any] | None:
    if tab != "letters":
        return None
    return {"tab_template": "absence/_status.html", "status": "closed", "label": "Brievenmap"}


@pytest.fixture
def letters_tab() -> Iterator[None]:
    signals.dossier_tabs.connect(extra_tab, dispatch_uid="test.letters")
    signals.dossier_tab.connect(extra_content, dispatch_uid="test.letters")
    yield
    signals.dossier_tabs.disconnect(dispatch_uid="test.letters")
    signals.dossier_tab.disconnect(dispatch_uid="test.letters")


def test_a_tab_of_a_higher_app_is_shown_to_whom_it_answers(
    world: Any, sign_in: Any, letters_tab: None
) -> None:
    case = add_case(
        actor=world.casemanager,
        employment_id=world.own_employment.pk,
        kind="sickness",
        data={"first_day": timezone.localdate()},
    )
    url = f"/cases/{case.pk}/"

    casemanager_page = sign_in(world.casemanager).get(url).content.decode()
    hr_page = sign_in(world.hr).get(url).content.decode()

    assert 'href="?tab=letters"' in casemanager_page
    assert "Brieven" in casemanager_page
    assert 'href="?tab=letters"' not in hr_page


def test_the_chosen_tab_is_filled_by_its_app(world: Any, sign_in: Any, letters_tab: None) -> None:
    case = add_case(
        actor=world.casemanager,
        employment_id=world.own_employment.pk,
        kind="sickness",
        data={"first_day": timezone.localdate()},
    )

    response = sign_in(world.casemanager).get(f"/cases/{case.pk}/?tab=letters")

    assert response.status_code == 200
    assert '<span class="badge done">Brievenmap</span>' in response.content.decode()
    assert "absence/_overview.html" not in [t.name for t in response.templates]
