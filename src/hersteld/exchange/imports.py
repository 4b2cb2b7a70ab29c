"""Bulk import of an employer's population (X9): CSV, XLSX or SIVI XML; dry run; resumable.

One file, one employer. Each row is an employee with one employment (a SIVI WerknemerGegevens or
Dienstverbanden message gives one row per Dnstvbnd). docs/import.md describes the columns.

- Matching, so that a rerun never duplicates: the employee by ExternalKey(kind "employee", key =
  employee_id / IdWrknmr), the employment by ExternalKey(kind "employment", key = personnel
  number / IdDnstvbnd), without a key by the personnel number at this employer; a person without
  a known key is also found through a known employment or the BSN. A row that matches is updated
  (changed fields only, through `people.services`, so history and audit are the portal's);
  otherwise it is created in bulk.
- Validation per row with the portal's rules: `people.services.check_employee` and
  `check_employment`, with the import's (the coupling's) required fields.
  A failed row is reported with row, column, code and a Dutch sentence, and the others go on.
  A dry run validates and writes nothing.
- Speed: new rows are written per chunk (Employee, Employment, their first EmploymentTerms
  row, ExternalKey, one AuditEvent per created object) and their change-feed rows with
  `feed.record_many`: on PostgreSQL by `COPY ... FROM STDIN` with ids reserved from the
  tables' sequences, elsewhere with `bulk_create`; both write the same rows (a test compares
  them). A chunk is one transaction, all or nothing.
- Resume: an ImportRun per (employer, file checksum); each committed chunk advances
  `rows_done` in the chunk's own transaction. Running the same file again continues after
  `rows_done`; a finished file is "already imported" unless asked to import it again.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import json
import re
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import islice
from typing import Any, Final

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from hersteld.core.actor import Actor, SystemActor
from hersteld.core.audit import diff, snapshot, user_or_none
from hersteld.core.context import current_meta
from hersteld.core.models import AuditAction, AuditEvent
from hersteld.core.restrict import Scope
from hersteld.core.validation import Problems
from hersteld.core.validation import message as rule_message
from hersteld.exchange import apply, bulk, codec, feed
from hersteld.exchange.models import Coupling, ExternalKey, ImportRun, ImportStatus, KeyKind
from hersteld.organisations.models import Department, Employer
from hersteld.people import rules
from hersteld.people import services as people_services
from hersteld.people.models import (
    ContractType,
    Employee,
    Employment,
    EmploymentTerms,
    Gender,
    MaritalStatus,
)

DEFAULT_CHUNK_SIZE: Final = 2000
MAX_STORED_ERRORS: Final = 10_000  # the run keeps the first errors; rows_failed counts them all
MAX_FILE_BYTES: Final = 50 * 1024 * 1024
# A workbook is a zip: what its parts unpack to is capped, so a small file cannot unpack to GBs.
MAX_UNPACKED_BYTES: Final = 256 * 1024 * 1024
XML_CHUNK_BYTES: Final = 1024 * 1024
ACTION: Final = "people.change"

# What an import asks of a row: as a coupling (exchange.md), an HR export may hold no address,
# phone, e-mail or salary. Everything it does hold is checked with the portal's rules.
IMPORT_EMPLOYEE_REQUIRED: Final = ("initials", "surname", "birth_date", "gender")
IMPORT_EMPLOYMENT_REQUIRED: Final = (
    "department",
    "personnel_number",
    "start_date",
    "hours_per_week",
)

EMPLOYEE_FIELDS: Final = people_services.EMPLOYEE_KEYS
# The employment fields an import sets; department, end date and valid_from are handled apart.
EMPLOYMENT_FIELDS: Final = (
    "personnel_number",
    "start_date",
    "function_name",
    "hours_per_week",
    "annual_salary",
    "contract_type",
)

# Canonical column -> accepted header names (compared after `_header_key`).
COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "employee_id": ("employee_key", "werknemer_id", "id_werknemer", "idwrknmr"),
    "personnel_number": ("personeelsnummer", "personeelsnr", "persnr", "personnel_no"),
    "initials": ("voorletters", "voorl"),
    "first_name": ("voornaam", "roepnaam"),
    "surname_prefix": ("tussenvoegsel", "voorvoegsel", "voorv", "prefix"),
    "surname": ("achternaam", "geslachtsnaam", "last_name", "signnm"),
    "birth_date": ("geboortedatum", "gebdat", "date_of_birth"),
    "gender": ("geslacht", "gslchtcd", "sex"),
    "bsn": ("burgerservicenummer", "sofinummer", "sofinr"),
    "postcode": ("pc", "zip", "zipcode", "postal_code"),
    "street": ("straat", "straatnaam"),
    "house_number": ("huisnummer", "huisnr"),
    "house_number_addition": ("toevoeging", "huisnummertoevoeging", "huistoev", "addition"),
    "city": ("woonplaats", "plaats", "wnpl"),
    "country": ("land", "landcode"),
    "phone": ("telefoon", "telefoonnummer", "mobiel", "phone_number"),
    "email": ("e_mail", "emailadres", "e_mailadres", "mail"),
    "department_code": ("afdeling", "afdelingscode", "orgeenhcd", "department"),
    "function_name": ("functie", "nmfnct", "function"),
    "hours_per_week": ("uren_per_week", "uren", "contracturen", "aantctrcturenpwk", "hours"),
    "start_date": ("ingangsdatum", "datum_in_dienst", "in_dienst", "ingdat"),
    "end_date": ("einddatum", "datum_uit_dienst", "uit_dienst", "enddat"),
    "contract_type": ("contractsoort", "soort_contract", "contract", "cdbeptd"),
    "annual_salary": ("jaarsalaris", "salaris", "salary"),
    "valid_from": ("geldig_vanaf", "ingangsdatum_wijziging", "ingdatmut"),
}
REQUIRED_COLUMNS: Final = (
    "personnel_number",
    "initials",
    "surname",
    "birth_date",
    "gender",
    "department_code",
    "start_date",
    "hours_per_week",
)
# Where a canonical column sits in a SIVI Dnstvbnd row (for the error report).
SIVI_ELEMENTS: Final[dict[str, str]] = {
    "employee_id": "IdWrknmr",
    "personnel_number": "Dnstvbnd/PersNr",
    "initials": "Voorl",
    "first_name": "Roepnaam",
    "surname_prefix": "Voorv",
    "surname": "SignNm",
    "birth_date": "Gebdat",
    "gender": "GslchtCd",
    "bsn": "SofiNr",
    "postcode": "StrAdrNl/Pc",
    "street": "StraatLang",
    "house_number": "Huisnr",
    "house_number_addition": "HuisToev",
    "city": "Wnpl",
    "country": "LandCd",
    "phone": "Com/NrCom",
    "email": "Com/NrCom",
    "department_code": "Dnstvbnd/OrgeenhCd",
    "function_name": "Dnstvbnd/NmFnct",
    "hours_per_week": "Dnstvbnd/AantCtrcturenPWk",
    "start_date": "Dnstvbnd/Ingdat",
    "end_date": "Dnstvbnd/Enddat",
    "contract_type": "Dnstvbnd/CdBepTd",
    "annual_salary": "Dnstvbnd/hx:Jaarsalaris",
    "valid_from": "Dnstvbnd/IngdatMut",
    "employment_key": "Dnstvbnd/IdDnstvbnd",
}
# A service reports on a model field; the error report names the column.
FIELD_COLUMNS: Final = {"department": "department_code", "external_id": "employee_id"}

GENDERS: Final = {
    "m": Gender.MALE,
    "man": Gender.MALE,
    "male": Gender.MALE,
    "v": Gender.FEMALE,
    "vrouw": Gender.FEMALE,
    "f": Gender.FEMALE,
    "female": Gender.FEMALE,
    "o": Gender.OTHER,
    "x": Gender.OTHER,
    "onbekend": Gender.OTHER,
    "other": Gender.OTHER,
}
CONTRACT_TYPES: Final = {
    **{value: value for value in ContractType.values},
    "o": ContractType.PERMANENT,
    "onbepaald": ContractType.PERMANENT,
    "onbepaalde_tijd": ContractType.PERMANENT,
    "vast": ContractType.PERMANENT,
    "b": ContractType.FIXED_TERM,
    "bepaald": ContractType.FIXED_TERM,
    "bepaalde_tijd": ContractType.FIXED_TERM,
    "fixed": ContractType.FIXED_TERM,
    "tijdelijk": ContractType.FIXED_TERM,
    "oproep": ContractType.ON_CALL,
    "nulurencontract": ContractType.ON_CALL,
    "uitzend": ContractType.TEMPORARY_AGENCY,
    "uitzendkracht": ContractType.TEMPORARY_AGENCY,
    "stage": ContractType.INTERNSHIP,
}
COUNTRIES: Final = {
    "nederland": "NL",
    "netherlands": "NL",
    "the_netherlands": "NL",
    "belgie": "BE",
    "belgië": "BE",
    "belgium": "BE",
    "duitsland": "DE",
    "germany": "DE",
}

# Sentences for the codes only an import meets; every other code is core.validation's.
MESSAGES: Final[dict[str, Any]] = {
    "date_format": _("Not a date; write it as YYYY-MM-DD or DD-MM-YYYY, e.g. 2024-03-01."),
    "number_format": _("Not a number with at most two decimals, e.g. 32 or 32,5."),
    "number_too_large": _("This number is too large."),
    "house_number_format": _("A house number starts with digits, e.g. 12 or 12a."),
    "country_format": _("A country is a two-letter code, e.g. NL or BE."),
    "too_long": _("At most %(max)s characters."),
    "duplicate_in_file": _("This employment already occurs in row %(row)s of this file."),
    "unknown_department": _(
        "Department code %(code)s is not known at this employer; add the department with this "
        "code or correct the file."
    ),
    "unknown_employee": _(
        "No employee with this key is known at this employer; import the employee's data "
        "(WerknemerGegevens) first."
    ),
    "already_ended": _("This employment has already ended on %(date)s; the end date is kept."),
    "missing_column": _("The file has no column %(column)s (see the import manual)."),
    "duplicate_column": _("The columns %(first)s and %(second)s both mean %(column)s."),
    "invalid_file": _("The file cannot be read as %(format)s: %(reason)s"),
    "not_a_workbook": _(
        "The file is a zip archive but not an Excel workbook (.xlsx); save the sheet in Excel "
        "as .xlsx or as CSV."
    ),
    "broken_workbook": _(
        "The Excel file is damaged: its part %(part)s is not valid XML (%(reason)s). Open it in "
        "Excel and save it again, or save the sheet as CSV."
    ),
    "workbook_doctype": _(
        "The Excel file contains a DOCTYPE or ENTITY declaration (in %(part)s); such files are "
        "not read, for safety. Save the sheet again in Excel, or as CSV."
    ),
    "workbook_too_large": _(
        "The Excel file unpacks to more than %(max)s MB; save the sheet as CSV or split it."
    ),
    "too_many_rows": _(
        "The file has more than %(max)s rows; an upload in the portal imports at most %(max)s "
        "rows. Split the file, or ask the administrator to import it with the command "
        "“hersteld import”."
    ),
    "old_excel": _("Old Excel files (.xls) cannot be read; save the sheet as .xlsx or CSV."),
    "empty_file": _("The file has no header row."),
    "too_large": _("The file is larger than %(max)s MB."),
    "sivi_invalid": _("Not a valid SIVI message (%(rule)s): %(detail)s"),
    "sivi_message_type": _(
        "Only WerknemerGegevens and Dienstverbanden messages can be imported; absence reports "
        "arrive through a coupling."
    ),
    "employer_mismatch": _(
        "The file is for employer %(key)s; the couplings of this employer know it as %(expected)s."
    ),
    "stopped": _("The import stopped before row %(row)s: %(reason)s. Start it again to continue."),
}


def message(code: str, params: dict[str, Any] | None = None) -> str:
    """The Dutch (default-language) sentence for a code, with its parameters filled in."""
    with translation.override(settings.LANGUAGE_CODE):
        text = str(MESSAGES[code] if code in MESSAGES else rule_message(code))
        if params:
            with contextlib.suppress(KeyError, TypeError, ValueError):
                text = text % params
    return text


@dataclass(frozen=True)
class RowError:
    row: int  # spreadsheet row (the header is row 1), or SIVI Dnstvbnd number; 0 for the file
    column: str
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message}


class ImportFileError(Exception):
    """The file as a whole cannot be imported (format, header, SIVI message); nothing is read."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(error.message for error in errors[:3]))
        self.errors = errors


