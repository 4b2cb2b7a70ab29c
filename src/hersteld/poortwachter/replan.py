"""Replan every open chain at once (`hersteld poortwachter replan`), after a settings change.

`services.sync_plan` replans one chain inside a write, with a few queries per chain: fine for
one case, hours for 100,000. This does what `sync_plan` does for each chain whose latest
sickness case is open (gather the chain's to-dos on that case, mark the sick report, plan
with the engine, write the difference), but per batch of employees, with a constant number
of queries per batch: their cases (locked, so a portal write waits for the batch), their
to-dos, then one bulk delete, move, create and update.

A chain the engine cannot plan (a loonsanctie out of range) keeps its to-dos as they are and
is counted as skipped, as `resync_around` does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import islice

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from hersteld.absence.chains import bridging_leaves, whole_chain_among
from hersteld.absence.models import AbsenceCase, CaseKind, CaseStatus
from hersteld.core import bulk
from hersteld.organisations.models import Employer
from hersteld.poortwachter import engine, selectors
from hersteld.poortwachter.models import Party, Todo

# (step, done, total): the daily job's progress report (core.daily.Report).
Report = Callable[[str, int, int], None]
BATCH_EMPLOYEES = 500
PLAN_FIELDS = ("party", "due", "window_start", "why_code", "why_params", "provisional")


@dataclass
class ReplanSummary:
    """What a replan did: chains planned and skipped, to-dos created, changed and removed."""

    chains: int = 0
    skipped: int = 0
    created: int = 0
    changed: int = 0
    removed: int = 0
    moved: int = 0

    def add(self, other: ReplanSummary) -> None:
        for name in ("chains", "skipped", "created", "changed", "removed", "moved"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def employees_with_open_chains(arbodienst_id: int | None = None) -> list[int]:
    """Ids of the employees with an open sickness case, in the tenant when given."""
    cases = AbsenceCase.objects.filter(kind=CaseKind.SICKNESS, status=CaseStatus.OPEN)
    if arbodienst_id is not None:
        cases = cases.filter(employer__arbodienst_id=arbodienst_id)
    return sorted(set(cases.values_list("employee_id", flat=True)))


def engine_settings_by_employer(arbodienst_id: int | None = None) -> dict[int, engine.Settings]:
    """The engine's settings per employer, from its arbodienst (`services.engine_settings`)."""
    employers = Employer.objects.all()
    if arbodienst_id is not None:
        employers = employers.filter(arbodienst_id=arbodienst_id)
    return {
        pk: engine.Settings(
            evaluation_interval_days=interval, wia_letter_week=letter, report_week=report
        )
        for pk, interval, letter, report in employers.values_list(
            "id",
            "arbodienst__evaluation_interval_days",
            "arbodienst__wia_letter_week",
            "arbodienst__report_week",
        )
    }


def replan(
    *,
    arbodienst_id: int | None = None,
    today: dt.date | None = None,
    progress: Report | None = None,
    batch_employees: int = BATCH_EMPLOYEES,
) -> ReplanSummary:
    """Replan every open chain (of one arbodienst, or all); one transaction per batch."""
    report = progress or (lambda step, done, total: None)
    today = today or timezone.localdate()
    employees = employees_with_open_chains(arbodienst_id)
    tenant_settings = engine_settings_by_employer(arbodienst_id)
    decrees = selectors.decree_days()
    summary = ReplanSummary()
    done = 0
    report("replan", 0, len(employees))
    ids = iter(employees)
    while batch := list(islice(ids, batch_employees)):
        with transaction.atomic():
            summary.add(_replan_batch(batch, tenant_settings, decrees, today))
        done += len(batch)
        report("replan", done, len(employees))
    return summary


@dataclass
class _Writes:
    """The to-do writes of one batch, done together at its end."""

    delete: list[int]
    move: list[Todo]
    create: list[Todo]
    change: list[Todo]


def _replan_batch(
    employee_ids: Sequence[int],
    tenant_settings: dict[int, engine.Settings],
    decrees: frozenset[dt.date],
    today: dt.date,
) -> ReplanSummary:
    cases = list(
        AbsenceCase.objects.select_for_update()
        .filter(employee_id__in=employee_ids)
        .exclude(kind=CaseKind.PREVENTIVE)
        .order_by("id")
    )
    by_employee: dict[int, dict[int, AbsenceCase]] = {}
    for case in cases:
        by_employee.setdefault(case.employee_id, {})[case.pk] = case
    todos: dict[int, list[Todo]] = {}
    for todo in Todo.objects.filter(case_id__in=[case.pk for case in cases]).order_by("id"):
        todos.setdefault(todo.case_id, []).append(todo)
    writes = _Writes([], [], [], [])
    summary = ReplanSummary()
    for employee_cases in by_employee.values():
        for full in _open_chains(employee_cases):
            if _plan_chain(full, todos, tenant_settings, decrees, today, writes):
                summary.chains += 1
            else:
                summary.skipped += 1
    Todo.objects.filter(pk__in=writes.delete).delete()
    bulk.update_rows(Todo, ["case"], writes.move)
    Todo.objects.bulk_create(writes.create, batch_size=1000)
    # As sync_plan's bulk_update: the plan's fields (updated_at is left as it was).
    bulk.update_rows(Todo, PLAN_FIELDS, writes.change)
    summary.removed = len(writes.delete)
    summary.moved = len(writes.move)
    summary.created = len(writes.create)
    summary.changed = len(writes.change)
    return summary


