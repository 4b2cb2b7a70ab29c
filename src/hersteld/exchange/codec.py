"""Exchange codec: SIVI XML and Hersteld JSON messages <-> canonical dataclasses (pure; no Django).

`parse(body, content_type)` turns an inbound message into a `Message`, or raises
`InvalidMessage` with every problem found, each as a `CodecError(path, rule, message)`:
`path` is an element path for XML (`/Verzuimmeldingen/Wrkgvr/Wrknmr[1]/Dnstvbnd[1]/Vrzm[1]/
DatEerstVrzmdg`, 1-based index on elements that may repeat) or a JSON pointer for JSON
(`/items/0/absence/first_day`; `/` for the document as a whole); `rule` is a stable code from
`RULES`. `to_sivi(message)` and `to_json(message)` write a message; both check their own output,
so that `parse(to_sivi(m)) == m` and `parse(to_json(m)) == m`, and raise `ValueError` for a
message that the format cannot carry exactly. docs/exchange-format.md describes both formats;
schema/hersteld-sivi-subset.xsd describes the SIVI subset for integrators (parsing does not use
it: the checks are here, in Python).

Message types (`Envelope.message_type`), one per SIVI message of the Verzuimstandaard
Werkgevers - Arbodiensten 2022 (public schemas: DucoSivi/sim-verzuim-werkgevers-arbodiensten):

- `absence`: Verzuimmeldingen (BrCd 00100), stream 1: every item carries an absence mutation.
- `employee`: WerknemerGegevens (BrCd 00600), stream 2: employee with NAWTE and employments.
- `employment`: Dienstverbanden (BrCd 00106), stream 2: employments; the employee is identified
  by key, birth date and gender only (the SIVI message has no name, address or contact details).

A SIVI message nests Wrkgvr > Wrknmr > Dnstvbnd > Vrzm. Hersteld takes one employer per message
(one coupling) and flattens the rest into `Message.items`: one `Item(employee, employment,
absence)` per Vrzm (absence messages) or per Dnstvbnd (the other two), in document order. The
writer groups consecutive items with the same employee (and employment) back into one Wrknmr
(and Dnstvbnd).

Processing code VrwrkCd (Vrzm) -> `AbsenceMutation.kind`:

    01 -> sick_report   start of the absence (ziekmelding, "melden aanvang")
    02 -> recovery      change during the absence, e.g. partial recovery ("mutatie")
    03 -> recovery      end of the absence, full recovery ("einde"); ends_absence is True
    04 -> correction    correction of an earlier report ("correctie")
    05 -> withdrawal    the report is withdrawn ("verwijderen gemeld verzuim", intrekking)

Source: SIVI describes Verzuimmeldingen as the message for "melden aanvang, mutatie, einde,
correctie en verwijderen gemeld verzuim" (sivi.org, Verzuimstandaard), five processes for the
five codes; the repository's process description names meldingstype 01 "eerste dag ziekte",
02 "gedeeltelijk herstel" and 03 "volledig herstel". The official code list (the PDF of the
release) was not available, so the order 04 correction / 05 withdrawal is inferred from SIVI's
description, not read from the code list. The writer sends a recovery as 03 when
`ends_absence` is set and as 02 otherwise; a 02 with EndVrzmJN J is read as a recovery that
ends the absence, a 03 with EndVrzmJN N is rejected (`inconsistent`).

Further choices, documented in docs/exchange-format.md:
- Elements outside the subset are ignored, so that complete SIVI messages parse. Unmodelled
  required SIVI elements (HndlsnmOrg, NmvrkrCd, OorzkVrzmCd, Cntprsn, ...) are neither required
  nor written: `to_sivi` output is valid against the subset schema, not the full SIVI schema.
- Phone and e-mail come from Com: NrCom with "@" is the e-mail address, otherwise a phone
  number (first of each). The writer uses SrtComCd 05 (phone) and 09 (e-mail): an assumption
  (private variants of the 05-10 list), not verified against the SIVI code list.
- The address is the StrAdrNl or StrAdrBl with SrtAdrsCd 01 (home address; also assumed).
- SIVI has no salary element: `annual_salary` travels as `hx:Jaarsalaris` in the Hersteld
  extension namespace (`EXTENSION_NAMESPACE`), written only when present.
- Text is stripped; an empty element or string counts as absent. `sent_at` is a UTC datetime
  in whole seconds; SIVI AandatBr/AantijdBr without an offset are Europe/Amsterdam local time.
  Decimals carry at most two decimals; a Dutch postcode reads "1234 AB"; a BSN has 9 digits.
  Domain checks (11-proof, phone validity, Poortwachter rules) belong to the applying layer.

Security: the body is limited to `MAX_BODY_BYTES`; XML is read with expat, refusing any
DOCTYPE or entity declaration (no XXE, no entity expansion), with limits on the number of
elements and on nesting depth; JSON refuses NaN/Infinity and duplicate keys.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from decimal import Decimal
from typing import Any, Final, Literal, TypeVar, get_args
from xml.etree import ElementTree as ET
from xml.parsers import expat
from zoneinfo import ZoneInfo

MessageType = Literal["absence", "employee", "employment"]
Format = Literal["sivi", "json"]
Gender = Literal["M", "V", "O"]
ContractType = Literal["fixed", "permanent"]
MutationKind = Literal["sick_report", "recovery", "correction", "withdrawal"]

MESSAGE_TYPES: Final[tuple[MessageType, ...]] = get_args(MessageType)
MUTATION_KINDS: Final[tuple[MutationKind, ...]] = get_args(MutationKind)

MAX_BODY_BYTES: Final = 5 * 1024 * 1024
MAX_XML_ELEMENTS: Final = 200_000
MAX_XML_DEPTH: Final = 32
LOCAL_TZ: Final = ZoneInfo("Europe/Amsterdam")
SIVI_CONTENT_TYPE: Final = "application/xml"
JSON_CONTENT_TYPE: Final = "application/json"
SIVI_NAMESPACE_BASE: Final = "http://www.sivi.org/Verzuimmanagement/"
SIVI_RELEASE: Final = "2022"
EXTENSION_NAMESPACE: Final = "urn:hersteld:sivi-extension:1"
SOFTWARE: Final = "Hersteld"

MAX_HOURS: Final = Decimal("999.99")  # AantCtrcturenPWk n..5,2
MAX_PERCENTAGE: Final = Decimal("100.00")
MAX_SALARY: Final = Decimal("99999999.99")
MAX_SEQUENCE: Final = 999  # VrzmgvlVnrMld n..3
MAX_NOTE_LINES: Final = 99  # VrTkst 0..99
MAX_NOTE_LINE: Final = 512  # VrijeTekst an..512
SENT_AT_MIN: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
SENT_AT_MAX: Final = dt.datetime(3000, 1, 1, tzinfo=dt.UTC)

RULES: Final[Mapping[str, str]] = {
    "too_large": "the body, its number of elements or its nesting exceeds the limit",
    "unsupported_media_type": "the content type is neither XML nor JSON",
    "malformed_xml": "the body is not well-formed XML",
    "malformed_json": "the body is not valid UTF-8 JSON (or has duplicate keys, NaN, ...)",
    "doctype_forbidden": "the XML contains a DOCTYPE or entity declaration",
    "unsupported_encoding": "the XML declares an encoding the parser cannot read (e.g. UTF-7)",
    "encoding_mismatch": "the bytes do not match the encoding the XML declaration names",
    "unknown_message_type": "root element, namespace or message_type is not supported",
    "required": "a required element or field is missing or empty",
    "max_occurs": "an element occurs more often than allowed",
    "max_length": "a text is too long",
    "invalid_character": "a text contains a control character or a character XML cannot carry",
    "pattern": "a text does not have the expected form",
    "type": "a JSON value has the wrong type",
    "unknown_field": "a JSON object has a field this format does not define",
    "not_allowed": "a field is not allowed for this message type or combination",
    "choice": "a code is not one of the allowed values",
    "date_format": "a date is not a valid YYYY-MM-DD date",
    "time_format": "a time is not a valid hh:mm:ss time",
    "datetime_format": "a timestamp is not a valid ISO 8601 date and time",
    "decimal_format": "a decimal is malformed or has more than two decimals",
    "integer_format": "a whole number is malformed",
    "range": "a number or timestamp lies outside the allowed range",
    "bsn_format": "a BSN is not 8 or 9 digits",
    "postcode_format": "a Dutch postcode is not 4 digits (not starting with 0) and 2 letters",
    "date_order": "a date lies before the date it must follow",
    "inconsistent": "two fields contradict each other",
}


@dataclass(frozen=True)
class SiviMessageType:
    root: str  # root element, also the namespace segment
    code: str  # BrCd
    version: str  # VnrBrCd of the 2022 release, written by to_sivi


SIVI_MESSAGE_TYPES: Final[Mapping[MessageType, SiviMessageType]] = {
    "absence": SiviMessageType("Verzuimmeldingen", "00100", "00010"),
    "employee": SiviMessageType("WerknemerGegevens", "00600", "00004"),
    "employment": SiviMessageType("Dienstverbanden", "00106", "00004"),
}

# VrwrkCd -> (kind, ends the absence); see the module docstring for the source.
PROCESSING_CODES: Final[Mapping[str, tuple[MutationKind, bool]]] = {
    "01": ("sick_report", False),
    "02": ("recovery", False),
    "03": ("recovery", True),
    "04": ("correction", False),
    "05": ("withdrawal", False),
}
GENDERS: Final[Mapping[str, Gender]] = {"M": "M", "V": "V", "O": "O"}
CONTRACT_CODES: Final[Mapping[str, ContractType]] = {"B": "fixed", "O": "permanent"}
END_REASON_CODES: Final = ("01", "03", "05", "06", "08", "09", "10", "99")  # RdEndDnstvbndCd
COMMUNICATION_CODES: Final = ("05", "06", "07", "08", "09", "10")  # SrtComCd of Wrknmr
PHONE_CODE: Final = "05"  # assumed: private phone (see module docstring)
EMAIL_CODE: Final = "09"  # assumed: private e-mail (see module docstring)
HOME_ADDRESS_CODE: Final = "01"  # SrtAdrsCd


def processing_code(mutation: AbsenceMutation) -> str:
    """The SIVI VrwrkCd that `to_sivi` writes for a mutation."""
    if mutation.kind == "recovery":
        return "03" if mutation.ends_absence else "02"
    return {"sick_report": "01", "correction": "04", "withdrawal": "05"}[mutation.kind]


# --- canonical model --------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Envelope:
    message_ref: str  # SIVI Berrefnr, JSON message_id: the idempotency key (max 512)
    message_type: MessageType
    sent_at: dt.datetime  # UTC, whole seconds
    sender: str  # IdInzndr (max 40)
    receiver: str  # IdOntvngr (max 40)
    test: bool  # TestJN
    format: Format = field(compare=False)  # how the message travelled; not part of its content
    receipt_wanted: bool = False  # OntvngstbevJN


@dataclass(frozen=True, kw_only=True)
class EmployerKey:
    employer_key: str  # IdWrkgvrArbdnst (max 40)
    connection_no: str  # AansltnrGeguitwlngArbdnst (max 70)


@dataclass(frozen=True, kw_only=True)
class Address:
    street: str | None = None  # StraatLang (max 80)
    house_number: str  # Huisnr (NL, 1-5 digits) or HuisnrBtl (max 9)
    addition: str | None = None  # HuisToev (max 4; Dutch addresses only)
    postcode: str | None = None  # Pc "1234 AB" (NL, required) or PcBtl (max 9)
    city: str  # Wnpl / WnplBtl (max 24)
    country: str = "NL"  # ISO 3166 alpha-2; NL -> StrAdrNl, otherwise StrAdrBl + LandCd


@dataclass(frozen=True, kw_only=True)
class EmployeeData:
    external_id: str  # IdWrknmr (max 40): the coupling key of the person
    previous_external_id: str | None = None  # IdWrknmrOud: the key before a key correction
    bsn: str | None = None  # SofiNr, 9 digits
    birth_date: dt.date  # Gebdat
    surname: str | None = None  # SignNm (max 200); required unless message_type is employment
    surname_prefix: str | None = None  # Voorv (max 10)
    initials: str | None = None  # Voorl (max 6); required unless message_type is employment
    first_name: str | None = None  # Roepnaam (max 35)
    gender: Gender  # GslchtCd
    address: Address | None = None
    phone: str | None = None  # Com/NrCom without "@"
    email: str | None = None  # Com/NrCom with "@"


@dataclass(frozen=True, kw_only=True)
class EmploymentData:
    external_id: str  # IdDnstvbnd (max 40)
    previous_external_id: str | None = None  # IdDnstvbndOud
    personnel_number: str | None = None  # PersNr (max 35)
    previous_personnel_number: str | None = None  # PersNrOud
    start_date: dt.date  # Ingdat
    end_date: dt.date | None = None  # Enddat: out of service
    end_reason: str | None = None  # RdEndDnstvbndCd, SIVI code
    department_code: str  # OrgeenhCd (max 70)
    department_name: str | None = None  # NmOrgeenh (max 70)
    function_name: str | None = None  # NmFnct (max 35)
    hours_per_week: Decimal | None = None  # AantCtrcturenPWk
    valid_from: dt.date | None = None  # IngdatMut: from this date the combination holds
    contract_type: ContractType | None = None  # CdBepTd B -> fixed, O -> permanent
    annual_salary: Decimal | None = None  # hx:Jaarsalaris (Hersteld extension)


@dataclass(frozen=True, kw_only=True)
class AbsenceMutation:
    kind: MutationKind  # VrwrkCd
    absence_id: str  # VrzmgvlId (max 40)
    previous_absence_id: str | None = None  # VrzmgvlIdOud
    sequence: int  # VrzmgvlVnrMld: number of this report within the absence (0-999)
    mutation_date: dt.date  # IngdatMutVrzm: from this date the mutation holds
    first_day: dt.date  # DatEerstVrzmdg (D1)
    recovered_on: dt.date | None = None  # DatHrstld
    percentage: Decimal  # PrcVrzm: absence (sick) percentage from mutation_date on
    therapeutic_percentage: Decimal | None = None  # PrcArbther
    safety_net: bool | None = None  # VngntJN: J True, N False, O (unknown) None
    expected_recovery: dt.date | None = None  # DatVrwHrstl
    ends_absence: bool = False  # EndVrzmJN
    note: str | None = None  # VrTkst/VrijeTekst, one line each (max 99 lines of 512)


@dataclass(frozen=True)
class Item:
    employee: EmployeeData
    employment: EmploymentData
    absence: AbsenceMutation | None = None


@dataclass(frozen=True)
class Message:
    envelope: Envelope
    employer: EmployerKey
    items: tuple[Item, ...]


@dataclass(frozen=True)
class CodecError:
    path: str
    rule: str
    message: str


class InvalidMessage(ValueError):
    """The message is rejected; `errors` lists every problem found, in reading order."""

    def __init__(self, errors: Iterable[CodecError]) -> None:
        self.errors = list(errors)
        shown = "; ".join(f"{e.path} {e.rule}: {e.message}" for e in self.errors[:3])
        more = f" (and {len(self.errors) - 3} more)" if len(self.errors) > 3 else ""
        super().__init__(f"invalid message: {shown}{more}")


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


# --- readers: one set of field rules over both formats -------------------------------------


@dataclass(frozen=True)
class _Key:
    """A field by its SIVI element name and its JSON key."""

    sivi: str
    json: str
    extension: bool = False  # SIVI element in EXTENSION_NAMESPACE


K = _Key


class _Invalid:
    """A value that was present but unusable (the error is already recorded)."""


_INVALID: Final = _Invalid()


class _Reader(ABC):
    fmt: Format

    def __init__(self, path: str, errors: list[CodecError]) -> None:
        self.path = path
        self.errors = errors

    @abstractmethod
    def name(self, key: _Key) -> str: ...

    def at(self, key: _Key) -> str:
        return f"{self.path}/{self.name(key)}"

    def fail(self, key: _Key, rule: str, message: str) -> None:
        self.errors.append(CodecError(self.at(key), rule, message))

    @abstractmethod
    def raw(self, key: _Key, *, numeric: bool = False) -> str | _Invalid | None:
        """The stripped text of a field; None when absent or empty."""

    @abstractmethod
    def has(self, key: _Key) -> bool: ...

    def get(
        self,
        key: _Key,
        convert: Callable[[str], T],
        *,
        required: bool = False,
        numeric: bool = False,
    ) -> T | None:
        raw = self.raw(key, numeric=numeric)
        if isinstance(raw, _Invalid):
            return None
        if raw is None:
            if required:
                self.fail(key, "required", f"{self.name(key)} is required")
            return None
        try:
            return convert(raw)
        except _Bad as bad:
            self.fail(key, bad.rule, bad.message)
            return None

    def text(
        self, key: _Key, max_length: int, *, required: bool = False, no_digits: bool = False
    ) -> str | None:
        return self.get(key, _text(max_length, no_digits=no_digits), required=required)

    def date(self, key: _Key, *, required: bool = False) -> dt.date | None:
        return self.get(key, _date, required=required)

    def decimal(self, key: _Key, maximum: Decimal, *, required: bool = False) -> Decimal | None:
        return self.get(key, _decimal(maximum), required=required, numeric=True)

    def integer(self, key: _Key, maximum: int, *, required: bool = False) -> int | None:
        return self.get(key, _integer(maximum), required=required, numeric=True)

    def choice(
        self,
        key: _Key,
        sivi: Mapping[str, T],
        json_values: Mapping[str, T],
        *,
        required: bool = False,
    ) -> T | None:
        return self.get(
            key, _choice(sivi if self.fmt == "sivi" else json_values), required=required
        )

    @abstractmethod
    def flag(self, key: _Key, *, unknown_ok: bool = False) -> bool | None:
        """SIVI: a required J/N (and O = unknown -> None); JSON: optional true/false/null."""

    @abstractmethod
    def forbid(self, key: _Key) -> None:
        """JSON: the field must be absent (SIVI messages simply lack such elements)."""

    @abstractmethod
    def children(self, key: _Key, *, min_occurs: int, max_occurs: int | None) -> list[_Reader]: ...

    def child(self, key: _Key, *, required: bool) -> _Reader | None:
        found = self.children(key, min_occurs=1 if required else 0, max_occurs=1)
        return found[0] if found else None

    @abstractmethod
    def address_source(self) -> tuple[_Reader, str] | None:
        """The reader of the home address and its country code, if any."""

    @abstractmethod
    def communication(self) -> tuple[str | None, str | None]:
        """Phone and e-mail."""

    @abstractmethod
    def note(self) -> str | None: ...

    def finish(self) -> None:
        """Called when an object has been read (JSON reports fields it does not know)."""
        return None


class _XmlReader(_Reader):
    fmt: Format = "sivi"

    def __init__(
        self, element: ET.Element, path: str, namespace: str, errors: list[CodecError]
    ) -> None:
        super().__init__(path, errors)
        self.element = element
        self.namespace = namespace

    def name(self, key: _Key) -> str:
        return f"hx:{key.sivi}" if key.extension else key.sivi

    def _elements(self, key: _Key) -> list[ET.Element]:
        namespace = EXTENSION_NAMESPACE if key.extension else self.namespace
        tag = f"{{{namespace}}}{key.sivi}" if namespace else key.sivi
        return [child for child in self.element if child.tag == tag]

    def has(self, key: _Key) -> bool:
        return bool(self._elements(key))

    def raw(self, key: _Key, *, numeric: bool = False) -> str | _Invalid | None:
        found = self._elements(key)
        if not found:
            return None
        if len(found) > 1:
            self.errors.append(
                CodecError(f"{self.at(key)}[2]", "max_occurs", f"{key.sivi} may occur only once")
            )
        text = (found[0].text or "").strip()
        return text or None

    def flag(self, key: _Key, *, unknown_ok: bool = False) -> bool | None:
        values: dict[str, bool | None] = {"J": True, "N": False}
        if unknown_ok:
            values["O"] = None
        return self.get(key, _choice(values), required=True)

    def forbid(self, key: _Key) -> None:
        return None

    def children(self, key: _Key, *, min_occurs: int, max_occurs: int | None) -> list[_Reader]:
        found = self._elements(key)
        if len(found) < min_occurs:
            self.fail(key, "required", f"{key.sivi} is required")
        if max_occurs is not None and len(found) > max_occurs:
            self.errors.append(
                CodecError(
                    f"{self.at(key)}[{max_occurs + 1}]",
                    "max_occurs",
                    f"{key.sivi} may occur at most {max_occurs} time(s)",
                )
            )
            found = found[:max_occurs]
        path = self.at(key)
        return [
            _XmlReader(el, path if max_occurs == 1 else f"{path}[{i}]", self.namespace, self.errors)
            for i, el in enumerate(found, 1)
        ]

    def address_source(self) -> tuple[_Reader, str] | None:
        for group in ("StrAdrNl", "StrAdrBl"):
            for reader in self.children(K(group, ""), min_occurs=0, max_occurs=9):
                kind = reader.text(K("SrtAdrsCd", ""), 2, required=True)
                if kind != HOME_ADDRESS_CODE:
                    continue
                if group == "StrAdrNl":
                    return reader, "NL"
                country = reader.get(K("LandCd", ""), _country, required=True)
                if country == "NL":
                    reader.fail(K("LandCd", ""), "not_allowed", "a Dutch address is a StrAdrNl")
                return reader, country if country and country != "NL" else "ZZ"
        return None

    def communication(self) -> tuple[str | None, str | None]:
        phone = email = None
        for reader in self.children(K("Com", ""), min_occurs=0, max_occurs=9):
            reader.get(
                K("SrtComCd", ""), _choice({c: c for c in COMMUNICATION_CODES}), required=True
            )
            number = reader.text(K("NrCom", ""), 512, required=True)
            if number is None:
                continue
            if "@" in number:
                email = email or number
            else:
                phone = phone or number
        return phone, email

    def note(self) -> str | None:
        lines: list[str] = []
        for reader in self.children(K("VrTkst", ""), min_occurs=0, max_occurs=MAX_NOTE_LINES):
            lines.extend(reader.get(K("VrijeTekst", ""), _note_lines, required=True) or [])
        if len(lines) > MAX_NOTE_LINES:
            self.fail(K("VrTkst", ""), "max_length", f"at most {MAX_NOTE_LINES} lines of text")
        return "\n".join(lines) or None


def _pointer_token(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


class _JsonReader(_Reader):
    fmt: Format = "json"

    def __init__(self, obj: dict[str, Any], path: str, errors: list[CodecError]) -> None:
        super().__init__(path, errors)
        self.obj = obj
        self.seen: set[str] = set()

    def name(self, key: _Key) -> str:
        return _pointer_token(key.json)

    def _value(self, key: _Key) -> Any:
        self.seen.add(key.json)
        return self.obj.get(key.json)

    def has(self, key: _Key) -> bool:
        return self._value(key) is not None

    def raw(self, key: _Key, *, numeric: bool = False) -> str | _Invalid | None:
        value = self._value(key)
        if value is None:
            return None
        if isinstance(value, str):
            return value.strip() or None
        if numeric and isinstance(value, int | Decimal) and not isinstance(value, bool):
            return str(value)
        self.fail(key, "type", "expected a number or a string" if numeric else "expected a string")
        return _INVALID

    def flag(self, key: _Key, *, unknown_ok: bool = False) -> bool | None:
        value = self._value(key)
        if value is None or isinstance(value, bool):
            return value
        self.fail(key, "type", "expected true, false or null")
        return None

    def forbid(self, key: _Key) -> None:
        if self._value(key) is not None:
            self.fail(key, "not_allowed", f"{key.json} is not allowed here")

    def children(self, key: _Key, *, min_occurs: int, max_occurs: int | None) -> list[_Reader]:
        value = self._value(key)
        if max_occurs == 1:  # a single object
            if value is None:
                if min_occurs:
                    self.fail(key, "required", f"{key.json} is required")
                return []
            if not isinstance(value, dict):
                self.fail(key, "type", "expected an object")
                return []
            return [_JsonReader(value, self.at(key), self.errors)]
        if value is None:
            value = []
        if not isinstance(value, list):
            self.fail(key, "type", "expected an array")
            return []
        if len(value) < min_occurs:
            self.fail(key, "required", f"{key.json} needs at least {min_occurs} element(s)")
        if max_occurs is not None and len(value) > max_occurs:
            self.errors.append(
                CodecError(f"{self.at(key)}/{max_occurs}", "max_occurs", f"at most {max_occurs}")
            )
            value = value[:max_occurs]
        readers: list[_Reader] = []
        for index, element in enumerate(value):
            path = f"{self.at(key)}/{index}"
            if isinstance(element, dict):
                readers.append(_JsonReader(element, path, self.errors))
            else:
                self.errors.append(CodecError(path, "type", "expected an object"))
        return readers

    def address_source(self) -> tuple[_Reader, str] | None:
        address = self.child(K("", "address"), required=False)
        if address is None:
            return None
        return address, address.get(K("", "country"), _country) or "NL"

    def communication(self) -> tuple[str | None, str | None]:
        return self.get(K("", "phone"), _phone), self.get(K("", "email"), _email)

    def note(self) -> str | None:
        return self.get(K("", "note"), _json_note) or None

    def finish(self) -> None:
        for name in self.obj:
            if name not in self.seen:
                self.errors.append(
                    CodecError(
                        f"{self.path}/{_pointer_token(name)}",
                        "unknown_field",
                        f"unknown field {_shown(name)}",
                    )
                )


# --- reading the model (shared by both formats) ---------------------------------------------

_NO_DATE: Final = dt.date(1, 1, 1)
_NO_TIME: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_ZERO: Final = Decimal("0.00")
_PERSONAL_KEYS: Final = (
    K("SofiNr", "bsn"),
    K("SignNm", "surname"),
    K("Voorl", "initials"),
    K("Voorv", "surname_prefix"),
    K("Roepnaam", "first_name"),
    K("", "address"),
    K("", "phone"),
    K("", "email"),
)


def _read_employer(r: _Reader) -> EmployerKey:
    employer_key = r.text(K("IdWrkgvrArbdnst", "employer_key"), 40, required=True)
    connection_no = r.text(K("AansltnrGeguitwlngArbdnst", "connection_no"), 70, required=True)
    r.finish()
    return EmployerKey(employer_key=employer_key or "", connection_no=connection_no or "")


def _read_address(r: _Reader) -> Address | None:
    source = r.address_source()
    if source is None:
        return None
    a, country = source
    if country == "NL":
        postcode = a.get(K("Pc", "postcode"), _postcode_nl, required=True)
        city = a.text(K("Wnpl", "city"), 24, required=True)
        street = a.text(K("StraatLang", "street"), 80)
        house_number = a.get(
            K("Huisnr", "house_number"), _house_number_nl, required=True, numeric=True
        )
        addition = a.text(K("HuisToev", "addition"), 4)
    else:
        postcode = a.text(K("PcBtl", "postcode"), 9)
        city = a.text(K("WnplBtl", "city"), 24, required=True)
        street = a.text(K("StraatLang", "street"), 80)
        house_number = a.get(K("HuisnrBtl", "house_number"), _text(9), required=True, numeric=True)
        a.forbid(K("", "addition"))
        addition = None
    a.finish()
    return Address(
        street=street,
        house_number=house_number or "",
        addition=addition,
        postcode=postcode,
        city=city or "",
        country=country,
    )


def _read_employee(r: _Reader, message_type: MessageType) -> EmployeeData:
    personal = message_type != "employment"
    if not personal:
        for key in _PERSONAL_KEYS:
            r.forbid(key)
    bsn = r.get(K("SofiNr", "bsn"), _bsn) if personal else None
    birth_date = r.date(K("Gebdat", "birth_date"), required=True)
    surname = r.text(K("SignNm", "surname"), 200, required=True) if personal else None
    initials = (
        r.text(K("Voorl", "initials"), 6, required=True, no_digits=True) if personal else None
    )
    prefix = r.text(K("Voorv", "surname_prefix"), 10, no_digits=True) if personal else None
    first_name = r.text(K("Roepnaam", "first_name"), 35, no_digits=True) if personal else None
    gender = r.choice(K("GslchtCd", "gender"), GENDERS, GENDERS, required=True)
    external_id = r.text(K("IdWrknmr", "external_id"), 40, required=True)
    previous_external_id = r.text(K("IdWrknmrOud", "previous_external_id"), 40)
    address = _read_address(r) if personal else None
    phone, email = r.communication() if personal else (None, None)
    r.finish()
    return EmployeeData(
        external_id=external_id or "",
        previous_external_id=previous_external_id,
        bsn=bsn,
        birth_date=birth_date or _NO_DATE,
        surname=surname,
        surname_prefix=prefix,
        initials=initials,
        first_name=first_name,
        gender=gender or "O",
        address=address,
        phone=phone,
        email=email,
    )


def _read_employment(r: _Reader) -> EmploymentData:
    valid_from = r.date(K("IngdatMut", "valid_from"))
    external_id = r.text(K("IdDnstvbnd", "external_id"), 40, required=True)
    previous_external_id = r.text(K("IdDnstvbndOud", "previous_external_id"), 40)
    start_date = r.date(K("Ingdat", "start_date"), required=True)
    end_date = r.date(K("Enddat", "end_date"))
    reasons = {code: code for code in END_REASON_CODES}
    end_reason = r.choice(K("RdEndDnstvbndCd", "end_reason"), reasons, reasons)
    personnel_number = r.text(K("PersNr", "personnel_number"), 35)
    previous_personnel_number = r.text(K("PersNrOud", "previous_personnel_number"), 35)
    function_name = r.text(K("NmFnct", "function_name"), 35)
    department_name = r.text(K("NmOrgeenh", "department_name"), 70)
    department_code = r.text(K("OrgeenhCd", "department_code"), 70, required=True)
    contract_types: dict[str, ContractType] = {"fixed": "fixed", "permanent": "permanent"}
    contract_type = r.choice(K("CdBepTd", "contract_type"), CONTRACT_CODES, contract_types)
    hours_per_week = r.decimal(K("AantCtrcturenPWk", "hours_per_week"), MAX_HOURS)
    annual_salary = r.decimal(K("Jaarsalaris", "annual_salary", extension=True), MAX_SALARY)
    if start_date and end_date and end_date < start_date:
        r.fail(K("Enddat", "end_date"), "date_order", "the end date lies before the start date")
    r.finish()
    return EmploymentData(
        external_id=external_id or "",
        previous_external_id=previous_external_id,
        personnel_number=personnel_number,
        previous_personnel_number=previous_personnel_number,
        start_date=start_date or _NO_DATE,
        end_date=end_date,
        end_reason=end_reason,
        department_code=department_code or "",
        department_name=department_name,
        function_name=function_name,
        hours_per_week=hours_per_week,
        valid_from=valid_from,
        contract_type=contract_type,
        annual_salary=annual_salary,
    )


def _read_absence(r: _Reader) -> AbsenceMutation:
    kinds: dict[str, tuple[MutationKind, bool]] = {kind: (kind, False) for kind in MUTATION_KINDS}
    code = r.choice(K("VrwrkCd", "kind"), PROCESSING_CODES, kinds, required=True)
    kind, closing = code or ("sick_report", False)
    mutation_date = r.date(K("IngdatMutVrzm", "mutation_date"), required=True)
    absence_id = r.text(K("VrzmgvlId", "absence_id"), 40, required=True)
    previous_absence_id = r.text(K("VrzmgvlIdOud", "previous_absence_id"), 40)
    sequence = r.integer(K("VrzmgvlVnrMld", "sequence"), MAX_SEQUENCE, required=True)
    ends_key = K("EndVrzmJN", "ends_absence")
    ends_absence = r.flag(ends_key)
    first_day = r.date(K("DatEerstVrzmdg", "first_day"), required=True)
    recovered_key = K("DatHrstld", "recovered_on")
    recovered_on = r.date(recovered_key)
    expected_recovery = r.date(K("DatVrwHrstl", "expected_recovery"))
    percentage = r.decimal(K("PrcVrzm", "percentage"), MAX_PERCENTAGE, required=True)
    safety_net = r.flag(K("VngntJN", "safety_net"), unknown_ok=True)
    therapeutic = r.decimal(K("PrcArbther", "therapeutic_percentage"), MAX_PERCENTAGE)
    note = r.note()
    if ends_absence is None and r.fmt == "json":
        ends_absence = kind == "recovery" and percentage == 0
    if closing and ends_absence is False:
        r.fail(ends_key, "inconsistent", "VrwrkCd 03 (end of the absence) needs EndVrzmJN J")
    if kind == "recovery" and ends_absence and not r.has(recovered_key):
        r.fail(recovered_key, "required", "a recovery that ends the absence needs its date")
    if recovered_on and first_day and recovered_on < first_day:
        r.fail(recovered_key, "date_order", "the recovery date lies before the first day")
    r.finish()
    return AbsenceMutation(
        kind=kind,
        absence_id=absence_id or "",
        previous_absence_id=previous_absence_id,
        sequence=sequence or 0,
        mutation_date=mutation_date or _NO_DATE,
        first_day=first_day or _NO_DATE,
        recovered_on=recovered_on,
        percentage=percentage or _ZERO,
        therapeutic_percentage=therapeutic,
        safety_net=safety_net,
        expected_recovery=expected_recovery,
        ends_absence=bool(ends_absence),
        note=note,
    )


# --- parsing ----------------------------------------------------------------------------


def parse(body: bytes, content_type: str) -> Message:
    """Read a SIVI XML (`application/xml`, `text/xml`, `*+xml`) or Hersteld JSON message.

    Raises InvalidMessage with all problems found; nothing of an invalid message is returned.
    """
    if len(body) > MAX_BODY_BYTES:
        raise InvalidMessage(
            [CodecError("/", "too_large", f"{len(body)} bytes; at most {MAX_BODY_BYTES}")]
        )
    media = content_type.split(";", 1)[0].strip().lower()
    if media in ("application/xml", "text/xml") or media.endswith("+xml"):
        return _parse_sivi(body)
    if media == "application/json" or media.endswith("+json"):
        return _parse_json(body)
    raise InvalidMessage(
        [CodecError("/", "unsupported_media_type", f"{_shown(content_type)} is not XML or JSON")]
    )


class _Refused(Exception):
    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


def _parse_xml(body: bytes) -> ET.Element:
    """Well-formed XML without DOCTYPE or entities, within the element and depth limits."""
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")
    depth = 0
    count = 0

    def clark(name: str) -> str:
        return "{" + name if "}" in name else name

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal depth, count
        depth += 1
        count += 1
        if depth > MAX_XML_DEPTH:
            raise _Refused("too_large", f"elements nest deeper than {MAX_XML_DEPTH}")
        if count > MAX_XML_ELEMENTS:
            raise _Refused("too_large", f"more than {MAX_XML_ELEMENTS} elements")
        builder.start(clark(name), {})

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1
        builder.end(clark(name))

    def refuse(*_: object) -> None:
        raise _Refused("doctype_forbidden", "DOCTYPE and ENTITY declarations are not accepted")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse  # type: ignore[assignment]
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    try:
        parser.Parse(body, True)
    except _Refused as refused:
        raise InvalidMessage([CodecError("/", refused.rule, refused.message)]) from None
    except expat.ExpatError as exc:
        rule = _EXPAT_ENCODING_RULES.get(exc.code, "malformed_xml")
        raise InvalidMessage([CodecError("/", rule, str(exc))]) from None
    except (LookupError, ValueError) as exc:
        # pyexpat hands an encoding it does not know itself to Python's codecs: a multi-byte one
        # (UTF-7, UTF-32), an unknown name or a non-text codec raises here, not as ExpatError.
        raise InvalidMessage(
            [
                CodecError(
                    "/",
                    "unsupported_encoding",
                    f"the encoding in the XML declaration cannot be read ({_shown(str(exc))}); "
                    "send UTF-8",
                )
            ]
        ) from None
    return builder.close()


_EXPAT_ENCODING_RULES: Final = {
    expat.errors.codes[expat.errors.XML_ERROR_UNKNOWN_ENCODING]: "unsupported_encoding",
    expat.errors.codes[expat.errors.XML_ERROR_INCORRECT_ENCODING]: "encoding_mismatch",
}


def _parse_sivi(body: bytes) -> Message:
    root = _parse_xml(body)
    if root.tag.startswith("{"):
        namespace, _, local = root.tag[1:].partition("}")
    else:
        namespace, local = "", root.tag
    types = {spec.root: name for name, spec in SIVI_MESSAGE_TYPES.items()}
    match = _SIVI_NAMESPACE.fullmatch(namespace)
    message_type = types.get(local)
    # Without any namespace the root name decides (read as the current release): lenient
    # towards hand-written messages; a wrong namespace is still refused.
    known_namespace = namespace == "" or (match is not None and match.group(1) == local)
    if message_type is None or not known_namespace:
        expected = ", ".join(
            f"{s.root} in {SIVI_NAMESPACE_BASE}{s.root}/YYYY" for s in SIVI_MESSAGE_TYPES.values()
        )
        raise InvalidMessage(
            [
                CodecError(
                    f"/{local}",
                    "unknown_message_type",
                    f"{_shown(local)} in namespace {_shown(namespace)} is not supported; "
                    f"expected {expected}",
                )
            ]
        )
    errors: list[CodecError] = []
    r = _XmlReader(root, f"/{local}", namespace, errors)
    header = r.child(K("BrAlg", ""), required=True)
    envelope = _read_sivi_header(header, message_type) if header else None
    employer: EmployerKey | None = None
    items: list[Item] = []
    wrkgvr = r.child(K("Wrkgvr", ""), required=True)
    if wrkgvr is not None:
        employer = _read_employer(wrkgvr)
        for wrknmr in wrkgvr.children(K("Wrknmr", ""), min_occurs=1, max_occurs=None):
            employee = _read_employee(wrknmr, message_type)
            for dnstvbnd in wrknmr.children(K("Dnstvbnd", ""), min_occurs=1, max_occurs=99):
                employment = _read_employment(dnstvbnd)
                if message_type != "absence":
                    items.append(Item(employee, employment))
                    continue
                for vrzm in dnstvbnd.children(K("Vrzm", ""), min_occurs=1, max_occurs=99):
                    items.append(Item(employee, employment, _read_absence(vrzm)))
    if errors or envelope is None or employer is None:
        raise InvalidMessage(errors)
    return Message(envelope, employer, tuple(items))


def _read_sivi_header(h: _Reader, message_type: MessageType) -> Envelope:
    spec = SIVI_MESSAGE_TYPES[message_type]
    code = h.text(K("BrCd", ""), 5, required=True)
    if code is not None and code != spec.code:
        h.fail(K("BrCd", ""), "choice", f"{spec.root} has BrCd {spec.code}, got {_shown(code)}")
    h.text(K("VnrBrCd", ""), 5, required=True)
    day = h.date(K("AandatBr", ""), required=True)
    clock = h.get(K("AantijdBr", ""), _time, required=True)
    sender = h.text(K("IdInzndr", ""), 40, required=True)
    h.text(K("GebrSwPakket", ""), 35, required=True)
    receiver = h.text(K("IdOntvngr", ""), 40, required=True)
    message_ref = h.text(K("Berrefnr", ""), 512, required=True)
    test = h.flag(K("TestJN", ""))
    receipt_wanted = h.flag(K("OntvngstbevJN", ""))
    sent_at = None
    if day is not None and clock is not None:
        try:
            sent_at = _instant(day, clock)
        except _Bad as bad:
            h.fail(K("AantijdBr", ""), bad.rule, bad.message)
    return Envelope(
        message_ref=message_ref or "",
        message_type=message_type,
        sent_at=sent_at or _NO_TIME,
        sender=sender or "",
        receiver=receiver or "",
        test=bool(test),
        format="sivi",
        receipt_wanted=bool(receipt_wanted),
    )


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError(f"duplicate key {_shown(key)}")
        obj[key] = value
    return obj


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _parse_json(body: bytes) -> Message:
    try:
        data = json.loads(
            body.decode("utf-8-sig"),
            parse_float=Decimal,
            parse_constant=_no_constant,
            object_pairs_hook=_unique_keys,
        )
    except UnicodeDecodeError as exc:
        raise InvalidMessage(
            [CodecError("/", "malformed_json", f"not UTF-8 at byte {exc.start}")]
        ) from None
    except (ValueError, RecursionError) as exc:
        raise InvalidMessage(
            [CodecError("/", "malformed_json", str(exc) or type(exc).__name__)]
        ) from None
    if not isinstance(data, dict):
        raise InvalidMessage([CodecError("/", "type", "the message is a JSON object")])
    errors: list[CodecError] = []
    r = _JsonReader(data, "", errors)
    message_ref = r.text(K("", "message_id"), 512, required=True)
    message_type = _json_message_type(r, data)
    sent_at = r.get(K("", "sent_at"), _datetime, required=True)
    sender = r.text(K("", "sender"), 40, required=True)
    receiver = r.text(K("", "receiver"), 40, required=True)
    test = r.flag(K("", "test"))
    receipt_wanted = r.flag(K("", "receipt_wanted"))
    employer_reader = r.child(K("", "employer"), required=True)
    employer = _read_employer(employer_reader) if employer_reader else None
    items: list[Item] = []
    for item in r.children(K("", "items"), min_occurs=1, max_occurs=None):
        employee_reader = item.child(K("", "employee"), required=True)
        employment_reader = item.child(K("", "employment"), required=True)
        absence_reader = None
        if message_type == "absence":
            absence_reader = item.child(K("", "absence"), required=True)
        else:
            item.forbid(K("", "absence"))
        item.finish()
        if employee_reader is None or employment_reader is None:
            continue
        employee = _read_employee(employee_reader, message_type)
        employment = _read_employment(employment_reader)
        absence = _read_absence(absence_reader) if absence_reader else None
        items.append(Item(employee, employment, absence))
    r.finish()
    if errors or employer is None:
        raise InvalidMessage(errors)
    envelope = Envelope(
        message_ref=message_ref or "",
        message_type=message_type,
        sent_at=sent_at or _NO_TIME,
        sender=sender or "",
        receiver=receiver or "",
        test=bool(test),
        format="json",
        receipt_wanted=bool(receipt_wanted),
    )
    return Message(envelope, employer, tuple(items))


def _json_message_type(r: _Reader, data: dict[str, Any]) -> MessageType:
    """message_type, or by default `absence` when an item has an absence, else `employee`."""
    key = K("", "message_type")
    raw = r.raw(key)
    if isinstance(raw, str):
        for message_type in MESSAGE_TYPES:
            if raw == message_type:
                return message_type
        r.fail(key, "unknown_message_type", f"expected one of {', '.join(MESSAGE_TYPES)}")
    items = data.get("items")
    if isinstance(items, list) and any(
        isinstance(item, dict) and item.get("absence") is not None for item in items
    ):
        return "absence"
    return "employee"


# --- writing ------------------------------------------------------------------------------


def to_sivi(message: Message) -> bytes:
    """The message as SIVI XML (2022 namespaces, subset elements only, UTF-8, indented)."""
    body = _write_sivi(message)
    _check_written(message, body, SIVI_CONTENT_TYPE)
    return body


def to_json(message: Message) -> bytes:
    """The message in the Hersteld JSON format (UTF-8, indented; absent fields left out)."""
    body = (json.dumps(_json_document(message), ensure_ascii=False, indent=2) + "\n").encode()
    _check_written(message, body, JSON_CONTENT_TYPE)
    return body


def _check_written(message: Message, body: bytes, content_type: str) -> None:
    """The writers' guarantee: what they write reads back as the same message."""
    written = parse(body, content_type)
    if written != message:
        differences = ", ".join(_differences(message, written)) or "message"
        raise ValueError(
            f"the message cannot be written as {content_type} without change: {differences} "
            "(is every value in canonical form and allowed for the message type?)"
        )