def file_error(code: str, *, at: str = "", **params: Any) -> ImportFileError:
    """An error about the whole file; `at` names the column or part it concerns, if any.

    (`at`, not `column`: a message's own `%(column)s` parameter must reach the sentence.)
    """
    return ImportFileError([RowError(0, at, code, message(code, params))])


class AlreadyImported(Exception):
    """This file was imported completely for this employer before."""

    def __init__(self, run: ImportRun) -> None:
        super().__init__(f"already imported (run {run.pk})")
        self.run = run


class ImportConflict(RuntimeError):
    """Another process advanced the same run: this one stops, the other goes on."""


# --- the actor --------------------------------------------------------------------------


IMPORT_ACTIONS = frozenset({"organisations.view", "people.view", "people.change"})


def system_importer(employer: Employer) -> SystemActor:
    """The CLI without --user: the system acting on one employer with people rights only.

    Updates go through `people.services`, which fetch through `restrict`; this actor's scope is
    the one employer. Audit rows name it "import" (no user row).
    """
    return SystemActor(
        name="import",
        full_name="import",
        scope=Scope(employer.arbodienst_id, employer_id=employer.pk),
        actions=IMPORT_ACTIONS,
    )


def import_employers(user: Actor) -> models.QuerySet[Employer]:
    """The employers whose population this user may import (people.change on the employer)."""
    return Employer.objects.restrict(user, ACTION)


def employer_for_import(user: Actor | None, employer_id: int) -> Employer:
    """The employer, if the user (None: the system) may import for it; else Http404."""
    queryset = Employer.objects.all() if user is None else import_employers(user)
    employer = queryset.select_related("arbodienst").filter(pk=employer_id).first()
    if employer is None:
        raise Http404("employer")
    return employer


# --- reading the file -------------------------------------------------------------------


