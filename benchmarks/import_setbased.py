"""A prototype of the set-based bulk import of ADR 0026, to measure it: not product code.

It loads the benchmark's CSV into an UNLOGGED staging table with COPY, checks the rows with
one SQL statement per group of rules (the import's required cells, the choices, initials,
BSN 11-proof, postcode, Dutch mobile number, e-mail shape, dates and their order, hours,
salary, the department, duplicates in the file and against the employer's keys), and writes
the valid rows with INSERT ... SELECT into the same 9 rows per input row as the import:
Employee, Employment, EmploymentTerms, 2 ExternalKeys, 2 AuditEvents and 2 change-feed
rows. One transaction, PostgreSQL only.

What it leaves out, so the figure is a lower bound of a real implementation: updates of
known rows (the row path keeps them), the Dutch error report (the codes are in the staging
table), landline and foreign phone numbers (the row path's phonenumbers fallback), Django's
full e-mail rule (a simpler pattern here), a date that has the right shape but does not
exist (it stops the statement here; a real one needs a safe cast), chunking with resume,
and the ImportRun rows.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

STAGE = "import_stage"

# The cleaned cells: stripped, empty as NULL.
CLEAN = """
UPDATE {stage} SET {sets}
"""

CHECKS = r"""
UPDATE {stage} s SET errors = array_remove(ARRAY[
  CASE WHEN initials IS NULL OR surname IS NULL OR birth_date IS NULL OR gender IS NULL
         OR personnel_number IS NULL OR start_date IS NULL OR hours_per_week IS NULL
         OR department_code IS NULL THEN 'required' END,
  CASE WHEN gender NOT IN ('M', 'V', 'X', 'O') THEN 'invalid_choice' END,
  CASE WHEN contract_type IS NOT NULL
        AND contract_type NOT IN ('permanent', 'fixed_term', 'on_call', 'temporary')
       THEN 'invalid_choice' END,
  CASE WHEN initials !~ '^([A-Za-z]{1,2}\.? ?){1,6}$' THEN 'initials_format' END,
  CASE WHEN bsn IS NOT NULL AND (bsn !~ '^[0-9]{8,9}$' OR (
        9 * substr(lpad(bsn, 9, '0'), 1, 1)::int + 8 * substr(lpad(bsn, 9, '0'), 2, 1)::int
      + 7 * substr(lpad(bsn, 9, '0'), 3, 1)::int + 6 * substr(lpad(bsn, 9, '0'), 4, 1)::int
      + 5 * substr(lpad(bsn, 9, '0'), 5, 1)::int + 4 * substr(lpad(bsn, 9, '0'), 6, 1)::int
      + 3 * substr(lpad(bsn, 9, '0'), 7, 1)::int + 2 * substr(lpad(bsn, 9, '0'), 8, 1)::int
      - substr(lpad(bsn, 9, '0'), 9, 1)::int) %% 11 <> 0) THEN 'bsn_checksum' END,
  CASE WHEN postcode IS NOT NULL
        AND upper(translate(postcode, ' -', '')) !~ '^(NL)?[1-9][0-9]{3}(?!SA|SD|SS)[A-Z]{2}$'
       THEN 'postcode_format' END,
  CASE WHEN phone IS NOT NULL
        AND phone !~ '^(0|\+31 ?|0031 ?)6[ -]?[1-58][0-9]{7}$' THEN 'phone_format' END,
  CASE WHEN email IS NOT NULL AND email !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'
       THEN 'email_invalid' END,
  CASE WHEN birth_date !~ '^\d{4}-\d{2}-\d{2}$' OR start_date !~ '^\d{4}-\d{2}-\d{2}$'
         OR end_date !~ '^\d{4}-\d{2}-\d{2}$' THEN 'date_format' END,
  CASE WHEN hours_per_week !~ '^\d{1,3}([.,]\d{1,2})?$' THEN 'number_format' END,
  CASE WHEN annual_salary !~ '^\d{1,10}([.,]\d{1,2})?$' THEN 'number_format' END,
  CASE WHEN house_number !~ '^\d{1,5}$' THEN 'number_format' END
], NULL);

