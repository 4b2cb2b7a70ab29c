"""Reading single values of a message (dates, decimals, codes, texts) with the schema's formats."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Final, TypeVar

from hersteld.exchange.codec.model import (
    LOCAL_TZ,
    MAX_NOTE_LINE,
    MAX_NOTE_LINES,
    SENT_AT_MAX,
    SENT_AT_MIN,
    SIVI_NAMESPACE_BASE,
)

# --- values -------------------------------------------------------------------------------

T = TypeVar("T")

_BAD_CHARS = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_BAD_NOTE_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_DIGIT = re.compile(r"\d")  # any Unicode decimal digit, as XSD \d
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIME = re.compile(r"([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]{1,12})?(Z|[+-][0-9]{2}:[0-9]{2})?")
_DATETIME = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})T(.+)")
_DECIMAL = re.compile(r"-?[0-9]{1,15}(?:\.[0-9]{1,15})?")
_INTEGER = re.compile(r"[0-9]{1,9}")
_BSN = re.compile(r"[0-9]{8,9}")
_POSTCODE_NL = re.compile(r"[1-9][0-9]{3}[A-Z]{2}")
_HOUSE_NUMBER_NL = re.compile(r"[0-9]{1,5}")
_COUNTRY = re.compile(r"[A-Z]{2}")
_SIVI_NAMESPACE = re.compile(re.escape(SIVI_NAMESPACE_BASE) + r"([A-Za-z]+)/([0-9]{4})")
CENT: Final = Decimal("0.01")


class _Bad(Exception):
    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


def _shown(raw: str) -> str:
    return repr(raw if len(raw) <= 40 else raw[:37] + "...")


def _text(max_length: int, *, no_digits: bool = False) -> Callable[[str], str]:
    def convert(raw: str) -> str:
        if _BAD_CHARS.search(raw):
            raise _Bad("invalid_character", "contains a control character or a non-XML character")
        if len(raw) > max_length:
            raise _Bad("max_length", f"at most {max_length} characters (got {len(raw)})")
        if no_digits and _DIGIT.search(raw):
            raise _Bad("pattern", "digits are not allowed")
        return raw

    return convert


def _date(raw: str) -> dt.date:
    if not _DATE.fullmatch(raw):
        raise _Bad("date_format", f"expected a date as YYYY-MM-DD, got {_shown(raw)}")
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise _Bad("date_format", f"{_shown(raw)} is not a calendar date") from None


def _time(raw: str) -> tuple[dt.time, dt.tzinfo | None]:
    match = _TIME.fullmatch(raw)
    if not match:
        raise _Bad("time_format", f"expected a time as hh:mm:ss, got {_shown(raw)}")
    hour, minute, second = (int(match.group(i)) for i in (1, 2, 3))
    if hour > 23 or minute > 59 or second > 59:
        raise _Bad("time_format", f"{_shown(raw)} is not a time of day")
    offset = match.group(4)
    tz: dt.tzinfo | None = None
    if offset == "Z":
        tz = dt.UTC
    elif offset:
        hours, minutes = int(offset[1:3]), int(offset[4:6])
        if hours > 23 or minutes > 59:
            raise _Bad("time_format", f"{_shown(offset)} is not a UTC offset")
        sign = -1 if offset[0] == "-" else 1
        tz = dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
    return dt.time(hour, minute, second), tz


def _instant(day: dt.date, clock: tuple[dt.time, dt.tzinfo | None]) -> dt.datetime:
    """A date and a time (with offset, or else Amsterdam local time) as a UTC datetime."""
    time, tz = clock
    try:
        zone = tz if tz is not None else LOCAL_TZ
        instant = dt.datetime.combine(day, time, tzinfo=zone).astimezone(dt.UTC)
    except OverflowError:
        raise _Bad("range", "the timestamp lies outside 1970-3000") from None
    if not SENT_AT_MIN <= instant < SENT_AT_MAX:
        raise _Bad("range", "the timestamp lies outside 1970-3000")
    return instant


def _datetime(raw: str) -> dt.datetime:
    match = _DATETIME.fullmatch(raw)
    try:
        if not match:
            raise _Bad("datetime_format", "")
        return _instant(_date(match.group(1)), _time(match.group(2)))
    except _Bad as bad:
        if bad.rule == "range":
            raise
        raise _Bad(
            "datetime_format", f"expected YYYY-MM-DDThh:mm:ss with an offset, got {_shown(raw)}"
        ) from None


def _decimal(maximum: Decimal) -> Callable[[str], Decimal]:
    def convert(raw: str) -> Decimal:
        if not _DECIMAL.fullmatch(raw):
            raise _Bad("decimal_format", f"expected a number such as 38.00, got {_shown(raw)}")
        value = Decimal(raw)
        if value < 0 or value > maximum:
            raise _Bad("range", f"must lie between 0 and {maximum}, got {_shown(raw)}")
        if value != value.quantize(CENT):
            raise _Bad("decimal_format", f"at most two decimals, got {_shown(raw)}")
        return abs(value).quantize(CENT)

    return convert


def _integer(maximum: int) -> Callable[[str], int]:
    def convert(raw: str) -> int:
        if not raw.isascii() or not raw.isdigit():
            raise _Bad("integer_format", f"expected a whole number, got {_shown(raw)}")
        if len(raw) > 9 or int(raw) > maximum:
            raise _Bad("range", f"must lie between 0 and {maximum}, got {_shown(raw)}")
        return int(raw)

    return convert


def _choice(mapping: Mapping[str, T]) -> Callable[[str], T]:
    def convert(raw: str) -> T:
        if raw in mapping:
            return mapping[raw]
        raise _Bad("choice", f"expected one of {', '.join(mapping)}, got {_shown(raw)}")

    return convert


def _bsn(raw: str) -> str:
    if not _BSN.fullmatch(raw):
        raise _Bad("bsn_format", "a BSN has 9 digits (8 digits get a leading zero)")
    return raw.zfill(9)


def _postcode_nl(raw: str) -> str:
    compact = re.sub(r"\s", "", raw).upper()
    if not _POSTCODE_NL.fullmatch(compact):
        raise _Bad(
            "postcode_format", f"expected a Dutch postcode such as 1234 AB, got {_shown(raw)}"
        )
    return f"{compact[:4]} {compact[4:]}"


def _house_number_nl(raw: str) -> str:
    if not _HOUSE_NUMBER_NL.fullmatch(raw):
        raise _Bad("integer_format", f"a Dutch house number is 1-5 digits, got {_shown(raw)}")
    return raw


def _country(raw: str) -> str:
    code = raw.upper()
    if not _COUNTRY.fullmatch(code):
        raise _Bad("pattern", f"expected an ISO 3166 two-letter country code, got {_shown(raw)}")
    return code


def _phone(raw: str) -> str:
    value = _text(512)(raw)
    if "@" in value:
        raise _Bad("pattern", "a phone number has no @")
    return value


def _email(raw: str) -> str:
    value = _text(512)(raw)
    if "@" not in value:
        raise _Bad("pattern", "an e-mail address has an @")
    return value


def _note_lines(raw: str) -> list[str]:
    """Free text as non-empty stripped lines of at most 512 characters."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    if _BAD_NOTE_CHARS.search(text):
        raise _Bad("invalid_character", "contains a control character or a non-XML character")
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    if any(len(line) > MAX_NOTE_LINE for line in lines):
        raise _Bad("max_length", f"each line has at most {MAX_NOTE_LINE} characters")
    return lines


def _json_note(raw: str) -> str:
    lines = _note_lines(raw)
    if len(lines) > MAX_NOTE_LINES:
        raise _Bad("max_length", f"at most {MAX_NOTE_LINES} lines")
    return "\n".join(lines)