def _differences(expected: object, actual: object, path: str = "") -> list[str]:
    if is_dataclass(expected) and not isinstance(expected, type) and type(expected) is type(actual):
        found: list[str] = []
        for f in fields(expected):
            if f.compare:
                where = f"{path}.{f.name}" if path else f.name
                found += _differences(getattr(expected, f.name), getattr(actual, f.name), where)
        return found
    if isinstance(expected, tuple) and isinstance(actual, tuple) and len(expected) == len(actual):
        found = []
        for index, (a, b) in enumerate(zip(expected, actual, strict=True)):
            found += _differences(a, b, f"{path}[{index}]")
        return found
    return [] if expected == actual else [path or "message"]


def _jn(value: bool | None) -> str:
    return "O" if value is None else "J" if value else "N"


def _number(value: Decimal) -> str:
    return f"{value:.2f}"


def _local(instant: dt.datetime) -> tuple[str, str]:
    """AandatBr and AantijdBr: Amsterdam local time; with an offset only where it is ambiguous."""
    local = instant.astimezone(LOCAL_TZ)
    clock = local.strftime("%H:%M:%S")
    as_read = local.replace(tzinfo=None, fold=0).replace(tzinfo=LOCAL_TZ)  # what parse makes of it
    if as_read.astimezone(dt.UTC) != instant:
        offset = local.strftime("%z")
        clock += f"{offset[:3]}:{offset[3:]}"
    return local.date().isoformat(), clock


