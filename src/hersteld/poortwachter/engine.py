"""The Wet verbetering Poortwachter timeline as date arithmetic (rules.md sections 1-3).

Pure module: dates and dataclasses in, dates and dataclasses out; no Django. The
product maps cases onto `Period`s; the CLI `hersteld poortwachter plan` calls `plan`.

Conventions (rules.md 1 and 3):
- A period runs from its first sick day up to, not including, its recovery date R
  (the first day fully fit for the own work); an open period has no R.
- Periods less than 28 days apart (S - R < 28) form one chain; a gap bridged by a
  pregnancy leave with the same cause before and after chains whatever its length.
- In a chain "the end of week n" is the date of the chain's 7n-th sick day, so gap
  days before a deadline move it; with one open period it is D1 + 7n - 1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from hersteld.poortwachter.workdays import first_working_day_on_or_after

CHAIN_GAP_DAYS = 28
MAX_SANCTION = dt.timedelta(weeks=52)


class PlanError(ValueError):
    """Input that cannot be planned: overlapping periods, a recovery before the start, ..."""


@dataclass(frozen=True)
class Period:
    start: dt.date
    recovered: dt.date | None = None  # first day fully at work; None = still sick

    def __post_init__(self) -> None:
        if self.recovered is not None and self.recovered <= self.start:
            raise PlanError(
                f"recovery {self.recovered} must lie after the first sick day {self.start}"
            )


@dataclass(frozen=True)
class Leave:
    """Pregnancy/childbirth leave between two periods with the same cause (rules.md 3)."""

    start: dt.date
    end: dt.date  # first day after the leave


@dataclass(frozen=True)
class Settings:
    evaluation_interval_days: int = 42
    wia_letter_week: int = 88
    report_week: int = 1  # ZIEKMELDING_ARBODIENST: end of week 1 by contract default


@dataclass(frozen=True)
class Milestone:
    code: str
    due: dt.date | None
    window_start: dt.date | None
    party: str
    status: str  # done | open | overdue | lapsed
    why: str
    done: dt.date | None = None


@dataclass(frozen=True)
class Plan:
    first_day: dt.date
    gap_days: int
    chained: bool
    periods: tuple[Period, ...]
    milestones: tuple[Milestone, ...]
    notes: tuple[str, ...] = field(default=())
    waiting_period_end: dt.date | None = None


EMPLOYER = "employer"
EMPLOYEE = "employee"
BOTH = "employer+employee"
MEDIC = "bedrijfsarts"
UWV = "UWV"


def chains(periods: Iterable[Period], leaves: Iterable[Leave] = ()) -> list[list[Period]]:
    """Split periods (any order) into chains; overlapping periods are an error."""
    ordered = sorted(periods, key=lambda p: p.start)
    bridges = list(leaves)
    result: list[list[Period]] = []
    for period in ordered:
        if not result:
            result.append([period])
            continue
        previous = result[-1][-1]
        if previous.recovered is None or period.start < previous.recovered:
            raise PlanError(
                f"period starting {period.start} overlaps the period starting {previous.start}"
            )
        gap = (period.start - previous.recovered).days
        bridged = any(
            leave.start < period.start and leave.end > previous.recovered for leave in bridges
        )
        if gap < CHAIN_GAP_DAYS or bridged:
            result[-1].append(period)
        else:
            result.append([period])
    return result


class Chain:
    """Sick-day arithmetic over one chain of periods."""

    def __init__(self, periods: Sequence[Period]) -> None:
        self.periods = tuple(periods)
        self.first_day = self.periods[0].start
        self.open = self.periods[-1].recovered is None

    def sick_day(self, n: int) -> tuple[dt.date | None, int]:
        """Date of the chain's n-th sick day and the gap days passed before it (None: lapsed)."""
        remaining = n
        gaps = 0
        for index, period in enumerate(self.periods):
            if index:
                previous = self.periods[index - 1]
                assert previous.recovered is not None
                gaps += (period.start - previous.recovered).days
            length = None if period.recovered is None else (period.recovered - period.start).days
            if length is None or remaining <= length:
                return period.start + dt.timedelta(days=remaining - 1), gaps
            remaining -= length
        return None, gaps

    def end_of_week(self, week: int) -> tuple[dt.date | None, int]:
        return self.sick_day(7 * week)

    def gap_days(self) -> int:
        total = 0
        for previous, current in zip(self.periods, self.periods[1:], strict=False):
            assert previous.recovered is not None
            total += (current.start - previous.recovered).days
        return total


