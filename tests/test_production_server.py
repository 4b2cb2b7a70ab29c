"""Issue 17: `hersteld serve --production` (gunicorn) with production settings answers a
signed-in portal user, an API client with a token, and a monitor asking /health."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support.auth import totp_now
from tests.support.production import (
    REPO,
    TOTP_SECRETS,
    Browser,
    environment,
    free_port,
    production_server,
    seeded,
)


@pytest.fixture(scope="module")
def installation(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], dict]:
    home = tmp_path_factory.mktemp("production")
    env = environment(home, HERSTELD_WEB_WORKERS="2", HERSTELD_WEB_THREADS="2")
    return env, seeded(env)


def test_the_production_server_serves_portal_api_and_health(installation) -> None:
    env, people = installation
    port = free_port()
    with production_server(env, port):
        base = f"http://127.0.0.1:{port}"
        # Plain http without the proxy's header is sent to https; /health is not.
        assert httpx.get(f"{base}/accounts/login/").status_code == 301
        health = httpx.get(f"{base}/health")
        assert health.status_code == 200
        assert health.json()["checks"] == {
            "database": "ok",
            "migrations": "ok",
            "broker": "not configured",
        }

        # The portal: password, then the second factor, then a list.
        browser = Browser(port)
        signed = browser.post_form(
            "/accounts/login/",
            {"username": people["casemanager"], "password": people["password"]},
        )
        assert signed.status_code == 302 and signed.headers["location"].startswith("/accounts/otp/")
        second = browser.post_form("/accounts/otp/", {"otp": totp_now(TOTP_SECRETS["casemanager"])})
        assert second.status_code == 302, second.text[:300]
        page = browser.get("/employments/")
        assert page.status_code == 200
        assert "Werknemer" in page.text and "Collega" in page.text
        assert page.headers["strict-transport-security"].startswith("max-age=31536000")
        assert "static/" in page.text
        stylesheet = page.text.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
        assert browser.get(stylesheet).status_code == 200  # WhiteNoise

        # The API: a token for password and second factor, then a list with it.
        token = httpx.post(
            f"{base}/api/v1/auth/token",
            json={
                "username": people["hr"],
                "password": people["password"],
                "otp": totp_now(TOTP_SECRETS["hr"]),
            },
            headers={"X-Forwarded-Proto": "https"},
        )
        assert token.status_code == 201, token.text
        listed = httpx.get(
            f"{base}/api/v1/employments",
            headers={
                "Authorization": f"Bearer {token.json()['token']}",
                "X-Forwarded-Proto": "https",
            },
        )
        assert listed.status_code == 200
        assert people["employment"] in [item["id"] for item in listed.json()["items"]]

    log = (Path(env["HERSTELD_HOME"]) / "server.log").read_text().splitlines()
    requests = [json.loads(line) for line in log if line.startswith("{")]
    routes = {(line["method"], line["route"], line["status"]) for line in requests}
    assert ("GET", "/employments/", 200) in routes
    assert ("GET", "/api/v1/employments", 200) in routes
    assert ("GET", "/health", 200) in routes
    assert all(line["request_id"] for line in requests)
    assert people["password"] not in "\n".join(log)


def test_the_start_script_refuses_a_release_whose_migrations_are_not_applied(tmp_path) -> None:
    env = environment(tmp_path, HERSTELD_BIN=str(Path(sys.executable).parent))
    done = subprocess.run(
        ["bash", str(REPO / "deploy" / "start-web.sh")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 1
    assert "run 'hersteld migrate' first" in done.stderr