_Node = tuple[str, "str | list[_Node]"]


def _leaf(tag: str, value: str | None) -> list[_Node]:
    return [] if value is None else [(tag, value)]


def _date_leaf(tag: str, value: dt.date | None) -> list[_Node]:
    return [] if value is None else [(tag, value.isoformat())]


def _number_leaf(tag: str, value: Decimal | None) -> list[_Node]:
    return [] if value is None else [(tag, _number(value))]


def _sivi_employee(employee: EmployeeData) -> list[_Node]:
    nodes: list[_Node] = [
        *_leaf("SofiNr", employee.bsn),
        ("Gebdat", employee.birth_date.isoformat()),
        *_leaf("SignNm", employee.surname),
        *_leaf("Voorl", employee.initials),
        *_leaf("Voorv", employee.surname_prefix),
        *_leaf("Roepnaam", employee.first_name),
        ("GslchtCd", employee.gender),
        ("IdWrknmr", employee.external_id),
        *_leaf("IdWrknmrOud", employee.previous_external_id),
    ]
    address = employee.address
    if address is not None and address.country == "NL":
        postcode = (address.postcode or "").replace(" ", "")
        nodes.append(
            (
                "StrAdrNl",
                [
                    ("SrtAdrsCd", HOME_ADDRESS_CODE),
                    ("Pc", postcode),
                    ("Wnpl", address.city),
                    *_leaf("StraatLang", address.street),
                    ("Huisnr", address.house_number),
                    *_leaf("HuisToev", address.addition),
                ],
            )
        )
    elif address is not None:
        nodes.append(
            (
                "StrAdrBl",
                [
                    ("SrtAdrsCd", HOME_ADDRESS_CODE),
                    *_leaf("PcBtl", address.postcode),
                    ("WnplBtl", address.city),
                    ("LandCd", address.country),
                    *_leaf("StraatLang", address.street),
                    ("HuisnrBtl", address.house_number),
                ],
            )
        )
    if employee.phone is not None:
        nodes.append(("Com", [("SrtComCd", PHONE_CODE), ("NrCom", employee.phone)]))
    if employee.email is not None:
        nodes.append(("Com", [("SrtComCd", EMAIL_CODE), ("NrCom", employee.email)]))
    return nodes


