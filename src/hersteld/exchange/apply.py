"""Apply one parsed inbound message to the database (X2-X4), through the normal services.

The coupling acts as an employer-side user scoped to its employer, so every rule of the portal
applies (no expected recovery date, no safety-net category, the medical-term guard on notes).
The caller runs this inside one transaction: a rule violation, a hold or a review raises, and
nothing of the message remains.

Rules of docs/exchange.md implemented here:
- matching by coupling key (ExternalKey per employer: IdWrknmr, IdDnstvbnd, VrzmgvlId); a key
  correction (`*Oud`) re-keys; an employment without a key matches on personnel number; a BSN
  only where the coupling allows it; a probable match to a person entered by hand (same birth
  date, surname and initials) becomes a merge proposal, never a duplicate;
- BSN and salary the coupling does not allow are dropped before anything is stored;
- effective dating: person data of a message sent before the newest applied one is not applied
  (the message stays in the inbox as history); employment terms are written at their own date,
  so an older change lands in the terms history and the current terms stay;
- absence reports in report-number order: an old number is ignored as already applied, a gap
  holds the message until the missing report arrives (or a casemanager decides);
- corrections and withdrawals per the coupling's policy: a review task, or applied at once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hersteld.absence import services as absence_services
from hersteld.absence.models import AbsenceCase, CaseKind, CaseStatus, Relatedness
from hersteld.core.actor import Actor, SystemActor
from hersteld.core.restrict import Scope
from hersteld.core.validation import fail
from hersteld.core.validation import message as message_text
from hersteld.exchange import codec
from hersteld.exchange.models import (
    CorrectionPolicy,
    Coupling,
    ExternalKey,
    KeyKind,
    ReviewKind,
    ReviewTask,
)
from hersteld.organisations.models import Department
from hersteld.people import services as people_services
from hersteld.people import vault
from hersteld.people.models import ContractType, Employee, Employment, MaritalStatus

# What a coupling may do: the rights of an employer user on its own employer.
COUPLING_ACTIONS = frozenset(
    {"organisations.view", "people.view", "people.change", "absence.view", "absence.change"}
)
HUNDRED = Decimal("100")
EXCHANGE_EMPLOYEE_REQUIRED = ("initials", "surname", "birth_date", "gender")
EXCHANGE_EMPLOYMENT_REQUIRED = ("department", "personnel_number", "start_date", "hours_per_week")
# SIVI CdBepTd (as the codec names it) -> the employment's contract type; one place for all
# of the exchange (inbox, import, outbox reads it the other way round).
CONTRACT_TYPES: dict[str, str] = {
    "fixed": ContractType.FIXED_TERM.value,
    "permanent": ContractType.PERMANENT.value,
}


def coupling_actor(coupling: Coupling) -> SystemActor:
    """A coupling acts on its employer with an employer user's rights; audited by its name."""
    return SystemActor(
        name=f"koppeling:{coupling.source_system}"[:150],
        full_name=_("Coupling %(source)s") % {"source": coupling.source_system},
        scope=Scope(coupling.employer.arbodienst_id, employer_id=coupling.employer_id),
        actions=COUPLING_ACTIONS,
        # Couplings key the people of their employer, sealed Datakluis persons included.
        sees_sealed=True,
    )


class Hold(Exception):
    """An earlier report of this absence is missing: keep the message until it arrives."""

    def __init__(self, absence_id: str, detail: str) -> None:
        super().__init__(detail)
        self.absence_id = absence_id


class NeedsDecision(Exception):
    """A person in the message probably is someone entered by hand: ask before linking."""

    def __init__(self, review: dict[str, Any]) -> None:
        super().__init__(review.get("external_key", ""))
        self.review = review


