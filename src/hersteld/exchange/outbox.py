"""Outbound streams (X5): SIVI stream 1 and 2 to a coupling's target, written with the change.

Every audited write of an employee, employment, absence case or recovery gives a `Change` (feed.py)
and, in the same transaction, `enqueue_for_change`: for every active coupling of that employer
with an outbound target (except the coupling whose inbound message is being applied: never echo
a message back) one `OutboxMessage` with the SIVI body as it is at the time of the change.

- Stream 2 (WerknemerGegevens, "employee"): a change of an employee or an employment carries the
  employee's NAWTE and each of the employee's employments at the employer (current terms, plus
  terms already recorded for a later date, one item each with their own IngdatMut). An employee
  without an employment is not sent: it goes out with its employment's change.
- Stream 1 (Verzuimmeldingen, "absence"): sickness cases only. A new case is a sick report, a
  recovery a (partial) recovery report, a correction of the reported first day, percentage or
  safety net a correction, the withdrawal of a case a withdrawal. The report number
  (VrzmgvlVnrMld) continues from the last message of that case to that coupling. A coupling that
  has had nothing of the case yet (its target was set up during the absence) first gets the sick
  report in the same message; to the coupling that reported the case itself, the numbers continue
  after the last report it sent, and no sick report is sent back.

Keys: the employer's own key (ExternalKey) when the object has one, else "H-E-<pk>" (employee),
"H-D-<pk>" (employment), "H-V-<pk>" (absence). With an employer key the H-key travels as the
previous key (IdWrknmrOud, ...), so a receiver that learnt the H-key before the employer's key
was linked re-keys instead of making a duplicate.

Every body is valid against the official SIVI 2022 schema (codec.to_sivi checks it). A body that
cannot be made valid does not stop the user's write: the message is stored as failed with the
reason, which names each required element Hersteld has no value for (the employer's
loonheffingennummer, a contact person, ...) so that the data can be completed and the message
built again by the next change. The contact persons: the employer's contact for absence
(Employer.contact_*) under Wrkgvr and Dnstvbnd; under Vrzm the casemanager who reported the case
(AbsenceCase.created_by, a casemanager with an e-mail address), else the employer's contact.
Salary is never sent: SIVI has no element for it. Delivery (after commit, and by
the sweep for retries) is an HTTP POST signed with HMAC-SHA256; see docs/exchange-format.md.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import http.client
import ipaddress
import logging
import random
import re
import socket
import ssl
import urllib.parse
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any, Final

from django.conf import settings
from django.db import models, transaction
from django.http import Http404
from django.utils import timezone

from hersteld.absence.models import AbsenceCase, CaseKind, CaseStatus, Recovery, Relatedness
from hersteld.accounts.models import User
from hersteld.accounts.permissions import Role
from hersteld.core.actor import Actor
from hersteld.core.models import AuditAction, AuditEvent
from hersteld.core.selectors import STAFF_ONLY_FIELDS
from hersteld.core.validation import fail
from hersteld.exchange import apply, codec
from hersteld.exchange.apply import allowed_item, coupling_actor
from hersteld.exchange.context import applying_coupling
from hersteld.exchange.models import (
    Change,
    Coupling,
    CouplingStatus,
    ExternalKey,
    KeyKind,
    OutboxMessage,
    OutboxStatus,
)
from hersteld.organisations.models import Employer
from hersteld.people.models import Employee, Employment, EmploymentTerms

logger = logging.getLogger(__name__)

SENDER: Final = "HERSTELD"
REF_PREFIX: Final = "HERSTELD"
HTTP_CONTENT_TYPE: Final = "application/xml; charset=utf-8"
USER_AGENT: Final = "Hersteld-Outbox/1"
TIMEOUT_SECONDS: Final = 10
FIRST_DELAY_SECONDS: Final = 30
MAX_DELAY_SECONDS: Final = 6 * 60 * 60
JITTER: Final = 0.1  # up to 10 % added to each delay
SUSPENDED_DELAY: Final = dt.timedelta(hours=1)
DUE_BATCH: Final = 500
ERROR_SNIPPET: Final = 200
HUNDRED: Final = Decimal("100")
CENT: Final = Decimal("0.01")

KEY_PREFIXES: Final = {
    KeyKind.EMPLOYEE: "H-E-",
    KeyKind.EMPLOYMENT: "H-D-",
    KeyKind.ABSENCE: "H-V-",
}
# The employment's contract type -> SIVI CdBepTd; other kinds of contract have no SIVI code.
CONTRACT_TYPES: Final[dict[str, codec.ContractType]] = {
    model: sivi  # type: ignore[misc]
    for sivi, model in apply.CONTRACT_TYPES.items()
}
# Case fields a SIVI correction carries (DatEerstVrzmdg, PrcVrzm, VngntJN).
CORRECTED_FIELDS: Final = frozenset({"first_day", "sick_percentage", "safety_net"})
STREAM_EMPLOYEE: Final = 2
STREAM_ABSENCE: Final = 1
# The case's relatedness -> SIVI OorzkVrzmCd (cause of the absence); docs/exchange-format.md.
CAUSES: Final[dict[str, str]] = {
    Relatedness.WORK_ACCIDENT: "10",
    Relatedness.TRAFFIC_ACCIDENT: "11",
    Relatedness.OTHER: codec.OTHER_CAUSE,
    Relatedness.NONE: codec.OTHER_CAUSE,
}
MAX_TRADE_NAME: Final = 100  # HndlsnmOrg an..100
_SEQUENCE: Final = re.compile(rb"<(?:\w+:)?VrzmgvlVnrMld>\s*([0-9]{1,3})\s*</")


# --- building the messages ----------------------------------------------------------------


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _cent(value: Decimal | float | int) -> Decimal:
    return Decimal(value).quantize(CENT)


def _now() -> dt.datetime:
    return timezone.now().astimezone(dt.UTC).replace(microsecond=0)


@dataclass(frozen=True)
class _Draft:
    stream: int
    message_type: codec.MessageType
    ref: str
    items: tuple[codec.Item, ...]


class Builder:
    """The data of one change, read once and shared by every target coupling."""

    def __init__(self, employer_id: int) -> None:
        self.employer_id = employer_id
        self._keys: dict[tuple[str, int], ExternalKey | None] = {}
        self._employees: dict[int, codec.EmployeeData] = {}
        self._employments: dict[int, list[codec.EmploymentData]] = {}
        self._employer: Employer | None = None

    # keys

    def key_row(self, kind: str, object_id: int) -> ExternalKey | None:
        if (kind, object_id) not in self._keys:
            self._keys[kind, object_id] = (
                ExternalKey.objects.filter(
                    employer_id=self.employer_id, kind=kind, object_id=object_id
                )
                .order_by("id")
                .first()
            )
        return self._keys[kind, object_id]

    def key(self, kind: str, object_id: int) -> tuple[str, str | None]:
        """(key, previous key): the employer's key with our own as the previous one, or ours."""
        own = f"{KEY_PREFIXES[KeyKind(kind)]}{object_id}"
        row = self.key_row(kind, object_id)
        if row is None or row.key == own:
            return own, None
        return row.key, own

    # the employee (NAWTE)

    def employee(self, employee: Employee) -> codec.EmployeeData:
        if employee.pk not in self._employees:
            external_id, previous = self.key(KeyKind.EMPLOYEE, employee.pk)
            self._employees[employee.pk] = codec.EmployeeData(
                external_id=external_id,
                previous_external_id=previous,
                bsn=_text(employee.bsn),
                birth_date=employee.birth_date,
                surname=_text(employee.surname),
                surname_prefix=_text(employee.surname_prefix),
                initials=_text(employee.initials),
                first_name=_text(employee.first_name),
                gender=codec.GENDERS.get(employee.gender, "O"),
                address=_address(employee),
                phone=_text(employee.phone),
                email=_text(employee.email),
                name_use=employee.name_use or codec.OWN_NAME,
            )
        return self._employees[employee.pk]

    # the employment: current terms first, then terms recorded for a later date

    def employment(self, employment: Employment, *, ahead: bool) -> list[codec.EmploymentData]:
        if employment.pk not in self._employments:
            terms = list(
                EmploymentTerms.objects.filter(employment=employment)
                .select_related("department")
                .order_by("valid_from")
            )
            today = timezone.localdate()
            in_force = [row for row in terms if row.valid_from <= today] or terms[:1]
            current = in_force[-1] if in_force else None
            later = [
                row for row in terms if current is not None and row.valid_from > current.valid_from
            ]
            self._employments[employment.pk] = [
                self._employment_data(employment, current),
                *(self._employment_data(employment, row) for row in later),
            ]
        found = self._employments[employment.pk]
        return found if ahead else found[:1]

    def _employment_data(
        self, employment: Employment, terms: EmploymentTerms | None
    ) -> codec.EmploymentData:
        external_id, previous = self.key(KeyKind.EMPLOYMENT, employment.pk)
        department = terms.department if terms is not None else employment.department
        function_name = terms.function_name if terms is not None else employment.function_name
        hours = terms.hours_per_week if terms is not None else employment.hours_per_week
        name = _text(department.name)
        return codec.EmploymentData(
            external_id=external_id,
            previous_external_id=previous,
            personnel_number=_text(employment.personnel_number),
            start_date=employment.start_date,
            end_date=employment.end_date,
            department_code=department.code.strip(),
            # The name is information only (the code is the key): left out when SIVI's 70 is short.
            department_name=name if name is not None and len(name) <= 70 else None,
            function_name=_text(function_name),
            hours_per_week=_cent(hours) if hours is not None else None,
            valid_from=terms.valid_from if terms is not None else employment.start_date,
            contract_type=CONTRACT_TYPES.get(employment.contract_type),
        )

    # contact persons

    @property
    def employer(self) -> Employer:
        if self._employer is None:
            self._employer = Employer.objects.get(pk=self.employer_id)
        return self._employer

    def employer_contacts(self) -> tuple[codec.ContactPerson, ...]:
        contact = employer_contact(self.employer)
        return () if contact is None else (contact,)

    def case_contacts(self, case: AbsenceCase) -> tuple[codec.ContactPerson, ...]:
        contact = case_contact(case, self.employer)
        return () if contact is None else (contact,)

    # stream 2

    def employee_items(self, employee: Employee) -> tuple[codec.Item, ...]:
        person = self.employee(employee)
        employments = Employment.objects.filter(
            employee_id=employee.pk, employer_id=employee.employer_id
        ).order_by("start_date", "id")
        return tuple(
            codec.Item(person, data, None)
            for employment in employments.select_related("department")
            for data in self.employment(employment, ahead=True)
        )


