"""The engine's explanations (engine.Why: a code and parameters) in the reader's language.

The engine gives each due date a stable code with parameters; the portal and the API
format them here through gettext (dates as dd-mm-yyyy), the CLI in English by default
(engine.why_text). A code without a rendering here fails a test (test_explain).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

Params = Mapping[str, Any]


def _day(value: Any) -> str:
    return date_format(dt.date.fromisoformat(str(value)), "d-m-Y")


def _step(params: Params) -> str:
    step = params.get("step")
    if step == "week_end":
        return _("end of week %(week)s") % {"week": params["week"]}
    if step == "week":
        return _("week %(week)s") % {"week": params["week"]}
    if step == "report_42":
        return _("first working day after week 42")
    if step == "plan":
        return _("plan van aanpak")
    return ""


def _sick_days(params: Params) -> str:
    out = _("%(label)s: first day of absence %(d1)s + %(days)s days") % {
        "label": _step(params),
        "d1": _day(params["d1"]),
        "days": params["days"],
    }
    if params.get("gaps"):
        out += _(" + %(gaps)s days between periods") % {"gaps": params["gaps"]}
    if params.get("moved_from"):
        out += _(", moved from %(date)s (weekend or holiday)") % {
            "date": _day(params["moved_from"])
        }
    return out


def _after_analysis(params: Params) -> str:
    return _("14 days after the probleemanalyse (made on %(date)s)") % {
        "date": _day(params["made"])
    }


def _evaluation(params: Params) -> str:
    text = (
        _("evaluation %(n)s: %(days)s days after the plan van aanpak (made on %(date)s)")
        if params["basis"] == "made"
        else _("evaluation %(n)s: %(days)s days after the plan van aanpak (due %(date)s)")
    )
    return text % {"n": params["number"], "days": params["days"], "date": _day(params["date"])}


def _sanction(params: Params) -> str:
    return _("loonsanctie until %(until)s (the waiting period would have ended %(end)s)") % {
        "until": _day(params["until"]),
        "end": _day(params["end"]),
    }


def _not_reached(params: Params) -> str:
    text = _("not reached: the absence ended before")
    label = _step(params)
    return f"{label}: {text}" if label else text


RENDER: dict[str, Callable[[Params], str]] = {
    "sick_days": _sick_days,
    "after_analysis": _after_analysis,
    "evaluation": _evaluation,
    "sanction": _sanction,
    "not_reached": _not_reached,
}


def explain(code: str, params: Params) -> str:
    """How a due date was derived, in the active language; empty without a code."""
    render = RENDER.get(code)
    return render(params) if render else ""
