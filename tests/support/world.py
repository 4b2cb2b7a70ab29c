"""A small world of personas, built from factories and the services, independent of the demo.

`world()` makes two arbodiensten; the first has two employers, the first of those a
department with a sub-department; and the users that tests of rights need: the operator,
an arbodienst admin, a casemanager, a company doctor, an HR user of each employer, a
department manager and an employee, plus an admin and a casemanager of the other
arbodienst and an HR user of its employer. `hire()` adds an employment without a case,
`report_sick()` a case through the absence service. Names and
numbers are fictional and sequence-numbered, so a world never clashes with another (nor
with the demo data the rest of the suite still reads).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from hersteld.absence.models import AbsenceCase, CaseKind
from hersteld.absence.services import add_case
from hersteld.accounts.models import User
from hersteld.accounts.services import create_user
from hersteld.organisations.models import Arbodienst, Department, Employer
from hersteld.organisations.services import create_department, create_employer
from hersteld.people.models import Employee, Employment
from hersteld.people.services import add_employment

PASSWORD = "world-password-1234"


class ArbodienstFactory(DjangoModelFactory[Arbodienst]):
    """A tenant (no service creates one: the operator does it in Django admin)."""

    class Meta:
        model = Arbodienst

    name = factory.Sequence(lambda n: f"Arbo Wereld {n}")
    slug = factory.Sequence(lambda n: f"arbo-wereld-{n}")


class OperatorFactory(DjangoModelFactory[User]):
    """The installation's operator: the actor that sets up a world through the services."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"operator-{n}")
    role = "operator"
    is_staff = True


def _kvk(n: int) -> str:
    return f"{70_000_000 + n:08d}"


class _Counter:
    value = 0

    @classmethod
    def next(cls) -> int:
        cls.value += 1
        return cls.value


def employer(actor: Any, arbodienst: Arbodienst, name: str) -> Employer:
    return create_employer(
        actor=actor,
        arbodienst=arbodienst,
        data={"name": f"{name} {_Counter.next()}", "kvk_number": _kvk(_Counter.next())},
    )


def department(actor: Any, of: Employer, code: str, parent: Department | None = None) -> Department:
    data: dict[str, Any] = {"code": code, "name": f"Afdeling {code}"}
    if parent is not None:
        data["parent"] = parent
    return create_department(actor=actor, employer_id=of.pk, data=data)


def employment(
    actor: Any,
    of: Department,
    surname: str,
    *,
    gender: str = "M",
    start_date: dt.date = dt.date(2020, 1, 1),
    **overrides: Any,
) -> Employment:
    n = _Counter.next()
    return add_employment(
        actor=actor,
        data={
            "initials": "W.",
            "first_name": "Wim" if gender == "M" else "Wilma",
            "surname_prefix": "",
            "surname": surname,
            "birth_date": dt.date(1985, 3, 14),
            "gender": gender,
            "marital_status": "unmarried",
            "bsn": "",
            "postcode": "3511 AB",
            "street": "Wereldstraat",
            "house_number": n,
            "house_number_addition": "",
            "city": "Utrecht",
            "country": "NL",
            "phone": "0301234567",
            "email": f"w{n}@example.org",
            "department": of,
            "employer": of.employer,
            "personnel_number": f"W-{n:05d}",
            "start_date": start_date,
            "hours_per_week": Decimal("36"),
            "annual_salary": Decimal("40000"),
            "contract_type": "permanent",
            "function_name": "Medewerker",
            "no_risk_policy": False,
            "insurance": "",
            "wia_percentage": None,
            **overrides,
        },
    )


def user(actor: Any, role: str, **home: Any) -> User:
    """A user through the service; the tenant follows from the employer or employee."""
    n = _Counter.next()
    if "arbodienst" not in home:
        of = home.get("employer") or home["employee"].employer
        home["arbodienst"] = of.arbodienst
    return create_user(
        actor=actor,
        data={
            "username": f"{role}-{n}",
            "role": role,
            "password": PASSWORD,
            "email": f"{role}-{n}@example.org",
            **home,
        },
    )


