"""`hersteld scan-text` (docs/features.md P8): one JSON object per input line, offsets per line."""

from __future__ import annotations

import io
import json
import sys

import pytest
from django.core.management import call_command

from hersteld import cli


def run(text: str) -> list[str]:
    out = io.StringIO()
    call_command("scan_text", stdin=io.StringIO(text), stdout=out)
    return out.getvalue().splitlines()


def test_every_line_gets_one_json_object() -> None:
    lines = run("Jan heeft rugpijn\n\nMet hartelijke groet\nZe is geopereerd in het ziekenhuis\n")
    assert lines == [
        '{"line": 1, "findings": [{"term": "rugpijn", "start": 10, "end": 17, '
        '"category": "symptom", "suggestion": "klachten"}]}',
        '{"line": 2, "findings": []}',
        '{"line": 3, "findings": []}',
        '{"line": 4, "findings": [{"term": "geopereerd", "start": 6, "end": 16, '
        '"category": "treatment", "suggestion": "behandeld"}, {"term": "ziekenhuis", '
        '"start": 24, "end": 34, "category": "specialist", "suggestion": "afspraak"}]}',
    ]


def test_offsets_count_characters_and_text_is_not_escaped() -> None:
    (line,) = run("Naïeve collega: knieën doen pijn\r\n")
    record = json.loads(line)
    assert "knieën" in line  # ensure_ascii=False
    assert [(f["term"], f["start"], f["end"]) for f in record["findings"]] == [
        ("knieën", 16, 22),
        ("pijn", 28, 32),
    ]


def test_a_last_line_without_newline_is_scanned() -> None:
    assert run("griep") == [
        '{"line": 1, "findings": [{"term": "griep", "start": 0, "end": 5, '
        '"category": "diagnosis", "suggestion": "klachten"}]}'
    ]


def test_empty_input_writes_nothing() -> None:
    assert run("") == []


def test_the_hersteld_alias_reads_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("Heeft migraine\n"))
    cli.main(["scan-text"])
    assert json.loads(capsys.readouterr().out) == {
        "line": 1,
        "findings": [
            {
                "term": "migraine",
                "start": 6,
                "end": 14,
                "category": "diagnosis",
                "suggestion": "klachten",
            }
        ],
    }
