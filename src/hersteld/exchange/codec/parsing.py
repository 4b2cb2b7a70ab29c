"""`parse(body, content_type)`: the one entry point that picks the reader by media type."""

from __future__ import annotations

from hersteld.exchange.codec.json_reader import _parse_json
from hersteld.exchange.codec.model import MAX_BODY_BYTES, CodecError, InvalidMessage, Message
from hersteld.exchange.codec.sivi_reader import _parse_sivi
from hersteld.exchange.codec.values import _shown

# --- parsing ----------------------------------------------------------------------------


def parse(body: bytes, content_type: str) -> Message:
    """Read a SIVI XML (`application/xml`, `text/xml`, `*+xml`) or Hersteld JSON message.

    Raises InvalidMessage with all problems found; nothing of an invalid message is returned.
    """
    if len(body) > MAX_BODY_BYTES:
        raise InvalidMessage(
            [CodecError("/", "too_large", f"{len(body)} bytes; at most {MAX_BODY_BYTES}")]
        )
    media = content_type.split(";", 1)[0].strip().lower()
    if media in ("application/xml", "text/xml") or media.endswith("+xml"):
        return _parse_sivi(body)
    if media == "application/json" or media.endswith("+json"):
        return _parse_json(body)
    raise InvalidMessage(
        [CodecError("/", "unsupported_media_type", f"{_shown(content_type)} is not XML or JSON")]
    )
