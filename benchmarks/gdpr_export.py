"""Benchmark: the GDPR export of an employee with a long case, against reading the same rows.

Usage: .venv/bin/python benchmarks/gdpr_export.py [--days D] [--reads N] [--repeat R]

It builds a scratch database (a temporary SQLite file, or `<DATABASE_URL db>_gdpr_bench` on
PostgreSQL) with one employee sick for D days (default 300), written through the services
where they exist: the case with its Poortwachter plan, a partial recovery every 60 days, a
case note every week and a medical note every two weeks (each with its audit row), and,
bulk-created, two messages a week, a held consult every three weeks with a consult note and
a final report, and N reads of his file in the access log (default 2,000). A colleague has
a case of his own. Then it times, R times each, as the company doctor (medical content in):
  read     the same rows read plainly: one `values()` query per model, no scope, no JSON
  collect  the records of every app through the `subject_records` hook (restrict, rows)
  export   the whole export: collect, the PDF summary (WeasyPrint), the ZIP, the audit
It prints the median seconds, the rows, the PDF pages and the ZIP size, and export/read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import statistics
import subprocess
import time
import zipfile
from typing import Any

import scratch  # benchmarks/scratch.py (the script folder is on sys.path)
from rich.console import Console
from rich.table import Table

WORDS = "werkhervatting opbouw uren afspraak evaluatie taken overleg planning rooster week"


def sentence(n: int) -> str:
    words = WORDS.split()
    return " ".join(words[(n + i) % len(words)] for i in range(12)).capitalize() + "."


def person(arbodienst: Any, employer: Any, role: str, name: str) -> Any:
    from hersteld.accounts.models import User

    return User.objects.create(
        username=name, role=role, arbodienst=arbodienst, employer=employer, password="!"
    )


def hire(admin: Any, department: Any, surname: str, number: int) -> Any:
    from hersteld.people.services import add_employment

    return add_employment(
        actor=admin,
        data={
            "initials": "B.",
            "first_name": "Bram",
            "surname_prefix": "",
            "surname": surname,
            "birth_date": dt.date(1980, 5, 1),
            "gender": "M",
            "marital_status": "unmarried",
            "bsn": "",
            "postcode": "3511 AB",
            "street": "Benchstraat",
            "house_number": number,
            "house_number_addition": "",
            "city": "Utrecht",
            "country": "NL",
            "phone": "0301234567",
            "email": f"bench{number}@example.org",
            "department": department,
            "employer": department.employer,
            "personnel_number": f"B-{number}",
            "start_date": dt.date(2018, 1, 1),
            "hours_per_week": 36,
            "annual_salary": 40000,
            "contract_type": "permanent",
            "function_name": "Bakker",
            "no_risk_policy": False,
            "insurance": "",
            "wia_percentage": None,
        },
    )


def build(days: int, reads: int) -> tuple[Any, Any]:
    """The scratch data; answers (the company doctor, the employee)."""
    from django.core.management import call_command
    from django.utils import timezone

    from hersteld.absence import services as absence
    from hersteld.consults.models import Consult, ConsultNote, Report
    from hersteld.core.models import AccessEvent
    from hersteld.messaging.models import Message
    from hersteld.organisations.models import Arbodienst, Department, Employer

    call_command("migrate", verbosity=0)
    tenant = Arbodienst.objects.create(name="Arbo Bench", slug="arbo-bench")
    employer = Employer.objects.create(arbodienst=tenant, name="Bench BV", kvk_number="70000001")
    department = Department.objects.create(employer=employer, code="B", name="Bench", path="B")
    admin = person(tenant, None, "arbodienst_admin", "bench-admin")
    casemanager = person(tenant, None, "casemanager", "bench-casemanager")
    medic = person(tenant, None, "medic", "bench-medic")
    hr = person(tenant, employer, "employer_user", "bench-hr")
    own = hire(admin, department, "Bench", 1)
    colleague = hire(admin, department, "Collega", 2)
    today = timezone.localdate()
    first = today - dt.timedelta(days=days)
    case = absence.add_case(
        actor=casemanager, employment_id=own.pk, kind="sickness", data={"first_day": first}
    )
    absence.add_case(
        actor=casemanager,
        employment_id=colleague.pk,
        kind="sickness",
        data={"first_day": today - dt.timedelta(days=20)},
    )
    for n in range(len(range(7, days, 7))):
        absence.add_note(actor=casemanager, case_id=case.pk, text=sentence(n))
        if n % 2 == 0:
            absence.add_medical_note(actor=medic, case_id=case.pk, text=sentence(n + 3))
    for n, day in enumerate(range(60, days, 60)):
        absence.add_recovery(
            actor=casemanager,
            case_id=case.pk,
            data={"date": first + dt.timedelta(days=day), "percentage": min(10 * (n + 1), 90)},
        )
    now = timezone.now()
    messages = []
    for n in range(len(range(0, days, 7))):
        for thread, author, role in (
            ("case", casemanager, "casemanager"),
            ("medical", medic, "medic"),
        ):
            messages.append(
                Message(
                    case=case,
                    employer=employer,
                    employee=own.employee,
                    thread=thread,
                    text=sentence(n),
                    author=author,
                    author_name=author.username,
                    author_role=role,
                )
            )
    Message.objects.bulk_create(messages)
    for n, day in enumerate(range(21, days, 21)):
        start = now - dt.timedelta(days=days - day)
        consult = Consult.objects.create(
            employer=employer,
            employee=own.employee,
            employment=own,
            case=case,
            kind="first" if n == 0 else "follow_up",
            method="location",
            status="held",
            practitioner=medic,
            starts_at=start,
            ends_at=start + dt.timedelta(minutes=45),
            outcome_at=start,
        )
        ConsultNote.objects.create(consult=consult, text=sentence(n), author=medic, author_name="m")
        Report.objects.create(
            consult=consult,
            status="final",
            text=sentence(n + 1),
            capabilities=sentence(n + 2),
            advice=sentence(n + 4),
            drafted_by=medic,
            released_by=medic,
            released_at=start,
        )
    readers = [hr, casemanager, medic]
    AccessEvent.objects.bulk_create(
        [
            AccessEvent(
                arbodienst=tenant,
                employer=employer,
                employee=own.employee,
                actor=readers[n % 3],
                actor_name=readers[n % 3].username,
                object_type="absence.absencecase",
                object_id=str(case.pk),
                purpose="view",
                channel="ui",
            )
            for n in range(reads)
        ],
        batch_size=2000,
    )
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return medic, own.employee


def read(employee: Any) -> int:
    """The same rows, plainly: one query per model, every column, no scope."""
    from hersteld.absence.models import AbsenceCase, CaseNote, MedicalNote, Recovery
    from hersteld.accounts.models import User
    from hersteld.consults.models import (
        Consult,
        ConsultNote,
        InformationRequest,
        Report,
        SmsConsent,
    )
    from hersteld.core.models import AccessEvent, AuditEvent
    from hersteld.documents.models import Document
    from hersteld.messaging.models import Message
    from hersteld.people.models import Employee, Employment, EmploymentTerms
    from hersteld.poortwachter.models import Todo

    pk = employee.pk
    queries: list[Any] = [
        Employee.objects.filter(pk=pk),
        User.objects.filter(employee_id=pk),
        Employment.objects.filter(employee_id=pk),
        EmploymentTerms.objects.filter(employment__employee_id=pk),
        AbsenceCase.objects.filter(employee_id=pk),
        Recovery.objects.filter(case__employee_id=pk),
        CaseNote.objects.filter(case__employee_id=pk),
        MedicalNote.objects.filter(employee_id=pk),
        Todo.objects.filter(case__employee_id=pk),
        Document.objects.filter(case__employee_id=pk),
        Consult.objects.filter(employee_id=pk),
        Report.objects.filter(consult__employee_id=pk),
        ConsultNote.objects.filter(consult__employee_id=pk),
        Message.objects.filter(employee_id=pk),
        SmsConsent.objects.filter(employee_id=pk),
        InformationRequest.objects.filter(employee_id=pk),
        AccessEvent.objects.filter(employee_id=pk),
        AuditEvent.objects.filter(employee_id=pk),
    ]
    return sum(len(list(query.values())) for query in queries)


def collect(medic: Any, employee: Any) -> int:
    from django.utils import translation

    from hersteld.privacy import services

    with translation.override("nl"):
        found = services.collect(actor=medic, employee=employee, medical=True)
    return sum(len(item.rows) for item in found)


def export(medic: Any, employee: Any) -> Any:
    from hersteld.privacy import services

    return services.export_subject(actor=medic, employee=employee, purpose="Benchmark")


def pdf_pages(content: bytes) -> int:
    """Pages of a PDF through poppler's pdftotext (one form feed per page)."""
    text = subprocess.run(
        ["/usr/bin/pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout
    return text.count(b"\f")


def timed(call: Any, repeat: int) -> tuple[float, float, Any]:
    """Median wall seconds and median CPU seconds of this process (the machine is shared:
    the CPU time is the figure that does not depend on the load of others)."""
    seconds, cpu, result = [], [], None
    for _ in range(repeat):
        began, began_cpu = time.perf_counter(), time.process_time()
        result = call()
        seconds.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    return statistics.median(seconds), statistics.median(cpu), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=300)
    parser.add_argument("--reads", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    scratch.configure(os.environ.get("DATABASE_URL"), "gdpr_bench")
    os.environ.setdefault("HERSTELD_DEBUG", "1")
    import django

    django.setup()
    scratch.create_database()
    from django.db import connection

    console = Console()
    began = time.perf_counter()
    medic, employee = build(args.days, args.reads)
    employee.refresh_from_db()
    console.print(f"built in {time.perf_counter() - began:.1f} s on {connection.vendor}")
    read_s, read_cpu, rows = timed(lambda: read(employee), args.repeat)
    collect_s, collect_cpu, collected = timed(lambda: collect(medic, employee), args.repeat)
    export_s, export_cpu, made = timed(lambda: export(medic, employee), args.repeat)
    archive = zipfile.ZipFile(io.BytesIO(made.content))
    pages = pdf_pages(archive.read("samenvatting.pdf"))
    table = Table(title=f"GDPR export, a case of {args.days} days, {args.reads} reads")
    for column in ("step", "median s", "median CPU s", "rows", "CPU ratio to read"):
        table.add_column(column)
    table.add_row("read", f"{read_s:.3f}", f"{read_cpu:.3f}", str(rows), "1.00")
    for step, wall, cpu, count in (
        ("collect", collect_s, collect_cpu, collected),
        ("export", export_s, export_cpu, collected),
    ):
        table.add_row(step, f"{wall:.3f}", f"{cpu:.3f}", str(count), f"{cpu / read_cpu:.2f}")
    console.print(table)
    console.print(
        f"PDF: {pages} pages; ZIP: {len(made.content) / 1024:.0f} KiB, "
        f"{len(archive.namelist())} files"
    )


if __name__ == "__main__":
    main()
