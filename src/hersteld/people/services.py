"""Writes of employees and employments (P3, P4): validation, scope, history and audit in one transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, models, transaction
from django.http import Http404
from django.utils import timezone

from hersteld.core import bulk, retention, retention_rules
from hersteld.core.actor import Actor
from hersteld.core.audit import diff, record_access, record_change, snapshot
from hersteld.core.models import AuditAction
from hersteld.core.services import (
    ensure_in_scope,
    locked,
    record_created,
    save_and_record,
    set_end_date,
)
from hersteld.core.validation import Problems, fail
from hersteld.organisations.models import Department
from hersteld.organisations.selectors import retention_terms
from hersteld.people import rules, vault
from hersteld.people.models import (
    ContractType,
    Employee,
    Employment,
    EmploymentTerms,
    Gender,
    MaritalStatus,
    NameUse,
    RevealPurpose,
    SealedIdentity,
    set_sort_key,
)
from hersteld.people.retention import anonymise, running_terms
from hersteld.privacy.problems import check_free_text
from hersteld.web.access import is_arbodienst_staff

EMPLOYEE_REQUIRED = (
    "initials",
    "surname",
    "birth_date",
    "gender",
    "marital_status",
    "postcode",
    "street",
    "house_number",
    "city",
    "country",
    "phone",
    "email",
)
EMPLOYMENT_REQUIRED = (
    "department",
    "personnel_number",
    "start_date",
    "hours_per_week",
    "annual_salary",
    "contract_type",
)
TERMS_FIELDS = ("department", "function_name", "hours_per_week")
# Fields of the employment that are not effective-dated; terms are audited with their date.
CONTRACT_FIELDS = tuple(name for name in Employment.AUDITED if name not in TERMS_FIELDS)


def _strip(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value.strip() if isinstance(value, str) else value for key, value in data.items()}


# Choice values built once: Django rebuilds `Gender.values` on every access (bulk import).
GENDERS = frozenset(Gender.values)
MARITAL_STATUSES = frozenset(MaritalStatus.values)
NAME_USES = frozenset(NameUse.values)
CONTRACT_TYPES = frozenset(ContractType.values)


def _check_choice(
    data: dict[str, Any], problems: Problems, field: str, allowed: frozenset[str]
) -> None:
    value = data.get(field)
    if value not in (None, "") and value not in allowed:
        problems.add(field, "invalid_choice")


def check_employee(
    data: dict[str, Any],
    problems: Problems,
    *,
    start_date: dt.date | None,
    required: tuple[str, ...] = EMPLOYEE_REQUIRED,
) -> None:
    """The portal's rules for a person; normalises BSN, postcode, phone and country in `data`."""
    problems.require(data, *required)
    _check_choice(data, problems, "gender", GENDERS)
    _check_choice(data, problems, "marital_status", MARITAL_STATUSES)
    _check_choice(data, problems, "name_use", NAME_USES)
    country = (data.get("country") or "NL").upper()
    if data.get("initials"):
        problems.check("initials", rules.initials_problem(data["initials"]))
    if data.get("bsn"):
        data["bsn"] = rules.normalise_bsn(data["bsn"]).zfill(9)
        problems.check("bsn", rules.bsn_problem(data["bsn"]))
    if data.get("postcode"):
        problems.check("postcode", rules.postcode_problem(data["postcode"], country))
        if not problems.has("postcode") and country == "NL":
            data["postcode"] = rules.normalise_postcode(data["postcode"])
    if data.get("house_number") is not None and rules.house_number_problem(
        data["house_number"], country
    ):
        problems.add("house_number", "house_number_range", max=rules.house_number_limit(country))
    if data.get("phone"):
        problems.check("phone", rules.phone_problem(data["phone"], country))
        if not problems.has("phone"):
            data["phone"] = rules.normalise_phone(data["phone"], country)
    if data.get("email"):
        try:
            validate_email(data["email"])
        except ValidationError:
            problems.add("email", "email_invalid")
    if data.get("birth_date"):
        problems.check(
            "birth_date",
            rules.birth_date_problem(data["birth_date"], start_date, timezone.localdate()),
        )
    data["country"] = country


