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

from hersteld.exchange.imports.columns import (
    ACTION,
    COLUMNS,
    DEFAULT_CHUNK_SIZE,
    MAX_FILE_BYTES,
    MESSAGES,
    REQUIRED_COLUMNS,
    AlreadyImported,
    ImportFileError,
    RowError,
    message,
)
from hersteld.exchange.imports.importer import (
    KEY_COLUMNS,
    Importer,
    Summary,
)
from hersteld.exchange.imports.runs import (
    employer_for_import,
    error_report,
    import_employers,
    run_import,
    start_run,
    visible_runs,
)
from hersteld.exchange.imports.sources import (
    check_file,
    check_workbook,
    count_rows,
    portal_max_rows,
)

__all__ = [
    "ACTION",
    "COLUMNS",
    "DEFAULT_CHUNK_SIZE",
    "KEY_COLUMNS",
    "MAX_FILE_BYTES",
    "MESSAGES",
    "REQUIRED_COLUMNS",
    "AlreadyImported",
    "ImportFileError",
    "Importer",
    "RowError",
    "Summary",
    "check_file",
    "check_workbook",
    "count_rows",
    "employer_for_import",
    "error_report",
    "import_employers",
    "message",
    "portal_max_rows",
    "run_import",
    "start_run",
    "visible_runs",
]
