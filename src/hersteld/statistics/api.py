"""REST API v1: the absence figures of an employer or a department subtree over a period."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Query, Router, Schema

from hersteld.core.validation import Problems
from hersteld.statistics import periods, reports, selectors
from hersteld.web.access import AuthedRequest, api_requires
from hersteld.web.schemas import Day, Id

router = Router(tags=["statistics"])


class PopulationOut(Schema):
    persons: int
    employment_days: int


class ClassesOut(Schema):
    kort: int | None
    middellang: int | None
    lang: int | None
    extra_lang: int | None


class GroupOut(Schema):
    group: str
    suppressed: bool
    population: PopulationOut | None
    vp: float | None
    vp_with_leave: float | None
    mf: float | None
    gvd: float | None
    nulverzuim: float | None
    duration_classes: ClassesOut | None


class BreakdownsOut(Schema):
    function: list[GroupOut] | None = None
    age: list[GroupOut] | None = None


class StatisticsOut(Schema):
    from_: dt.date = Field(..., alias="from")
    to: dt.date
    population: PopulationOut
    vp: float | None
    vp_with_leave: float | None
    mf: float | None
    gvd: float | None
    nulverzuim: float | None
    duration_classes: ClassesOut
    standard: str
    suppressed: bool
    k: int
    breakdowns: BreakdownsOut | None = None


@router.get("/statistics", response=StatisticsOut, by_alias=True, exclude_unset=True)
@api_requires("absence.view", rule=selectors.may_see_statistics)
def statistics(
    request: AuthedRequest,
    employer: Id | None = None,
    date_from: Day | None = Query(None, alias="from"),  # noqa: B008 (Ninja reads the alias)
    to: Day | None = None,
    department: Id | None = None,
    breakdown: str | None = None,
) -> dict[str, object]:
    """VP (without and with pregnancy leave), MF, GVD, nulverzuim and duration classes over
    `from`..`to` (inclusive), by the Standaard Berekening van Ziekteverzuim (1996).

    `employer`, `from` and `to` are required. Percentages are numbers (20.13 for 20.13 %);
    `gvd` is null when no period ended by recovery. A department (with its subtree) under k
    persons answers `suppressed: true` and no figures. `breakdown=function|age` (or both,
    comma-separated) adds `breakdowns`: the same figures per function or age band, a group
    under k persons without any number. See docs/rules/statistics.md."""
    problems = Problems()
    for field, value in (("employer", employer), ("from", date_from), ("to", to)):
        if value is None:
            problems.add(field, "required")
    kinds = tuple(part for part in (breakdown or "").split(",") if part)
    if any(kind not in reports.BREAKDOWNS for kind in kinds):
        problems.add("breakdown", "invalid_choice")
    problems.raise_if_any()
    assert employer is not None and date_from is not None and to is not None
    periods.check(date_from, to)
    population = selectors.population(request.user, employer_id=employer, department_id=department)
    report = reports.single(population, date_from, to, breakdowns=kinds)
    body = reports.as_json(report)
    if kinds:
        groups = {"function": report.functions, "age": report.ages}
        body["breakdowns"] = {
            kind: [reports.group_json(row) for row in groups[kind]] for kind in kinds
        }
    return body