UPDATE {stage} SET
  born = birth_date::date, starts = start_date::date, ends = end_date::date,
  hours = replace(hours_per_week, ',', '.')::numeric,
  salary = replace(annual_salary, ',', '.')::numeric, house = house_number::int,
  bsn9 = lpad(bsn, 9, '0'),
  postcode_nl = CASE WHEN postcode IS NULL THEN NULL ELSE
    substr(right(upper(translate(postcode, ' -', '')), 6), 1, 4) || ' '
    || substr(right(upper(translate(postcode, ' -', '')), 6), 5, 2) END,
  mobile = CASE WHEN phone IS NULL THEN NULL ELSE '+316' || right(translate(phone, ' -', ''), 8) END
WHERE errors = '{{}}';

UPDATE {stage} SET errors = array_remove(ARRAY[
  CASE WHEN born >= %(today)s THEN 'birth_date_future' END,
  CASE WHEN born < %(today)s - interval '120 years' THEN 'birth_date_too_old' END,
  CASE WHEN starts < born + interval '15 years' THEN 'too_young_at_start' END,
  CASE WHEN ends < starts THEN 'end_before_start' END,
  CASE WHEN hours <= 0 THEN 'hours_not_positive' END,
  CASE WHEN hours > 80 THEN 'hours_too_many' END,
  CASE WHEN salary < 0 THEN 'salary_negative' END
], NULL)
WHERE errors = '{{}}';

UPDATE {stage} s SET department_id = d.id
FROM organisations_department d
WHERE d.employer_id = %(employer)s AND d.code = s.department_code;

UPDATE {stage} s SET errors = array_append(errors, 'unknown_department')
WHERE department_id IS NULL AND department_code IS NOT NULL;

UPDATE {stage} s SET errors = array_append(errors, 'duplicate_in_file')
FROM (SELECT personnel_number, min(rn) AS first FROM {stage}
      GROUP BY personnel_number HAVING count(*) > 1) dup
WHERE s.personnel_number = dup.personnel_number AND s.rn > dup.first;

UPDATE {stage} s SET errors = array_append(errors, 'already_imported')
FROM exchange_externalkey k
WHERE k.employer_id = %(employer)s AND k.kind = 'employment' AND k.key = s.personnel_number;
"""

WRITE = """
UPDATE {stage} SET
  employee_pk = nextval(pg_get_serial_sequence('people_employee', 'id')),
  employment_pk = nextval(pg_get_serial_sequence('people_employment', 'id'))
WHERE errors = '{{}}';

INSERT INTO people_employee (id, employer_id, initials, first_name, surname_prefix, surname,
  birth_date, gender, marital_status, name_use, bsn, postcode, street, house_number,
  house_number_addition, city, country, phone, email, sealed, hold_reason, hold_by_name,
  created_at, updated_at)
SELECT employee_pk, %(employer)s, initials, coalesce(first_name, ''),
  coalesce(surname_prefix, ''), surname, born, gender, 'unknown', '01', coalesce(bsn9, ''),
  coalesce(postcode_nl, ''), coalesce(street, ''), house, coalesce(house_number_addition, ''),
  coalesce(city, ''), upper(coalesce(country, 'NL')), coalesce(mobile, ''),
  coalesce(email, ''), false, '', '', %(now)s, %(now)s
FROM {stage} WHERE errors = '{{}}' ORDER BY rn;

INSERT INTO people_employment (id, employer_id, employee_id, department_id, personnel_number,
  start_date, end_date, function_name, hours_per_week, annual_salary, contract_type,
  no_risk_policy, insurance, employee_initials, employee_surname, created_at, updated_at)
SELECT employment_pk, %(employer)s, employee_pk, department_id, personnel_number, starts, ends,
  coalesce(function_name, ''), hours, salary, coalesce(contract_type, 'permanent'), false, '',
  initials, surname, %(now)s, %(now)s
