"""The figures a page, an export, the API or the CLI shows, from one load of the population.

Everything a page needs (P, the same P a year earlier, 24 months of trend, the departments)
is computed from a single load over the widest window, so the number of queries stays fixed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from hersteld.organisations.models import Department
from hersteld.statistics import figures, selectors
from hersteld.statistics.figures import Figures
from hersteld.statistics.selectors import Population


@dataclass(frozen=True)
class DepartmentRow:
    department: Department
    figures: Figures
    suppressed: bool


@dataclass(frozen=True)
class GroupRow:
    """One group of a breakdown by function or age band; `label` "" is "no function"."""

    label: str
    figures: Figures
    suppressed: bool


BREAKDOWNS = ("function", "age")


def breakdown(
    loaded: selectors.Loaded,
    population: Population,
    kind: str,
    start: dt.date,
    end: dt.date,
    k: int,
) -> list[GroupRow]:
    """The groups of one breakdown over P; a group under k persons is suppressed, never
    estimated. Age bands are by age on the first day of P."""
    if kind == "function":
        rows, order = loaded.by_function, None
    else:
        rows, order = loaded.by_age(start), [label for label, _, _ in figures.AGE_BANDS]
    return [
        GroupRow(label, part, part.persons < k)
        for label, part in figures.compute_breakdown(
            rows, loaded.periods, start, end, within=population.within, order=order
        )
    ]


@dataclass(frozen=True)
class Report:
    population: Population
    start: dt.date
    end: dt.date
    k: int
    figures: Figures
    suppressed: bool
    previous: Figures | None = None
    trend: list[Figures] = field(default_factory=list)
    departments: list[DepartmentRow] = field(default_factory=list)
    functions: list[GroupRow] = field(default_factory=list)
    ages: list[GroupRow] = field(default_factory=list)


def single(
    population: Population, start: dt.date, end: dt.date, *, breakdowns: tuple[str, ...] = ()
) -> Report:
    """Only the figures over P (the API and the CLI), with the breakdowns asked for."""
    loaded = selectors.load_all(population, start, end)
    result = figures.compute(
        loaded.employments, loaded.periods, start, end, within=population.within
    )
    k = selectors.min_group()
    parts = {kind: breakdown(loaded, population, kind, start, end, k) for kind in breakdowns}
    return Report(
        population,
        start,
        end,
        k,
        result,
        population.breakdown and result.persons < k,
        functions=parts.get("function", []),
        ages=parts.get("age", []),
    )


def full(population: Population, start: dt.date, end: dt.date) -> Report:
    """P, the same P a year earlier, 24 months ending with P's last month, and departments."""
    previous_start, previous_end = figures.year_before(start, end)
    months = figures.trailing_months(end, 24)
    window_start = min(previous_start, months[0][0])
    loaded = selectors.load_all(population, window_start, end)
    employments, periods = loaded.employments, loaded.periods
    k = selectors.min_group()

    def over(a: dt.date, b: dt.date, within: tuple[str, ...] | None) -> Figures:
        return figures.compute(employments, periods, a, b, within=within)

    departments = selectors.departments(population)
    result, *own = figures.compute_many(
        employments,
        periods,
        start,
        end,
        [population.within, *((department.path,) for department in departments)],
    )
    suppressed = population.breakdown and result.persons < k
    rows = [
        DepartmentRow(department, part, part.persons < k)
        for department, part in zip(departments, own, strict=True)
    ]
    functions = breakdown(loaded, population, "function", start, end, k)
    ages = breakdown(loaded, population, "age", start, end, k)
    if suppressed:
        return Report(
            population,
            start,
            end,
            k,
            result,
            True,
            departments=rows,
            functions=functions,
            ages=ages,
        )
    return Report(
        population,
        start,
        end,
        k,
        result,
        False,
        previous=over(previous_start, previous_end, population.within),
        trend=[over(a, b, population.within) for a, b in months],
        departments=rows,
        functions=functions,
        ages=ages,
    )


def as_json(report: Report) -> dict[str, object]:
    """The API's and the CLI's answer; a suppressed group gives no figures at all."""
    body = report.figures.rounded()
    if report.suppressed:
        for key in ("vp", "vp_with_leave", "mf", "gvd", "nulverzuim"):
            body[key] = None
        body["duration_classes"] = {name: None for name, _ in figures.DURATION_CLASSES}
    body["suppressed"] = report.suppressed
    body["k"] = report.k
    return body


def group_json(row: GroupRow) -> dict[str, object]:
    """One group of a breakdown for the API: a suppressed group gives no number at all."""
    body = row.figures.rounded()
    for key in ("from", "to", "standard"):
        body.pop(key)
    if row.suppressed:
        for key in ("population", "vp", "vp_with_leave", "mf", "gvd", "nulverzuim"):
            body[key] = None
        body["duration_classes"] = None
    return {"group": row.label, "suppressed": row.suppressed, **body}
