"""`hersteld demo-data`: fill a database with the same fictional demo data on every machine.

Demos, screenshots, manual tests and the browser tests need realistic tenants, employers,
departments, employees and log-ins for every role. The data is generated from fixed seeds,
so every run produces the same people, and every row is looked up by its natural key
first, so a second run changes nothing. Writes go through the services (validation, scope
checks, audit trail); only the arbodiensten (no service exists) and the first operator
(the actor of everything else) are created with the ORM. Refuses to run unless demo or
debug mode is on, so it never pollutes a production database.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import random
import re
import secrets
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from faker import Faker
from rich.console import Console
from rich.table import Table
from stdnum.nl import bsn as stdnum_bsn

from hersteld.accounts.models import User
from hersteld.accounts.permissions import Role, mfa_required
from hersteld.accounts.services import create_user
from hersteld.core.contact import phone_problem, postcode_problem
from hersteld.demo.absence import seed_cases, seed_signals
from hersteld.demo.consults import seed_agenda
from hersteld.demo.exchange import seed_coupling
from hersteld.organisations.models import Arbodienst, Department, Employer
from hersteld.organisations.services import create_department, create_employer
from hersteld.people.models import ContractType, Employment, MaritalStatus
from hersteld.people.services import add_employment, end_employment

SEED = 2026
DEMO_PASSWORD = "hersteld-demo"
TOTP_SECRET = "JBSWY3DPEHPK3PXP"
TOTP_DEVICE_NAME = "Demo authenticator"
# Ages and dates count from a fixed day, so the generated people never depend on "today".
REFERENCE_DATE = dt.date(2026, 1, 1)
FIRST_START = dt.date(2005, 1, 1)
LAST_START = dt.date(2025, 12, 31)
LAST_END = dt.date(2026, 6, 30)
NO_RISK_INSURER = "Verzuimverzekering Voorbeeld N.V."
SURNAME_PREFIXES = ("van der", "van den", "van de", "van", "de", "den", "der", "te", "ter", "in 't")


@dataclass(frozen=True)
class ArbodienstSpec:
    slug: str
    name: str


@dataclass(frozen=True)
class DepartmentSpec:
    code: str
    name: str
    headcount: int
    functions: tuple[str, ...]
    salary_range: tuple[int, int]  # full-time annual salary in euros
    parent: str | None = None


@dataclass(frozen=True)
class EmployerSpec:
    key: str  # also the personnel number prefix
    arbodienst: str
    name: str
    kvk_number: str
    payroll_base: str  # 8 digits; the 11-proof digit is added
    street: str
    house_number: str
    postcode: str
    city: str
    contact_name: str
    contact_email: str
    contact_phone: str
    departments: tuple[DepartmentSpec, ...]
    own_risk_zw: bool = False


@dataclass(frozen=True)
class UserSpec:
    username: str
    first_name: str
    last_name: str
    role: Role
    arbodienst: str | None = None
    employer: str | None = None
    department: str | None = None


@dataclass(frozen=True)
class PersonPlan:
    employer: str
    department: str
    personnel_number: str
    data: dict[str, Any]
    end_date: dt.date | None


ARBODIENSTEN = (
    ArbodienstSpec("arbo-noord", "Arbo Noord"),
    ArbodienstSpec("arbo-zuid", "Arbo Zuid"),
)
DEMO_SLUGS = tuple(spec.slug for spec in ARBODIENSTEN)

EMPLOYERS = (
    EmployerSpec(
        key="DV",
        arbodienst="arbo-noord",
        name="Bakkerij De Vries",
        kvk_number="61234567",
        payroll_base="81234567",
        street="Vismarkt",
        house_number="12",
        postcode="9712 CB",
        city="Groningen",
        contact_name="Marieke de Vries",
        contact_email="m.devries@example.org",
        contact_phone="050 3123456",
        departments=(
            DepartmentSpec(
                "BAK", "Bakkerij", 11, ("Bakker", "Hulpbakker", "Banketbakker"), (30_000, 42_000)
            ),
            DepartmentSpec(
                "WNK", "Winkel", 10, ("Verkoopmedewerker", "Filiaalmanager"), (26_000, 40_000)
            ),
            DepartmentSpec(
                "ADM",
                "Administratie",
                4,
                ("Administratief medewerker", "Salarisadministrateur"),
                (32_000, 48_000),
            ),
        ),
    ),
    EmployerSpec(
        key="TJ",
        arbodienst="arbo-noord",
        name="Transport Jansen",
        kvk_number="52345678",
        payroll_base="80345612",
        street="Industrieweg",
        house_number="8",
        postcode="9403 AB",
        city="Assen",
        contact_name="Kees Jansen",
        contact_email="k.jansen@example.org",
        contact_phone="0592 345678",
        departments=(
            DepartmentSpec(
                "PLN", "Planning", 4, ("Planner", "Teamleider planning"), (36_000, 52_000)
            ),
            DepartmentSpec("CHF", "Chauffeurs", 10, ("Chauffeur",), (32_000, 42_000)),
            DepartmentSpec(
                "INT",
                "Internationaal",
                6,
                ("Chauffeur internationaal",),
                (35_000, 46_000),
                parent="CHF",
            ),
        ),
    ),
    EmployerSpec(
        key="ZZ",
        arbodienst="arbo-zuid",
        name="Zorggroep Zuid",
        kvk_number="17345612",
        payroll_base="82456723",
        street="Stratumsedijk",
        house_number="60",
        postcode="5611 NE",
        city="Eindhoven",
        contact_name="Ingrid Peeters",
        contact_email="i.peeters@example.org",
        contact_phone="040 2123456",
        own_risk_zw=True,
        departments=(
            DepartmentSpec(
                "VPL",
                "Verpleging",
                11,
                ("Verpleegkundige", "Verzorgende IG", "Helpende zorg"),
                (30_000, 50_000),
            ),
            DepartmentSpec(
                "FAC",
                "Facilitair",
                4,
                ("Facilitair medewerker", "Schoonmaakmedewerker"),
                (26_000, 36_000),
            ),
        ),
    ),
)

# (employer key, 0-based index) of the people with a no-riskpolis and of those out of service.
NO_RISK = frozenset({("DV", 3), ("ZZ", 4)})
ENDED = frozenset({("DV", 20), ("TJ", 15), ("ZZ", 10)})

# The actor that adds the employees of each arbodienst.
TENANT_ADMINS = {"arbo-noord": "admin.noord", "arbo-zuid": "admin.zuid"}
OPERATOR = UserSpec("beheer", "Willem", "Bakker", Role.OPERATOR)
STAFF_USERS = (
    UserSpec("admin.noord", "Anouk", "Visser", Role.ARBODIENST_ADMIN, "arbo-noord"),
    UserSpec("admin.zuid", "Ruud", "Hermans", Role.ARBODIENST_ADMIN, "arbo-zuid"),
    UserSpec("casemanager.noord", "Sanne", "Mulder", Role.CASEMANAGER, "arbo-noord"),
    UserSpec("bedrijfsarts.noord", "Pieter", "de Boer", Role.MEDIC, "arbo-noord"),
    UserSpec("casemanager.zuid", "Fleur", "van Dijk", Role.CASEMANAGER, "arbo-zuid"),
    UserSpec("hr.devries", "Marieke", "de Vries", Role.EMPLOYER_USER, "arbo-noord", "DV"),
    UserSpec(
        "manager.devries.bakkerij", "Henk", "Smit", Role.EMPLOYER_USER, "arbo-noord", "DV", "BAK"
    ),
    UserSpec("hr.jansen", "Kees", "Jansen", Role.EMPLOYER_USER, "arbo-noord", "TJ"),
    UserSpec("hr.zuidzorg", "Ingrid", "Peeters", Role.EMPLOYER_USER, "arbo-zuid", "ZZ"),
)
EMPLOYEE_USER = UserSpec("werknemer.devries", "", "", Role.EMPLOYEE, "arbo-noord", "DV", "BAK")
EMPLOYER_BY_KEY = {employer.key: employer for employer in EMPLOYERS}
ALL_USERNAMES = (OPERATOR.username, *(u.username for u in STAFF_USERS), EMPLOYEE_USER.username)

MARITAL_WEIGHTS = {
    MaritalStatus.MARRIED: 40,
    MaritalStatus.UNMARRIED: 30,
    MaritalStatus.COHABITING: 12,
    MaritalStatus.REGISTERED_PARTNER: 5,
    MaritalStatus.DIVORCED: 8,
    MaritalStatus.WIDOWED: 2,
    MaritalStatus.UNKNOWN: 3,
}
CONTRACT_WEIGHTS = {
    ContractType.PERMANENT: 70,
    ContractType.FIXED_TERM: 18,
    ContractType.ON_CALL: 6,
    ContractType.TEMPORARY_AGENCY: 3,
    ContractType.INTERNSHIP: 3,
}
HOURS = (16, 24, 32, 36, 38, 40)


def payroll_tax_number(base: str) -> str:
    """Complete 8 digits to a 9-digit number passing the 11-proof, plus subnumber L01."""
    for digit in "0123456789":
        if stdnum_bsn.is_valid(base + digit):
            return f"{base}{digit}L01"
    raise ValueError(f"no 11-proof digit completes {base}")


def weighted(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def random_day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


class PersonFactory:
    """Fictional Dutch people from fixed seeds; every call sequence gives the same people."""

    def __init__(self) -> None:
        Faker.seed(SEED)
        self.fake = Faker("nl_NL")
        self.rng = random.Random(SEED)  # noqa: S311 - fictional data, must be reproducible
        self.bsns: set[str] = set()

    def bsn(self) -> str:
        while True:
            number = str(self.fake.ssn()).zfill(9)
            if stdnum_bsn.is_valid(number) and number not in self.bsns:
                self.bsns.add(number)
                return number

    def postcode(self) -> str:
        while True:
            code = str(self.fake.postcode())
            if postcode_problem(code) is None:
                return code

    def phone(self) -> str:
        number = str(self.fake.phone_number())
        while phone_problem(number) is not None:
            number = f"06{self.rng.randint(10_000_000, 59_999_999)}"
        return number

    def names(self, gender: str) -> dict[str, str]:
        if gender == "M" or (gender == "O" and self.rng.random() < 0.5):
            first = str(self.fake.first_name_male())
        else:
            first = str(self.fake.first_name_female())
        prefix, surname = self._split_surname(str(self.fake.last_name()))
        if not prefix and self.rng.random() < 0.15:
            prefix = self.rng.choice(("van", "de", "van der"))
        initials = first[0].upper() + "."
        if self.rng.random() < 0.4:
            initials += self.rng.choice("ABCDEGHJKLMPRSTW") + "."
        return {
            "initials": initials,
            "first_name": first,
            "surname_prefix": prefix,
            "surname": surname,
        }

    @staticmethod
    def _split_surname(full: str) -> tuple[str, str]:
        for prefix in SURNAME_PREFIXES:
            if full.startswith(prefix + " "):
                return prefix, full[len(prefix) + 1 :]
        return "", full

    def email(self, names: dict[str, str]) -> str:
        local = (
            ascii_slug(names["first_name"])
            + "."
            + ascii_slug(names["surname_prefix"] + names["surname"])
        )
        return f"{local}@{self.rng.choice(('example.org', 'example.com'))}"

    def person(self) -> dict[str, Any]:
        gender = self.rng.choices(("M", "V", "O"), weights=(48, 48, 4))[0]
        names = self.names(gender)
        age = self.rng.randint(19, 63)
        birth = random_day(
            self.rng,
            dt.date(REFERENCE_DATE.year - age - 1, 1, 1),
            dt.date(REFERENCE_DATE.year - age - 1, 12, 31),
        )
        return {
            **names,
            "gender": gender,
            "birth_date": birth,
            "marital_status": weighted(self.rng, MARITAL_WEIGHTS).value,
            "bsn": self.bsn(),
            "postcode": self.postcode(),
            "street": str(self.fake.street_name()),
            "house_number": self.rng.randint(1, 250),
            "house_number_addition": "",
            "city": str(self.fake.city()),
            "country": "NL",
            "phone": self.phone(),
            "email": self.email(names),
        }

    def employment(self, birth: dt.date, department: DepartmentSpec) -> dict[str, Any]:
        start = random_day(self.rng, max(FIRST_START, add_years(birth, 16)), LAST_START)
        hours = Decimal(self.rng.choice(HOURS))
        low, high = department.salary_range
        salary = Decimal(self.rng.randint(low // 100, high // 100) * 100) * hours / Decimal(40)
        return {
            "start_date": start,
            "hours_per_week": hours,
            "annual_salary": salary.quantize(Decimal("0.01")),
            "contract_type": weighted(self.rng, CONTRACT_WEIGHTS).value,
            "function_name": self.rng.choice(department.functions),
            "no_risk_policy": False,
            "insurance": "",
            "wia_percentage": None,
        }


def plan_people() -> list[PersonPlan]:
    """Every demo employee with their employment, generated before anything is written."""
    factory = PersonFactory()
    plans: list[PersonPlan] = []
    for employer in EMPLOYERS:
        codes = [d.code for d in employer.departments for _ in range(d.headcount)]
        factory.rng.shuffle(codes)
        departments = {d.code: d for d in employer.departments}
        for index, code in enumerate(codes):
            person = factory.person()
            data = {**person, **factory.employment(person["birth_date"], departments[code])}
            if (employer.key, index) in NO_RISK:
                data.update(no_risk_policy=True, insurance=NO_RISK_INSURER)
            end_date = None
            if (employer.key, index) in ENDED:
                first_end = min(data["start_date"] + dt.timedelta(days=180), LAST_END)
                end_date = random_day(factory.rng, first_end, LAST_END)
            number = f"{employer.key}{index + 1:04d}"
            plans.append(PersonPlan(employer.key, code, number, data, end_date))
    return plans


class Seeder:
    """Creates whatever part of the demo data is missing, and counts what it created."""

    def __init__(self) -> None:
        self.created = 0
        self.notes: list[str] = []
        self.arbodiensten: dict[str, Arbodienst] = {}
        self.employers: dict[str, Employer] = {}
        self.departments: dict[tuple[str, str], Department] = {}
        self.users: dict[str, User] = {}

    def run(self) -> None:
        people = plan_people()
        operator = self.operator()
        for spec in ARBODIENSTEN:
            self.arbodienst(spec)
        for employer in EMPLOYERS:
            self.employer(operator, employer)
            for department in employer.departments:
                self.department(operator, employer, department)
        for user_spec in STAFF_USERS:
            self.user(operator, user_spec)
        for plan in people:
            self.person(plan)
        self.employee_user(operator)
        for demo_user in self.users.values():
            self.totp_device(demo_user)
        self.created += seed_coupling(operator, self.employers["DV"])
        self.created += seed_agenda(self.users)
        added = seed_cases(self.users, self.employers, timezone.localdate(), self.notes.append)
        if added:
            self.created += added + seed_signals(self.users, timezone.localdate())

    def operator(self) -> User:
        user = User.objects.filter(username=OPERATOR.username).first()
        if user is None:
            user = User(
                username=OPERATOR.username,
                first_name=OPERATOR.first_name,
                last_name=OPERATOR.last_name,
                email=f"{OPERATOR.username}@example.org",
                role=Role.OPERATOR.value,
                is_staff=True,
                is_superuser=False,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            self.created += 1
        self.users[user.username] = user
        return user

    def arbodienst(self, spec: ArbodienstSpec) -> None:
        arbodienst, created = Arbodienst.objects.get_or_create(
            slug=spec.slug, defaults={"name": spec.name}
        )
        self.created += created
        self.arbodiensten[spec.slug] = arbodienst

    def employer(self, actor: User, spec: EmployerSpec) -> None:
        arbodienst = self.arbodiensten[spec.arbodienst]
        employer = Employer.objects.filter(
            arbodienst=arbodienst, kvk_number=spec.kvk_number
        ).first()
        if employer is None:
            employer = create_employer(
                actor=actor,
                arbodienst=arbodienst,
                data={
                    "name": spec.name,
                    "kvk_number": spec.kvk_number,
                    "payroll_tax_number": payroll_tax_number(spec.payroll_base),
                    "own_risk_zw": spec.own_risk_zw,
                    "street": spec.street,
                    "house_number": spec.house_number,
                    "postcode": spec.postcode,
                    "city": spec.city,
                    "contact_name": spec.contact_name,
                    "contact_email": spec.contact_email,
                    "contact_phone": spec.contact_phone,
                },
            )
            self.created += 1
        self.employers[spec.key] = employer

    def department(self, actor: User, employer_spec: EmployerSpec, spec: DepartmentSpec) -> None:
        employer = self.employers[employer_spec.key]
        department = Department.objects.filter(employer=employer, code=spec.code).first()
        if department is None:
            parent = self.departments[(employer_spec.key, spec.parent)] if spec.parent else None
            department = create_department(
                actor=actor,
                employer_id=employer.pk,
                data={
                    "code": spec.code,
                    "name": spec.name,
                    "parent": parent,
                },
            )
            self.created += 1
        self.departments[(employer_spec.key, spec.code)] = department

    def user(self, actor: User, spec: UserSpec, employee: Any = None) -> None:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = self._create_user(
                actor,
                {
                    "username": spec.username,
                    "first_name": spec.first_name,
                    "last_name": spec.last_name,
                    "email": f"{spec.username}@example.org",
                    "role": spec.role.value,
                    "arbodienst": self.arbodiensten[spec.arbodienst] if spec.arbodienst else None,
                    "employer": self.employers[spec.employer] if spec.employer else None,
                    "department": (
                        self.departments[(spec.employer, spec.department)]
                        if spec.employer and spec.department and employee is None
                        else None
                    ),
                    "employee": employee,
                },
            )
            self.created += 1
        self.users[user.username] = user

    def _create_user(self, actor: User, data: dict[str, Any]) -> User:
        """create_user with the demo password; if the validators refuse it, set it directly."""
        try:
            return create_user(actor=actor, data={**data, "password": DEMO_PASSWORD})
        except ValidationError as exc:
            if set(getattr(exc, "error_dict", {})) != {"password"}:
                raise
        user = create_user(actor=actor, data={**data, "password": secrets.token_urlsafe(24)})
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        self.notes.append(
            f"{user.username}: password validators refused the demo password; it was set directly."
        )
        return user

    def person(self, plan: PersonPlan) -> None:
        employer = self.employers[plan.employer]
        employment = Employment.objects.filter(
            employer=employer, personnel_number=plan.personnel_number
        ).first()
        actor = self.users[TENANT_ADMINS[EMPLOYER_BY_KEY[plan.employer].arbodienst]]
        if employment is None:
            employment = add_employment(
                actor=actor,
                data={
                    **plan.data,
                    "employer": employer,
                    "personnel_number": plan.personnel_number,
                    "department": self.departments[(plan.employer, plan.department)],
                },
            )
            self.created += 1
        if plan.end_date is not None and employment.end_date is None:
            end_employment(actor=actor, employment_id=employment.pk, end_date=plan.end_date)
            self.created += 1

    def employee_user(self, actor: User) -> None:
        """Link the log-in of an employee to the first De Vries baker still in service."""
        spec = EMPLOYEE_USER
        if User.objects.filter(username=spec.username).exists():
            self.user(actor, spec)
            return
        assert spec.employer is not None and spec.department is not None
        employment = (
            Employment.objects.filter(
                employer=self.employers[spec.employer],
                end_date__isnull=True,
                department=self.departments[(spec.employer, spec.department)],
            )
            .select_related("employee")
            .order_by("personnel_number")
            .first()
        )
        if employment is None:
            raise CommandError("No De Vries employee in department Bakkerij to link a log-in to.")
        person = employment.employee
        named = UserSpec(
            spec.username,
            person.first_name,
            _last_name(person),
            spec.role,
            spec.arbodienst,
            spec.employer,
            spec.department,
        )
        self.user(actor, named, employee=person)

    def totp_device(self, user: User) -> None:
        if not mfa_required(Role(user.role), employer_users=False):
            return
        _device, created = TOTPDevice.objects.get_or_create(
            user=user,
            name=TOTP_DEVICE_NAME,
            defaults={"key": base64.b32decode(TOTP_SECRET).hex(), "confirmed": True},
        )
        self.created += created


def _last_name(person: Any) -> str:
    return " ".join(part for part in (person.surname_prefix, person.surname) if part)


def scope_text(user: User) -> str:
    if user.role == Role.OPERATOR:
        return "all arbodiensten"
    if user.role == Role.EMPLOYEE and user.employee is not None:
        return f"{user.employee.display_name} ({user.employer})"
    parts = [str(part) for part in (user.arbodienst, user.employer) if part is not None]
    if user.department is not None:
        parts.append(user.department.name)
    return " / ".join(parts)


def users_table() -> Table:
    table = Table(title=f"Demo users (password: {DEMO_PASSWORD})")
    for column in ("User name", "Role", "Scope", "MFA"):
        table.add_column(column)
    users = User.objects.filter(username__in=ALL_USERNAMES).select_related(
        "arbodienst", "employer", "department", "employee"
    )
    by_name = {user.username: user for user in users}
    for username in ALL_USERNAMES:
        user = by_name.get(username)
        if user is None:
            continue
        has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        table.add_row(
            username, user.get_role_display(), scope_text(user), "TOTP" if has_device else "-"
        )
    return table


def counts_text() -> str:
    employers = Employer.objects.filter(arbodienst__slug__in=DEMO_SLUGS)
    employments = Employment.objects.filter(employer__in=employers)
    return (
        f"Arbodiensten: {Arbodienst.objects.filter(slug__in=DEMO_SLUGS).count()}, "
        f"employers: {employers.count()}, "
        f"departments: {Department.objects.filter(employer__in=employers).count()}, "
        f"employments: {employments.count()} "
        f"({employments.filter(end_date__isnull=False).count()} out of service), "
        f"users: {User.objects.filter(username__in=ALL_USERNAMES).count()}."
    )


class Command(BaseCommand):
    help = "Load deterministic demo data (arbodiensten, employers, employees, users). Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        if not (getattr(settings, "DEMO", False) or getattr(settings, "DEBUG", False)):
            raise CommandError(
                "Demo data is only loaded in demo or debug mode. "
                "Set HERSTELD_DEMO=1 (or HERSTELD_DEBUG=1) and run the command again."
            )
        seeder = Seeder()
        try:
            with transaction.atomic():
                seeder.run()
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(
                f"Demo data was refused by a service; nothing was saved: {exc}"
            ) from exc
        self.report(seeder)

    def report(self, seeder: Seeder) -> None:
        console = Console(file=io.StringIO(), width=110, force_terminal=self.stdout.isatty())
        console.print(users_table())
        console.print(counts_text())
        console.print(f"TOTP secret of the MFA users: {TOTP_SECRET}")
        for note in seeder.notes:
            console.print(f"[yellow]Note:[/yellow] {note}")
        if seeder.created:
            console.print(f"[green]Demo data loaded ({seeder.created} objects created).[/green]")
        else:
            console.print("Demo data already present; nothing changed.")
        output = console.file
        assert isinstance(output, io.StringIO)
        self.stdout.write(output.getvalue(), ending="")
