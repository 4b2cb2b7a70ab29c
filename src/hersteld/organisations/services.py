"""Writes of employers and departments: permission, validation, audit, in one transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from hersteld.core import retention_rules, signals
from hersteld.core.actor import Actor
from hersteld.core.audit import snapshot
from hersteld.core.contact import phone_problem, postcode_problem
from hersteld.core.services import (
    ensure_in_scope,
    locked,
    record_created,
    save_and_record,
    set_end_date,
)
from hersteld.core.validation import Problems, fail, message
from hersteld.organisations import rules
from hersteld.organisations.models import Arbodienst, Department, Employer

DEFAULT_FULLTIME_HOURS = Decimal(40)
EMPLOYER_FIELDS = tuple(name for name in Employer.AUDITED if name != "end_date")


def _fulltime_hours(value: Any, problems: Problems) -> Decimal:
    """The employer's full-time week for the statistics: empty means the default 40 hours."""
    if value is None or value == "":
        return DEFAULT_FULLTIME_HOURS
    try:
        hours = Decimal(str(value))
    except ArithmeticError:
        problems.add("fulltime_hours", "fulltime_hours_range")
        return DEFAULT_FULLTIME_HOURS
    if not hours.is_finite() or not Decimal(1) <= hours <= Decimal(60):
        problems.add("fulltime_hours", "fulltime_hours_range")
    return hours


def _validate_employer(
    data: dict[str, Any], *, arbodienst: Arbodienst, pk: int | None
) -> dict[str, Any]:
    problems = Problems()
    problems.require(data, "name", "kvk_number")
    clean = {key: data[key] for key in EMPLOYER_FIELDS if key in data}
    for key, value in list(clean.items()):
        if isinstance(value, str):
            clean[key] = value.strip()
    if clean.get("kvk_number"):
        clean["kvk_number"] = rules.normalise_kvk(clean["kvk_number"])
        problems.check("kvk_number", rules.kvk_problem(clean["kvk_number"]))
        taken = Employer.objects.filter(arbodienst=arbodienst, kvk_number=clean["kvk_number"])
        if pk is not None:
            taken = taken.exclude(pk=pk)
        if not problems.has("kvk_number") and taken.exists():
            problems.add("kvk_number", "kvk_taken")
    if clean.get("payroll_tax_number"):
        clean["payroll_tax_number"] = rules.normalise_payroll_tax_number(
            clean["payroll_tax_number"]
        )
        problems.check(
            "payroll_tax_number", rules.payroll_tax_number_problem(clean["payroll_tax_number"])
        )
    if clean.get("postcode"):
        problems.check("postcode", postcode_problem(clean["postcode"]))
    if clean.get("contact_phone"):
        problems.check("contact_phone", phone_problem(clean["contact_phone"]))
    if "fulltime_hours" in clean:
        clean["fulltime_hours"] = _fulltime_hours(clean["fulltime_hours"], problems)
    problems.raise_if_any()
    return clean


@transaction.atomic
def create_employer(*, actor: Actor, arbodienst: Arbodienst, data: dict[str, Any]) -> Employer:
    allowed = Arbodienst.objects.restrict(actor, "organisations.change").filter(pk=arbodienst.pk)
    if not allowed.exists():
        raise PermissionDenied(message("not_allowed"))
    clean = _validate_employer(data, arbodienst=arbodienst, pk=None)
    employer = Employer.objects.create(arbodienst=arbodienst, **clean)
    ensure_in_scope(actor, employer, "organisations.change")
    record_created(actor=actor, obj=employer, fields=EMPLOYER_FIELDS)
    return employer


@transaction.atomic
def update_employer(*, actor: Actor, employer_id: int, data: dict[str, Any]) -> Employer:
    employer = locked(Employer, actor, employer_id, "organisations.change")
    before = snapshot(employer, Employer.AUDITED)
    current = {key: getattr(employer, key) for key in EMPLOYER_FIELDS}
    clean = _validate_employer({**current, **data}, arbodienst=employer.arbodienst, pk=employer.pk)
    for key, value in clean.items():
        setattr(employer, key, value)
    save_and_record(actor=actor, obj=employer, before=before, fields=Employer.AUDITED)
    return employer


def _department_path(department: Department) -> tuple[str, int]:
    own = f"{department.pk:06d}."
    if department.parent_id is None:
        return own, 0
    parent = department.parent
    assert parent is not None
    return parent.path + own, parent.depth + 1