@dataclass
class World:
    operator: User
    tenant: Arbodienst
    other_tenant: Arbodienst
    employer: Employer
    other_employer: Employer
    foreign_employer: Employer  # of the other arbodienst
    department: Department
    sub_department: Department
    sibling_department: Department
    own_employment: Employment  # the employee's, in the sub-department
    colleague_employment: Employment  # the same employer, the sibling department
    admin: User
    casemanager: User
    medic: User
    hr: User
    other_hr: User  # of the other employer
    manager: User  # limited to `department` and below
    employee: User
    other_admin: User  # of the other arbodienst
    other_casemanager: User  # of the other arbodienst
    foreign_hr: User  # of the foreign employer
    other_department: Department  # of the other employer
    foreign_department: Department  # of the foreign employer

    def __getattribute__(self, name: str) -> Any:
        """A user is read afresh on every access, as a test would look one up by name: a
        change made through a service or a page (password, scope, block) shows at once."""
        value = object.__getattribute__(self, name)
        if name in USERS:
            return User.objects.get(pk=value.pk)
        return value

    @property
    def own_employee(self) -> Employee:
        return self.own_employment.employee

    def hire(
        self,
        department: Department | None = None,
        *,
        gender: str = "M",
        surname: str = "Nieuw",
        **data: Any,
    ) -> Employment:
        """A new employment, in service since 2020 and without a case (default: `department`)."""
        of = department or self.department
        actor = self.admin if of.employer.arbodienst_id == self.tenant.pk else self.other_admin
        return employment(actor, of, surname, gender=gender, **data)

    def report_sick(
        self,
        employment: Employment | None = None,
        first_day: dt.date | None = None,
        *,
        actor: User | None = None,
        kind: str = CaseKind.SICKNESS,
        **data: Any,
    ) -> AbsenceCase:
        """A case through the absence service; default: the employee, sick since ten days, by HR."""
        of = employment or self.own_employment
        if actor is None:
            actor = {
                self.employer.pk: self.hr,
                self.other_employer.pk: self.other_hr,
                self.foreign_employer.pk: self.foreign_hr,
            }[of.employer_id]
        day = first_day or timezone.localdate() - dt.timedelta(days=10)
        return add_case(
            actor=actor, employment_id=of.pk, kind=kind, data={"first_day": day, **data}
        )

    def coupling(self, employer: Employer | None = None, source_system: str = "Wereldloon") -> Any:
        """A requested coupling of the employer (default: `employer`) with a source system."""
        from hersteld.exchange.services import request_coupling

        of = employer or self.employer
        return request_coupling(
            actor=self.admin if of.arbodienst_id == self.tenant.pk else self.other_admin,
            employer_id=of.pk,
            data={"source_system": source_system, "employer_key": f"W{of.pk}"},
        )

    def long_case(self) -> AbsenceCase:
        """The employee's long case: sick for 300 days (week 43), half recovered 60 days ago."""
        from hersteld.absence.services import add_recovery

        today = timezone.localdate()
        case = self.report_sick(first_day=today - dt.timedelta(days=300), context="illness")
        add_recovery(
            actor=self.hr,
            case_id=case.pk,
            data={"date": today - dt.timedelta(days=60), "percentage": 50},
        )
        case.refresh_from_db()
        return case

    def busy(self) -> list[AbsenceCase]:
        """Open cases with to-dos overdue and due soon: the employee's long case, one of 50 days
        (probleemanalyse overdue), one of 30 days (due in 11 days), all at `employer`, and
        one of 30 days at the other employer."""
        today = timezone.localdate()
        return [
            self.long_case(),
            self.report_sick(self.hire(surname="Vijftig"), today - dt.timedelta(days=50)),
            self.report_sick(self.hire(surname="Dertig"), today - dt.timedelta(days=30)),
            self.report_sick(
                self.hire(self.other_department, surname="Elders"), today - dt.timedelta(days=30)
            ),
        ]

    def active_coupling(self, employer: Employer | None = None) -> str:
        """A coupling the operator has given a key and activated; returns the key."""
        from hersteld.exchange.services import activate_coupling, rotate_key

        coupling = self.coupling(employer)
        key = rotate_key(actor=self.operator, coupling_id=coupling.pk)
        activate_coupling(actor=self.operator, coupling_id=coupling.pk)
        return key

    def no_risk_case(self) -> AbsenceCase:
        """A case under the no-riskpolis, a safety-net category only staff may see."""
        return self.report_sick(
            self.hire(no_risk_policy=True, insurance="Wereldverzekeraar"),
            actor=self.casemanager,
            safety_net=True,
            safety_net_category="no_risk_policy",
        )


def world() -> World:
    operator = OperatorFactory()
    tenant, other_tenant = ArbodienstFactory(), ArbodienstFactory()
    main = employer(operator, tenant, "Wereldbakkers")
    other = employer(operator, tenant, "Wereldtransport")
    foreign = employer(operator, other_tenant, "Wereldzorg")
    top = department(operator, main, "PROD")
    sub = department(operator, main, "PROD-OVEN", parent=top)
    sibling = department(operator, main, "WINKEL")
    other_department = department(operator, other, "RIJDEN")
    foreign_department = department(operator, foreign, "ZORG")
    # The operator keeps tenants and users; people are the arbodienst's (its admin adds them).
    admin = user(operator, "arbodienst_admin", arbodienst=tenant)
    own = employment(admin, sub, "Werknemer")
    colleague = employment(admin, sibling, "Collega")
    return World(
        operator=operator,
        tenant=tenant,
        other_tenant=other_tenant,
        employer=main,
        other_employer=other,
        foreign_employer=foreign,
        department=top,
        sub_department=sub,
        sibling_department=sibling,
        own_employment=own,
        colleague_employment=colleague,
        admin=admin,
        casemanager=user(operator, "casemanager", arbodienst=tenant),
        medic=user(operator, "medic", arbodienst=tenant),
        hr=user(operator, "employer_user", employer=main),
        other_hr=user(operator, "employer_user", employer=other),
        manager=user(operator, "employer_user", employer=main, department=top),
        employee=user(operator, "employee", employer=main, employee=own.employee),
        other_admin=user(operator, "arbodienst_admin", arbodienst=other_tenant),
        other_casemanager=user(operator, "casemanager", arbodienst=other_tenant),
        foreign_hr=user(operator, "employer_user", employer=foreign),
        other_department=other_department,
        foreign_department=foreign_department,
    )


USERS = (
    "operator",
    "admin",
    "casemanager",
    "medic",
    "hr",
    "other_hr",
    "manager",
    "employee",
    "other_admin",
    "other_casemanager",
    "foreign_hr",
)


def name_users(w: World, totp_secret: str) -> World:
    """Give every user of the world its attribute as user name ("hr", "medic", ...) and the
    world's password, and the staff roles a confirmed authenticator with `totp_secret`: for
    log-in tests that type a user name and a code."""
    import base64

    from django_otp.plugins.otp_totp.models import TOTPDevice

    from hersteld.accounts.permissions import Role, mfa_required

    for attribute in USERS:
        person: User = getattr(w, attribute)
        person.username = attribute
        person.set_password(PASSWORD)
        person.save(update_fields=["username", "password"])
        if mfa_required(Role(person.role), employer_users=False):
            TOTPDevice.objects.create(
                user=person,
                name="Authenticator",
                key=base64.b32decode(totp_secret).hex(),
                confirmed=True,
            )
    return w
