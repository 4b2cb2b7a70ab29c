"""The `hersteld` console script: Django's management commands under friendlier names.

`hersteld serve` runs the portal (migrations are not applied implicitly);
`hersteld demo-data` loads the demo; `hersteld scan-text` checks text for medical terms;
every other word is passed to manage.py.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
import sys

# Commands that only compute and print: they need no secret key (see main).
SIGNS_NOTHING = frozenset({"poortwachter", "scan_text", "statistics"})

ALIASES = {
    "run-daily": "run_daily",
    "demo-data": "demo_data",
    "scan-text": "scan_text",
    "process-exchange": "process_exchange",
    "verify-log": "verify_log",
}


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hersteld.settings")
    if not args or args[0] in {"-h", "--help", "help"}:
        print(
            "usage: hersteld COMMAND [options]\n\n"
            "  migrate              create or update the database\n"
            "  demo-data            load the demo arbodiensten, employers, people and users\n"
            "  serve [--port N]     serve the portal and API on 127.0.0.1 (static files included)\n"
            "  serve --production [--bind ADDR | --port N]   gunicorn (docs/deployment.md)\n"
            "  backup FILE          copy the SQLite database to FILE while it is in use\n"
            "  scan-text            medical terms in stdin, one text per line, as JSON lines\n"
            "  run-daily            the daily job: terms, Poortwachter signals, e-mail digests\n"
            "  process-exchange     waiting inbox messages, hold timeouts, outbox (for cron)\n"
            "  import FILE --employer ID   import a population (CSV, XLSX, SIVI XML)\n"
            "  exchange sample-outbound --employer ID --dir DIR   sample SIVI messages\n"
            "  poortwachter plan    the Poortwachter milestones of given sick periods\n"
            "  verify-log           check the hash chains of the audit and access logs\n"
            "  statistics --employer ID --from DATE --to DATE [--department ID] [--json]\n"
            "                       absence figures (VP, MF, GVD) by the 1996 standard\n"
            "  createsuperuser, check, shell, ...   any Django management command\n"
        )
        if not args:
            sys.exit(1)
        return
    command, rest = args[0], args[1:]
    command = ALIASES.get(command, command)
    if command == "demo_data" and importlib.util.find_spec("faker") is None:
        sys.exit(
            "hersteld demo-data needs the demo extra: pip install 'hersteld[demo]' (make demo does)."
        )
    if command in SIGNS_NOTHING and not (
        os.environ.get("HERSTELD_SECRET_KEY") or os.environ.get("HERSTELD_SECRET_KEY_FILE")
    ):
        # A pure computation (a Poortwachter plan, a text scan) signs no session, token or
        # link: it runs anywhere, also on a machine that serves nothing and has no key.
        os.environ["HERSTELD_SECRET_KEY"] = secrets.token_urlsafe(50)
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018  (loads the settings: a bad value stops here)
    except ImproperlyConfigured as exc:
        sys.exit(f"hersteld: configuration error: {exc}")

    if command == "serve":
        given_port = None
        if "--port" in rest:
            index = rest.index("--port")
            given_port = rest[index + 1]
            rest = rest[:index] + rest[index + 2 :]
        if "--production" in rest:
            serve_production(rest, given_port)
            return
        port = given_port or os.environ.get("PORT", "8000")
        execute_from_command_line(
            ["hersteld", "runserver", f"127.0.0.1:{port}", "--noreload", *rest]
        )
        return
    from hersteld.core.context import RequestMeta, request_meta

    with request_meta(RequestMeta(channel="cli")):
        execute_from_command_line(["hersteld", command, *rest])


def serve_production(rest: list[str], port: str | None) -> None:
    """gunicorn with HERSTELD_WEB_* (docs/deployment.md); `--bind ADDR` or `--port N` override
    HERSTELD_BIND. Migrations are not applied here: the start script checks them first."""
    import django

    django.setup()
    from hersteld.server import run

    rest = [arg for arg in rest if arg != "--production"]
    bind = f"127.0.0.1:{port}" if port else None
    if "--bind" in rest:
        index = rest.index("--bind")
        bind = rest[index + 1]
        rest = rest[:index] + rest[index + 2 :]
    if rest:
        sys.exit(f"hersteld serve --production: unknown options {' '.join(rest)}")
    run(bind)


if __name__ == "__main__":
    main()