def _address(employee: Employee) -> codec.Address | None:
    """The home address in canonical form; None when it lacks what SIVI requires."""
    city = _text(employee.city)
    if employee.house_number is None or city is None:
        return None
    country = (_text(employee.country) or "NL").upper()
    if country == "NL":
        compact = re.sub(r"\s", "", employee.postcode or "").upper()
        if not compact:
            return None
        return codec.Address(
            street=_text(employee.street),
            house_number=str(employee.house_number),
            addition=_text(employee.house_number_addition),
            postcode=f"{compact[:4]} {compact[4:]}",
            city=city,
            country="NL",
        )
    number = f"{employee.house_number} {employee.house_number_addition or ''}".strip()
    return codec.Address(
        street=_text(employee.street),
        house_number=number,
        postcode=_text(employee.postcode),
        city=city,
        country=country,
    )


def employer_contact(employer: Employer) -> codec.ContactPerson | None:
    """The employer's contact for absence; None without a name or a phone number or e-mail."""
    name = _text(employer.contact_name)
    phone, email = _text(employer.contact_phone), _text(employer.contact_email)
    if name is None or (phone is None and email is None):
        return None
    return codec.ContactPerson(
        surname=name[:200], role=codec.EMPLOYER_CONTACT_ROLE, phone=phone, email=email
    )