def _sivi_employment(employment: EmploymentData) -> list[_Node]:
    contract = {v: k for k, v in CONTRACT_CODES.items()}
    return [
        *_date_leaf("IngdatMut", employment.valid_from),
        ("IdDnstvbnd", employment.external_id),
        *_leaf("IdDnstvbndOud", employment.previous_external_id),
        ("Ingdat", employment.start_date.isoformat()),
        *_date_leaf("Enddat", employment.end_date),
        *_leaf("RdEndDnstvbndCd", employment.end_reason),
        *_leaf("PersNr", employment.personnel_number),
        *_leaf("PersNrOud", employment.previous_personnel_number),
        *_leaf("NmFnct", employment.function_name),
        *_leaf("NmOrgeenh", employment.department_name),
        ("OrgeenhCd", employment.department_code),
        *_leaf(
            "CdBepTd", contract.get(employment.contract_type) if employment.contract_type else None
        ),
        *_number_leaf("AantCtrcturenPWk", employment.hours_per_week),
        *_number_leaf("hx:Jaarsalaris", employment.annual_salary),
    ]


def _sivi_absence(absence: AbsenceMutation) -> list[_Node]:
    lines = absence.note.split("\n") if absence.note else []
    notes: list[_Node] = [("VrTkst", [("VrijeTekst", line)]) for line in lines]
    return [
        ("VrwrkCd", processing_code(absence)),
        ("IngdatMutVrzm", absence.mutation_date.isoformat()),
        ("VrzmgvlId", absence.absence_id),
        *_leaf("VrzmgvlIdOud", absence.previous_absence_id),
        ("VrzmgvlVnrMld", str(absence.sequence)),
        ("EndVrzmJN", _jn(absence.ends_absence)),
        ("DatEerstVrzmdg", absence.first_day.isoformat()),
        *_date_leaf("DatHrstld", absence.recovered_on),
        *_date_leaf("DatVrwHrstl", absence.expected_recovery),
        ("PrcVrzm", _number(absence.percentage)),
        ("VngntJN", _jn(absence.safety_net)),
        *_number_leaf("PrcArbther", absence.therapeutic_percentage),
        *notes,
    ]


