"""The SMS gateway of core: the log gateway by default, the HTTP adapter on request."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from hersteld.core.sms import HttpGateway, LogGateway, SmsError, gateway


def test_the_default_gateway_writes_to_the_log(settings: Any, caplog: Any) -> None:
    settings.SMS_GATEWAY = "log"
    assert isinstance(gateway(), LogGateway)
    with caplog.at_level("INFO", logger="hersteld.sms"):
        gateway().send("0612345678", "Herinnering")
    assert "Herinnering" in caplog.text


class _Stub(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []
    status = 200

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        _Stub.received.append(
            {"body": json.loads(self.rfile.read(length)), "auth": self.headers["Authorization"]}
        )
        self.send_response(_Stub.status)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture
def stub() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Stub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Stub.received, _Stub.status = [], 200
    yield f"http://127.0.0.1:{server.server_port}/sms"
    server.shutdown()
    server.server_close()


def test_the_http_gateway_posts_json_with_a_bearer_token(stub: str, settings: Any) -> None:
    settings.SMS_GATEWAY, settings.SMS_URL, settings.SMS_TOKEN = "http", stub, "geheim"
    sender = gateway()
    assert isinstance(sender, HttpGateway)
    sender.send("0612345678", "Herinnering")
    assert _Stub.received == [
        {
            "body": {"to": "0612345678", "from": "Hersteld", "text": "Herinnering"},
            "auth": "Bearer geheim",
        }
    ]


def test_the_http_gateway_reports_a_refusal(stub: str) -> None:
    _Stub.status = 500
    with pytest.raises(SmsError):
        HttpGateway(stub, "t", "Hersteld").send("0612345678", "x")
