"""The import itself: chunks of rows checked with the portal's rules, matching so that a
rerun never duplicates, and the bulk write of new rows (people.services, core.audit).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Final

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from hersteld.core import bulk
from hersteld.core.actor import Actor
from hersteld.core.audit import Created, created_values, record_created_many
from hersteld.core.models import AuditAction
from hersteld.core.validation import Problems
from hersteld.exchange import feed
from hersteld.exchange.imports.columns import (
    DEFAULT_CHUNK_SIZE,
    EMPLOYEE_FIELDS,
    EMPLOYMENT_FIELDS,
    FIELD_COLUMNS,
    IMPORT_EMPLOYEE_REQUIRED,
    IMPORT_EMPLOYMENT_REQUIRED,
    MAX_STORED_ERRORS,
    ImportConflict,
    RowError,
    message,
)
from hersteld.exchange.imports.sources import ParsedRow, Source
from hersteld.exchange.models import ExternalKey, ImportRun, ImportStatus, KeyKind
from hersteld.organisations.models import Department, Employer
from hersteld.people import rules
from hersteld.people import services as people_services
from hersteld.people.models import (
    ContractType,
    Employee,
    Employment,
    MaritalStatus,
    NameUse,
)

# --- one chunk ----------------------------------------------------------------------------

CREATED, UPDATED, UNCHANGED, FAILED = "created", "updated", "unchanged", "failed"


class RowFailed(Exception):
    def __init__(self, errors: list[tuple[str, str, dict[str, Any]]]) -> None:
        super().__init__(errors[0][1] if errors else "")
        self.errors = errors


def _problems_of(exc: ValidationError) -> list[tuple[str, str, dict[str, Any]]]:
    out: list[tuple[str, str, dict[str, Any]]] = []
    items = exc.error_dict.items() if hasattr(exc, "error_dict") else [("", exc.error_list)]
    for name, errors in items:
        for error in errors:
            column = FIELD_COLUMNS.get(name, "" if name == "__all__" else name)
            out.append((column, error.code or "invalid", dict(error.params or {})))
    return out


def _fail_if(problems: Problems) -> None:
    if problems:
        try:
            problems.raise_if_any()
        except ValidationError as exc:
            raise RowFailed(_problems_of(exc)) from exc


@dataclass
class _Chunk:
    """What the rows of one chunk create, written together at its end."""

    employees: list[Employee] = field(default_factory=list)
    employments: list[Employment] = field(default_factory=list)
    keys: list[tuple[str, str, models.Model, dt.datetime | None]] = field(default_factory=list)
    linked: set[tuple[str, str]] = field(default_factory=set)
    by_key: dict[str, Employee] = field(default_factory=dict)
    by_bsn: dict[str, Employee] = field(default_factory=dict)
    counts: dict[str, int] = field(
        default_factory=lambda: {CREATED: 0, UPDATED: 0, UNCHANGED: 0, FAILED: 0}
    )
    errors: list[RowError] = field(default_factory=list)

    def link(
        self, kind: str, key: str | None, obj: models.Model, source_time: dt.datetime | None
    ) -> None:
        if key and (kind, key) not in self.linked:
            self.linked.add((kind, key))
            self.keys.append((kind, key, obj, source_time))


@dataclass
class _Known:
    """The rows of a chunk that already exist: keys, employments and people, in a few queries."""

    employee_keys: dict[str, int]
    employment_keys: dict[str, int]
    jobs_by_pk: dict[int, Employment]
    jobs_by_number: dict[str, Employment]
    people_by_pk: dict[int, Employee]
    people_by_bsn: dict[str, Employee]

    @classmethod
    def load(cls, employer: Employer, rows: Sequence[ParsedRow]) -> _Known:
        person_keys = {row.employee_key for row in rows if row.employee_key}
        job_keys = {row.employment_key for row in rows if row.employment_key}
        numbers = {row.personnel_number for row in rows if row.personnel_number}
        bsns = {_bsn_key(row.employee["bsn"]) for row in rows if row.employee.get("bsn")}
        employer_keys = ExternalKey.objects.filter(employer=employer)
        employee_keys = dict(
            employer_keys.filter(kind=KeyKind.EMPLOYEE, key__in=person_keys).values_list(
                "key", "object_id"
            )
        )
        employment_keys = dict(
            employer_keys.filter(kind=KeyKind.EMPLOYMENT, key__in=job_keys).values_list(
                "key", "object_id"
            )
        )
        jobs = list(
            Employment.objects.filter(employer=employer).filter(
                Q(pk__in=list(employment_keys.values())) | Q(personnel_number__in=numbers)
            )
            if employment_keys or numbers
            else []
        )
        person_ids = {*employee_keys.values(), *(job.employee_id for job in jobs)}
        people = list(
            Employee.objects.filter(employer=employer).filter(
                Q(pk__in=person_ids) | Q(bsn__in=bsns)
            )
            if person_ids or bsns
            else []
        )
        people_by_pk = {person.pk: person for person in people}
        for job in jobs:
            if job.employee_id in people_by_pk:
                job.employee = people_by_pk[job.employee_id]
        return cls(
            employee_keys=employee_keys,
            employment_keys=employment_keys,
            jobs_by_pk={job.pk: job for job in jobs},
            jobs_by_number={job.personnel_number: job for job in jobs},
            people_by_pk=people_by_pk,
            people_by_bsn={person.bsn: person for person in people if person.bsn},
        )


def _check_employee(
    data: dict[str, Any], problems: Problems, *, start_date: dt.date | None
) -> None:
    people_services.check_employee(
        data, problems, start_date=start_date, required=IMPORT_EMPLOYEE_REQUIRED
    )


def _check_employment(data: dict[str, Any], problems: Problems) -> None:
    people_services.check_employment(data, problems, IMPORT_EMPLOYMENT_REQUIRED)


def _remember(person: Employee, changes: dict[str, Any]) -> None:
    for name, value in changes.items():
        setattr(person, name, value)


def _bsn_key(value: str) -> str:
    return rules.normalise_bsn(str(value)).zfill(9)


ProgressCallback = Callable[[int, int], None]


@dataclass
class Summary:
    run: ImportRun
    rows: int  # rows handled by this call (a resumed run counts only its own)
    seconds: float
    errors: list[RowError] = field(default_factory=list)  # the errors of this call

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0

    @property
    def unchanged(self) -> int:
        run = self.run
        return run.rows_done - run.rows_created - run.rows_updated - run.rows_failed


class Importer:
    """Runs one ImportRun over its source, chunk by chunk."""

    def __init__(
        self,
        run: ImportRun,
        source: Source,
        *,
        actor: Actor,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        progress: ProgressCallback | None = None,
    ) -> None:
        if chunk_size < 1:
            raise ValueError("chunk_size must be at least 1")
        self.run = run
        self.source = source
        self.employer: Employer = run.employer
        self.actor = actor
        self.dry_run = run.dry_run
        self.persist = run.pk is not None
        self.chunk_size = chunk_size
        self.progress = progress
        self.departments = {
            department.code: department
            for department in Department.objects.filter(employer=self.employer)
        }
        self.seen: dict[str, int] = {}  # employment key -> first row with it
        # A dry run keeps who it "created", so a later chunk finds them as a real run would.
        self.dry_people: set[str] = set()
        self.dry_bsns: set[str] = set()
        self.errors: list[RowError] = []

    # --- driving ------------------------------------------------------------------------

    def run_all(self) -> Summary:
        started = time.perf_counter()
        handled = 0
        run = self.run
        run.rows_total = max(self.source.total, run.rows_done)
        run.errors = [error for error in run.errors if error.get("code") != "stopped"]
        run.status = ImportStatus.RUNNING
        run.finished_at = None
        self._save("rows_total", "errors", "status", "finished_at")
        self._report()
        rows = self.source.rows(run.rows_done)
        try:
            while chunk_rows := list(islice(rows, self.chunk_size)):
                self._chunk(chunk_rows)
                handled += len(chunk_rows)
                self._report()
        except ImportConflict:
            raise  # the other process owns the run; leave it as it is
        except Exception as exc:
            first = run.rows_done + 1
            reason = str(exc)[:300] or type(exc).__name__
            stopped = RowError(
                first, "", "stopped", message("stopped", {"row": first, "reason": reason})
            )
            run.errors = [*run.errors, stopped.as_dict()]
            run.status = ImportStatus.FAILED
            self._save("errors", "status")
            raise
        finally:
            self.source.close()
        run.status = ImportStatus.DONE
        run.finished_at = timezone.now()
        run.rows_total = run.rows_done
        run.content = b""  # the file holds personal data: keep it only while it is needed
        self._save("status", "finished_at", "rows_total", "content")
        self._report()
        return Summary(run, handled, time.perf_counter() - started, self.errors)

    def _report(self) -> None:
        if self.progress is not None:
            self.progress(self.run.rows_done, self.run.rows_total)

    def _save(self, *fields: str) -> None:
        if self.persist:
            self.run.save(update_fields=list(fields))

    def _chunk(self, rows: list[ParsedRow]) -> None:
        """One chunk in one transaction: the rows, the bulk writes and the run's counters."""
        with transaction.atomic():
            if self.persist:
                done = (
                    ImportRun.objects.select_for_update()
                    .filter(pk=self.run.pk)
                    .values_list("rows_done", flat=True)
                    .first()
                )
                if done != self.run.rows_done:
                    raise ImportConflict(
                        f"run {self.run.pk} is at row {done}, this process at {self.run.rows_done}"
                    )
            present = [row for row in rows if not row.blank]
            known = _Known.load(self.employer, present)
            chunk = _Chunk(
                linked={(KeyKind.EMPLOYEE.value, key) for key in known.employee_keys}
                | {(KeyKind.EMPLOYMENT.value, key) for key in known.employment_keys}
            )
            chunk.counts[UNCHANGED] += len(rows) - len(present)
            for row in present:
                try:
                    outcome = self._row(row, known, chunk)
                except RowFailed as exc:
                    outcome = FAILED
                    chunk.errors.extend(self._row_errors(row, exc.errors))
                chunk.counts[outcome] += 1
            if self.dry_run:
                self.dry_people.update(chunk.by_key)
                self.dry_bsns.update(chunk.by_bsn)
            else:
                self._write(chunk)
            run = self.run
            counters = {
                "rows_done": run.rows_done + len(rows),
                "rows_created": run.rows_created + chunk.counts[CREATED],
                "rows_updated": run.rows_updated + chunk.counts[UPDATED],
                "rows_failed": run.rows_failed + chunk.counts[FAILED],
            }
            room = max(MAX_STORED_ERRORS - len(run.errors), 0)
            errors = run.errors + [error.as_dict() for error in chunk.errors[:room]]
            if self.persist:
                ImportRun.objects.filter(pk=run.pk).update(errors=errors, **counters)
        # Only now, with the chunk committed, does the run in memory move on.
        for name, value in counters.items():
            setattr(run, name, value)
        run.errors = errors
        self.errors.extend(chunk.errors)

    def _row_errors(
        self, row: ParsedRow, problems: Iterable[tuple[str, str, dict[str, Any]]]
    ) -> list[RowError]:
        out: list[RowError] = []
        seen: set[str] = set()
        for column, code, params in problems:
            if column in seen:
                continue  # one error per cell: the first (e.g. not "required" after "unknown")
            seen.add(column)
            label = self.source.column_label(row, column) if column else ""
            out.append(RowError(row.number, label, code, message(code, params)))
        return out

    # --- one row ------------------------------------------------------------------------

    def _row(self, row: ParsedRow, known: _Known, chunk: _Chunk) -> str:
        problems = list(row.errors)
        key = row.employment_key or ""
        if key in self.seen:
            problems.append(("personnel_number", "duplicate_in_file", {"row": self.seen[key]}))
        elif key:
            self.seen[key] = row.number
        code = row.employment.get("department_code")
        department = self.departments.get(code) if code else None
        if code and department is None:
            problems.append(("department_code", "unknown_department", {"code": code}))
        job = None
        if row.employment_key in known.employment_keys:
            job = known.jobs_by_pk.get(known.employment_keys[row.employment_key])
        if job is None and row.personnel_number:
            job = known.jobs_by_number.get(row.personnel_number)
        person, pending = self._person(row, known, chunk, job)
        if job is not None and person is not None and job.employee_id != person.pk:
            problems.append(("personnel_number", "personnel_number_taken", {}))
        if person is None and not pending and not row.person_data:
            problems.append(("employee_id", "unknown_employee", {}))
        if problems:
            # Every problem of the row at once: the rules run on what could be read.
            raise RowFailed(problems + self._rule_problems(row, department, job, person, pending))
        if job is None:
            return self._create(row, department, person, pending, chunk)
        return self._update(row, department, job, chunk)

    def _rule_problems(
        self,
        row: ParsedRow,
        department: Department | None,
        job: Employment | None,
        person: Employee | None,
        pending: bool,
    ) -> list[tuple[str, str, dict[str, Any]]]:
        try:
            if job is None:
                self._checked_new(row, department, person, pending)
            else:
                if row.person_data:
                    self._person_changes(row, job.employee)
                self._job_changes(row, job, department)
        except RowFailed as exc:
            return exc.errors
        return []

    def _person(
        self, row: ParsedRow, known: _Known, chunk: _Chunk, job: Employment | None
    ) -> tuple[Employee | None, bool]:
        """The existing person of this row, or (None, True) for one created earlier in the run."""
        key = row.employee_key
        if key and key in known.employee_keys:
            person = known.people_by_pk.get(known.employee_keys[key])
            if person is not None:
                return person, False
        if key and key in chunk.by_key:
            return chunk.by_key[key], True
        if key and key in self.dry_people:
            return None, True
        if job is not None:
            return job.employee, False
        bsn = row.employee.get("bsn")
        if bsn:
            bsn = _bsn_key(bsn)
            if bsn in known.people_by_bsn:
                return known.people_by_bsn[bsn], False
            if bsn in chunk.by_bsn:
                return chunk.by_bsn[bsn], True
            if bsn in self.dry_bsns:
                return None, True
        return None, False

    def _checked_new(
        self, row: ParsedRow, department: Department | None, person: Employee | None, pending: bool
    ) -> dict[str, Any]:
        """The values of a new employment (and new person), checked by the portal's rules."""
        values: dict[str, Any] = {
            name: row.employment.get(name) for name in (*EMPLOYMENT_FIELDS, "end_date")
        }
        values["department"] = department
        values["contract_type"] = values["contract_type"] or ContractType.PERMANENT
        problems = Problems()
        if person is None and not pending and row.person_data:
            data = {**row.employee, **values, "marital_status": MaritalStatus.UNKNOWN}
            _check_employee(data, problems, start_date=values.get("start_date"))
        else:
            data = dict(values)
        _check_employment(data, problems)
        _fail_if(problems)
        return data

    def _create(
        self,
        row: ParsedRow,
        department: Department | None,
        person: Employee | None,
        pending: bool,
        chunk: _Chunk,
    ) -> str:
        data = self._checked_new(row, department, person, pending)
        if person is not None and not pending and row.person_data:
            try:
                _remember(person, self._update_person(row, person))
            except ValidationError as exc:
                raise RowFailed(_problems_of(exc)) from exc
        if person is None and not pending:
            person = self._new_person(row, data, chunk)
            chunk.link(KeyKind.EMPLOYEE, row.employee_key, person, row.source_time)
        elif person is not None:
            chunk.link(KeyKind.EMPLOYEE, row.employee_key, person, row.source_time)
        if person is None or self.dry_run:  # nothing to build (person: from an earlier chunk)
            return CREATED
        job = Employment(
            employer=self.employer,
            employee=person,
            department=department,
            personnel_number=data["personnel_number"],
            start_date=data["start_date"],
            end_date=data.get("end_date"),
            function_name=data.get("function_name") or "",
            hours_per_week=data["hours_per_week"],
            annual_salary=data.get("annual_salary"),
            contract_type=data["contract_type"],
        )
        chunk.employments.append(job)
        chunk.link(KeyKind.EMPLOYMENT, row.employment_key, job, row.source_time)
        return CREATED

    def _new_person(self, row: ParsedRow, data: dict[str, Any], chunk: _Chunk) -> Employee:
        values = {name: data.get(name) for name in EMPLOYEE_FIELDS}
        for name in EMPLOYEE_FIELDS:
            if name not in ("house_number", "birth_date"):
                values[name] = values[name] or ""
        values["country"] = values["country"] or "NL"
        values["name_use"] = values["name_use"] or NameUse.OWN
        person = Employee(employer=self.employer, **values)
        chunk.employees.append(person)
        if row.employee_key:
            chunk.by_key[row.employee_key] = person
        if person.bsn:
            chunk.by_bsn[person.bsn] = person
        return person

    def _update(
        self, row: ParsedRow, department: Department | None, job: Employment, chunk: _Chunk
    ) -> str:
        person: Employee = job.employee
        person_changes: dict[str, Any] = {}
        try:
            with transaction.atomic():  # the row's updates stand or fall together
                if row.person_data:
                    person_changes = self._update_person(row, person)
                changed = self._update_job(row, job, department)
        except ValidationError as exc:
            raise RowFailed(_problems_of(exc)) from exc
        except (Http404, PermissionDenied) as exc:
            raise RowFailed([("", "not_allowed", {})]) from exc
        _remember(person, person_changes)  # a later row of this person compares with these
        chunk.link(KeyKind.EMPLOYEE, row.employee_key, person, row.source_time)
        chunk.link(KeyKind.EMPLOYMENT, row.employment_key, job, row.source_time)
        return UPDATED if changed or person_changes else UNCHANGED

    def _person_changes(self, row: ParsedRow, person: Employee) -> dict[str, Any]:
        """Fields of the row that differ from the stored person, normalised as the portal does."""
        current = {name: getattr(person, name) for name in EMPLOYEE_FIELDS}
        given = {name: value for name, value in row.employee.items() if value is not None}
        merged = {**current, **given}
        problems = Problems()
        _check_employee(merged, problems, start_date=None)
        changes = {name: merged[name] for name in given if merged[name] != current[name]}
        if changes:
            _fail_if(problems)  # stored values nobody changes are no reason to refuse the row
        return changes

    def _update_person(self, row: ParsedRow, person: Employee) -> dict[str, Any]:
        """The person's changes, written through the service (a dry run only validates)."""
        changes = self._person_changes(row, person)
        if changes and not self.dry_run:
            people_services.update_employee(
                actor=self.actor,
                employee_id=person.pk,
                data=changes,
                required=IMPORT_EMPLOYEE_REQUIRED,
            )
        return changes

    def _job_changes(
        self, row: ParsedRow, job: Employment, department: Department | None
    ) -> tuple[dict[str, Any], bool]:
        current: dict[str, Any] = {
            name: getattr(job, name) for name in people_services.EMPLOYMENT_KEYS
        }
        current["department"] = job.department_id
        given = {
            name: row.employment[name]
            for name in EMPLOYMENT_FIELDS
            if row.employment.get(name) is not None
        }
        if department is not None:
            given["department"] = department.pk
        changes = {name: value for name, value in given.items() if value != current[name]}
        if changes:
            problems = Problems()
            merged = {**current, **given}
            _check_employment(merged, problems)
            _fail_if(problems)
        return changes, bool(changes)

    def _end(self, row: ParsedRow, job: Employment) -> bool:
        """Whether the row ends the employment; an end date is never moved by an import."""
        end = row.employment.get("end_date")
        if end is None or end == job.end_date:
            return False
        if job.end_date is not None:
            raise RowFailed([("end_date", "already_ended", {"date": job.end_date.isoformat()})])
        start = row.employment.get("start_date") or job.start_date
        problem = rules.end_date_problem(start, end)
        if problem:
            raise RowFailed([("end_date", problem, {})])
        return True

    def _update_job(self, row: ParsedRow, job: Employment, department: Department | None) -> bool:
        """Change and end the employment through the services (a dry run only validates)."""
        changes, changed = self._job_changes(row, job, department)
        ends = self._end(row, job)
        if self.dry_run:
            return changed or ends
        if changes:
            people_services.update_employment(
                actor=self.actor,
                employment_id=job.pk,
                data=changes,
                valid_from=row.employment.get("valid_from"),
                required=IMPORT_EMPLOYMENT_REQUIRED,
            )
        if ends:
            people_services.end_employment(
                actor=self.actor, employment_id=job.pk, end_date=row.employment["end_date"]
            )
        return changed or ends

    # --- the bulk write -----------------------------------------------------------------

    def _write(self, chunk: _Chunk) -> None:
        """Create the chunk's new rows (people.services), their keys, their audit rows
        (core.audit) and their change-feed rows; COPY on PostgreSQL, bulk_create elsewhere."""
        if not chunk.employments and not chunk.keys:
            return
        now = timezone.now()
        jobs = chunk.employments
        people_services.create_many(chunk.employees, jobs, now)
        keys = [self._key(*link) for link in chunk.keys]
        if bulk.use_copy():
            bulk.copy_insert(
                ExternalKey, ("created_at", *KEY_COLUMNS), ((now, *key) for key in keys)
            )
        else:
            ExternalKey.objects.bulk_create(
                [ExternalKey(**dict(zip(KEY_COLUMNS, key, strict=True))) for key in keys],
                batch_size=1000,
            )
        created = self._created(chunk, jobs)
        record_created_many(actor=self.actor, created=[item for item, _job in created], now=now)
        feed.record_many(
            [
                {
                    "arbodienst_id": item.arbodienst_id,
                    "employer_id": item.employer_id,
                    "department_id": job.department_id,
                    "employee_id": item.employee_id,
                    "object_type": feed.FEED_TYPES[item.obj._meta.label_lower],
                    "object_id": item.obj.pk,
                    "action": AuditAction.CREATE.value,
                    "fields": sorted(item.values),
                }
                for item, job in created
            ]
        )

    def _key(
        self, kind: str, key: str, obj: models.Model, source_time: dt.datetime | None
    ) -> tuple[Any, ...]:
        """An ExternalKey row's values, in KEY_COLUMNS order."""
        return (self.employer.pk, kind, key, obj.pk, source_time)

    def _created(self, chunk: _Chunk, jobs: list[Employment]) -> list[tuple[Created, Employment]]:
        """Each new person (once) and each new employment, with its audited values."""
        new_people = {id(person) for person in chunk.employees}
        out: list[tuple[Created, Employment]] = []

        def created(obj: models.Model, audited: tuple[str, ...], job: Employment) -> None:
            item = Created(
                obj=obj,
                values=created_values(obj, audited),
                arbodienst_id=self.employer.arbodienst_id,
                employer_id=self.employer.pk,
                employee_id=job.employee_id,
            )
            out.append((item, job))

        for job in jobs:
            if id(job.employee) in new_people:
                new_people.discard(id(job.employee))
                created(job.employee, Employee.AUDITED, job)
            created(job, Employment.AUDITED, job)
        return out


# Column order of the ExternalKey rows `_write` builds (attnames; id and created_at apart).
KEY_COLUMNS: Final = ("employer_id", "kind", "key", "object_id", "source_time")