def _no_digits(value: str | None, limit: int) -> str | None:
    value = _text(value)
    if value is None or len(value) > limit or any(ch.isdigit() for ch in value):
        return None
    return value


def case_contact(case: AbsenceCase, employer: Employer) -> codec.ContactPerson | None:
    """The case's contact: the casemanager who reported it, else the employer's contact."""
    user: User | None = case.created_by
    if user is not None and user.role == Role.CASEMANAGER and _text(user.email):
        return codec.ContactPerson(
            surname=(_text(user.last_name) or _text(user.get_full_name()) or user.username)[:200],
            first_name=_no_digits(user.first_name, 35),
            role=codec.CASEMANAGER_ROLE,
            email=_text(user.email),
        )
    return employer_contact(employer)


def _case_mutation(change: Change, case: AbsenceCase) -> codec.MutationKind | None:
    """What a change of a case means in stream 1 (None: nothing the stream carries)."""
    if change.action == "create":
        return "sick_report"
    if change.action != "update":
        return None
    changed = set(change.fields or [])
    if "status" in changed and case.status == CaseStatus.WITHDRAWN:
        return "withdrawal"
    if "kind" in changed:  # a preventive case became a sickness case
        return "sick_report"
    if changed & CORRECTED_FIELDS:
        return "correction"
    return None  # closed by a full recovery (sent with the recovery), chain links, ...


