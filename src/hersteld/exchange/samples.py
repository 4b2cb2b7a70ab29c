"""One outbound SIVI message of each kind for an employer, for testing a receiving system.

`hersteld exchange sample-outbound --employer ID --dir DIR` writes them. They are built by the
outbox's own builder from the employer's data (the first employee with an employment, and that
employee's sickness case when there is one), so they carry what the outbound streams would send;
the absence mutations follow one fictional course (sick report, partial and full recovery,
correction, withdrawal). Every file is valid against the official SIVI 2022 schema; a value
Hersteld lacks stops the command with the element named (`codec.MissingData`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Final

from django.utils import timezone

from hersteld.absence.models import AbsenceCase, CaseKind
from hersteld.exchange import codec, outbox
from hersteld.exchange.models import Coupling, KeyKind
from hersteld.organisations.models import Employer
from hersteld.people.models import Employee, Employment

STREAM_1: Final = ("sick-report", "partial-recovery", "full-recovery", "correction", "withdrawal")
STREAM_2: Final = ("employee", "out-of-service")
KINDS: Final = (*STREAM_1, *STREAM_2)
SAMPLE_REF: Final = "HERSTELD-SAMPLE"


class NoSample(Exception):
    """The employer has nothing to build a sample from (no employee with an employment)."""


def _target(employer: Employer) -> codec.EmployerKey:
    coupling = (
        Coupling.objects.filter(employer=employer).exclude(outbound_url="").order_by("id").first()
        or Coupling.objects.filter(employer=employer).order_by("id").first()
    )
    if coupling is not None:
        return outbox.employer_key(coupling)
    key = codec.EmployerKey(employer_key=f"H-W-{employer.pk}", connection_no="SAMPLE")
    contact = outbox.employer_contact(employer)
    return dataclasses.replace(
        key,
        trade_name=(employer.name or "").strip()[: outbox.MAX_TRADE_NAME] or None,
        payroll_tax_number=(employer.payroll_tax_number or "").strip() or None,
        contacts=() if contact is None else (contact,),
    )


def sample_messages(employer: Employer, now: dt.datetime | None = None) -> dict[str, bytes]:
    """kind -> SIVI body; raises NoSample, or codec.MissingData naming what to complete."""
    now = (now or timezone.now()).astimezone(dt.UTC).replace(microsecond=0)
    case = (
        AbsenceCase.objects.filter(employer=employer, kind=CaseKind.SICKNESS)
        .select_related("created_by")
        .order_by("id")
        .first()
    )
    employment = (
        Employment.objects.filter(pk=case.employment_id)
        if case is not None
        else Employment.objects.filter(employer=employer).order_by("id")
    ).first()
    if employment is None:
        raise NoSample(f"employer {employer.pk} has no employee with an employment")
    builder = outbox.Builder(employer.pk)
    person = builder.employee(Employee.objects.get(pk=employment.employee_id))
    (job,) = builder.employment(employment, ahead=False)
    target = _target(employer)
    bodies: dict[str, bytes] = {}
    for kind, mutation in _course(builder, case, employment, now.date()).items():
        absence_job = dataclasses.replace(job, contacts=builder.employer_contacts())
        bodies[kind] = _write(
            now, kind, "absence", target, codec.Item(person, absence_job, mutation)
        )
    bodies["employee"] = _write(
        now, "employee", "employee", target, *builder.employee_items(employment.employee)
    )
    leaving = dataclasses.replace(
        job, end_date=employment.end_date or max(now.date(), employment.start_date)
    )
    by_key = codec.EmployeeData(
        external_id=person.external_id,
        previous_external_id=person.previous_external_id,
        birth_date=person.birth_date,
        gender=person.gender,
    )
    bodies["out-of-service"] = _write(
        now, "out-of-service", "employment", target, codec.Item(by_key, leaving)
    )
    return bodies


def _course(
    builder: outbox.Builder, case: AbsenceCase | None, employment: Employment, today: dt.date
) -> dict[str, codec.AbsenceMutation]:
    """Five reports of one absence: the case's own first day and cause when there is a case."""
    if case is not None:
        absence_id, previous = builder.key(KeyKind.ABSENCE, case.pk)
        first_day, safety_net = case.first_day, case.safety_net
        cause = outbox.CAUSES.get(case.relatedness, codec.OTHER_CAUSE)
        contacts = builder.case_contacts(case)
    else:
        absence_id, previous = f"H-V-SAMPLE-{employment.pk}", None
        first_day, safety_net, cause = max(today, employment.start_date), False, codec.OTHER_CAUSE
        contacts = builder.employer_contacts()
    base = codec.AbsenceMutation(
        kind="sick_report",
        absence_id=absence_id,
        previous_absence_id=previous,
        sequence=1,
        mutation_date=first_day,
        first_day=first_day,
        percentage=Decimal("100.00"),
        safety_net=safety_net,
        cause=cause,
        contacts=contacts,
    )
    week, fortnight = first_day + dt.timedelta(days=7), first_day + dt.timedelta(days=14)
    return {
        "sick-report": base,
        "partial-recovery": dataclasses.replace(
            base, kind="recovery", sequence=2, mutation_date=week, percentage=Decimal("50.00")
        ),
        "full-recovery": dataclasses.replace(
            base,
            kind="recovery",
            sequence=3,
            mutation_date=fortnight,
            percentage=Decimal("0.00"),
            ends_absence=True,
            recovered_on=fortnight,
        ),
        "correction": dataclasses.replace(base, kind="correction", sequence=4),
        "withdrawal": dataclasses.replace(base, kind="withdrawal", sequence=5, mutation_date=week),
    }


def _write(
    now: dt.datetime,
    kind: str,
    message_type: codec.MessageType,
    target: codec.EmployerKey,
    *items: codec.Item,
) -> bytes:
    message = codec.Message(
        codec.Envelope(
            message_ref=f"{SAMPLE_REF}-{kind}-{now:%Y%m%d%H%M%S}",
            message_type=message_type,
            sent_at=now,
            sender=outbox.SENDER,
            receiver=target.employer_key,
            test=True,
            format="sivi",
        ),
        target,
        items,
    )
    return codec.to_sivi(message)
