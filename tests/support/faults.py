"""A process that applies an inbox message and stops dead in the middle (tests/test_faults.py).

Run as `python -m tests.support.faults MESSAGE_ID MARKER`: it applies the message the way a
worker does (`exchange.services.process`), but once every row of the message is written,
still inside the transaction, it writes MARKER and waits to be killed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any


def main(message_id: int, marker: Path) -> None:
    import django

    django.setup()
    from hersteld.exchange import apply, services

    original = apply.Applier.run

    def run_then_hang(self: Any) -> Any:
        outcome = original(self)
        marker.write_text("written, not committed")
        time.sleep(600)
        return outcome

    apply.Applier.run = run_then_hang  # type: ignore[method-assign]
    services.process(message_id)


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))
