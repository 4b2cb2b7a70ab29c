"""Issue 11 S4: safe production defaults. Each case starts a fresh process with its own
environment, as an installation would; tests/environment.py's test values are removed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = str(Path(__file__).resolve().parents[2] / "src")
PRODUCTION = {
    "HERSTELD_SECRET_KEY": "k3y-" + "x7Qp2vLm9sTb4wNc8rJd6hFg1yKz5aUe0oIi3nMq7tRb2sWv",
    "HERSTELD_ALLOWED_HOSTS": "hersteld.example.nl",
}
SETTINGS_DUMP = (
    "import json; from django.conf import settings as s; print(json.dumps({"
    "'ssl_redirect': s.SECURE_SSL_REDIRECT, 'hsts': s.SECURE_HSTS_SECONDS,"
    "'session_secure': s.SESSION_COOKIE_SECURE, 'csrf_secure': s.CSRF_COOKIE_SECURE,"
    "'proxy_header': s.SECURE_PROXY_SSL_HEADER}))"
)


def run(args: list[str], env: dict[str, str], home: Path) -> subprocess.CompletedProcess[str]:
    # Not the test run's HERSTELD_* values, nor DJANGO_ALLOW_ASYNC_UNSAFE of the browser tests.
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HERSTELD_", "DJANGO_"))}
    clean.update(env, HERSTELD_HOME=str(home), DJANGO_SETTINGS_MODULE="hersteld.settings")
    clean["PYTHONPATH"] = os.pathsep.join(filter(None, [SRC, clean.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, *args], env=clean, capture_output=True, text=True, check=False
    )


def settings_in(env: dict[str, str], home: Path) -> dict[str, object]:
    done = run(["-c", f"import django; django.setup(); {SETTINGS_DUMP}"], env, home)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path) -> None:
    done = run(
        ["-m", "hersteld.cli", "check", "--deploy", "--fail-level", "WARNING"],
        PRODUCTION,
        tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path) -> None:
    done = run(["-m", "hersteld.cli", "check"], {}, tmp_path)
    assert done.returncode != 0
    assert "HERSTELD_SECRET_KEY" in done.stderr and "HERSTELD_SECRET_KEY_FILE" in done.stderr


def test_production_turns_https_on(tmp_path) -> None:
    assert settings_in(PRODUCTION, tmp_path) == {
        "ssl_redirect": True,
        "hsts": 31_536_000,
        "session_secure": True,
        "csrf_secure": True,
        "proxy_header": None,
    }


def test_behind_a_tls_proxy_the_forwarded_header_is_trusted_and_redirect_can_be_left_to_it(
    tmp_path,
) -> None:
    env = {**PRODUCTION, "HERSTELD_TRUST_PROXY_HEADER": "1", "HERSTELD_SSL_REDIRECT": "0"}
    values = settings_in(env, tmp_path)
    assert values["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["ssl_redirect"] is False
    assert values["session_secure"] is True


@pytest.mark.parametrize("mode", ["HERSTELD_DEMO", "HERSTELD_DEBUG"])
def test_demo_and_debug_run_on_plain_http_without_a_key(mode, tmp_path) -> None:
    assert settings_in({mode: "1"}, tmp_path) == {
        "ssl_redirect": False,
        "hsts": 0,
        "session_secure": False,
        "csrf_secure": False,
        "proxy_header": None,
    }


def test_every_page_carries_a_strict_content_security_policy(world, sign_in) -> None:
    client = sign_in(world.casemanager)
    for path in ("/accounts/login/", "/", "/api/docs"):
        policy = client.get(path)["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["default-src"] == "'self'"
        assert directives["script-src"] == "'self'"
        assert directives["object-src"] == "'none'"
        assert directives["base-uri"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"
        assert directives["form-action"] == "'self'"
        assert "unsafe-inline" not in policy


def test_no_template_has_inline_script_style_or_event_handlers() -> None:
    """The policy above blocks them; a new one would silently break the page."""
    import re

    offending = []
    pattern = re.compile(r"<script(?![^>]*\ssrc=)|<style|\sstyle=|\son[a-z]+=", re.IGNORECASE)
    for template in Path(SRC, "hersteld").rglob("templates/**/*.html"):
        for number, line in enumerate(template.read_text().splitlines(), 1):
            if pattern.search(line):
                offending.append(f"{template.name}:{number}")
    assert offending == []


def test_a_refusal_is_one_warning_line_without_traceback(world, sign_in, caplog) -> None:
    """Issue 11 item 21."""
    client = sign_in(world.hr)
    with caplog.at_level("WARNING", logger="django.request"):
        response = client.get("/users/")
    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    assert records[0].levelname == "WARNING"
    assert records[0].exc_info is None
    assert "/users/" in records[0].getMessage()


def test_a_pure_computation_runs_without_a_secret_key(tmp_path) -> None:
    """`hersteld poortwachter plan` and `scan-text` sign nothing: no key, no demo, still run."""
    done = run(
        ["-m", "hersteld.cli", "poortwachter", "plan", "--period", "2025-07-24:", "--json"],
        {},
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    report = next(
        m for m in json.loads(done.stdout)["milestones"] if m["code"] == "MELDING_42_WEKEN"
    )
    assert report["due"] == "2026-05-18"  # the 295th day is a decree day (2026-05-15)