def _open_chains(cases: dict[int, AbsenceCase]) -> Iterable[list[AbsenceCase]]:
    """Each chain of one employee whose latest sickness case is open, once (`whole_chain`)."""
    seen: set[int] = set()
    for case in sorted(cases.values(), key=lambda item: (item.first_day, item.pk)):
        if case.pk in seen or case.kind != CaseKind.SICKNESS or case.status != CaseStatus.OPEN:
            continue
        full = whole_chain_among(case, cases)
        seen.update(item.pk for item in full)
        sickness = [
            item
            for item in full
            if item.kind == CaseKind.SICKNESS and item.status != CaseStatus.WITHDRAWN
        ]
        if sickness and sickness[-1].status == CaseStatus.OPEN:
            yield full


def _plan_chain(
    full: list[AbsenceCase],
    todos: dict[int, list[Todo]],
    tenant_settings: dict[int, engine.Settings],
    decrees: frozenset[dt.date],
    today: dt.date,
    writes: _Writes,
) -> bool:
    """`services.sync_plan` for one chain, in memory; the writes go to `writes`. False when
    the engine cannot plan it (nothing of the chain is written then)."""
    chain = [item for item in full if item.status != CaseStatus.WITHDRAWN]
    sickness = [item for item in chain if item.kind == CaseKind.SICKNESS]
    target = sickness[-1]
    rows = [todo for item in full for todo in todos.get(item.pk, [])]
    # _gather: of two rows for one milestone keep the done one (the earliest), else the first.
    kept: dict[tuple[str, int], Todo] = {}
    drop: list[int] = []
    for todo in sorted(
        (todo for todo in rows if todo.code),
        key=lambda todo: (todo.done_on is None, todo.done_on or dt.date.min, todo.pk),
    ):
        key = (todo.code, todo.number)
        if key in kept:
            drop.append(todo.pk)
        else:
            kept[key] = todo
    dropped = set(drop)
    remaining = [todo for todo in rows if todo.pk not in dropped]
    new: list[Todo] = []
    if not any(todo.code == "ZIEKMELDING_ARBODIENST" for todo in remaining):
        new.append(_reported(target, sickness[0]))
    done: dict[str, list[dt.date]] = {}
    for todo in [*remaining, *new]:
        if todo.code and todo.done_on is not None:
            done.setdefault(todo.code, []).append(todo.done_on)
    periods = [engine.Period(item.first_day, item.end_date) for item in sickness]
    leaves = [
        engine.Leave(item.first_day, item.end_date)
        for item in bridging_leaves(chain)
        if item.end_date is not None
    ]
    try:
        result = engine.plan(
            periods,
            leaves=leaves,
            done={code: sorted(days) for code, days in done.items()},
            sanction_until=target.wage_sanction_until,
            as_of=today,
            settings=tenant_settings[target.employer_id],
            decrees=decrees,
        )
    except engine.PlanError:
        return False
    writes.delete.extend(drop)
    for todo in remaining:
        if todo.case_id != target.pk:
            todo.case_id = target.pk
            writes.move.append(todo)
    # As in sync_plan, the sick report just recorded is one of the milestones found.
    existing = {(todo.code, todo.number): todo for todo in [*remaining, *new] if todo.code}
    numbers: dict[str, int] = {}
    keep: set[int] = set()
    for milestone in result.milestones:
        numbers[milestone.code] = numbers.get(milestone.code, 0) + 1
        key = (milestone.code, numbers[milestone.code])
        values = {
            "party": milestone.party,
            "due": milestone.due,
            "window_start": milestone.window_start,
            "why_code": milestone.reason.code,
            "why_params": milestone.reason.as_dict(),
            "provisional": milestone.provisional,
        }
        found = existing.get(key)
        if found is None:
            new.append(Todo(case_id=target.pk, code=key[0], number=key[1], **values))
            continue
        keep.add(id(found))
        if any(getattr(found, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(found, name, value)
            if found.pk is not None:  # a new row is written with its values anyway
                writes.change.append(found)
    writes.create.extend(new)
    writes.delete.extend(
        todo.pk
        for todo in existing.values()
        if id(todo) not in keep and todo.done_on is None and todo.pk is not None
    )
    return True


def _reported(target: AbsenceCase, first: AbsenceCase) -> Todo:
    """The sick report entered in Hersteld reaches the arbodienst at once (`_mark_reported`)."""
    reported = timezone.localdate(first.created_at) if first.created_at else timezone.localdate()
    with override(settings.LANGUAGE_CODE):
        note = _("Reported in Hersteld.")
    return Todo(
        case_id=target.pk,
        code="ZIEKMELDING_ARBODIENST",
        party=Party.EMPLOYER,
        done_on=max(reported, first.first_day),
        done_by_id=first.created_by_id,
        note=note,
    )
