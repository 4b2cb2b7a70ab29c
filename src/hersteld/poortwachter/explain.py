"""The engine's `why` texts in the reader's language.

The pure engine explains each date in fixed English sentences (the CLI and the API show
them as they are); the portal rewrites the known sentence shapes through gettext, with
dates as dd-mm-yyyy. An unknown shape is shown unchanged.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from django.utils.formats import date_format
from django.utils.translation import gettext as _

DATE = r"(\d{4}-\d{2}-\d{2})"
_COUNTED = re.compile(
    rf"^(?P<label>.+?): D1 {DATE} \+ (?P<days>\d+) days(?: \+ (?P<gaps>\d+) gap days)?"
    rf"(?:, moved from (?P<moved>\d{{4}}-\d{{2}}-\d{{2}}) \(weekend or holiday\))?$"
)
_AFTER_ANALYSIS = re.compile(rf"^14 days after the probleemanalyse \((made|due) {DATE}\)$")
_EVALUATION = re.compile(
    rf"^evaluation (\d+): (\d+) days after the plan van aanpak \((made|due) {DATE}\)$"
)
_SANCTION = re.compile(rf"^loonsanctie until {DATE} \(waiting period would end {DATE}\)$")
_NOT_REACHED = re.compile(r"^(?:(?P<label>.+?): )?not reached, chain ended$")
_WEEK_END = re.compile(r"^end of week (\d+)$")
_WEEK = re.compile(r"^week (\d+)$")


def _day(text: str) -> str:
    return date_format(dt.date.fromisoformat(text), "d-m-Y")


def _label(text: str) -> str:
    if match := _WEEK_END.match(text):
        return _("end of week %(week)s") % {"week": match[1]}
    if match := _WEEK.match(text):
        return _("week %(week)s") % {"week": match[1]}
    if text == "first working day after week 42":
        return _("first working day after week 42")
    if text == "plan van aanpak":
        return _("plan van aanpak")
    return text


def _counted(match: re.Match[str]) -> str:
    out = _("%(label)s: first day of absence %(d1)s + %(days)s days") % {
        "label": _label(match["label"]),
        "d1": _day(match[2]),
        "days": match["days"],
    }
    if match["gaps"]:
        out += _(" + %(gaps)s days between periods") % {"gaps": match["gaps"]}
    if match["moved"]:
        out += _(", moved from %(date)s (weekend or holiday)") % {"date": _day(match["moved"])}
    return out


def _after_analysis(match: re.Match[str]) -> str:
    text = (
        _("14 days after the probleemanalyse (made on %(date)s)")
        if match[1] == "made"
        else _("14 days after the probleemanalyse (due %(date)s)")
    )
    return text % {"date": _day(match[2])}


def _evaluation(match: re.Match[str]) -> str:
    text = (
        _("evaluation %(n)s: %(days)s days after the plan van aanpak (made on %(date)s)")
        if match[3] == "made"
        else _("evaluation %(n)s: %(days)s days after the plan van aanpak (due %(date)s)")
    )
    return text % {"n": match[1], "days": match[2], "date": _day(match[4])}


def _sanction(match: re.Match[str]) -> str:
    return _("loonsanctie until %(until)s (the waiting period would have ended %(end)s)") % {
        "until": _day(match[1]),
        "end": _day(match[2]),
    }


def _not_reached(match: re.Match[str]) -> str:
    text = _("not reached: the absence ended before")
    return f"{_label(match['label'])}: {text}" if match["label"] else text


SHAPES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (_NOT_REACHED, _not_reached),
    (_COUNTED, _counted),
    (_AFTER_ANALYSIS, _after_analysis),
    (_EVALUATION, _evaluation),
    (_SANCTION, _sanction),
)


def explain(why: str) -> str:
    """The engine's explanation of a date, as a person reads it in the portal."""
    for pattern, render in SHAPES:
        if match := pattern.match(why):
            return render(match)
    return why
