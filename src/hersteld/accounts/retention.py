"""The portal account of an anonymised employee: blocked and stripped of his name and
e-mail, so nothing that signs in still points at who he was (docs/rules/privacy.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from hersteld.accounts.models import User
from hersteld.core.retention import Category, Item


def _items(users: QuerySet[User]) -> list[Item]:
    return [
        Item(pk, tenant, employer)
        for pk, tenant, employer in users.values_list("pk", "arbodienst_id", "employer_id")
    ]


def _due(today: dt.date, arbodienst_id: int | None) -> Iterable[Item]:
    """Accounts of anonymised people that still carry a name or can sign in."""
    users = User.objects.filter(employee__anonymised_on__isnull=False).exclude(
        is_active=False, email="", first_name="", last_name=""
    )
    if arbodienst_id is not None:
        users = users.filter(arbodienst_id=arbodienst_id)
    return _items(users)


def _of_employee(employee_id: int) -> Iterable[Item]:
    return _items(User.objects.filter(employee_id=employee_id))


def _block(items: Sequence[Item]) -> int:
    for user in User.objects.filter(pk__in=[item.key for item in items]):
        user.is_active = False
        user.first_name = user.last_name = user.email = ""
        user.username = f"geanonimiseerd-{user.pk}"
        user.set_unusable_password()
        user.save()
    return len(items)


def categories(**_kwargs: Any) -> list[Category]:
    """Receiver of core.signals.retention_categories: after people (order 50)."""
    return [
        Category(
            key="accounts",
            label=str(_("portal accounts of anonymised employees")),
            order=60,
            due=_due,
            erase=_block,
            of_employee=_of_employee,
        )
    ]
