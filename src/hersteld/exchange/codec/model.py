"""The canonical message model of the exchange codec: types, limits, rule codes, dataclasses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final, Literal, get_args
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
SOFTWARE: Final = "Hersteld"

MAX_HOURS: Final = Decimal("999.99")  # AantCtrcturenPWk n..5,2
MAX_PERCENTAGE: Final = Decimal("100.00")
MAX_SALARY: Final = Decimal("99999999.99")  # JSON annual_salary
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
    "not_carried": "the value has no place in the SIVI message (e.g. a salary)",
    "schema": "the element does not conform to the official SIVI schema",
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
# NmvrkrCd, name use: 01 own name (the default), 02 partner's name, 03 partner's name followed
# by the own name, 04 own name followed by the partner's name.
NAME_USE_CODES: Final = ("01", "02", "03", "04")
OWN_NAME: Final = "01"
# OorzkVrzmCd, cause of the absence. The code list itself is in SIVI's release PDF, not in the
# public repository; Hersteld reads 10 as a work accident, 11 as a (traffic) accident caused by
# a third party (recourse) and 99 as any other cause (docs/exchange-format.md).
CAUSE_CODES: Final = ("10", "11", "99")
OTHER_CAUSE: Final = "99"
# RolCntprsnCd, role of a contact person (01-05). Hersteld writes 01 for the employer's contact
# for absence and 02 for the casemanager of a case; it reads any of the five.
CONTACT_ROLES: Final = ("01", "02", "03", "04", "05")
EMPLOYER_CONTACT_ROLE: Final = "01"
CASEMANAGER_ROLE: Final = "02"
CONTACT_PHONE_CODE: Final = "06"  # assumed: business phone (contact persons allow 06, 08, 10)
CONTACT_EMAIL_CODE: Final = "10"  # assumed: business e-mail


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
class ContactPerson:
    """A Cntprsn: the employer's contact for absence, or the casemanager of a case."""

    surname: str  # Achternaam (max 200)
    initials: str | None = None  # Voorl (max 6, no digits)
    first_name: str | None = None  # Roepnaam (max 35, no digits)
    role: str  # RolCntprsnCd (CONTACT_ROLES)
    phone: str | None = None  # Com/NrCom without "@" (SrtComCd 06)
    email: str | None = None  # Com/NrCom with "@" (SrtComCd 10); SIVI needs phone or e-mail


@dataclass(frozen=True, kw_only=True)
class EmployerKey:
    employer_key: str  # IdWrkgvrArbdnst (max 40)
    connection_no: str  # AansltnrGeguitwlngArbdnst (max 70)
    trade_name: str | None = None  # HndlsnmOrg (max 100): required by SIVI
    payroll_tax_number: str | None = None  # Lhnr (max 12): required in stream 2
    contacts: tuple[ContactPerson, ...] = ()  # Cntprsn of Wrkgvr (0-9)


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
    name_use: str = OWN_NAME  # NmvrkrCd (not in Dienstverbanden)


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
    annual_salary: Decimal | None = None  # JSON only: SIVI has no salary element
    contacts: tuple[ContactPerson, ...] = ()  # Cntprsn of Dnstvbnd (1-9 in Verzuimmeldingen)


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
    cause: str = OTHER_CAUSE  # OorzkVrzmCd (CAUSE_CODES)
    contacts: tuple[ContactPerson, ...] = ()  # Cntprsn of Vrzm (1-9): the casemanager


@dataclass(frozen=True)
class Item:
    employee: EmployeeData
    employment: EmploymentData
    absence: AbsenceMutation | None = None
    # The Wrkgvr block of the item when it is not the message's first one (SIVI allows several).
    employer: EmployerKey | None = None


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