def _sent_sequence(coupling: Coupling, case: AbsenceCase) -> int | None:
    """The last report number of this case sent (built) to this coupling; None if none."""
    bodies = (
        OutboxMessage.objects.filter(
            coupling=coupling,
            stream=STREAM_ABSENCE,
            message_ref__startswith=_absence_ref_prefix(coupling, case),
        )
        .order_by("-id")
        .values_list("body", flat=True)
    )
    for body in bodies.iterator():
        # The numbers are read from the text, not by parsing: a body written before a format
        # change (or refused by it) still tells which numbers were used.
        numbers = [int(n) for n in _SEQUENCE.findall(bytes(body))]
        if numbers:
            return max(numbers)
    return None


def _reported_by(coupling: Coupling, case: AbsenceCase) -> bool:
    """Whether this coupling's own inbound message created the case."""
    creator = (
        AuditEvent.objects.filter(
            object_type=AbsenceCase._meta.label_lower, object_id=str(case.pk), action="create"
        )
        .order_by("id")
        .values_list("actor_name", flat=True)
        .first()
    )
    return creator is not None and creator == coupling_actor(coupling).get_username()


def _absence_ref_prefix(coupling: Coupling, case: AbsenceCase) -> str:
    return f"{REF_PREFIX}-{coupling.pk}-V{case.pk}-"


def _mutation(
    builder: Builder,
    kind: codec.MutationKind,
    case: AbsenceCase,
    sequence: int,
    recovery: Recovery | None = None,
    removed: bool = False,
) -> codec.AbsenceMutation:
    absence_id, previous = builder.key(KeyKind.ABSENCE, case.pk)
    values: dict[str, Any] = {
        "kind": kind,
        "absence_id": absence_id,
        "previous_absence_id": previous,
        "sequence": sequence,
        "first_day": case.first_day,
        "safety_net": case.safety_net,
        "cause": CAUSES.get(case.relatedness, codec.OTHER_CAUSE),
        "contacts": builder.case_contacts(case),
    }
    if kind == "recovery":
        assert recovery is not None
        values["mutation_date"] = recovery.date
        if removed:  # the percentage that applies again from the removed report's date
            values["percentage"] = _cent(case.current_sick_percentage)
        elif recovery.is_full:
            values.update(percentage=_cent(0), ends_absence=True, recovered_on=recovery.date)
        elif recovery.therapeutic:  # works on a therapeutic basis: still as sick as before
            values.update(
                percentage=_cent(case.current_sick_percentage),
                therapeutic_percentage=_cent(recovery.percentage),
            )
        else:
            values["percentage"] = _cent(HUNDRED - recovery.percentage)
    elif kind == "withdrawal":
        values.update(
            mutation_date=max(timezone.localdate(), case.first_day),
            percentage=_cent(case.current_sick_percentage),
        )
    else:  # the sick report, or its correction: as reported (from the first day on)
        values.update(mutation_date=case.first_day, percentage=_cent(case.sick_percentage))
    return codec.AbsenceMutation(**values)


