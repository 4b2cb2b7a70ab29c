"""Benchmark: the year's absence figures of 10,000 employees against DuckDB on the same rows.

Usage: .venv/bin/python benchmarks/absence_figures.py [--employees N] [--repeat R]

(Not named statistics.py: run as a script, that name would hide the standard library's
`statistics` module from the other benchmarks in this folder.)

It generates (seeded) N employees over 20 employers of 10 departments each, three years
(2024-2026) of effective-dated terms, sickness cases with partial and therapeutic
recoveries, and some pregnancy leaves: the rows `hersteld.statistics.selectors.load` reads.
The rows go to Parquet files; then, R times each, it times
  hersteld  the rows turned into figures.Employment / figures.Period, and figures.compute_many
            for 2026 per employer and per department (the page's department table)
  duckdb    one SQL query over the Parquet files giving the same VP, MF and GVD per
            employer and per department
checks that both give the same figures, and prints the medians and the ratio
hersteld / duckdb (the aim is at most 2). The database is not involved: loading the rows
is the same four queries either way.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from hersteld.statistics import figures

EMPLOYERS = 20
DEPARTMENTS = 10
SEED = 20261202
FIRST, LAST = dt.date(2024, 1, 1), dt.date(2026, 12, 31)
P = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def path(employer: int, department: int) -> str:
    return f"{employer:06d}.{employer * 100 + department:06d}."


def generate(n: int) -> dict[str, list[dict[str, Any]]]:
    rng = random.Random(SEED)  # noqa: S311 - reproducible data, not security
    employers = [
        {"id": e, "fulltime": rng.choice([36.0, 38.0, 40.0])} for e in range(1, EMPLOYERS + 1)
    ]
    employments, terms, cases, recoveries = [], [], [], []
    case_id = 0
    for person in range(1, n + 1):
        employer = (person - 1) % EMPLOYERS + 1
        start = (
            FIRST - dt.timedelta(days=rng.randint(0, 3000))
            if rng.random() < 0.85
            else FIRST + dt.timedelta(days=rng.randint(0, 1000))
        )
        end = start + dt.timedelta(days=rng.randint(60, 1500)) if rng.random() < 0.15 else None
        if end is not None and end < FIRST:
            end = FIRST + dt.timedelta(days=rng.randint(30, 900))
        employments.append(
            {"id": person, "person": person, "employer": employer, "start": start, "end": end}
        )
        department = rng.randint(1, DEPARTMENTS)
        valid = start
        for index in range(rng.choice([1, 1, 2, 3])):
            if index:
                valid = max(valid, FIRST) + dt.timedelta(days=rng.randint(30, 300))
                if rng.random() < 0.3:
                    department = rng.randint(1, DEPARTMENTS)
            terms.append(
                {
                    "employment": person,
                    "valid_from": valid,
                    "hours": float(rng.choice([16, 20, 24, 32, 36, 40, 45])),
                    "path": path(employer, department),
                }
            )
        day = max(start, FIRST)
        stop = min(end or LAST, LAST)
        while True:
            day += dt.timedelta(days=int(rng.expovariate(1 / 200)) + 1)
            if day > stop:
                break
            case_id += 1
            leave = rng.random() < 0.02
            length = 112 if leave else max(1, int(rng.lognormvariate(1.6, 1.3)))
            last_possible = (end or dt.date(2027, 6, 30)) + dt.timedelta(days=1)
            finish = day + dt.timedelta(days=length)
            closed = finish <= dt.date(2026, 12, 2) and finish <= last_possible
            cases.append(
                {
                    "id": case_id,
                    "employment": person,
                    "kind": "pregnancy_leave" if leave else "sickness",
                    "first_day": day,
                    "end_date": finish if closed else None,
                    "end_reason": ("leave_ended" if leave else "recovered") if closed else "",
                    "sick_percentage": 100.0 if rng.random() < 0.9 else 50.0,
                }
            )
            if not leave and length > 14 and rng.random() < 0.4:
                recovered_on = day + dt.timedelta(days=rng.randint(1, length - 1))
                recoveries.append(
                    {
                        "case": case_id,
                        "date": recovered_on,
                        "percentage": float(rng.choice([25, 50, 75])),
                        "therapeutic": rng.random() < 0.15,
                    }
                )
            if not closed:
                break
            day = finish
    return {
        "employers": employers,
        "employments": employments,
        "terms": terms,
        "cases": cases,
        "recoveries": recoveries,
    }


def to_parquet(data: dict[str, list[dict[str, Any]]], folder: Path) -> None:
    for name, rows in data.items():
        pq.write_table(pa.Table.from_pylist(rows), folder / f"{name}.parquet")


def hersteld(
    data: dict[str, list[dict[str, Any]]],
) -> dict[tuple[int, str], tuple[float | None, float | None, float | None]]:
    """As selectors.load builds the plain values, then the figures per employer and department."""
    fulltime = {row["id"]: row["fulltime"] for row in data["employers"]}
    history: dict[int, list[tuple[dt.date, float, str]]] = defaultdict(list)
    for row in data["terms"]:
        history[row["employment"]].append((row["valid_from"], row["hours"], row["path"]))
    by_employer: dict[int, list[figures.Employment]] = defaultdict(list)
    owner: dict[int, int] = {}
    for row in data["employments"]:
        owner[row["id"]] = row["employer"]
        by_employer[row["employer"]].append(
            figures.Employment.from_terms(
                row["id"],
                row["person"],
                row["start"],
                row["end"],
                history[row["id"]],
                fulltime[row["employer"]],
            )
        )
    steps: dict[int, list[tuple[dt.date, float, bool]]] = defaultdict(list)
    for row in data["recoveries"]:
        steps[row["case"]].append((row["date"], row["percentage"], row["therapeutic"]))
    periods: dict[int, list[figures.Period]] = defaultdict(list)
    for row in data["cases"]:
        periods[owner[row["employment"]]].append(
            figures.Period.of_case(
                row["employment"],
                row["kind"],
                row["first_day"],
                row["end_date"],
                sick_percentage=row["sick_percentage"],
                recoveries=steps.get(row["id"], ()),
                end_reason=row["end_reason"],
            )
        )
    out = {}
    for employer, employments in by_employer.items():
        groups = [path(employer, department) for department in range(1, DEPARTMENTS + 1)]
        results = figures.compute_many(employments, periods[employer], *P, [None, *groups])
        for group, result in zip(["", *groups], results, strict=True):
            out[(employer, group)] = (result.vp, result.mf, result.gvd)
    return out


SQL = """
WITH
t AS (
  SELECT e.id, e.person, e.employer, t.path,
         CASE WHEN row_number() OVER w = 1 THEN e.start ELSE greatest(t.valid_from, e.start) END AS s,
         least(coalesce(e."end", DATE '9999-12-31'),
               coalesce(lead(t.valid_from) OVER w - 1, DATE '9999-12-31')) AS f,
         t.hours / r.fulltime AS factor
  FROM '{d}/employments.parquet' e
  JOIN '{d}/terms.parquet' t ON t.employment = e.id
  JOIN '{d}/employers.parquet' r ON r.id = e.employer
  WINDOW w AS (PARTITION BY e.id ORDER BY t.valid_from)
),
spans AS (SELECT *, greatest(s, $p0) AS a, least(f, $p1) AS b FROM t WHERE s <= f),
denominator AS (
  SELECT employer, path, sum((b - a + 1) * factor) AS weighted, sum(b - a + 1) AS days
  FROM spans WHERE a <= b GROUP BY GROUPING SETS ((employer, path), (employer))
),
raw_steps AS (
  SELECT c.id, c.employment, c.kind, c.first_day AS since, c.sick_percentage / 100.0 AS fraction, c.end_date
  FROM '{d}/cases.parquet' c
  UNION ALL
  SELECT c.id, c.employment, c.kind, r.date,
         CASE WHEN r.therapeutic THEN 1.0 ELSE 1 - r.percentage / 100.0 END, c.end_date
  FROM '{d}/recoveries.parquet' r JOIN '{d}/cases.parquet' c ON c.id = r."case"
  WHERE c.end_date IS NULL OR r.date < c.end_date
),
steps AS (
  SELECT id, employment, since,
         CASE WHEN kind = 'sickness' THEN fraction ELSE 1.0 END AS fraction,
         least(coalesce(lead(since) OVER (PARTITION BY id ORDER BY since) - 1, DATE '9999-12-31'),
               coalesce(end_date - 1, DATE '9999-12-31')) AS until
  FROM raw_steps WHERE kind = 'sickness'
),
numerator AS (
  SELECT sp.employer, sp.path,
         sum((least(st.until, sp.b) - greatest(st.since, sp.a) + 1) * sp.factor * st.fraction) AS absent
  FROM steps st JOIN spans sp ON sp.id = st.employment
  WHERE greatest(st.since, sp.a) <= least(st.until, sp.b)
  GROUP BY GROUPING SETS ((sp.employer, sp.path), (sp.employer))
),
events AS (
  SELECT sp.employer, sp.path,
         count(*) FILTER (WHERE c.first_day BETWEEN $p0 AND $p1 AND c.first_day BETWEEN sp.s AND sp.f) AS reports,
         count(*) FILTER (WHERE c.end_reason = 'recovered' AND c.end_date - 1 BETWEEN $p0 AND $p1
                          AND c.end_date - 1 BETWEEN sp.s AND sp.f) AS recovered,
         sum(c.end_date - c.first_day) FILTER (WHERE c.end_reason = 'recovered'
                          AND c.end_date - 1 BETWEEN $p0 AND $p1
                          AND c.end_date - 1 BETWEEN sp.s AND sp.f) AS recovered_days
  FROM '{d}/cases.parquet' c JOIN spans sp ON sp.id = c.employment
  WHERE c.kind = 'sickness'
  GROUP BY GROUPING SETS ((sp.employer, sp.path), (sp.employer))
)
SELECT d.employer, coalesce(d.path, '') AS path,
       100.0 * coalesce(n.absent, 0) / d.weighted AS vp,
       coalesce(e.reports, 0) / (d.days / ($p1 - $p0 + 1)) / (($p1 - $p0 + 1) / 365.0) AS mf,
       e.recovered_days / nullif(e.recovered, 0) AS gvd
