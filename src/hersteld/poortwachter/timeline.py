"""The Todo-tijdlijn of a sickness case (P10): the chain's to-dos on an axis of weeks.

`build(case)` turns the chain (docs/rules/samentelling.md) and its to-dos (the rows `services.sync_plan`
keeps on the chain's latest case) into plain values for `_timeline.html`: an SVG in a
fixed viewBox of `WIDTH` units, so the template only prints numbers.

- The axis runs in calendar days from D1 of the chain to the end of the waiting period
  (the due date of EINDE_WACHTTIJD: gap days and a loonsanctie included), or to today when
  that is later and the chain is still open.
- "The end of week n" is the date of the chain's 7n-th sick day, so the week ticks after
  a gap move by its gap days. When the last period has ended, the ticks are placed as if
  it had stayed open (the milestones then have no due date; docs/rules/samentelling.md).
- One dot per to-do with a due date on the axis, at its due date; to-dos without one
  (lapsed) appear only in the list.

A handful of queries: the chain (`whole_chain`) and one for the to-dos.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hersteld.absence.chains import whole_chain
from hersteld.absence.models import AbsenceCase, CaseKind, CaseStatus
from hersteld.core.actor import Actor
from hersteld.poortwachter import engine
from hersteld.poortwachter.explain import explain
from hersteld.poortwachter.models import Todo, TodoStatus
from hersteld.poortwachter.selectors import visible
from hersteld.poortwachter.services import NOT_MARKABLE, chain_input, may_mark

# --- geometry of the viewBox (units; the SVG scales to its box) -------------------------
WIDTH = 1000.0
PAD_X = 20.0
DOT_R = 6.5
HIT_R = 11.0
LANE_H = 16.0
BAR_H = 18.0
FONT = 12.0
LABEL_FONT_MAX = 15.0  # labels under the bar are larger on a phone (portal.css)
LABEL_ROW = 15.0
TIP_TOP = 4.0
TIP_FONT = 13.0
TIP_LINE = 17.0
TIP_PAD = 8.0
# Rough glyph widths (em) of the portal's sans-serif, to size boxes and avoid overlaps.
CHAR_EM = 0.56
BOLD_EM = 0.62

MAJOR_WEEKS = frozenset({1, 6, 8, 13, 26, 42, 52, 65, 78, 91, 104})
INFORMATIONAL = "info"  # WIA_BRIEF_UWV, EINDE_WACHTTIJD: dates, nobody acts
END_CODE = "EINDE_WACHTTIJD"
MANUAL_CODE = "MANUAL"


@dataclass(frozen=True)
class Tick:
    week: int
    day: dt.date  # the last day of the week: the chain's 7n-th sick day
    x: float  # at the end of that day
    major: bool


@dataclass(frozen=True)
class Label:
    text: str
    x: float
    y: float
    css: str


@dataclass(frozen=True)
class Segment:
    kind: str  # sick | ahead | gap | leave | sanction
    start: dt.date
    end: dt.date  # first day after the segment
    x: float
    width: float


@dataclass(frozen=True)
class TipLine:
    text: str
    y: float
    strong: bool = False


@dataclass(frozen=True)
class Tip:
    x: float
    y: float
    width: float
    height: float
    text_x: float
    lines: tuple[TipLine, ...]
    stem_y2: float  # the stem from the box down to just above the dot


@dataclass(frozen=True)
class Entry:
    """One to-do of the chain: a row of the list and, when it has a due date on the axis, a dot."""

    pk: int
    code: str  # the milestone code, or MANUAL for a to-do added by hand
    number: int
    label: str
    party: str
    party_label: str
    due: dt.date | None
    window_start: dt.date | None
    why: str
    done_on: dt.date | None
    status: str  # done | open | overdue | lapsed | info
    status_label: str
    week: int | None  # the week of absence (sick days) in which the due date falls
    can_mark: bool = False
    provisional: bool = False  # the due date rests on a holiday no decree covers yet
    title: str = ""  # the native tooltip
    x: float | None = None
    cy: float | None = None
    window_x: float | None = None
    tip: Tip | None = None

    @property
    def drawn(self) -> bool:
        return self.x is not None


@dataclass(frozen=True)
class Timeline:
    case_id: int
    available: bool
    today: dt.date
    first_day: dt.date | None = None
    axis_end: dt.date | None = None
    open: bool = True
    periods: int = 0
    gap_days: int = 0
    week_now: int | None = None
    waiting_period_end: dt.date | None = None
    sanction_until: dt.date | None = None
    width: float = WIDTH
    height: float = 0.0
    bar_y: float = 0.0
    bar_height: float = BAR_H
    tip_bottom: float = 0.0
    hint_y: float = 0.0
    today_x: float | None = None
    marker_top: float = 0.0
    marker_bottom: float = 0.0
    sanction_x: float | None = None
    ticks: tuple[Tick, ...] = ()
    labels: tuple[Label, ...] = ()
    segments: tuple[Segment, ...] = ()
    entries: tuple[Entry, ...] = ()
    dots: tuple[Entry, ...] = field(default=())

    dot_r: float = DOT_R
    hit_r: float = HIT_R
    bar_x: float = PAD_X
    bar_width: float = WIDTH - 2 * PAD_X

    @property
    def tick_bottom(self) -> float:
        return self.bar_y + self.bar_height

    @property
    def minor_tick_end(self) -> float:
        return self.tick_bottom + 4

    @property
    def major_tick_end(self) -> float:
        return self.tick_bottom + 8

    @property
    def sanction_band_y(self) -> float:
        return self.bar_y + self.bar_height - 6

    @property
    def has_leave(self) -> bool:
        return any(segment.kind == "leave" for segment in self.segments)

    @property
    def has_gap(self) -> bool:
        return any(segment.kind == "gap" for segment in self.segments)

    @property
    def undrawn(self) -> int:
        """To-dos only in the list: no due date (lapsed) or one off the axis."""
        return sum(1 for entry in self.entries if not entry.drawn)


def _day(value: dt.date) -> str:
    return date_format(value, "d-m-Y")


def _text_width(text: str, size: float, strong: bool = False) -> float:
    return len(text) * size * (BOLD_EM if strong else CHAR_EM)


class _Axis:
    """Calendar days from D1 to the end of the axis onto [PAD_X, WIDTH - PAD_X]."""

    def __init__(self, start: dt.date, end: dt.date) -> None:
        self.start = start
        self.end = end
        self.scale = (WIDTH - 2 * PAD_X) / ((end - start).days + 1)

    def at(self, day: dt.date) -> float:
        """The left edge of a day (= the end of the day before)."""
        return round(PAD_X + (day - self.start).days * self.scale, 1)

    def mid(self, day: dt.date) -> float:
        return round(PAD_X + ((day - self.start).days + 0.5) * self.scale, 1)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def segment(self, kind: str, start: dt.date, end: dt.date) -> Segment | None:
        """A stretch [start, end) clipped to the axis; None when nothing of it is on it."""
        start = max(start, self.start)
        end = min(end, self.end + dt.timedelta(days=1))
        if end <= start:
            return None
        left = self.at(start)
        return Segment(kind, start, end, left, round(self.at(end) - left, 1))


def _sick_days(periods: Sequence[engine.Period], day: dt.date) -> int:
    """Sick days of the chain up to and including `day` (docs/rules/samentelling.md)."""
    total = 0
    for period in periods:
        if day < period.start:
            break
        end = min(period.recovered or dt.date.max, day + dt.timedelta(days=1))
        total += (end - period.start).days
    return total


def _week(periods: Sequence[engine.Period], day: dt.date) -> int | None:
    days = _sick_days(periods, day)
    return (days + 6) // 7 if days else None


def _chain_periods(periods: list[engine.Period], leaves: list[engine.Leave]) -> list[engine.Period]:
    """The periods of the last chain, as the engine plans it."""
    try:
        return engine.chains(periods, leaves)[-1]
    except engine.PlanError:  # overlapping periods cannot be counted: show the last one
        return [max(periods, key=lambda p: p.start)]


Span = tuple[dt.date, dt.date]  # [first day, first day after)


def _subtract(start: dt.date, end: dt.date, holes: Iterable[Span]) -> list[Span]:
    """Parts of [start, end) not covered by any of the holes [a, b)."""
    parts = [(start, end)]
    for a, b in holes:
        next_parts: list[Span] = []
        for s, e in parts:
            if b <= s or a >= e:
                next_parts.append((s, e))
                continue
            if s < a:
                next_parts.append((s, a))
            if b < e:
                next_parts.append((b, e))
        parts = next_parts
    return parts


def _leave_span(item: AbsenceCase, today: dt.date) -> Span:
    if item.end_date is not None:
        return item.first_day, item.end_date
    if item.leave_end is not None:
        return item.first_day, item.leave_end + dt.timedelta(days=1)
    return item.first_day, today + dt.timedelta(days=1)


def _place(items: Sequence[tuple[float, str, str]], first_y: float) -> tuple[list[Label], float]:
    """Labels centred on their x, clamped to the viewBox, each on the first row where it fits."""
    rows: list[list[tuple[float, float]]] = []
    labels: list[Label] = []
    for x, text, css in sorted(items, key=lambda item: item[0]):
        half = _text_width(text, LABEL_FONT_MAX) / 2 + 3
        centre = min(max(x, half + 1), WIDTH - half - 1)
        span = (centre - half, centre + half)
        index = next(
            (
                number
                for number, row in enumerate(rows)
                if all(span[0] >= right or span[1] <= left for left, right in row)
            ),
            len(rows),
        )
        if index == len(rows):
            rows.append([])
        rows[index].append(span)
        labels.append(Label(text, round(centre, 1), round(first_y + index * LABEL_ROW, 1), css))
    return labels, first_y + max(len(rows) - 1, 0) * LABEL_ROW


def _status(todo: Todo, today: dt.date) -> tuple[str, str]:
    if todo.code in NOT_MARKABLE and todo.done_on is None and todo.due is not None:
        return INFORMATIONAL, _("for information")
    status = todo.status_on(today)
    return status, str(TodoStatus(status).label)


def _tip_lines(entry: Entry) -> list[tuple[str, bool]]:
    lines = [(entry.label, True), (_("Who: %(party)s") % {"party": entry.party_label}, False)]
    assert entry.due is not None
    if entry.window_start is not None and entry.window_start < entry.due:
        when = _("From %(start)s, due %(due)s (week %(week)s)") % {
            "start": _day(entry.window_start),
            "due": _day(entry.due),
            "week": entry.week,
        }
    else:
        when = _("Due: %(due)s (week %(week)s)") % {
            "due": _day(entry.due),
            "week": entry.week,
        }
    if entry.provisional:
        when += " " + _("(provisional)")
    lines.append((when, False))
    state = _("Status: %(status)s") % {"status": entry.status_label}
    if entry.done_on is not None:
        state += ", " + _("done on %(date)s") % {"date": _day(entry.done_on)}
    lines.append((state, False))
    return lines


def _lanes(dots: list[tuple[Entry, float, float]]) -> dict[int, int]:
    """Stack dots (and their windows) that would overlap into lanes; returns lane per pk."""
    ends: list[float] = []
    lane_of: dict[int, int] = {}
    for entry, left, right in sorted(dots, key=lambda d: (d[1], d[2])):
        for lane, end in enumerate(ends):
            if left >= end + 2:
                ends[lane] = right
                break
        else:
            ends.append(right)
            lane = len(ends) - 1
        lane_of[entry.pk] = lane
    return lane_of


def build(
    case: AbsenceCase, today: dt.date | None = None, *, user: Actor | None = None
) -> Timeline:
    """Everything the timeline tab draws for the chain of `case`, as of `today`.

    With `user`, the to-dos are read through `restrict` and each says whether that user
    may record it as done.
    """
    today = today or timezone.localdate()
    full = whole_chain(case)
    chain = [item for item in full if item.status != CaseStatus.WITHDRAWN]
    sickness = [item for item in chain if item.kind == CaseKind.SICKNESS]
    if case.status == CaseStatus.WITHDRAWN or not sickness:
        return Timeline(case_id=case.pk, available=False, today=today)
    all_periods, leaves = chain_input(chain)
    periods = _chain_periods(all_periods, leaves)
    d1 = periods[0].start
    is_open = periods[-1].recovered is None
    # Ticks exist after a full recovery too: count on as if the last period stayed open.
    counting = periods if is_open else [*periods[:-1], engine.Period(periods[-1].start)]
    ticker = engine.Chain(counting)
    sanction = sickness[-1].wage_sanction_until

    todos_qs = visible(user) if user is not None else Todo.objects
    todos = sorted(
        todos_qs.filter(case__in=[item.pk for item in full]),
        # By due date, those without one (lapsed) last, whatever the database does with NULL.
        key=lambda t: (t.due is None, t.due or dt.date.max, t.code, t.number, t.pk),
    )
    end_todo = next((t for t in todos if t.code == END_CODE and t.due is not None), None)
    unsanctioned_end = ticker.end_of_week(104)[0]
    assert unsanctioned_end is not None  # an open chain reaches every week
    waiting_end = end_todo.due if end_todo is not None else None
    axis_end = waiting_end or unsanctioned_end
    if sanction is not None:
        axis_end = max(axis_end, sanction)
    if is_open:
        axis_end = max(axis_end, today)
    elif periods[-1].recovered is not None:
        axis_end = max(axis_end, periods[-1].recovered - dt.timedelta(days=1))
    axis = _Axis(d1, axis_end)

    # --- ticks: the end of each week of absence
    ticks: list[Tick] = []
    week = 1
    while True:
        last_day = ticker.end_of_week(week)[0]
        if last_day is None or last_day > axis_end:
            break
        major = week in MAJOR_WEEKS or (week > 104 and (week - 104) % 13 == 0)
        ticks.append(Tick(week, last_day, axis.at(last_day + dt.timedelta(days=1)), major))
        week += 1

    # --- segments: sick periods (ahead of today lighter), gaps, leaves, the loonsanctie
    segments: list[Segment] = []
    leave_spans = [
        _leave_span(item, today) for item in chain if item.kind == CaseKind.PREGNANCY_LEAVE
    ]
    tomorrow = today + dt.timedelta(days=1)
    for index, period in enumerate(periods):
        end = period.recovered or axis_end + dt.timedelta(days=1)
        for kind, a, b in (("sick", period.start, min(end, tomorrow)), ("ahead", tomorrow, end)):
            if piece := axis.segment(kind, a, b):
                segments.append(piece)
        if index + 1 < len(periods) and period.recovered is not None:
            for a, b in _subtract(period.recovered, periods[index + 1].start, leave_spans):
                if piece := axis.segment("gap", a, b):
                    segments.append(piece)
    for a, b in leave_spans:
        if piece := axis.segment("leave", a, b):
            segments.append(piece)
    if sanction is not None and sanction > unsanctioned_end:
        piece = axis.segment(
            "sanction", unsanctioned_end + dt.timedelta(days=1), sanction + dt.timedelta(days=1)
        )
        if piece:
            segments.append(piece)
    segments.sort(key=lambda s: (s.kind == "sanction", s.start))

    # --- entries, and the dots of those with a due date on the axis
    entries: list[Entry] = []
    for todo in todos:
        status, status_label = _status(todo, today)
        entry = Entry(
            pk=todo.pk,
            code=todo.code or MANUAL_CODE,
            number=todo.number,
            label=todo.label,
            party=todo.party,
            party_label=str(todo.get_party_display()) if todo.party or todo.code else _("not set"),
            due=todo.due,
            window_start=todo.window_start,
            why=explain(todo.why_code, todo.why_params),
            done_on=todo.done_on,
            status=status,
            status_label=status_label,
            week=_week(counting, todo.due) if todo.due else None,
            provisional=todo.provisional and todo.due is not None,
            can_mark=(
                user is not None
                and status in (TodoStatus.OPEN, TodoStatus.OVERDUE)
                and may_mark(user, todo)
            ),
        )
        entries.append(entry)

    drawn = [e for e in entries if e.due is not None and axis.contains(e.due)]
    spans: list[tuple[Entry, float, float]] = []
    for entry in drawn:
        assert entry.due is not None
        x = axis.mid(entry.due)
        left = axis.at(entry.window_start) if entry.window_start else x
        spans.append((entry, min(left, x) - DOT_R, x + DOT_R))
    lane_of = _lanes(spans)
    lanes = max(lane_of.values(), default=0) + 1

    tip_texts = {entry.pk: _tip_lines(entry) for entry in drawn}
    max_lines = max((len(lines) for lines in tip_texts.values()), default=4)
    tip_height = 2 * TIP_PAD + max_lines * TIP_LINE
    tip_bottom = TIP_TOP + tip_height
    top_lane_y = tip_bottom + 12 + DOT_R
    lane0_y = top_lane_y + (lanes - 1) * LANE_H
    bar_y = lane0_y + DOT_R + 7

    dots: list[Entry] = []
    by_pk: dict[int, Entry] = {}
    for entry in drawn:
        assert entry.due is not None
        x = axis.mid(entry.due)
        cy = round(lane0_y - lane_of[entry.pk] * LANE_H, 1)
        lines = tip_texts[entry.pk]
        width = max(_text_width(text, TIP_FONT, strong) for text, strong in lines) + 2 * TIP_PAD
        width = min(width, WIDTH - 4)
        tip_x = min(max(x - width / 2, 2.0), WIDTH - 2 - width)
        tip = Tip(
            x=round(tip_x, 1),
            y=TIP_TOP,
            width=round(width, 1),
            height=tip_height,
            text_x=round(tip_x + TIP_PAD, 1),
            lines=tuple(
                TipLine(text, round(TIP_TOP + TIP_PAD + (i + 1) * TIP_LINE - 4.5, 1), strong)
                for i, (text, strong) in enumerate(lines)
            ),
            stem_y2=round(cy - DOT_R - 1.5, 1),
        )
        window_x = (
            axis.mid(entry.window_start)
            if entry.window_start is not None and entry.window_start < entry.due
            else None
        )
        title = " · ".join(text for text, _strong in lines)
        placed = replace(entry, x=x, cy=cy, window_x=window_x, tip=tip, title=title)
        dots.append(placed)
        by_pk[entry.pk] = placed
    entries = [by_pk.get(entry.pk, entry) for entry in entries]

    # --- labels under the bar: week numbers, then today and the end of the loonsanctie
    tick_bottom = bar_y + BAR_H
    first_row = tick_bottom + 8 + FONT
    today_x = axis.mid(today) if axis.contains(today) else None
    sanction_x = (
        axis.at(sanction + dt.timedelta(days=1))
        if sanction is not None and axis.contains(sanction)
        else None
    )
    sanction_week = _week(counting, sanction) if sanction is not None else None
    week_items = [
        (t.x, str(t.week), "tl-week")
        for t in ticks
        if t.major and not (sanction_x is not None and t.week == sanction_week)
    ]
    markers: list[tuple[float, str, str]] = []
    if sanction_x is not None and sanction is not None:
        week_items.append((sanction_x, str(sanction_week), "tl-week tl-sanction-week"))
        markers.append(
            (
                sanction_x,
                _("loonsanctie until %(date)s") % {"date": _day(sanction)},
                "tl-sanction-label",
            )
        )
    tick_labels, last_row = _place(week_items, first_row)
    if today_x is not None:
        markers.append((today_x, _("today"), "tl-today-label"))
    marker_labels, last_row = (
        _place(markers, last_row + LABEL_ROW + 3) if markers else ([], last_row)
    )

    return Timeline(
        case_id=case.pk,
        available=True,
        today=today,
        first_day=d1,
        axis_end=axis_end,
        open=is_open,
        periods=len(periods),
        gap_days=engine.Chain(periods).gap_days(),
        week_now=_week(periods, today) if is_open else None,
        waiting_period_end=waiting_end,
        sanction_until=sanction,
        height=round(last_row + 8, 1),
        bar_y=round(bar_y, 1),
        tip_bottom=round(tip_bottom, 1),
        hint_y=round(tip_bottom - TIP_PAD - 4, 1),
        today_x=today_x,
        marker_top=round(top_lane_y - DOT_R - 4, 1),
        marker_bottom=round(tick_bottom + 6, 1),
        sanction_x=sanction_x,
        ticks=tuple(ticks),
        labels=tuple(tick_labels + marker_labels),
        segments=tuple(segments),
        entries=tuple(entries),
        dots=tuple(dots),
    )


def dossier_tab(case: AbsenceCase, tab: str, user: Actor, **_: Any) -> dict[str, Any] | None:
    """Receiver of core.signals.dossier_tab: the timeline tab of a dossier."""
    return {"timeline": build(case, user=user)} if tab == "timeline" else None
