"""The population of the load and soak benchmarks, built once and reused.

`fill()` makes one arbodienst with 5 employers of 10 departments, 50,000 employments and
20,000 sickness cases (14,000 open, 6,000 closed with a recovery), with bulk inserts (the
cases are data to read, not a test of the services), plus the benchmark users: per
virtual user a casemanager or an HR user with a known password and TOTP secret. A second
run finds the data and only refreshes the users' state (lockouts, sessions).
"""

from __future__ import annotations

import base64
import datetime as dt
import os
from decimal import Decimal
from typing import Any

EMPLOYMENTS = 50_000
CASES = 20_000
OPEN_CASES = 14_000
EMPLOYERS = 5
DEPARTMENTS_PER_EMPLOYER = 10
BATCH = 5_000
PASSWORD = "load-benchmark-password-1234"
TOTP_SECRET = "JBSWY3DPEHPK3PXP"
MARKER = "Load Bench"


def configure(database_url: str, name: str = "load") -> str:
    """Point Django at `<database>_<name>` on the PostgreSQL server of `database_url`."""
    base, _, db = database_url.rpartition("/")
    url = f"{base}/{db}_{name}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hersteld.settings")
    os.environ.setdefault("HERSTELD_DEBUG", "1")  # this process only prepares data
    return url


def ensure_database() -> None:
    """Create the database when it does not exist (never drops one)."""
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    admin = psycopg.connect(
        host=db["HOST"],
        port=db["PORT"] or 5432,
        user=db["USER"],
        dbname="postgres",
        autocommit=True,
    )
    exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone()
    if not exists:
        admin.execute(f'CREATE DATABASE "{db["NAME"]}"')
    admin.close()


def fill(users: int, say: Any = print) -> dict[str, Any]:
    """Build (or find) the population and `users` benchmark users; what the driver needs."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from hersteld.absence.models import AbsenceCase, Recovery
    from hersteld.organisations.models import Arbodienst, Department, Employer
    from hersteld.people.models import Employee, Employment

    call_command("migrate", verbosity=0)
    tenant = Arbodienst.objects.filter(name=MARKER).first()
    if tenant is None:
        tenant = Arbodienst.objects.create(name=MARKER, slug="load-bench")
        today = dt.date.today()
        departments: list[Department] = []
        for i in range(EMPLOYERS):
            employer = Employer.objects.create(
                arbodienst=tenant, name=f"Werkgever {i}", kvk_number=f"{90000000 + i:08d}"
            )
            for j in range(DEPARTMENTS_PER_EMPLOYER):
                dept = Department.objects.create(
                    employer=employer, code=f"D{j}", name=f"Afdeling {j}", path=""
                )
                dept.path = f"{dept.pk:06d}."
                dept.save(update_fields=["path"])
                departments.append(dept)
        for start in range(0, EMPLOYMENTS, BATCH):
            with transaction.atomic():
                people = Employee.objects.bulk_create(
                    [
                        Employee(
                            employer=departments[n % len(departments)].employer,
                            initials="A.",
                            first_name=f"Voornaam{n % 97}",
                            surname=f"Achternaam{n:05d}",
                            birth_date=dt.date(1960 + n % 40, 1 + n % 12, 1 + n % 28),
                            gender="MV"[n % 2],
                            marital_status="unknown",
                            postcode="3511 AB",
                            street="Belastingstraat",
                            house_number=1 + n % 200,
                            city="Utrecht",
                            phone="+31612345678",
                            email=f"p{n}@example.org",
                        )
                        for n in range(start, start + BATCH)
                    ]
                )
                jobs = Employment.objects.bulk_create(
                    [
                        Employment(
                            employer=person.employer,
                            employee=person,
                            department=departments[n % len(departments)],
                            personnel_number=f"L{n:06d}",
                            start_date=dt.date(2015, 1, 1),
                            hours_per_week=Decimal("32"),
                            annual_salary=Decimal("36000"),
                            contract_type="permanent",
                            function_name="Medewerker",
                        )
                        for n, person in zip(range(start, start + BATCH), people, strict=True)
                    ]
                )
                sick = [
                    (n, job)
                    for n, job in zip(range(start, start + BATCH), jobs, strict=True)
                    if n < CASES
                ]
                cases = AbsenceCase.objects.bulk_create(
                    [
                        AbsenceCase(
                            employer_id=job.employer_id,
                            employee_id=job.employee_id,
                            employment=job,
                            kind="sickness",
                            status="open" if n < OPEN_CASES else "closed",
                            first_day=(first := today - dt.timedelta(days=n % 700)),
                            end_date=None if n < OPEN_CASES else first + dt.timedelta(days=20),
                            context="illness",
                            current_sick_percentage=Decimal("100")
                            if n < OPEN_CASES
                            else Decimal("0.00"),
                            week_anchor=first,
                        )
                        for n, job in sick
                    ]
                )
                Recovery.objects.bulk_create(
                    [
                        Recovery(
                            case=case,
                            date=case.end_date,
                            percentage=Decimal("100.00"),
                            hours=Decimal("32.00"),
                            contract_hours=Decimal("32.00"),
                            therapeutic=False,
                        )
                        for case in cases
                        if case.end_date is not None
                    ]
                )
            say(f"  {min(start + BATCH, EMPLOYMENTS):,} employments")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"tenant": tenant.pk, **benchmark_users(tenant, users)}


def benchmark_users(tenant: Any, count: int) -> dict[str, Any]:
    """Casemanagers and HR users (half each), each with a confirmed TOTP device; every
    virtual user signs in as its own user, so a TOTP code is never used twice."""
    from axes.models import AccessAttempt
    from django.contrib.auth.hashers import make_password
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from hersteld.absence.models import AbsenceCase
    from hersteld.accounts.models import ApiToken, User
    from hersteld.accounts.services import issue_token
    from hersteld.organisations.models import Employer
    from hersteld.people.models import Employment

    AccessAttempt.objects.all().delete()
    employers = list(Employer.objects.filter(arbodienst=tenant).order_by("pk"))
    hashed = make_password(PASSWORD)
    key = base64.b32decode(TOTP_SECRET).hex()
    # Employments without a case, split over the users so no two report the same one sick.
    free = list(
        Employment.objects.filter(employer__arbodienst=tenant, cases__isnull=True)
        .order_by("pk")
        .values_list("pk", "employer_id")
    )
    people = []
    for n in range(count):
        role = "casemanager" if n % 2 == 0 else "employer_user"
        employer = None if role == "casemanager" else employers[n % len(employers)]
        user, _ = User.objects.update_or_create(
            username=f"load-{n:03d}",
            defaults={
                "role": role,
                "arbodienst": tenant,
                "employer": employer,
                "password": hashed,
                "is_active": True,
            },
        )
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(user=user, name="load", confirmed=True, key=key)
        ApiToken.objects.filter(user=user).delete()
        raw, _token = issue_token(user=user, name="load benchmark")
        scope = AbsenceCase.objects.filter(employer__arbodienst=tenant, status="open")
        if employer is not None:
            scope = scope.filter(employer=employer)
        cases = list(scope.order_by("pk").values_list("pk", flat=True)[n * 20 : n * 20 + 20])
        writable = [
            pk
            for pk, employer_id in free
            if pk % count == n and (employer is None or employer_id == employer.pk)
        ][:200]
        people.append(
            {"username": user.username, "token": raw, "cases": cases, "employments": writable}
        )
    return {"users": people}