def _absence_draft(
    builder: Builder, coupling: Coupling, change: Change, obj: models.Model
) -> _Draft | None:
    if not coupling.absence_reports:
        return None
    recovery: Recovery | None = None
    if isinstance(obj, Recovery):
        if change.action not in ("create", "update", "delete"):
            return None
        # A corrected recovery goes out as a new recovery report with the corrected values,
        # a removed one as a report of the percentage that applies again from its date.
        recovery, case = obj, obj.case
        kind: codec.MutationKind | None = "recovery"
    elif isinstance(obj, AbsenceCase):
        case = obj
        kind = _case_mutation(change, case)
    else:
        return None
    if kind is None or case.kind != CaseKind.SICKNESS:
        return None
    sent = _sent_sequence(coupling, case)
    key = builder.key_row(KeyKind.ABSENCE, case.pk)
    origin = key is not None and _reported_by(coupling, case)
    number = max(sent or 0, (key.sequence or 0) if origin and key is not None else 0)
    kinds: list[codec.MutationKind] = []
    if sent is None and not origin:
        if kind == "withdrawal":
            return None  # the target never heard of it
        kinds.append("sick_report")  # the sick report itself, or the catch-up before the rest
        if kind == "recovery":
            kinds.append(kind)
    elif kind != "sick_report":
        kinds.append(kind)
    if not kinds:
        return None
    employment = Employment.objects.select_related("department").get(pk=case.employment_id)
    employee = Employee.objects.get(pk=case.employee_id)
    person = builder.employee(employee)
    (job,) = builder.employment(employment, ahead=False)
    job = dataclasses.replace(job, contacts=builder.employer_contacts())
    items = []
    for offset, each in enumerate(kinds, 1):
        removed = change.action == "delete" and each == "recovery"
        mutation = _mutation(builder, each, case, number + offset, recovery, removed)
        items.append(codec.Item(person, job, mutation))
    return _Draft(
        stream=STREAM_ABSENCE,
        message_type="absence",
        ref=f"{_absence_ref_prefix(coupling, case)}{change.seq}",
        items=tuple(items),
    )


def _employee_draft(
    builder: Builder, coupling: Coupling, change: Change, obj: models.Model
) -> _Draft | None:
    if isinstance(obj, Employee):
        employee = obj
    elif isinstance(obj, Employment):
        employee = Employee.objects.get(pk=obj.employee_id)
    else:
        return None
    if employee.sealed:
        return None  # a Datakluis person goes out when he is revealed, never his placeholders
    if not coupling.all_employments and not AbsenceCase.objects.filter(employee=employee).exists():
        return None  # only employees with an absence dossier
    items = builder.employee_items(employee)
    if not items:
        return None  # a new employee goes out with its employment's change
    return _Draft(
        stream=STREAM_EMPLOYEE,
        message_type="employee",
        ref=f"{REF_PREFIX}-{coupling.pk}-{change.seq}",
        items=items,
    )


def targets(employer_id: int) -> list[Coupling]:
    """The couplings of an employer that send: active, with an outbound target."""
    return list(
        Coupling.objects.filter(employer_id=employer_id, status=CouplingStatus.ACTIVE)
        .exclude(outbound_url="")
        .order_by("id")
    )


