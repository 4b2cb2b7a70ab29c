"""The production application server: gunicorn in this process, configured from settings.

`hersteld serve --production` runs it; systemd (deploy/hersteld-web.service) starts that.
The master process keeps the command's PID, so systemd's stop and reload signals reach it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from gunicorn.app.base import BaseApplication


class HersteldServer(BaseApplication):
    """gunicorn with Hersteld's WSGI application and the HERSTELD_WEB_* settings."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from hersteld.wsgi import application

        return application


def options(bind: str | None = None) -> dict[str, Any]:
    """gunicorn's settings: threads above 1 use the threaded worker; no access log of its own
    (hersteld.core.middleware.RequestLogMiddleware writes one JSON line per request)."""
    threads = max(1, settings.WEB_THREADS)
    return {
        "bind": [bind or settings.WEB_BIND],
        "workers": max(1, settings.WEB_WORKERS),
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "timeout": settings.WEB_TIMEOUT,
        "graceful_timeout": 30,
        "keepalive": 5,
        "max_requests": settings.WEB_MAX_REQUESTS,
        "max_requests_jitter": settings.WEB_MAX_REQUESTS // 10,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "hersteld",
        # The request body limit is Django's (DATA_UPLOAD_MAX_MEMORY_SIZE) and the proxy's;
        # gunicorn only bounds the request line and headers.
        "limit_request_line": 8190,
        # X-Forwarded-* are trusted from the proxy on this machine only (gunicorn's default).
        "forwarded_allow_ips": "127.0.0.1,::1",
        # systemd manages the processes; no socket in the service user's home directory.
        "control_socket_disable": True,
    }


def run(bind: str | None = None) -> None:
    HersteldServer(options(bind)).run()