class ItemFailed(Exception):
    """A rule of the domain refused one item; `errors` name path, rule and sentence."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__(errors[0]["message"] if errors else "")
        self.errors = errors


@dataclass
class Outcome:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    reviews: list[int] = field(default_factory=list)
    absence_ids: set[str] = field(default_factory=set)

    def count(self, bucket: dict[str, int], kind: str) -> None:
        bucket[kind] = bucket.get(kind, 0) + 1

    def as_json(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "reviews": self.reviews,
            "absences": sorted(self.absence_ids),
        }


@dataclass
class Options:
    """Decisions taken on review tasks that let a held or paused message go through."""

    merge_into: dict[str, int] = field(default_factory=dict)  # IdWrknmr -> Employee id
    no_merge: set[str] = field(default_factory=set)  # IdWrknmr: create a new person
    ignore_gap: bool = False


# SIVI OorzkVrzmCd -> the case's relatedness (docs/exchange-format.md).
RELATEDNESS = {"10": Relatedness.WORK_ACCIDENT, "11": Relatedness.TRAFFIC_ACCIDENT}

# --- where an error sits in the message -----------------------------------------------------

SIVI_FIELDS = {
    "employee": {
        "initials": "Voorl",
        "surname": "SignNm",
        "surname_prefix": "Voorv",
        "first_name": "Roepnaam",
        "birth_date": "Gebdat",
        "gender": "GslchtCd",
        "bsn": "SofiNr",
        "postcode": "StrAdrNl/Pc",
        "house_number": "StrAdrNl/Huisnr",
        "city": "StrAdrNl/Wnpl",
        "phone": "Com/NrCom",
        "email": "Com/NrCom",
        "name_use": "NmvrkrCd",
        "external_id": "IdWrknmr",
    },
    "employment": {
        "department": "OrgeenhCd",
        "personnel_number": "PersNr",
        "start_date": "Ingdat",
        "end_date": "Enddat",
        "hours_per_week": "AantCtrcturenPWk",
        "function_name": "NmFnct",
        "valid_from": "IngdatMut",
        "external_id": "IdDnstvbnd",
    },
    "absence": {
        "first_day": "DatEerstVrzmdg",
        "date": "DatHrstld",
        "percentage": "PrcVrzm",
        "sick_percentage": "PrcVrzm",
        "note": "VrTkst",
        "absence_id": "VrzmgvlId",
        "sequence": "VrzmgvlVnrMld",
        "kind": "VrwrkCd",
        "relatedness": "OorzkVrzmCd",
    },
}
JSON_FIELDS = {
    "employee": {"postcode": "address/postcode", "house_number": "address/house_number"},
    "employment": {"department": "department_code"},
    "absence": {
        "date": "recovered_on",
        "sick_percentage": "percentage",
        "reason": "kind",
    },
}


def _sivi_positions(message: codec.Message) -> list[tuple[int, int, int, int]]:
    """(Wrkgvr, Wrknmr, Dnstvbnd, Vrzm) numbers of each item, as the writer groups them."""
    out: list[tuple[int, int, int, int]] = []
    block = employee_no = employment_no = absence_no = 0
    previous: codec.Item | None = None
    for item in message.items:
        if previous is None or item.employer != previous.employer:
            block, employee_no, previous = block + 1, 0, None
        new_employee = previous is None or item.employee != previous.employee
        if new_employee:
            employee_no, employment_no = employee_no + 1, 0
        if new_employee or item.absence is None or item.employment != previous.employment:  # type: ignore[union-attr]
            employment_no, absence_no = employment_no + 1, 0
        absence_no += 1
        out.append((block, employee_no, employment_no, absence_no))
        previous = item
    return out


def error_path(message: codec.Message, index: int, part: str, name: str) -> str:
    """The path of field `name` of `part` (employee/employment/absence) in item `index`."""
    if message.envelope.format == "json":
        mapped = JSON_FIELDS.get(part, {}).get(name, name)
        return f"/items/{index}/{part}" + (f"/{mapped}" if name and name != "__all__" else "")
    root = codec.SIVI_MESSAGE_TYPES[message.envelope.message_type].root
    block, employee_no, employment_no, absence_no = _sivi_positions(message)[index]
    path = f"/{root}/Wrkgvr[{block}]/Wrknmr[{employee_no}]"
    if part in ("employment", "absence"):
        path += f"/Dnstvbnd[{employment_no}]"
    if part == "absence":
        path += f"/Vrzm[{absence_no}]"
    element = SIVI_FIELDS.get(part, {}).get(name)
    return f"{path}/{element}" if element else path


def _errors(
    exc: ValidationError, message: codec.Message, index: int, part: str
) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    items = exc.error_dict.items() if hasattr(exc, "error_dict") else [("__all__", exc.error_list)]
    for name, errors in items:
        for error in errors:
            out.append(
                {
                    "path": error_path(message, index, part, name),
                    "rule": error.code or "invalid",
                    "message": " ".join(str(text) for text in error.messages),
                }
            )
    return out


# --- applying ---------------------------------------------------------------------------


def allowed_item(coupling: Coupling, item: codec.Item) -> codec.Item:
    """The item without the BSN and salary the coupling does not allow (dropped before storage)."""
    employee, employment = item.employee, item.employment
    if not coupling.bsn and employee.bsn is not None:
        employee = dataclasses.replace(employee, bsn=None)
    if not coupling.salary and employment.annual_salary is not None:
        employment = dataclasses.replace(employment, annual_salary=None)
    return codec.Item(employee, employment, item.absence)


class Applier:
    """Applies the items of one message for one coupling, in order."""

    def __init__(
        self, coupling: Coupling, message: codec.Message, message_id: int, options: Options
    ) -> None:
        self.coupling = coupling
        self.message = message
        self.message_id = message_id
        self.options = options
        self.actor = coupling_actor(coupling)
        self.employer_id = coupling.employer_id
        self.sent_at = message.envelope.sent_at
        self.outcome = Outcome()

    def run(self) -> Outcome:
        self._check_employer()
        if self.coupling.vault and not vault.configured():
            raise ItemFailed(
                [
                    {
                        "path": "/",
                        "rule": "vault_key_missing",
                        "message": str(message_text("vault_key_missing")),
                    }
                ]
            )
        for index, item in enumerate(self.message.items):
            self._item(index, self._allowed(item))
        return self.outcome

    def _check_employer(self) -> None:
        """Every Wrkgvr block must be the coupling's employer (a message may hold several)."""
        self._check_block(self.message.employer, 1)
        block, current = 1, None
        for item in self.message.items:
            if item.employer != current:  # the writer starts a new Wrkgvr block here
                block, current = block + 1, item.employer
                if current is not None:
                    self._check_block(current, block)

    def _check_block(self, employer: codec.EmployerKey, block: int) -> None:
        expected = (self.coupling.employer_key, self.coupling.connection_no)
        if (employer.employer_key, employer.connection_no) != expected and not (
            not self.coupling.connection_no and employer.employer_key == expected[0]
        ):
            raise ItemFailed(
                [
                    {
                        "path": self._employer_path(block),
                        "rule": "employer_mismatch",
                        "message": _(
                            "The message names employer %(key)s / %(no)s; this coupling is for "
                            "%(expected_key)s / %(expected_no)s."
                        )
                        % {
                            "key": employer.employer_key,
                            "no": employer.connection_no,
                            "expected_key": expected[0],
                            "expected_no": expected[1] or "-",
                        },
                    }
                ]
            )

    def _employer_path(self, block: int = 1) -> str:
        if self.message.envelope.format == "json":
            return "/employer/employer_key"
        root = codec.SIVI_MESSAGE_TYPES[self.message.envelope.message_type].root
        return f"/{root}/Wrkgvr[{block}]/IdWrkgvrArbdnst"

    def _allowed(self, item: codec.Item) -> codec.Item:
        """Drop what the coupling does not allow (BSN, salary, absence reports) before use."""
        item = allowed_item(self.coupling, item)
        if not self.coupling.absence_reports and item.absence is not None:
            self.outcome.skipped.append(
                f"absence {item.absence.absence_id}: absence reports are off"
            )
            item = codec.Item(item.employee, item.employment, None)
        return item

    def _item(self, index: int, item: codec.Item) -> None:
        part = "employee"
        try:
            if not self._wanted(item):
                self.outcome.skipped.append(
                    f"employment {item.employment.external_id}: no absence dossier"
                )
                return
            employee = self._employee(index, item.employee)
            part = "employment"
            employment = self._employment(item, employee)
            if item.absence is not None:
                part = "absence"
                self._absence(item.absence, employment)
        except ValidationError as exc:
            raise ItemFailed(_errors(exc, self.message, index, part)) from exc

    # --- selection -----------------------------------------------------------------------

    def _key(self, kind: str, key: str | None) -> ExternalKey | None:
        if not key:
            return None
        return (
            ExternalKey.objects.select_for_update()
            .filter(employer_id=self.employer_id, kind=kind, key=key)
            .first()
        )

    def _rekeyed(self, kind: str, key: str, previous: str | None) -> ExternalKey | None:
        """The key row of `key`, or of the previous key (a key correction), renamed to `key`."""
        found = self._key(kind, key)
        if found is None and previous:
            found = self._key(kind, previous)
            if found is not None:
                found.key = key
                found.save(update_fields=["key"])
        return found

    def _link(self, kind: str, key: str, object_id: int, **extra: Any) -> ExternalKey:
        return ExternalKey.objects.create(
            employer_id=self.employer_id, kind=kind, key=key, object_id=object_id, **extra
        )

    def _wanted(self, item: codec.Item) -> bool:
        """With "only employments with an absence dossier", others are skipped (stream 2)."""
        if self.coupling.all_employments or item.absence is not None:
            return True
        key = self._key(KeyKind.EMPLOYEE, item.employee.external_id)
        if key is None:
            return False
        return AbsenceCase.objects.filter(employment__employee_id=key.object_id).exists()

    # --- the employee --------------------------------------------------------------------

    def _employee_values(self, data: codec.EmployeeData) -> dict[str, Any]:
        address = data.address
        values: dict[str, Any] = {
            "initials": data.initials,
            "first_name": data.first_name,
            "surname_prefix": data.surname_prefix,
            "surname": data.surname,
            "birth_date": data.birth_date,
            "gender": data.gender,
            "phone": data.phone,
            "email": data.email,
            "name_use": data.name_use if data.surname is not None else None,
        }
        if data.bsn is not None:
            values["bsn"] = data.bsn
        if address is not None:
            digits = "".join(ch for ch in address.house_number if ch.isdigit())
            values.update(
                street=address.street,
                house_number=int(digits) if digits and len(digits) <= 9 else None,
                house_number_addition=address.addition,
                postcode=address.postcode,
                city=address.city,
                country=address.country,
            )
        return {key: value for key, value in values.items() if value is not None}

    def _employee(self, index: int, data: codec.EmployeeData) -> Employee | None:
        """The known or matched person; None for a new one (created with the employment)."""
        key = self._rekeyed(KeyKind.EMPLOYEE, data.external_id, data.previous_external_id)
        if key is not None:
            employee = Employee.objects.get(pk=key.object_id)
            if key.source_time is not None and self.sent_at < key.source_time:
                self.outcome.skipped.append(
                    f"employee {data.external_id}: older than the data already applied"
                )
                return employee
            if data.surname is not None:  # Dienstverbanden carry no person data
                self._update_employee(employee, data)
                self.outcome.count(self.outcome.updated, "employee")
            key.source_time = self.sent_at
            key.save(update_fields=["source_time"])
            return employee
        matched = self._match(index, data)
        if matched is not None:
            self._link(KeyKind.EMPLOYEE, data.external_id, matched.pk, source_time=self.sent_at)
            if data.surname is not None:
                self._update_employee(matched, data)
            self.outcome.count(self.outcome.updated, "employee")
            return matched
        if data.surname is None:
            raise fail("external_id", "unknown_employee")
        return None

    def _update_employee(self, employee: Employee, data: codec.EmployeeData) -> None:
        people_services.update_employee(
            actor=self.actor,
            employee_id=employee.pk,
            data=self._employee_values(data),
            required=EXCHANGE_EMPLOYEE_REQUIRED,
        )

    def _match(self, index: int, data: codec.EmployeeData) -> Employee | None:
        """An existing person without a key: by decision, by BSN, or a merge proposal."""
        chosen = self.options.merge_into.get(data.external_id)
        if chosen is not None:
            return Employee.objects.get(pk=chosen, employer_id=self.employer_id)
        people = Employee.objects.filter(employer_id=self.employer_id)
        if data.bsn:
            found = people_services.bsn_holder(self.employer_id, data.bsn)
            if found is not None:
                return found
        if data.external_id in self.options.no_merge or data.surname is None:
            return None
        keyed = ExternalKey.objects.filter(
            employer_id=self.employer_id, kind=KeyKind.EMPLOYEE
        ).values("object_id")
        initials = (data.initials or "").replace(".", "").replace(" ", "").upper()
        for candidate in people.filter(
            birth_date=data.birth_date, surname__iexact=data.surname, sealed=False
        ).exclude(pk__in=keyed):
            if candidate.initials.replace(".", "").replace(" ", "").upper() == initials:
                raise NeedsDecision(
                    {
                        "kind": ReviewKind.MERGE,
                        "employee_id": candidate.pk,
                        "external_key": data.external_id,
                        "current": _person(candidate),
                        "proposed": {**_json(self._employee_values(data)), "item": index},
                    }
                )
        return None

    # --- the employment ------------------------------------------------------------------

    def _department(self, code: str) -> Department:
        department = Department.objects.filter(employer_id=self.employer_id, code=code).first()
        if department is None:
            raise fail("department", "unknown_department", department_code=code)
        return department

    def _employment_values(self, data: codec.EmploymentData) -> dict[str, Any]:
        values: dict[str, Any] = {
            "department": self._department(data.department_code).pk,
            "personnel_number": data.personnel_number or data.external_id,
            "start_date": data.start_date,
            "function_name": data.function_name,
            "hours_per_week": data.hours_per_week,
            "contract_type": CONTRACT_TYPES.get(data.contract_type or ""),
        }
        if data.annual_salary is not None:
            values["annual_salary"] = data.annual_salary
        return {key: value for key, value in values.items() if value is not None}

    def _employment(self, item: codec.Item, employee: Employee | None) -> Employment:
        data = item.employment
        key = self._rekeyed(KeyKind.EMPLOYMENT, data.external_id, data.previous_external_id)
        employment: Employment | None = None
        if key is not None:
            employment = Employment.objects.get(pk=key.object_id)
        else:
            number = data.previous_personnel_number or data.personnel_number
            employment = Employment.objects.filter(
                employer_id=self.employer_id, personnel_number=number or data.external_id
            ).first()
            if employment is not None:
                if employee is not None and employment.employee_id != employee.pk:
                    raise fail("personnel_number", "personnel_number_taken")
                key = self._link(KeyKind.EMPLOYMENT, data.external_id, employment.pk)
        values = self._employment_values(data)
        if employment is None:
            return self._new_employment(item, employee, values)
        older = key is not None and key.source_time is not None and self.sent_at < key.source_time
        terms = {
            name: values[name]
            for name in ("department", "function_name", "hours_per_week")
            if name in values
        }
        # Of an older message only the dated terms are written (they land in the history).
        changes = terms if older else {k: v for k, v in values.items() if k != "start_date"}
        if data.valid_from is not None or not older:
            people_services.update_employment(
                actor=self.actor,
                employment_id=employment.pk,
                data=changes,
                valid_from=data.valid_from or max(employment.start_date, self.sent_at.date()),
                required=EXCHANGE_EMPLOYMENT_REQUIRED,
            )
            self.outcome.count(self.outcome.updated, "employment")
        if key is not None and not older:
            key.source_time = self.sent_at
            key.save(update_fields=["source_time"])
        employment.refresh_from_db()
        if data.end_date is not None and employment.end_date is None:
            people_services.end_employment(
                actor=self.actor, employment_id=employment.pk, end_date=data.end_date
            )
            self.outcome.count(self.outcome.updated, "out_of_service")
            employment.refresh_from_db()
        elif data.end_date is not None and data.end_date != employment.end_date:
            self.outcome.skipped.append(
                f"employment {data.external_id}: already ended on {employment.end_date}"
            )
        return employment

    def _new_employment(
        self, item: codec.Item, employee: Employee | None, values: dict[str, Any]
    ) -> Employment:
        data = item.employment
        values = {"contract_type": "permanent", **values}
        if employee is None:
            values = {
                **values,
                **self._employee_values(item.employee),
                "marital_status": MaritalStatus.UNKNOWN,
            }
        employment = people_services.add_employment(
            actor=self.actor,
            data=values,
            employee_id=employee.pk if employee is not None else None,
            employee_required=EXCHANGE_EMPLOYEE_REQUIRED,
            employment_required=EXCHANGE_EMPLOYMENT_REQUIRED,
            seal=self.coupling.vault,
        )
        self._link(KeyKind.EMPLOYMENT, data.external_id, employment.pk, source_time=self.sent_at)
        self.outcome.count(self.outcome.created, "employment")
        if employee is None:
            self._link(
                KeyKind.EMPLOYEE,
                item.employee.external_id,
                employment.employee_id,
                source_time=self.sent_at,
            )
            self.outcome.count(self.outcome.created, "employee")
        if data.end_date is not None:
            people_services.end_employment(
                actor=self.actor, employment_id=employment.pk, end_date=data.end_date
            )
        return employment

    # --- the absence ---------------------------------------------------------------------

    def _absence(self, mutation: codec.AbsenceMutation, employment: Employment) -> None:
        self.outcome.absence_ids.add(mutation.absence_id)
        key = self._rekeyed(KeyKind.ABSENCE, mutation.absence_id, mutation.previous_absence_id)
        if mutation.kind == "sick_report" and key is None:
            self._sick_report(mutation, employment)
            return
        if key is None:
            self._hold(
                mutation,
                _("the sick report of absence %(id)s has not arrived")
                % {"id": mutation.absence_id},
            )
            return
        last = key.sequence or 0
        if mutation.kind == "sick_report" or mutation.sequence <= last:
            self.outcome.skipped.append(
                f"absence {mutation.absence_id} report {mutation.sequence}: already applied"
            )
            return
        if mutation.sequence > last + 1 and not self.options.ignore_gap:
            self._hold(
                mutation,
                _("report %(missing)s of absence %(id)s has not arrived")
                % {"missing": last + 1, "id": mutation.absence_id},
            )
        case = AbsenceCase.objects.get(pk=key.object_id)
        if mutation.kind == "recovery":
            self._recovery(mutation, case)
        elif self.coupling.correction_policy == CorrectionPolicy.AUTOMATIC:
            self._correct(mutation, case)
        else:
            self._propose(mutation, case)
        key.sequence = mutation.sequence
        key.save(update_fields=["sequence"])

    def _hold(self, mutation: codec.AbsenceMutation, text: str) -> None:
        if self.options.ignore_gap:
            raise fail("absence_id", "unknown_absence")
        raise Hold(mutation.absence_id, text)

    def _sick_report(self, mutation: codec.AbsenceMutation, employment: Employment) -> None:
        data: dict[str, Any] = {
            "first_day": mutation.first_day,
            "sick_percentage": mutation.percentage,
            "note": mutation.note or "",
        }
        if mutation.safety_net is not None:
            data["safety_net"] = mutation.safety_net
        if mutation.cause in RELATEDNESS:  # 99 (other) says nothing about an accident
            data["relatedness"] = RELATEDNESS[mutation.cause]
        case = absence_services.add_case(
            actor=self.actor, employment_id=employment.pk, kind=CaseKind.SICKNESS, data=data
        )
        self._link(KeyKind.ABSENCE, mutation.absence_id, case.pk, sequence=mutation.sequence)
        self.outcome.count(self.outcome.created, "case")
        if mutation.ends_absence or mutation.recovered_on is not None:
            self._recovery(mutation, case)

    def _recovery(self, mutation: codec.AbsenceMutation, case: AbsenceCase) -> None:
        if case.status != CaseStatus.OPEN:
            raise fail("__all__", "case_not_open")
        full = mutation.ends_absence or mutation.percentage == 0
        if not full and mutation.percentage == HUNDRED:
            # Only a therapeutic part (PrcArbther) changed: the company doctor records that
            # (Hersteld AT), never a coupling; the absence percentage itself did not change.
            self.outcome.skipped.append(
                f"absence {mutation.absence_id} report {mutation.sequence}: "
                "therapeutic recovery is recorded by the company doctor"
            )
            return
        absence_services.add_recovery(
            actor=self.actor,
            case_id=case.pk,
            data={
                "date": mutation.recovered_on or mutation.mutation_date,
                "percentage": HUNDRED if full else HUNDRED - mutation.percentage,
            },
        )
        self.outcome.count(self.outcome.created, "recovery")

    def _proposed(self, mutation: codec.AbsenceMutation) -> dict[str, Any]:
        if mutation.kind == "withdrawal":
            return {"status": CaseStatus.WITHDRAWN.value}
        proposed: dict[str, Any] = {
            "first_day": mutation.first_day.isoformat(),
            "sick_percentage": str(mutation.percentage),
        }
        if mutation.safety_net is not None:
            proposed["safety_net"] = mutation.safety_net
        return proposed

    def _correct(self, mutation: codec.AbsenceMutation, case: AbsenceCase) -> None:
        reason = _("Through coupling %(source)s, message %(ref)s") % {
            "source": self.coupling.source_system,
            "ref": self.message.envelope.message_ref[:200],
        }
        apply_decision(self.actor, case, mutation.kind, self._proposed(mutation), reason)
        self.outcome.count(self.outcome.updated, "case")

    def _propose(self, mutation: codec.AbsenceMutation, case: AbsenceCase) -> None:
        review = ReviewTask.objects.create(
            coupling=self.coupling,
            message_id=self.message_id,
            kind=ReviewKind.WITHDRAWAL if mutation.kind == "withdrawal" else ReviewKind.CORRECTION,
            case=case,
            employee_id=case.employment.employee_id,
            external_key=mutation.absence_id,
            current=_case_values(case),
            proposed=self._proposed(mutation),
        )
        self.outcome.reviews.append(review.pk)


