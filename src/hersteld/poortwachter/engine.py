"""The Wet verbetering Poortwachter timeline as date arithmetic.

The rules: docs/rules/day-arithmetic.md, poortwachter.md and samentelling.md.

Pure module: dates and dataclasses in, dates and dataclasses out; no Django. The
product maps cases onto `Period`s; the CLI `hersteld poortwachter plan` calls `plan`.

Conventions (docs/rules/day-arithmetic.md and samentelling.md):
- A period runs from its first sick day up to, not including, its recovery date R
  (the first day fully fit for the own work); an open period has no R.
- Periods less than 28 days apart (S - R < 28) form one chain; a pregnancy leave with the
  same cause before and after chains whatever its length, but only when it joins both
  periods directly (the leave starts on R and the next period starts on the first day
  after the leave); any other leave is part of the interruption and the 28-day test applies.
- In a chain "the end of week n" is the date of the chain's 7n-th sick day, so gap
  days before a deadline move it; with one open period it is D1 + 7n - 1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from operator import attrgetter

from hersteld.poortwachter.workdays import WorkingDays, builtin_decrees

CHAIN_GAP_DAYS = 28
MAX_SANCTION = dt.timedelta(weeks=52)

# The dataclasses below are frozen. Their generated __init__ sets every field with its own
# object.__setattr__ call; a plan makes about 30 Milestones, so the classes made per plan
# set the instance dict in one call instead (same fields, equality, hash and repr; more
# than twice as fast). A field added to them must be added to their __init__ too.
_set = object.__setattr__


class PlanError(ValueError):
    """Input that cannot be planned: overlapping periods, a recovery before the start, ..."""


@dataclass(frozen=True, init=False)
class Period:
    start: dt.date
    recovered: dt.date | None = None  # first day fully at work; None = still sick

    def __init__(self, start: dt.date, recovered: dt.date | None = None) -> None:
        if recovered is not None and recovered <= start:
            raise PlanError(f"recovery {recovered} must lie after the first sick day {start}")
        _set(self, "__dict__", {"start": start, "recovered": recovered})


@dataclass(frozen=True)
class Leave:
    """Pregnancy/childbirth leave between two periods with the same cause (docs/rules/samentelling.md).

    It bridges the two periods only when it joins them directly: the earlier period's
    recovery date (first day not sick) is `start`, and the next period starts on `end`.
    """

    start: dt.date
    end: dt.date  # first day after the leave

    def bridges(self, before: Period, after: Period) -> bool:
        return before.recovered == self.start and after.start == self.end


@dataclass(frozen=True)
class Settings:
    evaluation_interval_days: int = 42
    wia_letter_week: int = 88
    report_week: int = 1  # ZIEKMELDING_ARBODIENST: end of week 1 by contract default


Param = str | int


@dataclass(frozen=True)
class Why:
    """How a date was derived: a stable code with parameters, which each reader formats.

    Codes and their parameters (dates as ISO strings, so they store as JSON unchanged):

    - `sick_days`: counted in sick days from D1; `step` (`week_end`, `week` or
      `report_42`), `week`, `d1`, `days`, `gaps`, and `moved_from` when a weekend or holiday
      moved the date;
    - `after_analysis`: 14 days after the probleemanalyse was made (`made`);
    - `evaluation`: `number`, `days` after the plan van aanpak, `basis` (`made` or `due`),
      `date` of that plan van aanpak;
    - `sanction`: a loonsanctie `until`, the waiting period would have ended `end`;
    - `not_reached`: the chain ended first; `step` (`week_end`, `plan` or empty) and `week`.
    """

    code: str
    params: tuple[tuple[str, Param], ...] = ()

    @classmethod
    def of(cls, code: str, **params: Param) -> Why:
        return cls(code, tuple(params.items()))

    def as_dict(self) -> dict[str, Param]:
        return dict(self.params)


WHY_CODES = ("sick_days", "after_analysis", "evaluation", "sanction", "not_reached")


def why_text(why: Why) -> str:
    """The explanation in plain English, as the CLI and the API show it by default."""
    p = why.as_dict()
    if why.code == "sick_days":
        label = {
            "week_end": f"end of week {p['week']}",
            "week": f"week {p['week']}",
            "report_42": "first working day after week 42",
        }[str(p["step"])]
        text = f"{label}: D1 {p['d1']} + {p['days']} days"
        if p.get("gaps"):
            text += f" + {p['gaps']} gap days"
        if p.get("moved_from"):
            text += f", moved from {p['moved_from']} (weekend or holiday)"
        return text
    if why.code == "after_analysis":
        return f"14 days after the probleemanalyse (made {p['made']})"
    if why.code == "evaluation":
        return (
            f"evaluation {p['number']}: {p['days']} days after the plan van aanpak "
            f"({p['basis']} {p['date']})"
        )
    if why.code == "sanction":
        return f"loonsanctie until {p['until']} (waiting period would end {p['end']})"
    if why.code == "not_reached":
        if p.get("step") == "week_end":
            return f"end of week {p['week']}: {NOT_REACHED}"
        if p.get("step") == "plan":
            return f"plan van aanpak: {NOT_REACHED}"
        return NOT_REACHED
    raise ValueError(f"unknown explanation code {why.code!r}")


@dataclass(frozen=True, init=False)
class Milestone:
    code: str
    due: dt.date | None
    window_start: dt.date | None
    party: str
    status: str  # done | open | overdue | lapsed
    reason: Why
    done: dt.date | None = None
    # The due date rests on a day the decrees' usual pattern makes a holiday in a year no
    # decree covers yet (docs/rules/day-arithmetic.md): it may change when the decree appears.
    provisional: bool = False

    def __init__(
        self,
        code: str,
        due: dt.date | None,
        window_start: dt.date | None,
        party: str,
        status: str,
        reason: Why,
        done: dt.date | None = None,
        provisional: bool = False,
    ) -> None:
        _set(
            self,
            "__dict__",
            {
                "code": code,
                "due": due,
                "window_start": window_start,
                "party": party,
                "status": status,
                "reason": reason,
                "done": done,
                "provisional": provisional,
            },
        )

    @property
    def why(self) -> str:
        """The explanation in English (`reason` holds its code and parameters)."""
        return why_text(self.reason)


@dataclass(frozen=True, init=False)
class Plan:
    first_day: dt.date
    gap_days: int
    chained: bool
    periods: tuple[Period, ...]
    milestones: tuple[Milestone, ...]
    notes: tuple[str, ...] = field(default=())
    waiting_period_end: dt.date | None = None

    def __init__(
        self,
        first_day: dt.date,
        gap_days: int,
        chained: bool,
        periods: tuple[Period, ...],
        milestones: tuple[Milestone, ...],
        notes: tuple[str, ...] = (),
        waiting_period_end: dt.date | None = None,
    ) -> None:
        _set(
            self,
            "__dict__",
            {
                "first_day": first_day,
                "gap_days": gap_days,
                "chained": chained,
                "periods": periods,
                "milestones": milestones,
                "notes": notes,
                "waiting_period_end": waiting_period_end,
            },
        )


EMPLOYER = "employer"
EMPLOYEE = "employee"
BOTH = "employer+employee"
MEDIC = "bedrijfsarts"
UWV = "UWV"
NOT_REACHED = "not reached, chain ended"
_DUE_THEN_CODE = attrgetter("due", "code")
_CODE = attrgetter("code")
_START = attrgetter("start")
_FORTNIGHT = dt.timedelta(days=14)
# timedelta(days=k) for the day counts a plan uses (up to week 104 plus a long chain's gaps).
_DAYS = tuple(dt.timedelta(days=k) for k in range(1500))


def chains(periods: Iterable[Period], leaves: Iterable[Leave] = ()) -> list[list[Period]]:
    """Split periods (any order) into chains; overlapping periods are an error."""
    ordered = sorted(periods, key=_START)
    if len(ordered) == 1:
        return [ordered]
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
        bridged = any(leave.bridges(previous, period) for leave in bridges)
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
        # (first sick day, length in days or None while open, gap days before it) per period.
        segments: list[tuple[dt.date, int | None, int]] = []
        gaps = 0
        previous: Period | None = None
        for period in self.periods:
            if previous is not None:
                assert previous.recovered is not None
                gaps += (period.start - previous.recovered).days
            recovered = period.recovered
            length = None if recovered is None else (recovered - period.start).days
            segments.append((period.start, length, gaps))
            previous = period
        self._segments = tuple(segments)
        self._gaps = gaps
        last = self.periods[-1].recovered
        # The chain's last sick day; None while the last period is open.
        self.last_sick_day = None if last is None else last - _DAYS[1]
        self._single_open = len(segments) == 1 and self.open

    def sick_day(self, n: int) -> tuple[dt.date | None, int]:
        """Date of the chain's n-th sick day and the gap days passed before it (None: lapsed)."""
        if self._single_open and 0 < n <= len(_DAYS):
            return self.first_day + _DAYS[n - 1], 0
        remaining = n
        for start, length, gaps in self._segments:
            if length is None or remaining <= length:
                days = remaining - 1
                return start + (_DAYS[days] if 0 <= days < len(_DAYS) else dt.timedelta(days)), gaps
            remaining -= length
        return None, self._gaps

    def end_of_week(self, week: int) -> tuple[dt.date | None, int]:
        return self.sick_day(7 * week)

    def gap_days(self) -> int:
        return self._gaps