FROM {stage} WHERE errors = '{{}}' ORDER BY rn;

INSERT INTO people_employmentterms (employment_id, valid_from, department_id, function_name,
  hours_per_week, created_at)
SELECT employment_pk, starts, department_id, coalesce(function_name, ''), hours, %(now)s
FROM {stage} WHERE errors = '{{}}' ORDER BY rn;

INSERT INTO exchange_externalkey (employer_id, kind, key, object_id, source_time, created_at)
SELECT %(employer)s, 'employee', employee_id, employee_pk, NULL::timestamptz, %(now)s
  FROM {stage} WHERE errors = '{{}}' AND employee_id IS NOT NULL
UNION ALL
SELECT %(employer)s, 'employment', personnel_number, employment_pk, NULL, %(now)s
  FROM {stage} WHERE errors = '{{}}';

INSERT INTO core_auditevent (created_at, arbodienst_id, employer_id, employee_id, actor_id,
  actor_name, action, object_type, object_id, object_repr, changes, reason, ip, request_id,
  channel, seal_hash, seal_prev)
SELECT %(now)s, %(tenant)s, %(employer)s, employee_pk, NULL::bigint, 'systeem', 'create',
  'people.employee', employee_pk::text, left(initials || ' ' || surname, 200),
  jsonb_strip_nulls(jsonb_build_object(
    'initials', jsonb_build_array(NULL, initials),
    'first_name', CASE WHEN first_name IS NOT NULL THEN jsonb_build_array(NULL, first_name) END,
    'surname_prefix', CASE WHEN surname_prefix IS NOT NULL
                      THEN jsonb_build_array(NULL, surname_prefix) END,
    'surname', jsonb_build_array(NULL, surname),
    'birth_date', jsonb_build_array(NULL, born),
    'gender', jsonb_build_array(NULL, gender),
    'marital_status', jsonb_build_array(NULL, 'unknown'),
    'name_use', jsonb_build_array(NULL, '01'),
    'bsn', CASE WHEN bsn9 IS NOT NULL THEN jsonb_build_array(NULL, bsn9) END,
    'postcode', CASE WHEN postcode_nl IS NOT NULL THEN jsonb_build_array(NULL, postcode_nl) END,
    'street', CASE WHEN street IS NOT NULL THEN jsonb_build_array(NULL, street) END,
    'house_number', CASE WHEN house IS NOT NULL THEN jsonb_build_array(NULL, house) END,
    'city', CASE WHEN city IS NOT NULL THEN jsonb_build_array(NULL, city) END,
    'country', jsonb_build_array(NULL, upper(coalesce(country, 'NL'))),
    'phone', CASE WHEN mobile IS NOT NULL THEN jsonb_build_array(NULL, mobile) END,
    'email', CASE WHEN email IS NOT NULL THEN jsonb_build_array(NULL, email) END,
    'employer', jsonb_build_array(NULL, %(employer)s::bigint))),
  '', NULL::inet, '', 'import', '', ''
FROM {stage} WHERE errors = '{{}}'
UNION ALL
SELECT %(now)s, %(tenant)s, %(employer)s, employee_pk, NULL::bigint, 'systeem', 'create',
  'people.employment', employment_pk::text, left(personnel_number, 200),
  jsonb_strip_nulls(jsonb_build_object(
    'personnel_number', jsonb_build_array(NULL, personnel_number),
    'start_date', jsonb_build_array(NULL, starts),
    'end_date', CASE WHEN ends IS NOT NULL THEN jsonb_build_array(NULL, ends) END,
    'function_name', CASE WHEN function_name IS NOT NULL
                     THEN jsonb_build_array(NULL, function_name) END,
    'hours_per_week', jsonb_build_array(NULL, hours::text),
    'annual_salary', CASE WHEN salary IS NOT NULL THEN jsonb_build_array(NULL, salary::text) END,
    'contract_type', jsonb_build_array(NULL, coalesce(contract_type, 'permanent')),
    'department', jsonb_build_array(NULL, department_id),
    'employee', jsonb_build_array(NULL, employee_pk),
    'employer', jsonb_build_array(NULL, %(employer)s::bigint))),
  '', NULL::inet, '', 'import', '', ''