def employer_key(coupling: Coupling) -> codec.EmployerKey:
    """The Wrkgvr block: the target's keys, the employer's name and loonheffingennummer."""
    employer = coupling.employer
    contact = employer_contact(employer)
    return codec.EmployerKey(
        employer_key=coupling.outbound_employer_key or coupling.employer_key,
        connection_no=coupling.outbound_connection_no or coupling.connection_no,
        # The name is information (the keys identify): cut to SIVI's 100 characters.
        trade_name=(_text(employer.name) or "")[:MAX_TRADE_NAME].strip() or None,
        payroll_tax_number=_text(employer.payroll_tax_number),
        contacts=() if contact is None else (contact,),
    )


# What the outbound streams never carry: an anonymised person (retention, or erasure on
# request) must not overwrite the employer's own records with neutral values; the change feed
# tells the coupled systems instead (docs/exchange.md).
NOT_SENT = frozenset({AuditAction.ANONYMISE, AuditAction.DELETE})


def enqueue_for_change(change: Change, obj: models.Model) -> None:
    """Write the outbound messages of one change, in the change's transaction."""
    if change.object_type not in ("employee", "employment", "case", "recovery"):
        return
    if change.object_type in ("employee", "employment") and change.action in NOT_SENT:
        return
    if change.fields and set(change.fields) <= STAFF_ONLY_FIELDS:
        return  # a legal hold set or lifted: not the employer's business, nothing changed for him
    echo = applying_coupling()
    couplings = [c for c in targets(change.employer_id) if c.pk != echo]
    if not couplings:
        return
    builder = Builder(change.employer_id)
    build = _employee_draft if change.object_type in ("employee", "employment") else _absence_draft
    for coupling in couplings:
        draft = build(builder, coupling, change, obj)
        if draft is not None:
            _store(coupling, draft)


def _store(coupling: Coupling, draft: _Draft) -> OutboxMessage:
    now = _now()
    target = employer_key(coupling)
    message = codec.Message(
        codec.Envelope(
            message_ref=draft.ref,
            message_type=draft.message_type,
            sent_at=now,
            sender=SENDER,
            receiver=target.employer_key,
            test=False,
            format="sivi",
        ),
        target,
        tuple(allowed_item(coupling, item) for item in draft.items),
    )
    try:
        body, status, error = codec.to_sivi(message), OutboxStatus.PENDING, ""
    except codec.MissingData as exc:  # the casemanager completes the data; the write stays
        body, status = b"", OutboxStatus.FAILED
        error = f"not sent, data missing: {exc}"[:500]
        logger.warning("outbox %s: %s", draft.ref, error)
    except ValueError as exc:  # the format cannot carry a value: keep the write, report it
        body, status = b"", OutboxStatus.FAILED
        error = f"not sent, SIVI cannot carry the data: {exc}"[:500]
        logger.warning("outbox %s: %s", draft.ref, error)
    row = OutboxMessage.objects.create(
        coupling=coupling,
        stream=draft.stream,
        message_ref=draft.ref,
        content_type=codec.SIVI_CONTENT_TYPE,
        body=body,
        status=status,
        next_attempt_at=now,
        last_error=error,
    )
    if status == OutboxStatus.PENDING:
        schedule(row.pk)
    return row


def schedule(message_id: int) -> None:
    """Deliver after commit (a Celery task; in-process when there is no broker)."""
    transaction.on_commit(partial(_start_delivery, message_id), robust=True)


def _start_delivery(message_id: int) -> None:
    from hersteld.exchange.tasks import deliver_outbox

    deliver_outbox.delay(message_id)