def plan(
    periods: Sequence[Period],
    *,
    leaves: Sequence[Leave] = (),
    done: Mapping[str, dt.date | Sequence[dt.date]] | None = None,
    sanction_until: dt.date | None = None,
    as_of: dt.date,
    settings: Settings = Settings(),
    decrees: Collection[dt.date] | None = None,
) -> Plan:
    """Every milestone of docs/rules/poortwachter.md for the last chain of `periods`, with status as of `as_of`.

    `decrees`: the days made equal to a holiday by royal decree (Atw art. 3 lid 3); None
    means the built-in list. The product and the CLI pass the built-in list plus the
    operator's own.
    """
    if not periods:
        raise PlanError("at least one period is needed")
    done = dict(done) if done else {}
    working_days = _working_days(frozenset(builtin_decrees() if decrees is None else decrees))
    all_chains = chains(periods, leaves)
    chain = Chain(all_chains[-1])
    sick_day = chain.sick_day
    notes: list[str] = []
    if len(all_chains) > 1:
        earlier = all_chains[-2][-1]
        notes.append(
            f"periods before {chain.first_day.isoformat()} do not chain (gap of "
            f"{(chain.first_day - (earlier.recovered or earlier.start)).days} days >= {CHAIN_GAP_DAYS}); "
            "planned from the last chain"
        )
    notes.extend(_unbridging_leaves(sorted(periods, key=_START), leaves))
    d1 = chain.first_day
    d1_iso = d1.isoformat()
    dated: list[Milestone] = []
    lapsed: list[Milestone] = []

    def done_on(code: str) -> dt.date | None:
        value = done.get(code)
        if isinstance(value, list | tuple):
            return value[0] if value else None
        return value  # type: ignore[return-value]

    def add(
        code: str,
        party: str,
        due: dt.date | None,
        reason: Why,
        window_start: dt.date | None = None,
        provisional: bool = False,
    ) -> None:
        completed = done_on(code) if done else None
        if due is None:
            status = "lapsed" if completed is None else "done"
            lapsed.append(Milestone(code, due, window_start, party, status, reason, completed))
            return
        status = "done" if completed is not None else "overdue" if as_of > due else "open"
        dated.append(
            Milestone(code, due, window_start, party, status, reason, completed, provisional)
        )

    def counted(step: str, week: int, day: int, gaps: int) -> Why:
        """Day `day` of the chain: D1 + (day - 1) days, plus the gap days before it."""
        return Why.of("sick_days", step=step, week=week, d1=d1_iso, days=day - 1, gaps=gaps)

    def week_end(code: str, party: str, week: int, window: dt.date | None = None) -> dt.date | None:
        due, gaps = sick_day(7 * week)
        reason = (
            counted("week_end", week, 7 * week, gaps)
            if due
            else Why.of("not_reached", step="week_end", week=week)
        )
        add(code, party, due, reason, window)
        return due

    week_end("ZIEKMELDING_ARBODIENST", EMPLOYER, settings.report_week)
    week_end("PROBLEEMANALYSE", MEDIC, 6)

    # Plan van aanpak (docs/rules/poortwachter.md): 14 calendar days after the probleemanalyse was made,
    # never later than week 8; while it is not made, the end of week 8. A "made + 14" that
    # falls on or before the chain's last sick day is reached even when week 8 is not.
    week8, gaps8 = sick_day(56)
    analysis_made = done_on("PROBLEEMANALYSE") if done else None
    after_analysis = analysis_made + _FORTNIGHT if analysis_made else None
    last_sick_day = chain.last_sick_day
    if (
        after_analysis is not None
        and week8 is None
        and last_sick_day is not None
        and after_analysis > last_sick_day
    ):
        after_analysis = None  # not reached before the full recovery
    plan_due: dt.date | None
    if after_analysis is not None and (week8 is None or after_analysis < week8):
        assert analysis_made is not None
        plan_due = after_analysis
        plan_why = Why.of("after_analysis", made=analysis_made.isoformat())
    elif week8 is not None:
        plan_due = week8
        plan_why = counted("week_end", 8, 56, gaps8)
    else:
        plan_due = None
        plan_why = Why.of("not_reached", step="plan")
    add("PLAN_VAN_AANPAK", BOTH, plan_due, plan_why)

    # The 42nd-week report: first working day on or after the 295th sick day. After a full
    # recovery it is reached only when that working day is on or before the last sick day
    # (docs/rules/samentelling.md): a 295th day on a Saturday with recovery on Monday needs no report.
    day295, gaps295 = sick_day(295)
    report, provisional = (
        working_days.first_working_day_on_or_after(day295) if day295 else (None, False)
    )
    if report is not None and last_sick_day is not None and report > last_sick_day:
        day295, report, provisional = None, None, False
    text = Why.of("not_reached")
    if day295:
        text = counted("report_42", 42, 295, gaps295)
        if report and report != day295:
            text = Why(text.code, (*text.params, ("moved_from", day295.isoformat())))
    add("MELDING_42_WEKEN", EMPLOYER, report, text, provisional=provisional)

    week_end("EERSTEJAARSEVALUATIE", BOTH, 52, sick_day(7 * 45 + 1)[0])
    letter_week = settings.wia_letter_week
    letter_day = 7 * (letter_week - 1) + 1
    letter, letter_gaps = sick_day(letter_day)
    add(
        "WIA_BRIEF_UWV",
        UWV,
        letter,
        counted("week", letter_week, letter_day, letter_gaps) if letter else Why.of("not_reached"),
    )
    window87 = sick_day(7 * 86 + 1)[0]
    due91, gaps91 = sick_day(637)
    why91 = (
        counted("week_end", 91, 637, gaps91)
        if due91
        else Why.of("not_reached", step="week_end", week=91)
    )
    add("ACTUEEL_OORDEEL", MEDIC, due91, why91, window87)
    add("EINDEVALUATIE", BOTH, due91, why91, window87)
    add("RIV_AFSCHRIFT", EMPLOYER, due91, why91)
    week_end("WIA_AANVRAAG", EMPLOYEE, 93)

    end, end_gaps = sick_day(728)
    end_why = counted("week_end", 104, 728, end_gaps) if end else Why.of("not_reached")
    if sanction_until is not None:
        if end is None:
            raise PlanError("a loonsanctie needs a chain that reaches week 104")
        if sanction_until <= end or sanction_until > end + MAX_SANCTION:
            raise PlanError(
                f"the loonsanctie must end after {end.isoformat()} and at most 52 weeks later "
                f"({(end + MAX_SANCTION).isoformat()})"
            )
        end_why = Why.of("sanction", until=sanction_until.isoformat(), end=end.isoformat())
        end = sanction_until
    add("EINDE_WACHTTIJD", "", end, end_why)

    dated.extend(_evaluations(chain, plan_due, done, end, as_of, settings))
    # Dated milestones by due date then code, then the lapsed ones (no date) by code.
    dated.sort(key=_DUE_THEN_CODE)
    if lapsed:
        lapsed.sort(key=_CODE)
        dated.extend(lapsed)
    return Plan(
        first_day=d1,
        gap_days=chain.gap_days(),
        chained=len(chain.periods) > 1,
        periods=chain.periods,
        milestones=tuple(dated),
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
    raw_made = done.get("PLAN_VAN_AANPAK")
    # A done date comes as one date or as a list (the CLI and the product pass lists).
    made = raw_made if isinstance(raw_made, dt.date) else (min(raw_made) if raw_made else None)
    base = made if made is not None else plan_due
    if base is None:
        return []
    # While the chain is open: until the waiting period ends. After the full recovery the
    # evaluations that fell due while sick stay (docs/rules/samentelling.md: reached milestones keep their date).
    if chain.open:
        if end is None:
            return []
        limit = end - _DAYS[1]
    else:
        assert chain.last_sick_day is not None
        limit = chain.last_sick_day if end is None else min(chain.last_sick_day, end - _DAYS[1])
    raw = done.get("EVALUATIE", ())
    completed = [raw] if isinstance(raw, dt.date) else sorted(raw)
    source = "made" if made is not None else "due"
    out: list[Milestone] = []
    interval = settings.evaluation_interval_days
    step = dt.timedelta(days=interval)
    made_count = len(completed)
    due = base + step
    number = 1
    while due <= limit:
        completed_on = completed[number - 1] if number <= made_count else None
        status = "done" if completed_on is not None else "overdue" if as_of > due else "open"
        out.append(
            Milestone(
                "EVALUATIE",
                due,
                None,
                BOTH,
                status,
                Why.of(
                    "evaluation",
                    number=number,
                    days=interval * number,
                    basis=source,
                    date=base.isoformat(),
                ),
                completed_on,
            )
        )
        due += step
        number += 1
    return out


@lru_cache(maxsize=8)
def _working_days(decrees: frozenset[dt.date]) -> WorkingDays:
    """One calendar per decree set, so its cache of moved dates serves many plans."""
    return WorkingDays(decrees)


def _unbridging_leaves(ordered: Sequence[Period], leaves: Iterable[Leave]) -> list[str]:
    """A note for each leave that joins no two periods directly (docs/rules/samentelling.md)."""
    pairs = list(pairwise(ordered))
    return [
        f"leave {leave.start.isoformat()}:{leave.end.isoformat()} does not directly join two "
        "periods (the first day after the last sick day must be its start, and the next "
        "period must start the day after it): it bridges nothing, the 28-day test applies"
        for leave in leaves
        if not any(leave.bridges(before, after) for before, after in pairs)
    ]