def _validate_department(
    data: dict[str, Any], *, employer: Employer, department: Department | None
) -> dict[str, Any]:
    problems = Problems()
    problems.require(data, "code", "name")
    code = (data.get("code") or "").strip()
    parent: Department | None = data.get("parent")
    if parent is not None and parent.employer_id != employer.pk:
        problems.add("parent", "department_other_employer")
    if parent is not None and department is not None and parent.path.startswith(department.path):
        problems.add("parent", "department_cycle")
    taken = Department.objects.filter(employer=employer, code=code)
    if department is not None:
        taken = taken.exclude(pk=department.pk)
    if code and taken.exists():
        problems.add("code", "department_code_taken")
    problems.raise_if_any()
    return {"code": code, "name": (data.get("name") or "").strip(), "parent": parent}


@transaction.atomic
def create_department(*, actor: Actor, employer_id: int, data: dict[str, Any]) -> Department:
    employer = locked(Employer, actor, employer_id, "organisations.change")
    clean = _validate_department(data, employer=employer, department=None)
    department = Department.objects.create(employer=employer, path="", **clean)
    department.path, department.depth = _department_path(department)
    department.save(update_fields=["path", "depth"])
    ensure_in_scope(actor, department, "organisations.change")
    record_created(actor=actor, obj=department, fields=Department.AUDITED)
    return department


@transaction.atomic
def update_department(*, actor: Actor, department_id: int, data: dict[str, Any]) -> Department:
    department = locked(Department, actor, department_id, "organisations.change")
    before = snapshot(department, Department.AUDITED)
    merged = {"code": department.code, "name": department.name, "parent": department.parent, **data}
    clean = _validate_department(merged, employer=department.employer, department=department)
    old_path = department.path
    for key, value in clean.items():
        setattr(department, key, value)
    department.path, department.depth = _department_path(department)
    saved = save_and_record(actor=actor, obj=department, before=before, fields=Department.AUDITED)
    if saved and department.path != old_path:
        _move_subtree(old_path, department)
    return department


def _move_subtree(old_path: str, department: Department) -> None:
    """Rewrite the materialised paths of every descendant after a move."""
    shift = department.depth - old_path.count(".") + 1
    descendants = (
        Department.objects.select_for_update()
        .filter(path__startswith=old_path)
        .exclude(pk=department.pk)
    )
    for child in descendants:
        child.path = department.path + child.path[len(old_path) :]
        child.depth = child.depth + shift
        child.save(update_fields=["path", "depth"])


@transaction.atomic
def end_employer(*, actor: Actor, employer_id: int, end_date: dt.date) -> Employer:
    """The employer stops being a client of the arbodienst; its data stays for the retention terms."""
    employer = locked(Employer, actor, employer_id, "organisations.change")
    set_end_date(actor=actor, obj=employer, end_date=end_date, fields=Employer.AUDITED)
    return employer


@transaction.atomic
def end_department(*, actor: Actor, department_id: int, end_date: dt.date) -> Department:
    """Close a department; refused while a higher app objects (employments still in service)."""
    department = locked(Department, actor, department_id, "organisations.change")
    for _receiver, problem in signals.department_ending.send(
        sender=Department, department=department, end_date=end_date
    ):
        if problem:
            raise fail("end_date", problem)
    set_end_date(actor=actor, obj=department, end_date=end_date, fields=Department.AUDITED)
    return department


@transaction.atomic
def update_retention_terms(*, actor: Actor, arbodienst_id: int, data: dict[str, Any]) -> Arbodienst:
    """The arbodienst's retention terms (docs/rules/privacy.md): its administrator sets them,
    within the bounds of the law (at least 20 years for the medical file, 5 for the logs)."""
    if actor.role != "arbodienst_admin" or actor.arbodienst_id != arbodienst_id:
        raise PermissionDenied(message("not_allowed"))
    tenant = locked(Arbodienst, actor, arbodienst_id, "organisations.change")
    before = snapshot(tenant, Arbodienst.RETENTION_FIELDS)
    problems = Problems()
    for name in Arbodienst.RETENTION_FIELDS:
        value = data.get(name, getattr(tenant, name))
        key = name.removeprefix("retention_")
        if not isinstance(value, int) or isinstance(value, bool):
            problems.add(name, "required")
            continue
        code = retention_rules.term_problem(key, value)
        if code == "retention_too_short":
            problems.add(name, code, years=retention_rules.SHORTEST[key])
        elif code is not None:
            problems.add(name, code, years=retention_rules.LONGEST)
        setattr(tenant, name, value)
    problems.raise_if_any()
    save_and_record(actor=actor, obj=tenant, before=before, fields=Arbodienst.RETENTION_FIELDS)
    return tenant
