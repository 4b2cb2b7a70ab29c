"""One way to show a value to a person in the portal: Dutch formats, whatever the language.

Dates are dd-mm-jjjj, numbers use a decimal comma and a thousands dot, percentages and
hours drop needless decimals ("50%", "37,5%", "37,5"), money always has cents ("€ 41.310,00"),
yes/no read "Ja"/"Nee". Values may come as Python objects (a model field) or as the plain
strings the audit trail stores (ISO dates, "41310.00", true/false), so history rows and
pages show the same thing. The API is not formatted here: it stays ISO and dot-decimal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

EMPTY = "—"
MONEY_SYMBOL = "€"

# Kinds of value; AUTO picks one from the Python type.
AUTO = "auto"
TEXT = "text"
DATE = "date"
DATETIME = "datetime"
NUMBER = "number"
HOURS = "hours"
PERCENT = "percent"
MONEY = "money"
BOOL = "bool"
KINDS = frozenset({AUTO, TEXT, DATE, DATETIME, NUMBER, HOURS, PERCENT, MONEY, BOOL})


def format_value(value: Any, kind: str = AUTO) -> str:
    """`value` as the portal shows it; a value that does not fit the kind is shown as is."""
    if value is None or value == "":
        return EMPTY
    if kind == AUTO:
        kind = _kind_of_type(value)
    formatter = _FORMATTERS.get(kind)
    if formatter is None:
        return str(value)
    try:
        return formatter(value)
    except (ValueError, TypeError, InvalidOperation):
        return str(value)


def kind_of_field(field: Any) -> str:
    """The kind of a model field's values, for history rows that only have stored strings.

    Decimal fields are told apart by name: a salary is money, a percentage a percentage,
    hours are hours (annual_salary, wia_percentage, hours_per_week, contract_hours).
    """
    if field is None:
        return AUTO
    internal = field.get_internal_type()
    if internal == "BooleanField":
        return BOOL
    if internal == "DateTimeField":
        return DATETIME
    if internal == "DateField":
        return DATE
    if internal in ("DecimalField", "FloatField"):
        name = field.name
        if "salary" in name:
            return MONEY
        if "percentage" in name:
            return PERCENT
        if "hours" in name:
            return HOURS
        return NUMBER
    return TEXT


def _kind_of_type(value: Any) -> str:
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, dt.datetime):
        return DATETIME
    if isinstance(value, dt.date):
        return DATE
    if isinstance(value, Decimal | float):
        return NUMBER
    return TEXT


def _date(value: Any) -> str:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime):
        value = _local(value).date()
    return f"{value.day:02d}-{value.month:02d}-{value.year:04d}"


def _datetime(value: Any) -> str:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if not isinstance(value, dt.datetime):
        return _date(value)
    value = _local(value)
    return f"{_date(value.date())} {value.hour:02d}:{value.minute:02d}"


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise TypeError("a yes/no is no number")
    number = Decimal(str(value).strip())
    if not number.is_finite():
        raise ValueError("not a finite number")
    return number


def dutch_number(number: Decimal, *, places: int | None = None, max_places: int = 2) -> str:
    """1234.5 -> "1.234,5"; with `places` always that many decimals, else at most
    `max_places` and without trailing zeros."""
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        text = f"{number:,.{places}f}"
    else:
        number = number.quantize(Decimal(1).scaleb(-max_places), rounding=ROUND_HALF_UP)
        text = f"{number:,.{max_places}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    if text in ("-0", "-0.00"):
        text = text[1:]
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def _number(value: Any) -> str:
    return dutch_number(_decimal(value))


def _percent(value: Any) -> str:
    return f"{dutch_number(_decimal(value))}%"


def _money(value: Any) -> str:
    return f"{MONEY_SYMBOL} {dutch_number(_decimal(value), places=2)}"


def _bool(value: Any) -> str:
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "1"):
            value = True
        elif lowered in ("false", "0"):
            value = False
        else:
            return value
    return _("Yes") if value else _("No")


_FORMATTERS: dict[str, Callable[[Any], str]] = {
    TEXT: str,
    DATE: _date,
    DATETIME: _datetime,
    NUMBER: _number,
    HOURS: _number,
    PERCENT: _percent,
    MONEY: _money,
    BOOL: _bool,
}