def _grouped(items: Iterable[Item]) -> list[_Node]:
    """Wrknmr elements: consecutive items of one employee (and employment) share an element."""
    groups: list[tuple[EmployeeData, list[tuple[EmploymentData, list[AbsenceMutation]]]]] = []
    for item in items:
        employments = groups[-1][1] if groups and groups[-1][0] == item.employee else None
        if employments is not None and item.absence is not None:
            last, absences = employments[-1]
            if last == item.employment and absences and len(absences) < 99:
                absences.append(item.absence)
                continue
        new = (item.employment, [item.absence] if item.absence else [])
        if employments is not None and len(employments) < 99:
            employments.append(new)
        else:
            groups.append((item.employee, [new]))
    return [
        (
            "Wrknmr",
            [
                *_sivi_employee(employee),
                *[
                    (
                        "Dnstvbnd",
                        [
                            *_sivi_employment(employment),
                            *[("Vrzm", _sivi_absence(absence)) for absence in absences],
                        ],
                    )
                    for employment, absences in employments
                ],
            ],
        )
        for employee, employments in groups
    ]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _render(node: _Node, depth: int, out: list[str]) -> None:
    tag, content = node
    pad = "  " * depth
    if isinstance(content, str):
        out.append(f"{pad}<{tag}>{_escape(content)}</{tag}>")
        return
    out.append(f"{pad}<{tag}>")
    for child in content:
        _render(child, depth + 1, out)
    out.append(f"{pad}</{tag}>")