def _why(first_day: dt.date, label: str, sick_day: int, gaps: int) -> str:
    text = f"{label}: D1 {first_day.isoformat()} + {sick_day - 1} days"
    return f"{text} + {gaps} gap days" if gaps else text


def _status(due: dt.date | None, done: dt.date | None, as_of: dt.date) -> str:
    if done is not None:
        return "done"
    if due is None:
        return "lapsed"
    return "overdue" if as_of > due else "open"


def plan(
    periods: Sequence[Period],
    *,
    leaves: Sequence[Leave] = (),
    done: Mapping[str, dt.date | Sequence[dt.date]] | None = None,
    sanction_until: dt.date | None = None,
    as_of: dt.date,
    settings: Settings = Settings(),
) -> Plan:
    """Every milestone of rules.md 2 for the last chain of `periods`, with status as of `as_of`."""
    if not periods:
        raise PlanError("at least one period is needed")
    done = dict(done or {})
    all_chains = chains(periods, leaves)
    chain = Chain(all_chains[-1])
    notes: list[str] = []
    if len(all_chains) > 1:
        earlier = all_chains[-2][-1]
        notes.append(
            f"periods before {chain.first_day.isoformat()} do not chain (gap of "
            f"{(chain.first_day - (earlier.recovered or earlier.start)).days} days >= {CHAIN_GAP_DAYS}); "
            "planned from the last chain"
        )
    d1 = chain.first_day
    milestones: list[Milestone] = []

    def done_on(code: str) -> dt.date | None:
        value = done.get(code)
        if isinstance(value, list | tuple):
            return value[0] if value else None
        return value  # type: ignore[return-value]

    def add(
        code: str, party: str, due: dt.date | None, why: str, window_start: dt.date | None = None
    ) -> None:
        completed = done_on(code)
        milestones.append(
            Milestone(
                code, due, window_start, party, _status(due, completed, as_of), why, completed
            )
        )

    def week_end(
        code: str, party: str, week: int, label: str, window_week: int | None = None
    ) -> dt.date | None:
        due, gaps = chain.end_of_week(week)
        window = chain.sick_day(7 * (window_week - 1) + 1)[0] if window_week else None
        add(
            code,
            party,
            due,
            _why(d1, label, 7 * week, gaps) if due else f"{label}: not reached, chain ended",
            window,
        )
        return due

    week_end(
        "ZIEKMELDING_ARBODIENST",
        EMPLOYER,
        settings.report_week,
        f"end of week {settings.report_week}",
    )
    analysis_due = week_end("PROBLEEMANALYSE", MEDIC, 6, "end of week 6")

    # Plan van aanpak: 14 calendar days after the probleemanalyse, never later than week 8.
    week8, gaps8 = chain.end_of_week(8)
    analysis = done_on("PROBLEEMANALYSE") or analysis_due
    if analysis is None or week8 is None:
        plan_due = None
        plan_why = "plan van aanpak: not reached, chain ended"
    elif analysis + dt.timedelta(days=14) < week8:
        plan_due = analysis + dt.timedelta(days=14)
        source = "made" if done_on("PROBLEEMANALYSE") else "due"
        plan_why = f"14 days after the probleemanalyse ({source} {analysis.isoformat()})"
    else:
        plan_due = week8
        plan_why = _why(d1, "end of week 8", 56, gaps8)
    add("PLAN_VAN_AANPAK", BOTH, plan_due, plan_why)

    # The 42nd-week report: first working day on or after the 295th sick day.
    day295, gaps295 = chain.sick_day(295)
    report = first_working_day_on_or_after(day295) if day295 else None
    why = (
        _why(d1, "first working day after week 42", 295, gaps295)
        if day295
        else "not reached, chain ended"
    )
    if report and day295 and report != day295:
        why += f", moved from {day295.isoformat()} (weekend or holiday)"
    add("MELDING_42_WEKEN", EMPLOYER, report, why)

    week_end("EERSTEJAARSEVALUATIE", BOTH, 52, "end of week 52", window_week=46)
    letter, letter_gaps = chain.sick_day(7 * (settings.wia_letter_week - 1) + 1)
    add(
        "WIA_BRIEF_UWV",
        UWV,
        letter,
        _why(
            d1,
            f"week {settings.wia_letter_week}",
            7 * (settings.wia_letter_week - 1) + 1,
            letter_gaps,
        )
        if letter
        else "not reached, chain ended",
    )
    week_end("ACTUEEL_OORDEEL", MEDIC, 91, "end of week 91", window_week=87)
    week_end("EINDEVALUATIE", BOTH, 91, "end of week 91", window_week=87)
    week_end("RIV_AFSCHRIFT", EMPLOYER, 91, "end of week 91")
    week_end("WIA_AANVRAAG", EMPLOYEE, 93, "end of week 93")

    end, end_gaps = chain.end_of_week(104)
    end_why = _why(d1, "end of week 104", 728, end_gaps) if end else "not reached, chain ended"
    if sanction_until is not None:
        if end is None:
            raise PlanError("a loonsanctie needs a chain that reaches week 104")
        if sanction_until <= end or sanction_until > end + MAX_SANCTION:
            raise PlanError(
                f"the loonsanctie must end after {end.isoformat()} and at most 52 weeks later "
                f"({(end + MAX_SANCTION).isoformat()})"
            )
        end_why = f"loonsanctie until {sanction_until.isoformat()} (waiting period would end {end.isoformat()})"
        end = sanction_until
    add("EINDE_WACHTTIJD", "", end, end_why)

    milestones.extend(_evaluations(chain, plan_due, done, end, as_of, settings))
    milestones.sort(key=lambda m: (m.due is None, m.due or dt.date.max, m.code))
    return Plan(
        first_day=d1,
        gap_days=chain.gap_days(),
        chained=len(chain.periods) > 1,
        periods=chain.periods,
        milestones=tuple(milestones),
        notes=tuple(notes),
        waiting_period_end=end,
    )


def _evaluations(
    chain: Chain,
    plan_due: dt.date | None,
    done: Mapping[str, dt.date | Sequence[dt.date]],
    end: dt.date | None,
    as_of: dt.date,
    settings: Settings,
) -> list[Milestone]:
    """Periodic evaluations every N calendar days after the plan van aanpak, while the case is open."""
    made = done.get("PLAN_VAN_AANPAK")
    base = made if isinstance(made, dt.date) else plan_due
    if base is None or end is None or not chain.open:
        return []
    raw = done.get("EVALUATIE", ())
    completed = [raw] if isinstance(raw, dt.date) else sorted(raw)
    source = "made" if isinstance(made, dt.date) else "due"
    out: list[Milestone] = []
    step = dt.timedelta(days=settings.evaluation_interval_days)
    due = base + step
    number = 1
    while due < end:
        completed_on = completed[number - 1] if number <= len(completed) else None
        why = (
            f"evaluation {number}: {settings.evaluation_interval_days * number} days after the "
            f"plan van aanpak ({source} {base.isoformat()})"
        )
        out.append(
            Milestone(
                "EVALUATIE", due, None, BOTH, _status(due, completed_on, as_of), why, completed_on
            )
        )
        due += step
        number += 1
    return out
