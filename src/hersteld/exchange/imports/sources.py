"""Reading the file: CSV, XLSX (checked part by part before openpyxl opens it) and SIVI XML,
each yielding the same parsed rows; the value converters of the cells.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import islice
from typing import Any, Final

from django.conf import settings
from django.db import models

from hersteld.exchange import apply, codec
from hersteld.exchange.imports.columns import (
    COLUMNS,
    CONTRACT_TYPES,
    COUNTRIES,
    EMPLOYMENT_FIELDS,
    GENDERS,
    MAX_FILE_BYTES,
    MAX_UNPACKED_BYTES,
    REQUIRED_COLUMNS,
    SIVI_ELEMENTS,
    XML_CHUNK_BYTES,
    ImportFileError,
    RowError,
    file_error,
    message,
)
from hersteld.exchange.models import Coupling, ExternalKey
from hersteld.organisations.models import Department, Employer
from hersteld.people.models import (
    Employee,
    Employment,
)

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


def count_rows(rows: Iterable[Any], max_rows: int | None) -> int:
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
            self.total = count_rows(reader, max_rows)
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
                self.total = count_rows(self.raw_rows(), max_rows)
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