def _write_sivi(message: Message) -> bytes:
    envelope = message.envelope
    spec = SIVI_MESSAGE_TYPES[envelope.message_type]
    day, clock = _local(envelope.sent_at)
    header: list[_Node] = [
        ("BrCd", spec.code),
        ("VnrBrCd", spec.version),
        ("AandatBr", day),
        ("AantijdBr", clock),
        ("IdInzndr", envelope.sender),
        ("GebrSwPakket", SOFTWARE),
        ("IdOntvngr", envelope.receiver),
        ("Berrefnr", envelope.message_ref),
        ("TestJN", _jn(envelope.test)),
        ("OntvngstbevJN", _jn(envelope.receipt_wanted)),
    ]
    employer: list[_Node] = [
        ("IdWrkgvrArbdnst", message.employer.employer_key),
        ("AansltnrGeguitwlngArbdnst", message.employer.connection_no),
        *_grouped(message.items),
    ]
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    namespaces = f' xmlns="{SIVI_NAMESPACE_BASE}{spec.root}/{SIVI_RELEASE}"'
    if any(item.employment.annual_salary is not None for item in message.items):
        namespaces += f' xmlns:hx="{EXTENSION_NAMESPACE}"'
    out.append(f"<{spec.root}{namespaces}>")
    _render(("BrAlg", header), 1, out)
    _render(("Wrkgvr", employer), 1, out)
    out.append(f"</{spec.root}>")
    return ("\n".join(out) + "\n").encode()