FROM {stage} WHERE errors = '{{}}';
"""

FEED = """
INSERT INTO exchange_change (seq, arbodienst_id, employer_id, department_id, employee_id,
  object_type, object_id, action, fields, occurred_at)
SELECT %(first)s + 2 * (row_number() OVER (ORDER BY rn) - 1), %(tenant)s, %(employer)s,
  department_id, employee_pk, 'employee', employee_pk, 'create',
  '["birth_date","bsn","city","country","email","employer","gender","initials"]'::jsonb,
  %(now)s
FROM {stage} WHERE errors = '{{}}'
UNION ALL
SELECT %(first)s + 2 * (row_number() OVER (ORDER BY rn) - 1) + 1, %(tenant)s, %(employer)s,
  department_id, employee_pk, 'employment', employment_pk, 'create',
  '["contract_type","department","employee","employer","hours_per_week","start_date"]'::jsonb,
  %(now)s
FROM {stage} WHERE errors = '{{}}';
"""

DERIVED = (
    "rn bigint GENERATED ALWAYS AS IDENTITY",
    "errors text[] NOT NULL DEFAULT '{}'",
    "born date",
    "starts date",
    "ends date",
    "hours numeric(5,2)",
    "salary numeric(12,2)",
    "house int",
    "bsn9 text",
    "postcode_nl text",
    "mobile text",
    "department_id bigint",
    "employee_pk bigint",
    "employment_pk bigint",
)


def _sql(template: str) -> str:
    """The template with the staging table's name (not str.format: the patterns hold braces)."""
    return template.replace("{stage}", STAGE).replace("{{}}", "{}")


def _statements(template: str) -> list[str]:
    return [part.strip() for part in _sql(template).split(";\n") if part.strip()]


def run(employer: Any, path: Path, columns: Sequence[str]) -> tuple[float, int, int]:
    """Seconds for the whole set-based import of `path` (a CSV with these `columns`, the
    benchmark's) for `employer` in one transaction, rows written, rows refused."""
    from django.db import connection, transaction
    from django.utils import timezone

    table = ", ".join([*(f"{name} text" for name in columns), *DERIVED])
    names = ", ".join(columns)
    params = {
        "employer": employer.pk,
        "tenant": employer.arbodienst_id,
        "today": dt.date.today(),
        "now": timezone.now(),
    }
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        cursor.execute(f"CREATE UNLOGGED TABLE {STAGE} ({table})")
        sql = (
            f"COPY {STAGE} ({names}) FROM STDIN "
            "WITH (FORMAT csv, HEADER true, DELIMITER ';', NULL '')"
        )
        with path.open("rb") as data, cursor.cursor.copy(sql) as copy:
            while block := data.read(1 << 20):
                copy.write(block)
        sets = ", ".join(f"{name} = nullif(btrim({name}), '')" for name in columns)
        cursor.execute(_sql(CLEAN).replace("{sets}", sets))
        for statement in _statements(CHECKS):
            cursor.execute(statement, params)
        for statement in _statements(WRITE):
            cursor.execute(statement, params)
        cursor.execute(
            _sql("SELECT count(*) FILTER (WHERE errors = '{{}}'), count(*) FROM {stage}")
        )
        written, total = cursor.fetchone()
        cursor.execute(
            "INSERT INTO exchange_feedcounter (name, value) VALUES ('changes', %(n)s) "
            "ON CONFLICT (name) DO UPDATE SET value = exchange_feedcounter.value + %(n)s "
            "RETURNING value",
            {"n": 2 * written},
        )
        (last,) = cursor.fetchone()
        cursor.execute(_sql(FEED), {**params, "first": last - 2 * written + 1})
        cursor.execute(f"DROP TABLE {STAGE}")
    return time.perf_counter() - start, written, total - written