# --- delivery -----------------------------------------------------------------------------


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=` + hex HMAC-SHA256 over "<timestamp>." + body, keyed with the coupling secret."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next try after `attempts` failed ones: 30 s, 60 s, ... at most 6 h."""
    base = min(FIRST_DELAY_SECONDS * 2 ** max(attempts - 1, 0), MAX_DELAY_SECONDS)
    jitter = random.uniform(0, base * JITTER)  # noqa: S311 (spreads retries, not a secret)
    return dt.timedelta(seconds=min(base + jitter, MAX_DELAY_SECONDS))


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to the address that was checked; the Host header keeps the target's name.

    http.client resolves nothing itself here, so a name that resolves to a public address at
    the check and to 127.0.0.1 a moment later (DNS rebinding) still reaches the checked address.
    http.client never follows a redirect: a 3xx is an answer other than 2xx, not re-sent.
    """

    def __init__(self, host: str, port: int | None, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to the checked address; SNI and the certificate check use the target's name."""

    def __init__(
        self,
        host: str,
        port: int | None,
        *,
        address: str,
        timeout: float,
        context: ssl.SSLContext,
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self.address = address
        self.tls = context

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(raw, server_hostname=self.host)


def _connection(url: str, address: str) -> http.client.HTTPConnection:
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    # The port is always given: http.client would otherwise read the end of an IPv6 host as one.
    if parts.scheme == "https":
        return _PinnedHTTPSConnection(
            host,
            parts.port or 443,
            address=address,
            timeout=TIMEOUT_SECONDS,
            context=ssl.create_default_context(),
        )
    return _PinnedHTTPConnection(host, parts.port or 80, address=address, timeout=TIMEOUT_SECONDS)


def _clean_snippet(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace")
    return re.sub(r"\s+", " ", re.sub(r"[\x00-\x1f\x7f]", " ", text)).strip()[:ERROR_SNIPPET]


def _post(
    url: str, addresses: list[str], body: bytes, headers: dict[str, str]
) -> tuple[int | None, str]:
    """(HTTP status or None, error text); never raises, never quotes the body we sent.

    Connects only to `addresses` (the ones resolved and checked once, in order; the next one
    when a connection cannot be made), never to a fresh lookup of the host name.
    """
    parts = urllib.parse.urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    error = "network error: no address to connect to"
    for address in addresses:
        connection = _connection(url, address)
        try:
            try:
                connection.connect()
            except OSError as exc:
                error = f"network error: {address}: {exc}"[:ERROR_SNIPPET]
                continue
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            if 200 <= response.status < 300:
                response.read(64 * 1024)
                return int(response.status), ""
            try:
                snippet = _clean_snippet(response.read(4 * ERROR_SNIPPET))
            except (OSError, http.client.HTTPException):
                snippet = ""
            return response.status, f"HTTP {response.status}: {snippet}".strip().rstrip(":")
        except Exception as exc:  # timeouts, resets, TLS, malformed answers: a failed attempt
            return None, f"network error: {type(exc).__name__}: {exc}"[:ERROR_SNIPPET]
        finally:
            connection.close()
    return None, error


def _headers(message: OutboxMessage, body: bytes, now: dt.datetime) -> dict[str, str]:
    timestamp = str(int(now.timestamp()))
    return {
        "Content-Type": HTTP_CONTENT_TYPE,
        "User-Agent": USER_AGENT,
        "X-Hersteld-Message-Id": message.message_ref,
        "X-Hersteld-Timestamp": timestamp,
        "X-Hersteld-Signature": signature(message.coupling.outbound_secret, timestamp, body),
    }


def resolve_target(url: str) -> tuple[list[str], str | None]:
    """The addresses to connect to for `url`, resolved once, or why it may not be reached.

    Unless OUTBOUND_PRIVATE_ADDRESSES is on (demo, development, a closed network), every address
    the host name resolves to must be public: no loopback, private, link-local or reserved
    address, so a coupling's target cannot be used to reach the installation's own network.
    Delivery connects to exactly these addresses (no second lookup: DNS rebinding).
    """
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    try:
        infos = socket.getaddrinfo(host, parts.port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):
        return [], f"the target host {host!r} cannot be resolved"
    addresses: list[str] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not settings.OUTBOUND_PRIVATE_ADDRESSES and not address.is_global:
            return [], f"the target {host!r} resolves to a non-public address ({address}); refused"
        if str(address) not in addresses:
            addresses.append(str(address))
    if not addresses:
        return [], f"the target host {host!r} cannot be resolved"
    return addresses, None


def _attempt(message: OutboxMessage, now: dt.datetime) -> bool:
    """One try; updates the row (not saved). True when the target answered 2xx."""
    coupling = message.coupling
    url = coupling.outbound_url
    body = bytes(message.body)
    error = ""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        error = "the coupling has no http(s) outbound target"
    elif not coupling.outbound_secret:
        error = "the coupling has no outbound secret (configure the coupling again)"
    elif not body:
        error = message.last_error or "the message has no body"
    elif (resolved := resolve_target(url))[1] is not None:
        error = resolved[1]
    else:
        status, error = _post(url, resolved[0], body, _headers(message, body, now))
        if status is not None and 200 <= status < 300:
            message.status = OutboxStatus.DELIVERED
            message.delivered_at = now
            message.last_error = ""
            message.attempts += 1
            return True
    message.attempts += 1
    message.last_error = error[:500]
    if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        message.status = OutboxStatus.FAILED
    else:
        message.next_attempt_at = now + backoff(message.attempts)
    return False


def _deliver(message_id: int, now: dt.datetime) -> bool | None:
    """One due pending message: True delivered, False a failed try, None not tried."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("coupling")
            .filter(pk=message_id, status=OutboxStatus.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if message is None:
            return None  # delivered, not due, or claimed by another worker
        if message.coupling.status != CouplingStatus.ACTIVE:
            # Suspended: wait without using up attempts; the operator may activate it again.
            message.next_attempt_at = now + SUSPENDED_DELAY
            message.last_error = "the coupling is not active; waiting"
            message.save(update_fields=["next_attempt_at", "last_error"])
            return None
        delivered = _attempt(message, now)
        message.save(
            update_fields=["status", "attempts", "next_attempt_at", "last_error", "delivered_at"]
        )
    if not delivered:
        logger.info("outbox %s not delivered: %s", message.message_ref, message.last_error)
    return delivered


def deliver(message_id: int, now: dt.datetime | None = None) -> bool:
    """Send one pending message when it is due (claimed under a row lock, skip_locked)."""
    return bool(_deliver(message_id, now or timezone.now()))


def deliver_due(now: dt.datetime | None = None) -> int:
    """Send every pending message that is due, oldest first; returns how many were delivered.

    After a failed try the rest of that coupling waits for the next run: a target that is down
    costs one timeout per run, not one per message, and the order is kept where it can be.
    """
    now = now or timezone.now()
    due = (
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        .order_by("created_at", "id")
        .values_list("pk", "coupling_id")[:DUE_BATCH]
    )
    delivered = 0
    blocked: set[int] = set()
    for message_id, coupling_id in list(due):
        if coupling_id in blocked:
            continue
        outcome = _deliver(message_id, now)
        if outcome:
            delivered += 1
        elif outcome is False:
            blocked.add(coupling_id)
    return delivered


@transaction.atomic
def retry_outbox(actor: Actor, message_id: int) -> OutboxMessage:
    """Send a failed message again (after the target was fixed): pending, with fresh attempts."""
    found = (
        OutboxMessage.objects.restrict(actor, "exchange.view_error_log")
        .select_for_update(of=("self",))
        .filter(pk=message_id)
        .first()
    )
    if found is None:
        raise Http404
    if found.status != OutboxStatus.FAILED:
        raise fail("__all__", "message_not_failed")
    if not bytes(found.body):
        raise fail("__all__", "outbox_not_built")
    found.status = OutboxStatus.PENDING
    found.attempts = 0
    found.next_attempt_at = timezone.now()
    found.save(update_fields=["status", "attempts", "next_attempt_at"])
    schedule(found.pk)
    return found