def checksum(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def detect_format(filename: str, content: bytes) -> str:
    """csv, xlsx, sivi or json: by the content first (a zip is a workbook), then by the name."""
    head = content[:8]
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise file_error("old_excel")
    text = content[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<"):
        return "sivi"
    if text.startswith(b"{"):
        return "json"
    if filename.lower().endswith((".xlsx", ".xlsm")):
        return "xlsx"
    return "csv"


@dataclass(slots=True)
class ParsedRow:
    """One row, cleaned: typed values by canonical column, and the cell errors found."""

    number: int
    employee_key: str | None = None
    employment_key: str | None = None
    employee: dict[str, Any] = field(default_factory=dict)
    employment: dict[str, Any] = field(default_factory=dict)
    person_data: bool = True  # False for a Dienstverbanden row: the person must be known
    source_time: dt.datetime | None = None
    errors: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    blank: bool = False

    @property
    def personnel_number(self) -> str | None:
        value: str | None = self.employment.get("personnel_number")
        return value


class Source(ABC):
    file_format: str
    total: int

    @abstractmethod
    def rows(self, skip: int) -> Iterator[ParsedRow]:
        """The rows after the first `skip` ones, in file order."""

    @abstractmethod
    def column_label(self, row: ParsedRow, column: str) -> str:
        """How the error report names a column: the header as written, or the SIVI element."""

    def close(self) -> None:
        return None


class _CellError(ValueError):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def _header_key(text: Any) -> str:
    return re.sub(r"[\s\-./]+", "_", str(text or "").strip().lower()).strip("_")


_ALIASES: Final = {
    _header_key(alias): canonical
    for canonical, aliases in COLUMNS.items()
    for alias in (canonical, *aliases)
}


def _plain_text(value: Any) -> str | None:
    if type(value) is str:  # the common case (every CSV cell) first
        return value.strip() or None
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DMY_DATE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _plain_text(value) or ""
    found = _ISO_DATE.fullmatch(text)
    try:
        if found:
            return dt.date(int(found[1]), int(found[2]), int(found[3]))
        found = _DMY_DATE.fullmatch(text)
        if found:
            return dt.date(int(found[3]), int(found[2]), int(found[1]))
    except ValueError:
        pass
    raise _CellError("date_format")


def _decimal(value: Any, limit: Decimal) -> Decimal:
    if isinstance(value, bool):
        raise _CellError("number_format")
    if isinstance(value, int | float):
        text = repr(value)
    else:
        text = re.sub(r"[\s€]", "", str(value))
        if "," in text and "." in text:
            if text.rfind(",") > text.rfind("."):  # 42.000,50
                text = text.replace(".", "").replace(",", ".")
            else:  # 42,000.50
                text = text.replace(",", "")
        else:
            text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise _CellError("number_format") from exc
    if not number.is_finite() or number != number.quantize(Decimal("0.01")):
        raise _CellError("number_format")
    if abs(number) >= limit:
        raise _CellError("number_too_large")
    return number


def _choice(mapping: Mapping[str, str]) -> Callable[[Any], str]:
    def convert(value: Any) -> str:
        key = _header_key(_plain_text(value))
        if key not in mapping:
            raise _CellError("invalid_choice")
        return mapping[key]

    return convert


_HOUSE_NUMBER = re.compile(r"(\d{1,9})\s*[-/]?\s*(.*)")


def _house_number(value: Any) -> tuple[int, str | None]:
    text = _plain_text(value) or ""
    found = _HOUSE_NUMBER.fullmatch(text)
    if not found:
        raise _CellError("house_number_format")
    return int(found[1]), found[2].strip() or None


def _country(value: Any) -> str:
    text = _plain_text(value) or ""
    code = COUNTRIES.get(_header_key(text), text.upper())
    if not re.fullmatch(r"[A-Z]{2}", code):
        raise _CellError("country_format")
    return code


def _max_lengths() -> dict[str, int]:
    out: dict[str, int] = {}
    for model in (Employee, Employment):
        for model_field in model._meta.get_fields():
            if isinstance(model_field, models.CharField) and model_field.max_length:
                out[model_field.name] = model_field.max_length
    out["department_code"] = Department._meta.get_field("code").max_length or 40
    out["employee_id"] = ExternalKey._meta.get_field("key").max_length or 40
    return out


MAX_LENGTHS: Final = _max_lengths()
# Converters for the typed columns; every other column is text.
_DECIMAL_LIMITS: Final = {"hours_per_week": Decimal("1000"), "annual_salary": Decimal("1e10")}
_DATES: Final = frozenset({"birth_date", "start_date", "end_date", "valid_from"})
_EMPLOYMENT_COLUMNS: Final = frozenset(
    {*EMPLOYMENT_FIELDS, "department_code", "end_date", "valid_from"}
)


def _text(limit: int | None) -> Callable[[Any], str | None]:
    def convert(value: Any) -> str | None:
        text = _plain_text(value)
        if text is not None and limit is not None and len(text) > limit:
            raise _CellError("too_long", max=limit)
        return text

    return convert


def _decimal_up_to(limit: Decimal) -> Callable[[Any], Decimal]:
    return lambda value: _decimal(value, limit)


# How each column's cell becomes a value; the others are text of at most the field's length.
_CONVERTERS: Final[dict[str, Callable[[Any], Any]]] = {
    **{column: _text(MAX_LENGTHS.get(column)) for column in COLUMNS},
    **dict.fromkeys(_DATES, _date),
    **{column: _decimal_up_to(limit) for column, limit in _DECIMAL_LIMITS.items()},
    "gender": _choice(GENDERS),
    "contract_type": _choice(CONTRACT_TYPES),
    "country": _country,
    "house_number": _house_number,
}


class TabularSource(Source):
    """CSV and XLSX: a header row, then one row per employment."""

    def __init__(self, header: Sequence[Any]) -> None:
        self.columns: list[tuple[int, str]] = []
        self.labels: dict[str, str] = {}
        self.ignored: list[str] = []
        for index, raw in enumerate(header):
            label = _plain_text(raw) or ""
            canonical = _ALIASES.get(_header_key(label))
            if canonical is None:
                if label:
                    self.ignored.append(label)
                continue
            if canonical in self.labels:
                raise file_error(
                    "duplicate_column",
                    at=label,
                    first=self.labels[canonical],
                    second=label,
                    column=canonical,
                )
            self.labels[canonical] = label
            self.columns.append((index, canonical))
        if not self.labels:
            raise file_error("empty_file")
        for canonical in REQUIRED_COLUMNS:
            if canonical not in self.labels:
                raise file_error("missing_column", at=canonical, column=_column_name(canonical))
        self.converters = [(index, column, _CONVERTERS[column]) for index, column in self.columns]

    @abstractmethod
    def raw_rows(self) -> Iterator[Sequence[Any]]:
        """The data rows (after the header) as cell values."""

    def column_label(self, row: ParsedRow, column: str) -> str:
        return self.labels.get(column, column)

    def rows(self, skip: int) -> Iterator[ParsedRow]:
        number = 1 + skip  # the header is row 1
        for cells in islice(self.raw_rows(), skip, None):
            number += 1
            yield self.parse(number, cells)

    def parse(self, number: int, cells: Sequence[Any]) -> ParsedRow:
        row = ParsedRow(number)
        size = len(cells)
        blank = True
        for index, column, convert in self.converters:
            raw = cells[index] if index < size else None
            if raw is None or raw == "" or (type(raw) is str and raw.isspace()):
                continue
            blank = False
            try:
                value = convert(raw)
            except _CellError as exc:
                row.errors.append((column, exc.code, exc.params))
                continue
            if column == "employee_id":
                row.employee_key = value
            elif column == "house_number":
                row.employee["house_number"], addition = value
                if addition:  # "12a": the addition, unless its own column says otherwise
                    row.employee.setdefault("house_number_addition", addition)
            elif column in _EMPLOYMENT_COLUMNS:
                row.employment[column] = value
            else:
                row.employee[column] = value
        row.blank = blank
        row.employment_key = row.personnel_number
        return row


def _column_name(canonical: str) -> str:
    """A required column as the manual names it: the canonical name and its Dutch header."""
    return f"{canonical} ({COLUMNS[canonical][0]})"


def _count_rows(rows: Iterable[Any], max_rows: int | None) -> int:
    """The number of data rows; refused at once when there are more than `max_rows`.

    Stops reading at max_rows + 1, so a huge file costs no more than the limit to refuse.
    """
    if max_rows is None:
        return sum(1 for _ in rows)
    count = sum(1 for _ in islice(rows, max_rows + 1))
    if count > max_rows:
        raise file_error("too_many_rows", max=max_rows)
    return count


class CsvSource(TabularSource):
    file_format = "csv"

    def __init__(self, content: bytes, max_rows: int | None = None) -> None:
        try:
            self.text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            self.text = content.decode("cp1252", errors="replace")
        first_line = self.text.split("\n", 1)[0]
        self.delimiter = max(";,\t", key=first_line.count)
        try:
            reader = self._reader()
            header = next(reader, None)
            if header is None:
                raise file_error("empty_file")
            super().__init__(header)
            self.total = _count_rows(reader, max_rows)
        except csv.Error as exc:
            raise file_error("invalid_file", format="CSV", reason=str(exc)) from exc

    def _reader(self) -> Iterator[list[str]]:
        return csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter)

    def raw_rows(self) -> Iterator[Sequence[Any]]:
        reader = self._reader()
        next(reader, None)
        yield from reader


class XlsxSource(TabularSource):
    """The first sheet of a workbook, read in read-only mode (streamed, values only)."""

    file_format = "xlsx"

    def __init__(self, content: bytes, max_rows: int | None = None) -> None:
        import openpyxl

        check_workbook(content, max_rows)
        try:
            self.book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            self.sheet = self.book.worksheets[0]
            header = next(self.sheet.iter_rows(max_row=1, values_only=True), None)
        except Exception as exc:  # openpyxl raises many kinds on a workbook it cannot read
            raise file_error("invalid_file", format="XLSX", reason=str(exc)[:200]) from exc
        if header is None:
            raise file_error("empty_file")
        super().__init__(header)
        # Without a dimension in the sheet, openpyxl's max_row reads the whole sheet: only the
        # CLI (no limit) asks for it; with a limit the rows are counted up to limit + 1.
        max_row = self.sheet.max_row if max_rows is None else None
        if max_row:
            self.total = max_row - 1
        else:
            try:
                self.total = _count_rows(self.raw_rows(), max_rows)
            except ImportFileError:
                raise
            except Exception as exc:
                raise file_error("invalid_file", format="XLSX", reason=str(exc)[:200]) from exc

    def raw_rows(self) -> Iterator[Sequence[Any]]:
        return self.sheet.iter_rows(min_row=2, values_only=True)

    def close(self) -> None:
        self.book.close()


def check_workbook(content: bytes, max_rows: int | None = None) -> None:
    """Refuse a workbook whose parts are not safe, well-formed XML, before openpyxl reads it.

    openpyxl parses the parts with the standard library, which accepts a DOCTYPE with entities
    and raises bare parser errors on broken XML. Every XML part is streamed through expat once
    (no element handlers: C speed): a DOCTYPE or entity declaration, an encoding expat cannot
    use and XML that is not well-formed (e.g. a truncated sheet) are refused with the part's name.
    With `max_rows` the first sheet is read first and its rows counted on the fly (row elements
    and their numbers): a sheet with more rows is refused as soon as the count passes the limit,
    before openpyxl (which reads a sheet without a stored size entirely just to open it).
    """
    import zipfile

    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise file_error("not_a_workbook") from exc
    names = {part.filename for part in parts}
    if not {"[Content_Types].xml", "xl/workbook.xml"} <= names:
        raise file_error("not_a_workbook")
    if sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
        raise file_error("workbook_too_large", max=MAX_UNPACKED_BYTES // (1024 * 1024))
    xml_parts = [part for part in parts if part.filename.endswith((".xml", ".rels", ".vml"))]
    for part in xml_parts:  # what names the first sheet: workbook and its relations first
        if part.filename in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
            _check_xml_part(archive, part)
    first = _first_sheet(archive) if max_rows is not None else None
    for part in sorted(xml_parts, key=lambda part: part.filename != first):
        if part.filename == first:
            _check_xml_part(archive, part, max_rows=max_rows)
        elif part.filename not in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
            _check_xml_part(archive, part)


def _first_sheet(archive: Any) -> str | None:
    """The part of the workbook's first sheet (the one an import reads), from its relations."""
    from xml.etree import ElementTree as ET

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    relation = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    try:
        book = ET.fromstring(archive.read("xl/workbook.xml"))  # noqa: S314 (checked above)
        rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
    except (KeyError, ET.ParseError):
        return None
    sheet = book.find(f"{main}sheets/{main}sheet")
    if sheet is None:
        return None
    for rel in rels:
        if rel.get("Id") == sheet.get(relation):
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


# A row element of a sheet, with its row number when written (`r`); markup only: a "<" in text
# is always escaped. Only text up to the last "<" of what was read is searched (whole tags).
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row(?=[\s/>])([^<>]*?\sr=\"(\d{1,9})\")?")


class _Doctype(Exception):
    pass


def _check_xml_part(archive: Any, part: Any, *, max_rows: int | None = None) -> None:
    from xml.parsers import expat

    parser = expat.ParserCreate()

    def refuse(*_: object) -> None:
        raise _Doctype

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse  # type: ignore[assignment]
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    read = 0
    counted = [0, 0]  # row elements, highest row number
    rest = b""

    def count(text: bytes) -> None:
        for found in _ROW_TAG.finditer(text):
            counted[0] += 1
            counted[1] = max(counted[1], int(found.group(2) or 0))
        if max_rows is not None and max(counted) - 1 > max_rows:  # the header is row 1
            raise file_error("too_many_rows", max=max_rows)

    try:
        with archive.open(part) as stream:
            while chunk := stream.read(XML_CHUNK_BYTES):
                read += len(chunk)
                if read > MAX_UNPACKED_BYTES:
                    raise file_error("workbook_too_large", max=MAX_UNPACKED_BYTES // (1024 * 1024))
                parser.Parse(chunk, False)
                if max_rows is not None:
                    data = rest + chunk
                    cut = max(data.rfind(b"<"), 0)
                    count(data[:cut])
                    rest = data[cut:]
            parser.Parse(b"", True)
            if max_rows is not None:
                count(rest)
    except _Doctype:
        raise file_error("workbook_doctype", at=part.filename, part=part.filename) from None
    except expat.ExpatError as exc:
        reason = str(exc)
        raise file_error(
            "broken_workbook", at=part.filename, part=part.filename, reason=reason
        ) from None
    except (LookupError, ValueError, OSError, EOFError) as exc:  # encoding, bad CRC, bad packing
        reason = str(exc)[:100]
        raise file_error(
            "broken_workbook", at=part.filename, part=part.filename, reason=reason
        ) from None


class SiviSource(Source):
    """A WerknemerGegevens or Dienstverbanden message (SIVI XML or Hersteld JSON), one row per item."""

    def __init__(
        self, content: bytes, employer: Employer, file_format: str, max_rows: int | None = None
    ) -> None:
        self.file_format = file_format
        content_type = codec.JSON_CONTENT_TYPE if file_format == "json" else codec.SIVI_CONTENT_TYPE
        try:
            parsed = codec.parse(content, content_type)
        except codec.InvalidMessage as exc:
            raise ImportFileError(
                [
                    RowError(
                        0,
                        error.path,
                        "sivi_invalid",
                        message("sivi_invalid", {"rule": error.rule, "detail": error.message}),
                    )
                    for error in exc.errors
                ]
            ) from exc
        if parsed.envelope.message_type not in ("employee", "employment"):
            raise file_error("sivi_message_type")
        known = set(
            Coupling.objects.filter(employer=employer).values_list("employer_key", flat=True)
        )
        if known and parsed.employer.employer_key not in known:
            raise file_error(
                "employer_mismatch",
                key=parsed.employer.employer_key,
                expected=", ".join(sorted(known)),
            )
        if max_rows is not None and len(parsed.items) > max_rows:
            raise file_error("too_many_rows", max=max_rows)
        self.message = parsed
        self.total = len(parsed.items)
        self.positions = self._positions(parsed.items)

    @staticmethod
    def _positions(items: Sequence[codec.Item]) -> list[tuple[int, int]]:
        """(Wrknmr, Dnstvbnd) number of each item as the file nests them (1-based)."""
        out: list[tuple[int, int]] = []
        employee_no = employment_no = 0
        previous: codec.EmployeeData | None = None
        for item in items:
            if item.employee != previous:
                employee_no, employment_no = employee_no + 1, 0
            employment_no += 1
            out.append((employee_no, employment_no))
            previous = item.employee
        return out

    def column_label(self, row: ParsedRow, column: str) -> str:
        element = SIVI_ELEMENTS.get(column, column)
        if self.file_format == "json":
            return f"/items/{row.number - 1}/{column}"
        employee_no, employment_no = self.positions[row.number - 1]
        element = element.replace("Dnstvbnd/", f"Dnstvbnd[{employment_no}]/")
        return f"Wrknmr[{employee_no}]/{element}"

    def rows(self, skip: int) -> Iterator[ParsedRow]:
        sent_at = self.message.envelope.sent_at
        for index, item in enumerate(self.message.items[skip:], start=skip + 1):
            yield self.parse(index, item, sent_at)

    @staticmethod
    def parse(number: int, item: codec.Item, sent_at: dt.datetime) -> ParsedRow:
        person, job = item.employee, item.employment
        row = ParsedRow(number, employee_key=person.external_id, employment_key=job.external_id)
        row.source_time = sent_at
        row.person_data = person.surname is not None
        if row.person_data:
            values: dict[str, Any] = {
                "initials": person.initials,
                "first_name": person.first_name,
                "surname_prefix": person.surname_prefix,
                "surname": person.surname,
                "birth_date": person.birth_date,
                "gender": person.gender,
                "bsn": person.bsn,
                "phone": person.phone,
                "email": person.email,
            }
            address = person.address
            if address is not None:
                values.update(
                    street=address.street,
                    house_number_addition=address.addition,
                    postcode=address.postcode,
                    city=address.city,
                    country=address.country,
                )
                try:
                    house_number, addition = _house_number(address.house_number)
                    values["house_number"] = house_number
                    values["house_number_addition"] = address.addition or addition
                except _CellError as exc:
                    row.errors.append(("house_number", exc.code, exc.params))
            for column, value in values.items():
                limit = MAX_LENGTHS.get(column)
                if isinstance(value, str) and limit is not None and len(value) > limit:
                    row.errors.append((column, "too_long", {"max": limit}))
            row.employee = {key: value for key, value in values.items() if value is not None}
        employment: dict[str, Any] = {
            "personnel_number": job.personnel_number or job.external_id,
            "department_code": job.department_code,
            "function_name": job.function_name,
            "hours_per_week": job.hours_per_week,
            "start_date": job.start_date,
            "end_date": job.end_date,
            "contract_type": apply.CONTRACT_TYPES.get(job.contract_type or ""),
            "annual_salary": job.annual_salary,
            "valid_from": job.valid_from,
        }
        row.employment = {key: value for key, value in employment.items() if value is not None}
        return row


def open_source(
    content: bytes, file_format: str, employer: Employer, max_rows: int | None = None
) -> Source:
    """The file's rows; with `max_rows` a file with more data rows is refused before any work."""
    if len(content) > MAX_FILE_BYTES:
        raise file_error("too_large", max=MAX_FILE_BYTES // (1024 * 1024))
    if file_format == "xlsx":
        return XlsxSource(content, max_rows)
    if file_format in ("sivi", "json"):
        return SiviSource(content, employer, file_format, max_rows)
    return CsvSource(content, max_rows)


def portal_max_rows() -> int | None:
    """The row limit of a portal upload (HERSTELD_IMPORT_MAX_ROWS; 0: none). The CLI has none."""
    limit = int(settings.IMPORT_MAX_ROWS)
    return limit if limit > 0 else None


def check_file(
    filename: str, content: bytes, employer: Employer, max_rows: int | None = None
) -> None:
    """Read the header and count the rows (up to the limit), so an upload is refused at once."""
    open_source(content, detect_format(filename, content), employer, max_rows).close()


# --- one chunk ----------------------------------------------------------------------------

CREATED, UPDATED, UNCHANGED, FAILED = "created", "updated", "unchanged", "failed"


class RowFailed(Exception):
    def __init__(self, errors: list[tuple[str, str, dict[str, Any]]]) -> None:
        super().__init__(errors[0][1] if errors else "")
        self.errors = errors


def _problems_of(exc: ValidationError) -> list[tuple[str, str, dict[str, Any]]]:
    out: list[tuple[str, str, dict[str, Any]]] = []
    items = exc.error_dict.items() if hasattr(exc, "error_dict") else [("", exc.error_list)]
    for name, errors in items:
        for error in errors:
            column = FIELD_COLUMNS.get(name, "" if name == "__all__" else name)
            out.append((column, error.code or "invalid", dict(error.params or {})))
    return out


def _fail_if(problems: Problems) -> None:
    if problems:
        try:
            problems.raise_if_any()
        except ValidationError as exc:
            raise RowFailed(_problems_of(exc)) from exc


@dataclass
class _Chunk:
    """What the rows of one chunk create, written together at its end."""

    employees: list[Employee] = field(default_factory=list)
    employments: list[Employment] = field(default_factory=list)
    keys: list[tuple[str, str, models.Model, dt.datetime | None]] = field(default_factory=list)
    linked: set[tuple[str, str]] = field(default_factory=set)
    by_key: dict[str, Employee] = field(default_factory=dict)
    by_bsn: dict[str, Employee] = field(default_factory=dict)
    counts: dict[str, int] = field(
        default_factory=lambda: {CREATED: 0, UPDATED: 0, UNCHANGED: 0, FAILED: 0}
    )
    errors: list[RowError] = field(default_factory=list)

    def link(
        self, kind: str, key: str | None, obj: models.Model, source_time: dt.datetime | None
    ) -> None:
        if key and (kind, key) not in self.linked:
            self.linked.add((kind, key))
            self.keys.append((kind, key, obj, source_time))


@dataclass
class _Known:
    """The rows of a chunk that already exist: keys, employments and people, in a few queries."""

    employee_keys: dict[str, int]
    employment_keys: dict[str, int]
    jobs_by_pk: dict[int, Employment]
    jobs_by_number: dict[str, Employment]
    people_by_pk: dict[int, Employee]
    people_by_bsn: dict[str, Employee]

    @classmethod
    def load(cls, employer: Employer, rows: Sequence[ParsedRow]) -> _Known:
        person_keys = {row.employee_key for row in rows if row.employee_key}
        job_keys = {row.employment_key for row in rows if row.employment_key}
        numbers = {row.personnel_number for row in rows if row.personnel_number}
        bsns = {_bsn_key(row.employee["bsn"]) for row in rows if row.employee.get("bsn")}
        employer_keys = ExternalKey.objects.filter(employer=employer)
        employee_keys = dict(
            employer_keys.filter(kind=KeyKind.EMPLOYEE, key__in=person_keys).values_list(
                "key", "object_id"
            )
        )
        employment_keys = dict(
            employer_keys.filter(kind=KeyKind.EMPLOYMENT, key__in=job_keys).values_list(
                "key", "object_id"
            )
        )
        jobs = list(
            Employment.objects.filter(employer=employer).filter(
                Q(pk__in=list(employment_keys.values())) | Q(personnel_number__in=numbers)
            )
            if employment_keys or numbers
            else []
        )
        person_ids = {*employee_keys.values(), *(job.employee_id for job in jobs)}
        people = list(
            Employee.objects.filter(employer=employer).filter(
                Q(pk__in=person_ids) | Q(bsn__in=bsns)
            )
            if person_ids or bsns
            else []
        )
        people_by_pk = {person.pk: person for person in people}
        for job in jobs:
            if job.employee_id in people_by_pk:
                job.employee = people_by_pk[job.employee_id]
        return cls(
            employee_keys=employee_keys,
            employment_keys=employment_keys,
            jobs_by_pk={job.pk: job for job in jobs},
            jobs_by_number={job.personnel_number: job for job in jobs},
            people_by_pk=people_by_pk,
            people_by_bsn={person.bsn: person for person in people if person.bsn},
        )


def _check_employee(
    data: dict[str, Any], problems: Problems, *, start_date: dt.date | None
) -> None:
    people_services.check_employee(
        data, problems, start_date=start_date, required=IMPORT_EMPLOYEE_REQUIRED
    )


def _check_employment(data: dict[str, Any], problems: Problems) -> None:
    people_services.check_employment(data, problems, IMPORT_EMPLOYMENT_REQUIRED)


def _remember(person: Employee, changes: dict[str, Any]) -> None:
    for name, value in changes.items():
        setattr(person, name, value)


def _bsn_key(value: str) -> str:
    return rules.normalise_bsn(str(value)).zfill(9)


ProgressCallback = Callable[[int, int], None]


@dataclass
class Summary:
    run: ImportRun
    rows: int  # rows handled by this call (a resumed run counts only its own)
    seconds: float
    errors: list[RowError] = field(default_factory=list)  # the errors of this call

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0

    @property
    def unchanged(self) -> int:
        run = self.run
        return run.rows_done - run.rows_created - run.rows_updated - run.rows_failed


class Importer:
    """Runs one ImportRun over its source, chunk by chunk."""

    def __init__(
        self,
        run: ImportRun,
        source: Source,
        *,
        actor: Actor,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        progress: ProgressCallback | None = None,
    ) -> None:
        if chunk_size < 1:
            raise ValueError("chunk_size must be at least 1")
        self.run = run
        self.source = source
        self.employer: Employer = run.employer
        self.actor = actor
        self.dry_run = run.dry_run
        self.persist = run.pk is not None
        self.chunk_size = chunk_size
        self.progress = progress
        self.departments = {
            department.code: department
            for department in Department.objects.filter(employer=self.employer)
        }
        self.seen: dict[str, int] = {}  # employment key -> first row with it
        # A dry run keeps who it "created", so a later chunk finds them as a real run would.
        self.dry_people: set[str] = set()
        self.dry_bsns: set[str] = set()
        self.errors: list[RowError] = []

    # --- driving ------------------------------------------------------------------------

    def run_all(self) -> Summary:
        started = time.perf_counter()
        handled = 0
        run = self.run
        run.rows_total = max(self.source.total, run.rows_done)
        run.errors = [error for error in run.errors if error.get("code") != "stopped"]
        run.status = ImportStatus.RUNNING
        run.finished_at = None
        self._save("rows_total", "errors", "status", "finished_at")
        self._report()
        rows = self.source.rows(run.rows_done)
        try:
            while chunk_rows := list(islice(rows, self.chunk_size)):
                self._chunk(chunk_rows)
                handled += len(chunk_rows)
                self._report()
        except ImportConflict:
            raise  # the other process owns the run; leave it as it is
        except Exception as exc:
            first = run.rows_done + 1
            reason = str(exc)[:300] or type(exc).__name__
            stopped = RowError(
                first, "", "stopped", message("stopped", {"row": first, "reason": reason})
            )
            run.errors = [*run.errors, stopped.as_dict()]
            run.status = ImportStatus.FAILED
            self._save("errors", "status")
            raise
        finally:
            self.source.close()
        run.status = ImportStatus.DONE
        run.finished_at = timezone.now()
        run.rows_total = run.rows_done
        run.content = b""  # the file holds personal data: keep it only while it is needed
        self._save("status", "finished_at", "rows_total", "content")
        self._report()
        return Summary(run, handled, time.perf_counter() - started, self.errors)

    def _report(self) -> None:
        if self.progress is not None:
            self.progress(self.run.rows_done, self.run.rows_total)

    def _save(self, *fields: str) -> None:
        if self.persist:
            self.run.save(update_fields=list(fields))

    def _chunk(self, rows: list[ParsedRow]) -> None:
        """One chunk in one transaction: the rows, the bulk writes and the run's counters."""
        with transaction.atomic():
            if self.persist:
                done = (
                    ImportRun.objects.select_for_update()
                    .filter(pk=self.run.pk)
                    .values_list("rows_done", flat=True)
                    .first()
                )
                if done != self.run.rows_done:
                    raise ImportConflict(
                        f"run {self.run.pk} is at row {done}, this process at {self.run.rows_done}"
                    )
            present = [row for row in rows if not row.blank]
            known = _Known.load(self.employer, present)
            chunk = _Chunk(
                linked={(KeyKind.EMPLOYEE.value, key) for key in known.employee_keys}
                | {(KeyKind.EMPLOYMENT.value, key) for key in known.employment_keys}
            )
            chunk.counts[UNCHANGED] += len(rows) - len(present)
            for row in present:
                try:
                    outcome = self._row(row, known, chunk)
                except RowFailed as exc:
                    outcome = FAILED
                    chunk.errors.extend(self._row_errors(row, exc.errors))
                chunk.counts[outcome] += 1
            if self.dry_run:
                self.dry_people.update(chunk.by_key)
                self.dry_bsns.update(chunk.by_bsn)
            else:
                self._write(chunk)
            run = self.run
            counters = {
                "rows_done": run.rows_done + len(rows),
                "rows_created": run.rows_created + chunk.counts[CREATED],
                "rows_updated": run.rows_updated + chunk.counts[UPDATED],
                "rows_failed": run.rows_failed + chunk.counts[FAILED],
            }
            room = max(MAX_STORED_ERRORS - len(run.errors), 0)
            errors = run.errors + [error.as_dict() for error in chunk.errors[:room]]
            if self.persist:
                ImportRun.objects.filter(pk=run.pk).update(errors=errors, **counters)
        # Only now, with the chunk committed, does the run in memory move on.
        for name, value in counters.items():
            setattr(run, name, value)
        run.errors = errors
        self.errors.extend(chunk.errors)

    def _row_errors(
        self, row: ParsedRow, problems: Iterable[tuple[str, str, dict[str, Any]]]
    ) -> list[RowError]:
        out: list[RowError] = []
        seen: set[str] = set()
        for column, code, params in problems:
            if column in seen:
                continue  # one error per cell: the first (e.g. not "required" after "unknown")
            seen.add(column)
            label = self.source.column_label(row, column) if column else ""
            out.append(RowError(row.number, label, code, message(code, params)))
        return out

    # --- one row ------------------------------------------------------------------------

    def _row(self, row: ParsedRow, known: _Known, chunk: _Chunk) -> str:
        problems = list(row.errors)
        key = row.employment_key or ""
        if key in self.seen:
            problems.append(("personnel_number", "duplicate_in_file", {"row": self.seen[key]}))
        elif key:
            self.seen[key] = row.number
        code = row.employment.get("department_code")
        department = self.departments.get(code) if code else None
        if code and department is None:
            problems.append(("department_code", "unknown_department", {"code": code}))
        job = None
        if row.employment_key in known.employment_keys:
            job = known.jobs_by_pk.get(known.employment_keys[row.employment_key])
        if job is None and row.personnel_number:
            job = known.jobs_by_number.get(row.personnel_number)
        person, pending = self._person(row, known, chunk, job)
        if job is not None and person is not None and job.employee_id != person.pk:
            problems.append(("personnel_number", "personnel_number_taken", {}))
        if person is None and not pending and not row.person_data:
            problems.append(("employee_id", "unknown_employee", {}))
        if problems:
            # Every problem of the row at once: the rules run on what could be read.
            raise RowFailed(problems + self._rule_problems(row, department, job, person, pending))
        if job is None:
            return self._create(row, department, person, pending, chunk)
        return self._update(row, department, job, chunk)

    def _rule_problems(
        self,
        row: ParsedRow,
        department: Department | None,
        job: Employment | None,
        person: Employee | None,
        pending: bool,
    ) -> list[tuple[str, str, dict[str, Any]]]:
        try:
            if job is None:
                self._checked_new(row, department, person, pending)
            else:
                if row.person_data:
                    self._person_changes(row, job.employee)
                self._job_changes(row, job, department)
        except RowFailed as exc:
            return exc.errors
        return []

    def _person(
        self, row: ParsedRow, known: _Known, chunk: _Chunk, job: Employment | None
    ) -> tuple[Employee | None, bool]:
        """The existing person of this row, or (None, True) for one created earlier in the run."""
        key = row.employee_key
        if key and key in known.employee_keys:
            person = known.people_by_pk.get(known.employee_keys[key])
            if person is not None:
                return person, False
        if key and key in chunk.by_key:
            return chunk.by_key[key], True
        if key and key in self.dry_people:
            return None, True
        if job is not None:
            return job.employee, False
        bsn = row.employee.get("bsn")
        if bsn:
            bsn = _bsn_key(bsn)
            if bsn in known.people_by_bsn:
                return known.people_by_bsn[bsn], False
            if bsn in chunk.by_bsn:
                return chunk.by_bsn[bsn], True
            if bsn in self.dry_bsns:
                return None, True
        return None, False

    def _checked_new(
        self, row: ParsedRow, department: Department | None, person: Employee | None, pending: bool
    ) -> dict[str, Any]:
        """The values of a new employment (and new person), checked by the portal's rules."""
        values: dict[str, Any] = {
            name: row.employment.get(name) for name in (*EMPLOYMENT_FIELDS, "end_date")
        }
        values["department"] = department
        values["contract_type"] = values["contract_type"] or ContractType.PERMANENT
        problems = Problems()
        if person is None and not pending and row.person_data:
            data = {**row.employee, **values, "marital_status": MaritalStatus.UNKNOWN}
            _check_employee(data, problems, start_date=values.get("start_date"))
        else:
            data = dict(values)
        _check_employment(data, problems)
        _fail_if(problems)
        return data

    def _create(
        self,
        row: ParsedRow,
        department: Department | None,
        person: Employee | None,
        pending: bool,
        chunk: _Chunk,
    ) -> str:
        data = self._checked_new(row, department, person, pending)
        if person is not None and not pending and row.person_data:
            try:
                _remember(person, self._update_person(row, person))
            except ValidationError as exc:
                raise RowFailed(_problems_of(exc)) from exc
        if person is None and not pending:
            person = self._new_person(row, data, chunk)
            chunk.link(KeyKind.EMPLOYEE, row.employee_key, person, row.source_time)
        elif person is not None:
            chunk.link(KeyKind.EMPLOYEE, row.employee_key, person, row.source_time)
        if person is None or self.dry_run:  # nothing to build (person: from an earlier chunk)
            return CREATED
        job = Employment(
            employer=self.employer,
            employee=person,
            department=department,
            personnel_number=data["personnel_number"],
            start_date=data["start_date"],
            end_date=data.get("end_date"),
            function_name=data.get("function_name") or "",
            hours_per_week=data["hours_per_week"],
            annual_salary=data.get("annual_salary"),
            contract_type=data["contract_type"],
        )
        chunk.employments.append(job)
        chunk.link(KeyKind.EMPLOYMENT, row.employment_key, job, row.source_time)
        return CREATED

    def _new_person(self, row: ParsedRow, data: dict[str, Any], chunk: _Chunk) -> Employee:
        values = {name: data.get(name) for name in EMPLOYEE_FIELDS}
        for name in EMPLOYEE_FIELDS:
            if name not in ("house_number", "birth_date"):
                values[name] = values[name] or ""
        values["country"] = values["country"] or "NL"
        person = Employee(employer=self.employer, **values)
        chunk.employees.append(person)
        if row.employee_key:
            chunk.by_key[row.employee_key] = person
        if person.bsn:
            chunk.by_bsn[person.bsn] = person
        return person

    def _update(
        self, row: ParsedRow, department: Department | None, job: Employment, chunk: _Chunk
    ) -> str:
        person: Employee = job.employee
        person_changes: dict[str, Any] = {}
        try:
            with transaction.atomic():  # the row's updates stand or fall together
                if row.person_data:
                    person_changes = self._update_person(row, person)
                changed = self._update_job(row, job, department)
        except ValidationError as exc:
            raise RowFailed(_problems_of(exc)) from exc
        except (Http404, PermissionDenied) as exc:
            raise RowFailed([("", "not_allowed", {})]) from exc
        _remember(person, person_changes)  # a later row of this person compares with these
        chunk.link(KeyKind.EMPLOYEE, row.employee_key, person, row.source_time)
        chunk.link(KeyKind.EMPLOYMENT, row.employment_key, job, row.source_time)
        return UPDATED if changed or person_changes else UNCHANGED

    def _person_changes(self, row: ParsedRow, person: Employee) -> dict[str, Any]:
        """Fields of the row that differ from the stored person, normalised as the portal does."""
        current = {name: getattr(person, name) for name in EMPLOYEE_FIELDS}
        given = {name: value for name, value in row.employee.items() if value is not None}
        merged = {**current, **given}
        problems = Problems()
        _check_employee(merged, problems, start_date=None)
        changes = {name: merged[name] for name in given if merged[name] != current[name]}
        if changes:
            _fail_if(problems)  # stored values nobody changes are no reason to refuse the row
        return changes

    def _update_person(self, row: ParsedRow, person: Employee) -> dict[str, Any]:
        """The person's changes, written through the service (a dry run only validates)."""
        changes = self._person_changes(row, person)
        if changes and not self.dry_run:
            people_services.update_employee(
                actor=self.actor,
                employee_id=person.pk,
                data=changes,
                required=IMPORT_EMPLOYEE_REQUIRED,
            )
        return changes

    def _job_changes(
        self, row: ParsedRow, job: Employment, department: Department | None
    ) -> tuple[dict[str, Any], bool]:
        current: dict[str, Any] = {
            name: getattr(job, name) for name in people_services.EMPLOYMENT_KEYS
        }
        current["department"] = job.department_id
        given = {
            name: row.employment[name]
            for name in EMPLOYMENT_FIELDS
            if row.employment.get(name) is not None
        }
        if department is not None:
            given["department"] = department.pk
        changes = {name: value for name, value in given.items() if value != current[name]}
        if changes:
            problems = Problems()
            merged = {**current, **given}
            _check_employment(merged, problems)
            _fail_if(problems)
        return changes, bool(changes)

    def _end(self, row: ParsedRow, job: Employment) -> bool:
        """Whether the row ends the employment; an end date is never moved by an import."""
        end = row.employment.get("end_date")
        if end is None or end == job.end_date:
            return False
        if job.end_date is not None:
            raise RowFailed([("end_date", "already_ended", {"date": job.end_date.isoformat()})])
        start = row.employment.get("start_date") or job.start_date
        problem = rules.end_date_problem(start, end)
        if problem:
            raise RowFailed([("end_date", problem, {})])
        return True

    def _update_job(self, row: ParsedRow, job: Employment, department: Department | None) -> bool:
        """Change and end the employment through the services (a dry run only validates)."""
        changes, changed = self._job_changes(row, job, department)
        ends = self._end(row, job)
        if self.dry_run:
            return changed or ends
        if changes:
            people_services.update_employment(
                actor=self.actor,
                employment_id=job.pk,
                data=changes,
                valid_from=row.employment.get("valid_from"),
                required=IMPORT_EMPLOYMENT_REQUIRED,
            )
        if ends:
            people_services.end_employment(
                actor=self.actor, employment_id=job.pk, end_date=row.employment["end_date"]
            )
        return changed or ends

    # --- the bulk write -----------------------------------------------------------------

    def _write(self, chunk: _Chunk) -> None:
        """Create the chunk's new rows, their keys, audit rows and change-feed rows."""
        if not chunk.employments and not chunk.keys:
            return
        if bulk.use_copy():
            self._write_copy(chunk)
            return
        Employee.objects.bulk_create(chunk.employees, batch_size=1000)
        jobs = chunk.employments
        Employment.objects.bulk_create(jobs, batch_size=1000)
        EmploymentTerms.objects.bulk_create(
            [EmploymentTerms(**dict(zip(TERMS_COLUMNS, _terms(job), strict=True))) for job in jobs],
            batch_size=1000,
        )
        ExternalKey.objects.bulk_create(
            [
                ExternalKey(**dict(zip(KEY_COLUMNS, self._key(*link), strict=True)))
                for link in chunk.keys
            ],
            batch_size=1000,
        )
        events, changes = self._audit(chunk, jobs)
        AuditEvent.objects.bulk_create(
            [AuditEvent(**dict(zip(EVENT_COLUMNS, event, strict=True))) for event in events],
            batch_size=1000,
        )
        feed.record_many(changes)

    def _write_copy(self, chunk: _Chunk) -> None:
        """The same rows as `_write`, by COPY (PostgreSQL): ids reserved first, then one COPY
        per table in the chunk's transaction. Timestamps are the chunk's one `now`."""
        now = timezone.now()
        people, jobs = chunk.employees, chunk.employments
        for model, objects in ((Employee, people), (Employment, jobs)):
            for obj, pk in zip(objects, bulk.reserve_ids(model, len(objects)), strict=True):
                obj.pk = pk
                obj.created_at = obj.updated_at = now  # type: ignore[attr-defined]
                obj._state.adding = False
                obj._state.db = connection.alias
        for job in jobs:
            job.employee = job.employee  # set employee_id now that the person has an id
        bulk.copy_objects(Employee, people)
        bulk.copy_objects(Employment, jobs)
        bulk.copy_insert(
            EmploymentTerms,
            ("id", "created_at", *TERMS_COLUMNS),
            (
                (pk, now, *_terms(job))
                for pk, job in zip(bulk.reserve_ids(EmploymentTerms, len(jobs)), jobs, strict=True)
            ),
        )
        keys = chunk.keys
        bulk.copy_insert(
            ExternalKey,
            ("id", "created_at", *KEY_COLUMNS),
            (
                (pk, now, *self._key(*link))
                for pk, link in zip(bulk.reserve_ids(ExternalKey, len(keys)), keys, strict=True)
            ),
        )
        events, changes = self._audit(chunk, jobs)
        changes_at = EVENT_COLUMNS.index("changes")
        bulk.copy_insert(
            AuditEvent,
            ("id", "created_at", *EVENT_COLUMNS),
            (
                (
                    pk,
                    now,
                    *event[:changes_at],
                    json.dumps(event[changes_at]),
                    *event[changes_at + 1 :],
                )
                for pk, event in zip(bulk.reserve_ids(AuditEvent, len(events)), events, strict=True)
            ),
        )
        feed.record_many(changes)

    def _key(
        self, kind: str, key: str, obj: models.Model, source_time: dt.datetime | None
    ) -> tuple[Any, ...]:
        """An ExternalKey row's values, in KEY_COLUMNS order."""
        return (self.employer.pk, kind, key, obj.pk, source_time)

    def _audit(
        self, chunk: _Chunk, jobs: list[Employment]
    ) -> tuple[list[tuple[Any, ...]], list[dict[str, Any]]]:
        """One create event per new object (EVENT_COLUMNS values, the same `changes` as
        `record_created` writes) and its change-feed row."""
        meta = current_meta()
        actor = user_or_none(self.actor)
        actor_id = actor.pk if actor is not None else None
        actor_name = actor.get_username() if actor is not None else "import"
        arbodienst_id = self.employer.arbodienst_id
        employer_id = self.employer.pk
        new_people = {id(person) for person in chunk.employees}
        events: list[tuple[Any, ...]] = []
        changes: list[dict[str, Any]] = []

        def created(obj: models.Model, audited: tuple[str, ...], job: Employment) -> None:
            values = diff({}, snapshot(obj, audited))
            label = obj._meta.label_lower
            events.append(
                (
                    arbodienst_id,
                    employer_id,
                    job.employee_id,
                    actor_id,
                    actor_name,
                    AuditAction.CREATE.value,
                    label,
                    str(obj.pk),
                    str(obj)[:200],
                    values,
                    meta.ip,
                    meta.request_id,
                    meta.channel,
                )
            )
            changes.append(
                {
                    "arbodienst_id": arbodienst_id,
                    "employer_id": employer_id,
                    "department_id": job.department_id,
                    "employee_id": job.employee_id,
                    "object_type": feed.FEED_TYPES[label],
                    "object_id": obj.pk,
                    "action": AuditAction.CREATE.value,
                    "fields": sorted(values),
                }
            )

        for job in jobs:
            if id(job.employee) in new_people:
                new_people.discard(id(job.employee))
                created(job.employee, Employee.AUDITED, job)
            created(job, Employment.AUDITED, job)
        return events, changes


# Column order of the rows `_write` builds (attnames; ids and timestamps apart).
TERMS_COLUMNS: Final = (
    "employment_id",
    "valid_from",
    "department_id",
    "function_name",
    "hours_per_week",
)
KEY_COLUMNS: Final = ("employer_id", "kind", "key", "object_id", "source_time")
EVENT_COLUMNS: Final = (
    "arbodienst_id",
    "employer_id",
    "employee_id",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "ip",
    "request_id",
    "channel",
)


def _terms(job: Employment) -> tuple[Any, ...]:
    """The first EmploymentTerms row of a new employment, in TERMS_COLUMNS order."""
    return (job.pk, job.start_date, job.department_id, job.function_name, job.hours_per_week)


# --- entry points ---------------------------------------------------------------------------


def start_run(
    *,
    employer: Employer,
    user: Actor | None,
    filename: str,
    content: bytes,
    dry_run: bool = False,
    again: bool = False,
    keep_content: bool = False,
) -> ImportRun:
    """The run for this file: an unfinished one resumes; a finished one raises AlreadyImported.

    A dry run gets a fresh run, saved only when `keep_content` (the portal needs the row for its
    progress page); `keep_content` also stores the file, for a worker to read.
    """
    file_format = detect_format(filename, content)
    digest = checksum(content)
    values: dict[str, Any] = {
        "employer": employer,
        "created_by": user_or_none(user),
        "filename": filename[-255:],
        "checksum": digest,
        "file_format": file_format,
        "dry_run": dry_run,
        "content": content if keep_content else b"",
    }
    if dry_run:
        run = ImportRun(**values)
        if keep_content:
            run.save()
        return run
    with transaction.atomic():
        previous = (
            ImportRun.objects.select_for_update()
            .filter(employer=employer, checksum=digest, dry_run=False)
            .order_by("-created_at", "-id")
            .first()
        )
        if previous is not None and not again:
            if previous.status == ImportStatus.DONE:
                raise AlreadyImported(previous)
            if keep_content and not previous.content:
                previous.content = content
                previous.save(update_fields=["content"])
            return previous
        return ImportRun.objects.create(**values)


def run_import(
    run: ImportRun,
    content: bytes,
    *,
    user: Actor | None,
    chunk_size: int | None = None,
    progress: ProgressCallback | None = None,
    max_rows: int | None = None,
) -> Summary:
    """Import (or resume, or dry-run) `run` from `content`. The user needs people.change on the
    employer (checked again here: rights may have changed since the upload); None is the system.

    A file-level problem marks the run failed with its errors and raises ImportFileError.
    """
    employer = employer_for_import(user, run.employer_id)
    run.employer = employer
    actor = user if user is not None else system_importer(employer)
    try:
        source = open_source(content, run.file_format, employer, max_rows)
    except ImportFileError as exc:
        run.status = ImportStatus.FAILED
        run.errors = [error.as_dict() for error in exc.errors]
        if run.pk is not None:
            run.save(update_fields=["status", "errors"])
        raise
    importer = Importer(
        run, source, actor=actor, chunk_size=chunk_size or DEFAULT_CHUNK_SIZE, progress=progress
    )
    return importer.run_all()


def error_report(errors: Iterable[dict[str, Any]], out: io.TextIOBase | Any) -> int:
    """Write the errors as CSV (row, column, code, message); returns the number written."""
    writer = csv.writer(out)
    writer.writerow(["row", "column", "code", "message"])
    count = 0
    for error in errors:
        writer.writerow([error["row"], error["column"], error["code"], error["message"]])
        count += 1
    return count
