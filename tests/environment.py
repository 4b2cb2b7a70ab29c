"""Environment for the test run, set before pytest-django imports the settings.

Loaded as a plugin (`-p tests.environment` in pyproject.toml) because settings are read
before any conftest.py. Outside demo/debug mode the settings refuse to start without a
secret key and turn HTTPS on (issue 11 S4); the test client and the live server for the
browser tests speak plain http, so the run sets a test key and switches the redirect and
Secure cookies off. tests/core/test_deploy_settings.py checks the production defaults.
"""

from __future__ import annotations

import os

TEST_ENVIRONMENT = {
    "HERSTELD_SECRET_KEY": "tests-only-secret-key-not-for-any-installation-0123456789abcdef",
    "HERSTELD_SSL_REDIRECT": "0",
    "HERSTELD_SECURE_COOKIES": "0",
    "HERSTELD_HSTS_SECONDS": "0",
    # One JSON line per request would fill the output of every failing test.
    "HERSTELD_REQUEST_LOG": "0",
}

for _name, _value in TEST_ENVIRONMENT.items():
    os.environ.setdefault(_name, _value)