def apply_decision(
    actor: Actor, case: AbsenceCase, kind: str, proposed: dict[str, Any], reason: str
) -> None:
    """Carry out a correction or withdrawal (automatic policy, or a casemanager's yes)."""
    if kind in (ReviewKind.WITHDRAWAL, "withdrawal"):
        absence_services.withdraw_case(actor=actor, case_id=case.pk, reason=reason)
        return
    data: dict[str, Any] = {"reason": reason}
    if proposed.get("first_day"):
        data["first_day"] = dt.date.fromisoformat(proposed["first_day"])
    if proposed.get("sick_percentage") and not case.recoveries.exists():
        data["sick_percentage"] = Decimal(proposed["sick_percentage"])
    if isinstance(proposed.get("safety_net"), bool):
        data["safety_net"] = proposed["safety_net"]
    absence_services.correct_case(actor=actor, case_id=case.pk, data=data)


def _case_values(case: AbsenceCase) -> dict[str, Any]:
    return {
        "first_day": case.first_day.isoformat(),
        "sick_percentage": str(case.sick_percentage) if case.sick_percentage is not None else "",
        "safety_net": case.safety_net,
        "status": case.status,
    }


def _person(employee: Employee) -> dict[str, Any]:
    return _json(
        {
            "initials": employee.initials,
            "surname_prefix": employee.surname_prefix,
            "surname": employee.surname,
            "birth_date": employee.birth_date,
            "gender": employee.gender,
            "postcode": employee.postcode,
            "city": employee.city,
        }
    )


def _json(values: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value.isoformat() if isinstance(value, dt.date) else str(value)
        for key, value in values.items()
        if value not in (None, "")
    }
