"""The retention job: remove what has passed its term, category by category, with a report.

Core cannot know the records of the apps above it, so each app contributes its categories
through `core.signals.retention_categories` (answered in its AppConfig.ready()); the job
asks for them, removes in batches and writes one RetentionRun with a line per category,
tenant and employer: numbers only, never who (docs/adr/0022-retention.md).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hersteld.core import retention_rules as rules
from hersteld.core import signals
from hersteld.core.models import RetentionLine, RetentionRun
from hersteld.core.retention_rules import (
    ADMINISTRATION,
    ERD_WGA,
    ERD_ZW,
    LOGS,
    MEDICAL,
    REINTEGRATION,
)

# What each term keeps and from when it counts, for the refusal of an erasure request.
TERM_LABELS = {
    ADMINISTRATION: _("the absence administration"),
    REINTEGRATION: _("the re-integration file"),
    ERD_ZW: _("the file of an own-risk bearer ZW (ERD-ZW)"),
    ERD_WGA: _("the file of an own-risk bearer WGA (ERD-WGA)"),
    MEDICAL: _("the medical file"),
    LOGS: _("the logs"),
}
TERM_STARTS = {
    ADMINISTRATION: _("the end of the employment"),
    REINTEGRATION: _("the end of the case"),
    ERD_ZW: _("the end of the case"),
    ERD_WGA: _("the end of the case"),
    MEDICAL: _("the last change of the medical file"),
    LOGS: _("the event"),
}

BATCH = 500
REPORT_YEARS = 5  # the reports themselves are kept five years


@dataclass(frozen=True)
class Item:
    """One thing to remove (a row, or a block of log rows): whose it is and how many records."""

    key: Any
    arbodienst_id: int | None
    employer_id: int | None
    count: int = 1


def items_of(rows: Any, employer: str = "employer") -> list[Item]:
    """One Item per row of a queryset, with its tenant and employer read through the path
    `employer` ("employer", "case__employer", "consult__employer"): the form every app's
    `due` and `of_employee` answer in."""
    return [
        Item(pk, tenant, employer_id)
        for pk, tenant, employer_id in rows.values_list(
            "pk", f"{employer}__arbodienst_id", f"{employer}_id"
        )
    ]


@dataclass(frozen=True)
class Category:
    """A kind of record with a term, contributed by the app that keeps it.

    `due(today, arbodienst_id)` finds what has passed its term (all tenants for None), never
    anything of a person under a legal hold (his own, or on one of his cases: see
    absence.retention.held_employee_ids); `erase(items)` removes or anonymises them and
    answers how many records went. `of_employee(employee_id)`, when given, finds everything
    of one person for an erasure on request (whose terms the caller has already checked).
    """

    key: str
    label: str
    order: int
    due: Callable[[dt.date, int | None], Iterable[Item]]
    erase: Callable[[Sequence[Item]], int]
    of_employee: Callable[[int], Iterable[Item]] | None = field(default=None)


def categories() -> list[Category]:
    found: list[Category] = []
    for _receiver, answer in signals.retention_categories.send(sender=Category):
        found.extend(cast(list[Category], answer or []))
    return sorted(found, key=lambda category: (category.order, category.key))


def labels() -> dict[str, str]:
    return {category.key: category.label for category in categories()}


# (category label, done, total): progress of the running category.
Progress = Callable[[str, int, int], None]
Tally = Counter[tuple[str, int | None, int | None]]


def run(
    today: dt.date,
    *,
    dry_run: bool = False,
    arbodienst_id: int | None = None,
    progress: Progress | None = None,
) -> Tally:
    """Remove everything past its term as of `today`; answers the records per (category,
    tenant, employer). A dry run only counts and writes nothing."""
    tally: Tally = Counter()
    for category in categories():
        items = list(category.due(today, arbodienst_id))
        if progress is not None:
            progress(category.label, 0, len(items))
        for start in range(0, len(items), BATCH):
            batch = items[start : start + BATCH]
            if dry_run:
                for item in batch:
                    tally[(category.key, item.arbodienst_id, item.employer_id)] += item.count
            else:
                _erase_batch(category, batch, tally)
            if progress is not None:
                progress(category.label, start + len(batch), len(items))
    if not dry_run:
        _report(today, arbodienst_id, tally)
    return tally


def _erase_batch(category: Category, batch: Sequence[Item], tally: Tally) -> None:
    """One batch in its own transaction: a failure later leaves the earlier batches done."""
    with transaction.atomic():
        category.erase(batch)
    for item in batch:
        tally[(category.key, item.arbodienst_id, item.employer_id)] += item.count


@transaction.atomic
def _report(today: dt.date, arbodienst_id: int | None, tally: Tally) -> RetentionRun:
    report = RetentionRun.objects.create(arbodienst_id=arbodienst_id, as_of=today)
    RetentionLine.objects.bulk_create(
        RetentionLine(
            run=report, category=key, arbodienst_id=tenant, employer_id=employer, count=count
        )
        for (key, tenant, employer), count in sorted(tally.items(), key=_line_order)
        if count
    )
    report.finished_at = timezone.now()
    report.save(update_fields=["finished_at"])
    return report


def _line_order(entry: tuple[tuple[str, int | None, int | None], int]) -> tuple[str, int, int]:
    (key, tenant, employer), _count = entry
    return (key, tenant or 0, employer or 0)


def erase_employee(employee_id: int, *, skip: Iterable[str] = ()) -> Tally:
    """Everything the categories hold of one person, removed now (erasure on request)."""
    tally: Tally = Counter()
    skipped = set(skip)
    for category in categories():
        if category.of_employee is None or category.key in skipped:
            continue
        items = list(category.of_employee(employee_id))
        for start in range(0, len(items), BATCH):
            _erase_batch(category, items[start : start + BATCH], tally)
    return tally


# --- core's own category: the reports, kept five years ---------------------------------------


def _old_reports(today: dt.date, arbodienst_id: int | None) -> Iterable[Item]:
    cutoff = rules.last_expired_start(today, REPORT_YEARS)
    runs = RetentionRun.objects.filter(as_of__lte=cutoff)
    if arbodienst_id is not None:
        runs = runs.filter(arbodienst_id=arbodienst_id)
    return [Item(pk, tenant, None) for pk, tenant in runs.values_list("pk", "arbodienst_id")]


def _erase_reports(items: Sequence[Item]) -> int:
    RetentionRun.objects.filter(pk__in=[item.key for item in items]).delete()
    return len(items)


def core_categories(**_kwargs: Any) -> list[Category]:
    """Receiver of retention_categories: core's own reports of earlier runs."""
    return [
        Category(
            key="retention_reports",
            label=str(_("retention reports older than 5 years")),
            order=95,
            due=_old_reports,
            erase=_erase_reports,
        )
    ]


def daily_step(today: dt.date | None, report: Callable[[str, int, int], None]) -> dict[str, int]:
    """The daily job's part: run the retention job for every tenant."""
    tally = run(today or timezone.localdate(), progress=report)
    return {"records past their retention term": sum(tally.values())}
