"""Soak benchmark: the load mix at a steady, lower rate for a long time.

Usage (same data as load.py, in `<database>_load`):

  DATABASE_URL=postgres://postgres@127.0.0.1:5432/hersteld \\
    .venv/bin/python benchmarks/soak.py [--minutes 30] [--window 5] [--rate 10] [--users 10]

Ten signed-in users send --rate requests per second in total (each waits its share between
requests) for --minutes. It prints the errors, the p99 of each --window minutes, and the
resident memory (RSS) of each gunicorn worker cold, and at the end of each window (the aim:
no error, memory flat within 10% from the end of the first window, when every module is
loaded, to the end). Workers are not recycled during a soak
(HERSTELD_WEB_MAX_REQUESTS=0), so a leak shows. Not part of CI.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

import loaddriver
import loadworld
from rich.console import Console
from rich.table import Table


async def drive(
    base: str, people: list[dict], minutes: float, rate: float, master: int, window: float
):
    users = [
        loaddriver.VirtualUser(base, person, loadworld.TOTP_SECRET, seed=100 + n)
        for n, person in enumerate(people)
    ]
    await loaddriver.sign_in_all(users, loadworld.PASSWORD)
    crowd = loaddriver.Crowd()
    interval = len(users) / rate
    started = time.perf_counter()
    deadline = started + minutes * 60

    async def run(user: loaddriver.VirtualUser, offset: float) -> None:
        next_at = started + offset
        while True:
            now = time.perf_counter()
            if next_at > now:
                await asyncio.sleep(next_at - now)
            if time.perf_counter() >= deadline:
                return
            await user.timed(crowd, user.pick())
            next_at += interval

    memory: list[dict[int, int]] = []

    async def sample_memory() -> None:
        # At the end of each window: the first is the warm baseline (every module loaded).
        at = started
        while at + window * 60 <= deadline + 1:
            at += window * 60
            await asyncio.sleep(max(0.0, at - time.perf_counter()))
            memory.append(loaddriver.worker_rss(master))

    await asyncio.gather(
        sample_memory(), *(run(user, n * interval / len(users)) for n, user in enumerate(users))
    )
    for user in users:
        await user.http.aclose()
    return crowd, started, memory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--window", type=float, default=5, help="minutes per p99 row")
    parser.add_argument("--rate", type=float, default=10, help="requests per second, in total")
    parser.add_argument("--users", type=int, default=10)
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
    world = loadworld.fill(args.users, say=console.print)
    from django.db import connections

    connections.close_all()
    log = Path(tempfile.mkdtemp(prefix="hersteld-soak-")) / "server.log"
    # Workers are never recycled during a soak, so a leak shows.
    with loaddriver.server(load_url, args.workers, log, HERSTELD_WEB_MAX_REQUESTS="0") as (
        base,
        master,
    ):
        time.sleep(1)
        cold = loaddriver.worker_rss(master)
        crowd, started, memory = asyncio.run(
            drive(base, world["users"], args.minutes, args.rate, master, args.window)
        )

    table = Table(title=f"soak: {args.rate}/s for {args.minutes} min, {args.workers} workers")
    for column in ("window (min)", "requests", "errors", "p50 ms", "p99 ms"):
        table.add_column(column, justify="right")
    window = args.window * 60
    rows = int(args.minutes * 60 // window) + (1 if (args.minutes * 60) % window else 0)
    for index in range(rows):
        low, high = started + index * window, started + (index + 1) * window
        inside = [s for s in crowd.samples if low <= s.started < high]
        bad = sum(1 for s in inside if s.status >= 400)
        values = [s.ms for s in inside]
        table.add_row(
            f"{index * args.window:g}-{(index + 1) * args.window:g}",
            str(len(inside)),
            str(bad),
            f"{loaddriver.percentile(values, 50):.0f}",
            f"{loaddriver.percentile(values, 99):.0f}",
        )
    console.print(table)
    errors = sum(crowd.failures.values())
    console.print(f"errors: {errors}")
    for what, count in sorted(crowd.failures.items()):
        console.print(f"  {what}: {count}")
    table = Table(title="worker RSS (MiB): cold, after each window; change from window 1")
    table.add_column("worker", justify="right")
    table.add_column("cold", justify="right")
    for index in range(len(memory)):
        table.add_column(f"{(index + 1) * args.window:g} min", justify="right")
    table.add_column("change", justify="right")
    for pid, cold_kib in sorted(cold.items()):
        seen = [sample.get(pid) for sample in memory]
        warm, last = (seen[0], seen[-1]) if seen else (None, None)
        table.add_row(
            str(pid),
            f"{cold_kib / 1024:.1f}",
            *(f"{kib / 1024:.1f}" if kib else "gone" for kib in seen),
            f"{(last - warm) / warm * 100:+.1f}%" if warm and last else "-",
        )
    console.print(table)


if __name__ == "__main__":
    main()