FROM denominator d
LEFT JOIN numerator n ON n.employer = d.employer AND n.path IS NOT DISTINCT FROM d.path
LEFT JOIN events e ON e.employer = d.employer AND e.path IS NOT DISTINCT FROM d.path
"""


def with_duckdb(
    folder: Path,
) -> dict[tuple[int, str], tuple[float | None, float | None, float | None]]:
    connection = duckdb.connect()
    rows = connection.execute(SQL.replace("{d}", str(folder)), {"p0": P[0], "p1": P[1]}).fetchall()
    connection.close()
    return {(employer, group): (vp, mf, gvd) for employer, group, vp, mf, gvd in rows}


def timed(function: Any, *args: Any, repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = function(*args)
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) < 1e-6 * max(1.0, abs(a))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data = generate(args.employees)
    print(
        f"{args.employees} employees, {len(data['terms'])} terms, {len(data['cases'])} cases, "
        f"{len(data['recoveries'])} recoveries; P = {P[0]} .. {P[1]}; "
        f"{EMPLOYERS} employers x {DEPARTMENTS} departments"
    )
    with tempfile.TemporaryDirectory() as folder:
        to_parquet(data, Path(folder))
        ours_s, ours = timed(hersteld, data, repeat=args.repeat)
        duck_s, duck = timed(with_duckdb, Path(folder), repeat=args.repeat)
    # P is 2026 (365 days); one employment per person, so person days = employment days.
    differ = [
        key
        for key in ours
        if key not in duck
        or not all(close(x, y) for x, y in zip(ours[key], duck[key], strict=True))
    ]
    print(f"groups compared: {len(ours)}; differing: {len(differ)}")
    for key in differ[:5]:
        print("  ", key, ours[key], duck.get(key))
    print(f"hersteld (build + compute): {ours_s:.3f} s median of {args.repeat}")
    print(f"duckdb (SQL over Parquet):  {duck_s:.3f} s median of {args.repeat}")
    print(f"ratio hersteld / duckdb:    {ours_s / duck_s:.2f}")
    employer_one = ours[(1, "")]
    print(
        f"employer 1: VP {employer_one[0]:.2f} %, MF {employer_one[1]:.2f}, GVD {employer_one[2]:.1f} days"
    )


if __name__ == "__main__":
    main()
