"""The parts load.py and soak.py share: the server under test, signed-in virtual users, the
request mix, and percentiles. Loopback only: the server listens on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import hmac
import os
import random
import re
import secrets
import socket
import struct
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]

# (endpoint, weight): what a mixed crowd of casemanagers and HR users does.
MIX = [
    ("dossier", 14),
    ("timeline", 10),
    ("case list", 14),
    ("worklist", 10),
    ("employment list", 14),
    ("api employments", 10),
    ("api cases", 10),
    ("sick report (api write)", 6),
    ("/health", 12),
]


def totp(secret: str, at: float | None = None) -> str:
    key = base64.b32decode(secret)
    counter = struct.pack(">Q", int(time.time() if at is None else at) // 30)
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 15
    value = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{value:06d}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(
    database_url: str, workers: int, log: Path, **settings: str
) -> Iterator[tuple[str, int]]:
    """`hersteld serve --production` with production settings except plain-http cookies
    (no TLS proxy on loopback), plus `settings` (HERSTELD_* variables). The caller's own
    HERSTELD_* variables are not passed on: the server sees only what is set here. Yields
    (base URL, master PID)."""
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HERSTELD_", "DJANGO_", "CELERY_", "DATABASE_URL"))
    }
    env.update(
        DATABASE_URL=database_url,
        HERSTELD_SECRET_KEY=secrets.token_urlsafe(50),
        HERSTELD_ALLOWED_HOSTS="127.0.0.1",
        HERSTELD_SSL_REDIRECT="0",
        HERSTELD_SECURE_COOKIES="0",
        HERSTELD_HSTS_SECONDS="0",
        HERSTELD_WEB_WORKERS=str(workers),
        HERSTELD_HOME=str(log.parent),
        HERSTELD_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO / "src"), env.get("PYTHONPATH")])),
        **settings,
    )
    out = log.open("w")
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "hersteld.cli", "serve", "--production", "--port", str(port)],
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise SystemExit(f"the server stopped: see {log}")
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"the server did not answer /health in 60 s: see {log}")
            time.sleep(0.3)
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        out.close()


def worker_rss(master: int) -> dict[int, int]:
    """Resident memory (KiB) of each gunicorn worker, the master's children."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[1]) != master:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    found[int(entry.name)] = int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return found


@dataclass
class Sample:
    endpoint: str
    started: float
    ms: float
    status: int


@dataclass
class Crowd:
    """The results of a run: every timed request, and requests that failed outright."""

    samples: list[Sample] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=lambda: defaultdict(int))


class VirtualUser:
    def __init__(self, base: str, person: dict[str, Any], secret: str, seed: int) -> None:
        self.person = person
        self.secret = secret
        self.rng = random.Random(seed)  # noqa: S311 - a load mix, not security
        self.http = httpx.AsyncClient(base_url=base, timeout=60, follow_redirects=False)
        self.api = {"Authorization": f"Bearer {person['token']}"}
        self.writable = list(person["employments"])

    async def sign_in(self, password: str) -> None:
        page = await self.http.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, "no CSRF token on the log-in page"
        done = await self.http.post(
            "/accounts/login/",
            data={
                "csrfmiddlewaretoken": token.group(1),
                "username": self.person["username"],
                "password": password,
            },
        )
        assert done.status_code == 302, f"log-in of {self.person['username']}: {done.status_code}"
        page = await self.http.get("/accounts/otp/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, "no CSRF token on the second-factor page"
        done = await self.http.post(
            "/accounts/otp/",
            data={"csrfmiddlewaretoken": token.group(1), "otp": totp(self.secret)},
        )
        assert done.status_code == 302, f"second factor of {self.person['username']}"

    def pick(self) -> str:
        names = [name for name, _ in MIX]
        weights = [weight for _, weight in MIX]
        choice = self.rng.choices(names, weights)[0]
        if choice == "sick report (api write)" and not self.writable:
            return "api cases"
        if choice in ("dossier", "timeline") and not self.person["cases"]:
            return "case list"
        return choice

    async def one(self, endpoint: str) -> httpx.Response:
        case = self.rng.choice(self.person["cases"]) if self.person["cases"] else 0
        if endpoint == "dossier":
            return await self.http.get(f"/cases/{case}/")
        if endpoint == "timeline":
            return await self.http.get(f"/cases/{case}/?tab=timeline")
        if endpoint == "case list":
            return await self.http.get(f"/cases/?page={self.rng.randint(1, 20)}")
        if endpoint == "worklist":
            return await self.http.get("/worklist/")
        if endpoint == "employment list":
            return await self.http.get(f"/employments/?page={self.rng.randint(1, 20)}")
        if endpoint == "api employments":
            return await self.http.get(
                f"/api/v1/employments?page={self.rng.randint(1, 20)}", headers=self.api
            )
        if endpoint == "api cases":
            return await self.http.get(
                f"/api/v1/cases?page={self.rng.randint(1, 20)}", headers=self.api
            )
        if endpoint == "sick report (api write)":
            return await self.http.post(
                "/api/v1/cases",
                headers=self.api,
                json={
                    "employment_id": self.writable.pop(),
                    "kind": "sickness",
                    "first_day": dt.date.today().isoformat(),
                },
            )
        return await self.http.get("/health")

    async def timed(self, crowd: Crowd, endpoint: str) -> None:
        started = time.perf_counter()
        try:
            response = await self.one(endpoint)
            status = response.status_code
        except httpx.HTTPError as exc:
            crowd.failures[f"{endpoint}: {type(exc).__name__}"] += 1
            return
        ms = (time.perf_counter() - started) * 1000
        crowd.samples.append(Sample(endpoint, started, ms, status))
        expected = 201 if endpoint == "sick report (api write)" else 200
        if status != expected:
            crowd.failures[f"{endpoint}: HTTP {status}"] += 1


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def by_endpoint(samples: list[Sample]) -> dict[str, list[float]]:
    grouped: dict[str, list[float]] = defaultdict(list)
    for sample in samples:
        grouped[sample.endpoint].append(sample.ms)
    return grouped


async def sign_in_all(users: list[VirtualUser], password: str) -> None:
    # Ten at a time: each log-in checks an Argon2 hash.
    for start in range(0, len(users), 10):
        await asyncio.gather(*(user.sign_in(password) for user in users[start : start + 10]))