def _json_document(message: Message) -> dict[str, Any]:
    envelope = message.envelope
    return {
        "message_id": envelope.message_ref,
        "message_type": envelope.message_type,
        "sent_at": envelope.sent_at.astimezone(LOCAL_TZ).isoformat(),
        "sender": envelope.sender,
        "receiver": envelope.receiver,
        "test": envelope.test,
        "receipt_wanted": envelope.receipt_wanted,
        "employer": {
            "employer_key": message.employer.employer_key,
            "connection_no": message.employer.connection_no,
        },
        "items": [_json_item(item) for item in message.items],
    }


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def _iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else _number(value)


def _json_item(item: Item) -> dict[str, Any]:
    employee, employment, absence = item.employee, item.employment, item.absence
    address = employee.address
    result: dict[str, Any] = {
        "employee": _present(
            {
                "external_id": employee.external_id,
                "previous_external_id": employee.previous_external_id,
                "bsn": employee.bsn,
                "birth_date": employee.birth_date.isoformat(),
                "surname": employee.surname,
                "surname_prefix": employee.surname_prefix,
                "initials": employee.initials,
                "first_name": employee.first_name,
                "gender": employee.gender,
                "address": None
                if address is None
                else _present(
                    {
                        "street": address.street,
                        "house_number": address.house_number,
                        "addition": address.addition,
                        "postcode": address.postcode,
                        "city": address.city,
                        "country": address.country,
                    }
                ),
                "phone": employee.phone,
                "email": employee.email,
            }
        ),
        "employment": _present(
            {
                "external_id": employment.external_id,
                "previous_external_id": employment.previous_external_id,
                "personnel_number": employment.personnel_number,
                "previous_personnel_number": employment.previous_personnel_number,
                "start_date": employment.start_date.isoformat(),
                "end_date": _iso(employment.end_date),
                "end_reason": employment.end_reason,
                "department_code": employment.department_code,
                "department_name": employment.department_name,
                "function_name": employment.function_name,
                "hours_per_week": _decimal_text(employment.hours_per_week),
                "valid_from": _iso(employment.valid_from),
                "contract_type": employment.contract_type,
                "annual_salary": _decimal_text(employment.annual_salary),
            }
        ),
    }
    if absence is not None:
        result["absence"] = _present(
            {
                "kind": absence.kind,
                "absence_id": absence.absence_id,
                "previous_absence_id": absence.previous_absence_id,
                "sequence": absence.sequence,
                "mutation_date": absence.mutation_date.isoformat(),
                "first_day": absence.first_day.isoformat(),
                "recovered_on": _iso(absence.recovered_on),
                "expected_recovery": _iso(absence.expected_recovery),
                "percentage": _number(absence.percentage),
                "therapeutic_percentage": _decimal_text(absence.therapeutic_percentage),
                "safety_net": absence.safety_net,
                "ends_absence": absence.ends_absence,
                "note": absence.note,
            }
        )
    return result
