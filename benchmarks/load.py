"""Load benchmark: the production server (gunicorn, 4 workers) on PostgreSQL with 50,000
employments and 20,000 cases, and 50 concurrent signed-in users.

Usage (PostgreSQL on loopback; the data goes to `<database>_load`, made once and reused):

  DATABASE_URL=postgres://postgres@127.0.0.1:5432/hersteld \\
    .venv/bin/python benchmarks/load.py [--users 50] [--requests 6000] [--seconds 180]

Each virtual user signs in (password and TOTP; not timed), then sends requests back to back
from the mix in loaddriver.MIX (dossier, timeline, case list, worklist, employment list,
API lists, a sick report through the API, /health) until the run has sent --requests or
lasted --seconds. It prints p50/p95/p99 per endpoint, their p99 against the p99 of
/health in the same run (the aim: at most 2x), and every error. Not part of CI.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

import loaddriver  # benchmarks/ is on sys.path when run as a script
import loadworld
from rich.console import Console
from rich.table import Table


async def drive(base: str, people: list[dict], requests: int, seconds: float):
    users = [
        loaddriver.VirtualUser(base, person, loadworld.TOTP_SECRET, seed=n)
        for n, person in enumerate(people)
    ]
    await loaddriver.sign_in_all(users, loadworld.PASSWORD)
    crowd = loaddriver.Crowd()
    budget = {"left": requests}
    deadline = time.perf_counter() + seconds

    async def run(user: loaddriver.VirtualUser) -> None:
        while budget["left"] > 0 and time.perf_counter() < deadline:
            budget["left"] -= 1
            await user.timed(crowd, user.pick())

    started = time.perf_counter()
    await asyncio.gather(*(run(user) for user in users))
    elapsed = time.perf_counter() - started
    for user in users:
        await user.http.aclose()
    return crowd, elapsed


def report(console: Console, crowd: loaddriver.Crowd, elapsed: float, title: str) -> None:
    grouped = loaddriver.by_endpoint(crowd.samples)
    health_p99 = loaddriver.percentile(grouped.get("/health", []), 99)
    table = Table(title=title)
    for column in ("endpoint", "requests", "p50 ms", "p95 ms", "p99 ms", "p99 / health p99"):
        table.add_column(column, justify="left" if column == "endpoint" else "right")
    for name, _weight in loaddriver.MIX:
        values = grouped.get(name, [])
        p99 = loaddriver.percentile(values, 99)
        table.add_row(
            name,
            str(len(values)),
            f"{loaddriver.percentile(values, 50):.0f}",
            f"{loaddriver.percentile(values, 95):.0f}",
            f"{p99:.0f}",
            f"{p99 / health_p99:.1f}x" if values else "-",
        )
    console.print(table)
    total = len(crowd.samples)
    console.print(f"{total} requests in {elapsed:.1f} s: {total / elapsed:.1f} requests/s")
    errors = sum(crowd.failures.values())
    console.print(f"errors: {errors}")
    for what, count in sorted(crowd.failures.items()):
        console.print(f"  {what}: {count}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database on 127.0.0.1 (see the docstring).")
    console = Console()
    load_url = loadworld.configure(url)
    import django

    loadworld.ensure_database()
    django.setup()
    console.print(f"Preparing {loadworld.EMPLOYMENTS:,} employments and {loadworld.CASES:,} cases")
    world = loadworld.fill(args.users, say=console.print)
    from django.db import connections

    connections.close_all()
    log = Path(tempfile.mkdtemp(prefix="hersteld-load-")) / "server.log"
    with loaddriver.server(load_url, args.workers, log) as (base, _master):
        console.print(f"Server {base} ({args.workers} workers); log {log}")
        crowd, elapsed = asyncio.run(drive(base, world["users"], args.requests, args.seconds))
    report(
        console,
        crowd,
        elapsed,
        f"{args.users} users, {args.workers} workers, PostgreSQL, "
        f"{loadworld.EMPLOYMENTS:,} employments / {loadworld.CASES:,} cases",
    )


if __name__ == "__main__":
    main()