def check_employment(
    data: dict[str, Any], problems: Problems, required: tuple[str, ...] = EMPLOYMENT_REQUIRED
) -> None:
    """The portal's rules for an employment (also used by the bulk import)."""
    problems.require(data, *required)
    _check_choice(data, problems, "contract_type", CONTRACT_TYPES)
    if data.get("hours_per_week") is not None:
        problems.check("hours_per_week", rules.hours_problem(Decimal(data["hours_per_week"])))
    if data.get("annual_salary") is not None:
        problems.check("annual_salary", rules.salary_problem(Decimal(data["annual_salary"])))
    if data.get("wia_percentage") is not None:
        problems.check("wia_percentage", rules.percentage_problem(Decimal(data["wia_percentage"])))
    if data.get("no_risk_policy") and not data.get("insurance"):
        problems.add("insurance", "insurance_required")
    if not data.get("no_risk_policy") and data.get("insurance"):
        problems.add("insurance", "insurance_without_policy")
    if data.get("end_date") is not None and data.get("start_date") is not None:
        problems.check("end_date", rules.end_date_problem(data["start_date"], data["end_date"]))


def _department_for_change(actor: Actor, department: Department | int | None) -> Department | None:
    """The department must lie in the actor's people.change scope; otherwise it is not found."""
    if department is None:
        return None
    pk = department.pk if isinstance(department, Department) else department
    found = (
        Department.objects.restrict(actor, "people.change")
        .select_related("employer")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise fail("department", "not_allowed")
    return found


def _personnel_number_taken(employer_id: int, number: str, exclude_pk: int | None = None) -> bool:
    qs = Employment.objects.filter(employer_id=employer_id, personnel_number=number)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


NULLABLE_KEYS = ("wia_percentage", "annual_salary")
EMPLOYEE_KEYS = Employee.AUDITED
EMPLOYMENT_KEYS = (
    "personnel_number",
    "start_date",
    "function_name",
    "hours_per_week",
    "annual_salary",
    "contract_type",
    "no_risk_policy",
    "insurance",
    "wia_percentage",
)


@transaction.atomic
def add_employment(
    *,
    actor: Actor,
    data: dict[str, Any],
    employee_id: int | None = None,
    employee_required: tuple[str, ...] = EMPLOYEE_REQUIRED,
    employment_required: tuple[str, ...] = EMPLOYMENT_REQUIRED,
    seal: bool = False,
) -> Employment:
    """Dienstverband toevoegen: a new employee (or an existing one) with a new employment.

    A coupling asks less (`*_required`): an employer's system may not hold an address or salary.
    `seal` (a Datakluis coupling): a new person is checked as always, then stored pseudonymised.
    """
    data = _strip(dict(data))
    problems = Problems()
    if data.get("end_date"):
        problems.add("end_date", "no_end_at_creation")
    department = _department_for_change(actor, data.get("department"))
    employer = department.employer if department else None
    if data.get("employer") is not None and employer is not None:
        employer_pk = getattr(data["employer"], "pk", data["employer"])
        if int(employer_pk) != employer.pk:
            problems.add("department", "department_other_employer")
    employee: Employee | None = None
    if employee_id is not None:
        employee = locked(Employee, actor, employee_id, "people.change")
        if employer is not None and employee.employer_id != employer.pk:
            problems.add("department", "department_other_employer")
    else:
        check_employee(
            data, problems, start_date=data.get("start_date"), required=employee_required
        )
    check_employment(data, problems, employment_required)
    number = data.get("personnel_number")
    if employer is not None and number and _personnel_number_taken(employer.pk, number):
        problems.add("personnel_number", "personnel_number_taken")
    if (
        employer is not None
        and data.get("bsn")
        and employee is None
        and bsn_holder(employer.pk, data["bsn"]) is not None
    ):
        problems.add("bsn", "bsn_taken")
    problems.raise_if_any()
    assert department is not None and employer is not None
    if employee is None:
        employee = _create_employee(employer.pk, data, seal=seal)
        record_created(actor=actor, obj=employee, fields=Employee.AUDITED)
    values = {key: data.get(key) for key in EMPLOYMENT_KEYS}
    values["function_name"] = values["function_name"] or ""
    values["insurance"] = values["insurance"] or ""
    values["no_risk_policy"] = bool(values["no_risk_policy"])
    employment = Employment.objects.create(
        employer=employer, employee=employee, department=department, **values
    )
    EmploymentTerms.objects.create(
        employment=employment,
        valid_from=employment.start_date,
        department=department,
        function_name=employment.function_name,
        hours_per_week=employment.hours_per_week,
    )
    ensure_in_scope(actor, employment, "people.change")
    record_created(actor=actor, obj=employment, fields=Employment.AUDITED)
    return employment


def _create_employee(employer_id: int, data: dict[str, Any], *, seal: bool = False) -> Employee:
    values = {key: data.get(key) for key in EMPLOYEE_KEYS}
    for key in EMPLOYEE_KEYS:
        if key not in ("house_number", "birth_date"):
            values[key] = values[key] or ""
    values["country"] = values["country"] or "NL"
    values["name_use"] = values["name_use"] or NameUse.OWN
    if not seal:
        return Employee.objects.create(employer_id=employer_id, **values)
    token = vault.seal(values)  # before anything is written: no key, nothing stored
    employee = Employee.objects.create(
        employer_id=employer_id,
        **{**values, **vault.placeholders(vault.pseudonym())},
        sealed=True,
    )
    SealedIdentity.objects.create(
        employee=employee,
        employer_id=employer_id,
        token=token,
        bsn_digest=vault.digest(employer_id, values["bsn"]) if values["bsn"] else "",
    )
    return employee


def bsn_holder(employer_id: int, bsn: str) -> Employee | None:
    """The person of this employer with this BSN: in clear, or sealed (by its keyed digest)."""
    found = Employee.objects.filter(employer_id=employer_id, bsn=bsn).first()
    if found is not None or not vault.configured():
        return found
    identity = (
        SealedIdentity.objects.select_related("employee")
        .filter(employer_id=employer_id, bsn_digest__in=vault.digests(employer_id, bsn))
        .first()
    )
    return identity.employee if identity is not None else None


@transaction.atomic
def update_employee(
    *,
    actor: Actor,
    employee_id: int,
    data: dict[str, Any],
    required: tuple[str, ...] = EMPLOYEE_REQUIRED,
) -> Employee:
    employee = locked(Employee, actor, employee_id, "people.change")
    before = snapshot(employee, Employee.AUDITED)
    identity = SealedIdentity.objects.get(employee=employee) if employee.sealed else None
    current = {key: getattr(employee, key) for key in EMPLOYEE_KEYS}
    if identity is not None:
        current.update(vault.unseal(identity.token))
    merged = {**current, **_strip({k: v for k, v in data.items() if k in EMPLOYEE_KEYS})}
    merged["name_use"] = merged.get("name_use") or NameUse.OWN
    problems = Problems()
    check_employee(merged, problems, start_date=None, required=required)
    if merged.get("bsn") and merged["bsn"] != current.get("bsn"):
        holder = bsn_holder(employee.employer_id, merged["bsn"])
        if holder is not None and holder.pk != employee.pk:
            problems.add("bsn", "bsn_taken")
    problems.raise_if_any()
    if identity is not None:
        _reseal(actor, employee, identity, current, merged)
    for key in EMPLOYEE_KEYS:
        if identity is not None and key in vault.IDENTIFYING:
            continue
        value = merged.get(key)
        setattr(employee, key, "" if value is None and key != "house_number" else value)
    save_and_record(actor=actor, obj=employee, before=before, fields=Employee.AUDITED)
    return employee


def _reseal(
    actor: Actor,
    employee: Employee,
    identity: SealedIdentity,
    current: dict[str, Any],
    merged: dict[str, Any],
) -> None:
    """A sealed person's identifying data changed: seal the new values; the audit row names
    the fields, never their values."""
    changed = [
        key for key in vault.IDENTIFYING if (current.get(key) or "") != (merged.get(key) or "")
    ]
    if not changed:
        return
    values = {key: merged.get(key) for key in vault.IDENTIFYING}
    identity.token = vault.seal(values)
    identity.bsn_digest = vault.digest(employee.employer_id, values["bsn"]) if values["bsn"] else ""
    identity.save(update_fields=["token", "bsn_digest", "updated_at"])
    record_change(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=employee,
        changes={key: [vault.SEALED_TEXT, vault.SEALED_TEXT] for key in changed},
        reason="Datakluis",
    )


# Roles that never see a Datakluis person (rules: the arbodienst's functional administrators,
# and the operator); the names of hersteld.accounts.permissions.Role, which lies above people.
NO_REVEAL_ROLES = frozenset({"arbodienst_admin", "operator"})


@transaction.atomic
def reveal(*, actor: Actor, employee_id: int, purpose: str) -> Employee:
    """Reveal a sealed Datakluis person for one purpose: his data go into the normal fields.

    The caller has found the person in its own scope (a coupling applying a sick report, a
    case being added, a casemanager naming him by the coupling's key). Audited twice: the
    change of the fields with the purpose as reason, and an access event with the purpose.
    A person who is not sealed is returned as he is.
    """
    if purpose not in RevealPurpose.values:
        raise fail("purpose", "invalid_choice")
    if actor.role in NO_REVEAL_ROLES:
        raise fail("__all__", "vault_admin")
    employee = Employee.objects.select_for_update().get(pk=employee_id)
    if not employee.sealed:
        return employee
    identity = SealedIdentity.objects.get(employee=employee)
    values = vault.unseal(identity.token)
    before = snapshot(employee, Employee.AUDITED)
    for key in vault.IDENTIFYING:
        value = values.get(key)
        setattr(employee, key, "" if value is None and key != "house_number" else value)
    employee.country = employee.country or "NL"
    employee.sealed = False
    employee.save()
    identity.delete()
    reason = f"Datakluis: {purpose}"
    record_change(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=employee,
        changes={"sealed": [True, False], **diff(before, snapshot(employee, Employee.AUDITED))},
        reason=reason,
    )
    record_access(actor=actor, obj=employee, purpose=f"reveal:{purpose}")
    return employee


@transaction.atomic
def update_employment(
    *,
    actor: Actor,
    employment_id: int,
    data: dict[str, Any],
    valid_from: dt.date | None = None,
    required: tuple[str, ...] = EMPLOYMENT_REQUIRED,
) -> Employment:
    """Change employment data; department, function and hours take effect from `valid_from`.

    Without `valid_from` a change of terms counts from today (or the start date, when later).
    """
    employment = locked(Employment, actor, employment_id, "people.change")
    before = snapshot(employment, CONTRACT_FIELDS)
    data = _strip({k: v for k, v in data.items() if k in (*EMPLOYMENT_KEYS, "department")})
    if "end_date" in data:
        raise fail("end_date", "not_allowed")
    merged: dict[str, Any] = {
        **{key: getattr(employment, key) for key in EMPLOYMENT_KEYS},
        "department": employment.department,
        **data,
    }
    problems = Problems()
    department = merged["department"]
    if "department" in data:
        department = _department_for_change(actor, data["department"])
        if department is not None and department.employer_id != employment.employer_id:
            problems.add("department", "department_other_employer")
        merged["department"] = department
    check_employment(merged, problems, required)
    if merged["personnel_number"] != employment.personnel_number and _personnel_number_taken(
        employment.employer_id, merged["personnel_number"], exclude_pk=employment.pk
    ):
        problems.add("personnel_number", "personnel_number_taken")
    terms_changed = any(getattr(employment, key) != merged[key] for key in TERMS_FIELDS) or (
        department is not None and department.pk != employment.department_id
    )
    effective = valid_from or max(timezone.localdate(), merged["start_date"])
    if terms_changed and effective < merged["start_date"]:
        problems.add("valid_from", "valid_from_before_start")
    problems.raise_if_any()
    for key in EMPLOYMENT_KEYS:
        value = merged[key]
        setattr(employment, key, "" if value is None and key not in NULLABLE_KEYS else value)
    if terms_changed:
        _change_terms(actor, employment, effective, merged)
    save_and_record(actor=actor, obj=employment, before=before, fields=CONTRACT_FIELDS)
    ensure_in_scope(actor, employment, "people.view")
    return employment


def _terms_values(row: EmploymentTerms | None) -> dict[str, Any]:
    if row is None:
        return {}
    return {
        "department": row.department_id,
        "function_name": row.function_name,
        "hours_per_week": str(Decimal(row.hours_per_week).quantize(Decimal("0.01"))),
    }


def _change_terms(
    actor: Actor, employment: Employment, effective: dt.date, merged: dict[str, Any]
) -> None:
    """Write the terms row for `effective` and audit it with that date, also when it lies ahead."""
    in_force = employment.terms.filter(valid_from__lte=effective).order_by("-valid_from").first()
    row, _ = EmploymentTerms.objects.update_or_create(
        employment=employment,
        valid_from=effective,
        defaults={
            "department": merged["department"],
            "function_name": merged["function_name"] or "",
            "hours_per_week": merged["hours_per_week"],
        },
    )
    if not sync_current_terms(employment):
        employment.save()
    changes = diff(_terms_values(in_force), _terms_values(row))
    if changes:
        record_change(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=employment,
            changes=changes,
            reason=f"valid_from={effective.isoformat()}",
        )


def sync_current_terms(employment: Employment, today: dt.date | None = None) -> bool:
    """Copy the terms in force today onto the employment (first terms when all lie ahead).

    The daily job calls this too, so terms recorded ahead take effect on their date.
    Returns whether anything changed.
    """
    today = today or timezone.localdate()
    terms = list(employment.terms.order_by("valid_from"))
    current = [row for row in terms if row.valid_from <= today] or terms[:1]
    row = current[-1]
    values = {
        "department_id": row.department_id,
        "function_name": row.function_name,
        "hours_per_week": row.hours_per_week,
    }
    changed = any(getattr(employment, name) != value for name, value in values.items())
    for name, value in values.items():
        setattr(employment, name, value)
    if changed:
        employment.save()
    return changed


@transaction.atomic
def end_employment(*, actor: Actor, employment_id: int, end_date: dt.date) -> Employment:
    """Uit dienst melden: only when the employee really leaves; end date on or after start."""
    employment = locked(Employment, actor, employment_id, "people.change")
    if end_date is None:
        raise fail("end_date", "required")
    problem = rules.end_date_problem(employment.start_date, end_date)
    if problem and employment.end_date is None:
        raise fail("end_date", problem)
    set_end_date(actor=actor, obj=employment, end_date=end_date, fields=Employment.AUDITED)
    return employment


# --- bulk creation (the bulk import) ---------------------------------------------------------

# Column order of the first EmploymentTerms row of a new employment (attnames; id and
# created_at apart).
TERMS_COLUMNS = ("employment_id", "valid_from", "department_id", "function_name", "hours_per_week")


def first_terms(job: Employment) -> tuple[Any, ...]:
    """The first EmploymentTerms row of a new employment, in TERMS_COLUMNS order."""
    return (job.pk, job.start_date, job.department_id, job.function_name, job.hours_per_week)


def create_many(employees: list[Employee], employments: list[Employment], now: dt.datetime) -> None:
    """Write new employees and their employments, each with its first terms row, in bulk.

    For the bulk import, which has checked every row with `check_employee` and
    `check_employment` and writes the audit trail itself (core.audit.record_created_many).
    COPY on PostgreSQL (ids reserved first, timestamps `now`), bulk_create elsewhere; both
    write the same rows. The objects get their ids.
    """
    for job in employments:
        set_sort_key(job)
    if not bulk.use_copy():
        Employee.objects.bulk_create(employees, batch_size=1000)
        Employment.objects.bulk_create(employments, batch_size=1000)
        EmploymentTerms.objects.bulk_create(
            [
                EmploymentTerms(**dict(zip(TERMS_COLUMNS, first_terms(job), strict=True)))
                for job in employments
            ],
            batch_size=1000,
        )
        return
    for model, objects in ((Employee, employees), (Employment, employments)):
        for obj, pk in zip(objects, bulk.reserve_ids(model, len(objects)), strict=True):
            obj.pk = pk
            obj.created_at = obj.updated_at = now  # type: ignore[attr-defined]
            obj._state.adding = False
            obj._state.db = connection.alias
    for job in employments:
        job.employee = job.employee  # set employee_id now that the person has an id
    bulk.copy_objects(Employee, employees)
    bulk.copy_objects(Employment, employments)
    bulk.copy_insert(
        EmploymentTerms,
        ("created_at", *TERMS_COLUMNS),
        ((now, *first_terms(job)) for job in employments),
    )


# --- erasure on request (right to be forgotten; docs/rules/privacy.md, "Retention") ---------

STAFF_ROLES = frozenset({"arbodienst_admin", "casemanager", "medic", "pob"})


def erasure_refusal(employee: Employee, today: dt.date) -> ValidationError | None:
    """Why the person may not be erased yet: a legal hold, or the first legal term that still
    runs (the ERD terms are vendor practice, not law, and do not stop a request)."""
    if employee.on_hold:
        return fail("__all__", "erasure_refused_person_hold", reason=employee.hold_reason)
    found = running_terms([employee], today).get(employee.pk, [])
    keeping = retention_rules.still_running(found, today, legal_only=True)
    hold = next((term for term in keeping if term.term == retention_rules.HOLD), None)
    if hold is not None:
        return fail("__all__", "erasure_refused_hold", reason=hold.note)
    if not keeping:
        return None
    term = keeping[0]
    label = retention.TERM_LABELS[term.term]
    if term.until is None:
        terms = retention_terms(employee.employer.arbodienst_id)
        return fail(
            "__all__",
            "erasure_refused_open",
            term=label,
            years=terms.years(term.term),
            start=retention.TERM_STARTS[term.term],
        )
    return fail("__all__", "erasure_refused_term", term=label, until=f"{term.until:%d-%m-%Y}")


# --- legal hold (docs/rules/privacy.md, "Retention") -----------------------------------------

HOLD_FIELDS = ("hold_since", "hold_reason")
# The errors of setting a person's hold twice and of lifting one that is not on.
PERSON_HOLD = ("person_hold_already_on", "person_hold_not_on")


def author_name(actor: Actor) -> str:
    """The name kept with a hold or a note, so it still reads right when the user is gone."""
    if not getattr(actor, "is_authenticated", False):
        return "systeem"
    return str(actor.get_full_name() or actor.get_username())


def change_hold(
    *, actor: Actor, obj: models.Model, reason: str, on: bool, codes: tuple[str, str]
) -> None:
    """Set (`on`) or lift the legal hold of a locked case or person, audited with its reason.

    One rule for both holds (a case's in absence, a person's here): a reason is required and
    kept, setting a hold twice or lifting one that is not on is refused (`codes`: the two
    error codes, naming the kind of object). The caller has locked `obj` and checked who
    may hold it."""
    problems = Problems()
    data = {"reason": (reason or "").strip()}
    if not data["reason"]:
        problems.add("reason", "reason_required")
    check_free_text(problems, data, ("reason",))
    held = getattr(obj, "hold_since", None) is not None
    if on == held:
        problems.add("__all__", codes[0] if held else codes[1])
    problems.raise_if_any()
    before = snapshot(obj, HOLD_FIELDS)
    obj.hold_since = timezone.now() if on else None  # type: ignore[attr-defined]
    obj.hold_reason = data["reason"][:500] if on else ""  # type: ignore[attr-defined]
    obj.hold_by_name = author_name(actor) if on else ""  # type: ignore[attr-defined]
    # Not `updated_at`: the hold is no field of the case or person anyone reads there, and the
    # employer's side may not see even that something changed (`changed_after` lists).
    obj.save(update_fields=["hold_since", "hold_reason", "hold_by_name"])
    record_change(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=obj,
        changes=diff(before, snapshot(obj, HOLD_FIELDS)),
        reason=data["reason"],
    )


def may_hold_person(actor: Actor) -> bool:
    """Only the arbodienst's own staff set or lift a legal hold on a person."""
    return is_arbodienst_staff(actor)


def _employee_for_hold(actor: Actor, employee_id: int) -> Employee:
    """The person under a row lock; outside the actor's scope, or for anyone but staff, 404."""
    if not may_hold_person(actor):
        raise Http404
    return locked(Employee, actor, employee_id, "people.view")


@transaction.atomic
def set_person_hold(*, actor: Actor, employee_id: int, reason: str) -> Employee:
    """Put a legal hold on a person (a dispute, a claim, cases spread over employers): from
    now on nothing of him is erased, by the retention job or on request."""
    employee = _employee_for_hold(actor, employee_id)
    if employee.anonymised_on is not None:
        raise fail("__all__", "already_erased")
    change_hold(actor=actor, obj=employee, reason=reason, on=True, codes=PERSON_HOLD)
    return employee


@transaction.atomic
def lift_person_hold(*, actor: Actor, employee_id: int, reason: str) -> Employee:
    """Lift the legal hold on a person: the retention terms apply again."""
    employee = _employee_for_hold(actor, employee_id)
    change_hold(actor=actor, obj=employee, reason=reason, on=False, codes=PERSON_HOLD)
    return employee


@transaction.atomic
def erase_employee(
    *, actor: Actor, employee_id: int, reason: str, today: dt.date | None = None
) -> Employee:
    """Erase a person on his request: refused while a legal retention term runs or he or a
    case of his is under a legal hold; otherwise every record of him is removed and he is
    anonymised now. The audit row names the request's reason, never what was erased."""
    if actor.role not in STAFF_ROLES:
        raise Http404
    employee = locked(Employee, actor, employee_id, "people.change")
    today = today or timezone.localdate()
    problems = Problems()
    data = {"reason": (reason or "").strip()}
    problems.require(data, "reason")
    check_free_text(problems, data, ("reason",))
    if employee.anonymised_on is not None:
        problems.add("__all__", "already_erased")
    problems.raise_if_any()
    refusal = erasure_refusal(employee, today)
    if refusal is not None:
        raise refusal
    erased = retention.erase_employee(employee.pk)
    anonymise(employee, today)
    record_change(
        actor=actor,
        action=AuditAction.DELETE,
        obj=employee,
        changes={
            "anonymised_on": [None, today.isoformat()],
            "erased": [None, {key: count for (key, _t, _e), count in sorted(erased.items())}],
        },
        reason=data["reason"][:500],
    )
    return employee
