"""`hersteld scan-text`: medical terms in lines of text, as JSON lines.

See docs/rules/privacy.md and feature P8 in docs/features.md.

Reads stdin one line at a time and writes one object per line, so it works on files of
any size: `{"line": N, "findings": [{"term", "start", "end", "category", "suggestion"}]}`.
"""

from __future__ import annotations

import json
import sys
from typing import IO, Any

from django.core.management.base import BaseCommand

from hersteld.privacy.guard import as_json, scan_text


class Command(BaseCommand):
    help = "Scan text from stdin, one text per line, for medical terms; write JSON lines."
    stealth_options = ("stdin",)

    def handle(self, *args: Any, **options: Any) -> None:
        source: IO[str] = options.get("stdin") or sys.stdin
        for number, raw in enumerate(source, start=1):
            line = raw.rstrip("\n").removesuffix("\r")
            record = {"line": number, "findings": [as_json(f) for f in scan_text(line)]}
            self.stdout.write(json.dumps(record, ensure_ascii=False))
            self.stdout.flush()
