"""A Hersteld installation in a temporary directory, run in subprocesses as production runs it.

Production-like: no demo or debug mode, a secret key, HTTPS on (Secure cookies, redirect,
HSTS) behind a "proxy" that the tests play by sending `X-Forwarded-Proto: https`, and a
SQLite database of its own. Used by the smoke test of `hersteld serve --production` and by
the backup test.
"""

from __future__ import annotations

import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[2]
SRC = REPO / "src"
TOTP_SECRETS = {"casemanager": "JBSWY3DPEHPK3PXP", "hr": "KRSXG5CTMVRXEZLU"}

# Runs inside the installation: a world of personas (tests/support/world.py) through the
# services, and a known second factor for two of them.
SEED = """
import base64, json, os
import django
django.setup()
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.support.world import PASSWORD, world
w = world()
secrets = json.loads(os.environ["SECRETS"])
for name in ("casemanager", "hr"):
    TOTPDevice.objects.create(
        user=getattr(w, name), name="seed", confirmed=True,
        key=base64.b32decode(secrets[name]).hex(),
    )
print(json.dumps({
    "password": PASSWORD,
    "casemanager": w.casemanager.username,
    "hr": w.hr.username,
    "employment": w.own_employment.pk,
}))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(home: Path, **extra: str) -> dict[str, str]:
    """The process environment of an installation in `home`, without the test run's values."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HERSTELD_", "DJANGO_", "CELERY_", "DATABASE_URL"))
    }
    env.update(
        HERSTELD_HOME=str(home),
        HERSTELD_SQLITE_PATH=str(home / "hersteld.sqlite3"),
        HERSTELD_SECRET_KEY="smoke-" + "Zq8vR2mX5kT9wB3nL7pF1cH6jD4sG0yA8uE2iO5rW9tY3",
        HERSTELD_ALLOWED_HOSTS="127.0.0.1",
        HERSTELD_TRUST_PROXY_HEADER="1",
        HERSTELD_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DJANGO_SETTINGS_MODULE="hersteld.settings",
        PYTHONPATH=os.pathsep.join([str(SRC), str(REPO)]),
    )
    env.update(extra)
    return env


def hersteld(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "hersteld.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=env["HERSTELD_HOME"],
    )
    assert done.returncode == 0, f"hersteld {' '.join(args)}: {done.stdout}{done.stderr}"
    return done


def seed(env: dict[str, str]) -> dict[str, Any]:
    """Migrate and fill the installation's database; the personas' names and password."""
    hersteld(env, "migrate", "--noinput", "-v", "0")
    done = subprocess.run(
        [sys.executable, "-c", SEED],
        env={**env, "SECRETS": json.dumps(TOTP_SECRETS)},
        capture_output=True,
        text=True,
        check=False,
        cwd=env["HERSTELD_HOME"],
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


_seeded: tuple[Path, dict[str, Any]] | None = None


def seeded(env: dict[str, str]) -> dict[str, Any]:
    """Like `seed`, but from a copy of a database seeded once per test process."""
    global _seeded
    if _seeded is None:
        template = Path(tempfile.mkdtemp(prefix="hersteld-seed-"))
        people = seed(environment(template))
        _seeded = (template / "hersteld.sqlite3", people)
    with (
        sqlite3.connect(_seeded[0]) as source,
        sqlite3.connect(env["HERSTELD_SQLITE_PATH"]) as copy,
    ):
        source.backup(copy)
    return dict(_seeded[1])


@contextmanager
def production_server(env: dict[str, str], port: int) -> Iterator[subprocess.Popen[str]]:
    """`hersteld serve --production` on 127.0.0.1:port until the block ends (then TERM)."""
    log = open(Path(env["HERSTELD_HOME"]) / "server.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "-m", "hersteld.cli", "serve", "--production", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=env["HERSTELD_HOME"],
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, Path(log.name).read_text()
            try:
                httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, Path(log.name).read_text()
                time.sleep(0.2)
        yield server
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


class Browser:
    """A client that talks to the installation as a browser does behind the TLS proxy.

    The proxy's header says https, so the Secure cookies are kept and sent by hand (an
    http cookie jar would drop them)."""

    def __init__(self, port: int) -> None:
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=20)
        self.origin = f"https://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"X-Forwarded-Proto": "https", **kwargs.pop("headers", {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = self.http.request(method, path, headers=headers, **kwargs)
        for raw in response.headers.get_list("set-cookie"):
            name, _, rest = raw.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post_form(self, path: str, data: dict[str, str]) -> httpx.Response:
        page = self.get(path)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert found, page.text[:500]
        return self.request(
            "POST",
            path,
            data={"csrfmiddlewaretoken": found.group(1), **data},
            headers={"Referer": f"{self.origin}{path}"},
        )
