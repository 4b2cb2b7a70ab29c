"""The import's columns and codes: limits, the column map (Dutch header aliases), the SIVI
elements, the code lists, and the error sentences and types.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any, Final

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from hersteld.core.validation import message as rule_message
from hersteld.exchange.models import ImportRun
from hersteld.people import services as people_services
from hersteld.people.models import (
    ContractType,
    Gender,
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
    "already_imported": _(
        "This file was imported for this employer before (import %(run)s); send again=true to "
        "import it once more."
    ),
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
