"""The Django-side guard (docs/rules/privacy.md): configured lexicon files, findings per form field."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from hersteld.privacy import guard


@pytest.fixture
def extra_lexicon(tmp_path: pathlib.Path, settings: Any) -> Iterator[pathlib.Path]:
    path = tmp_path / "extra.tsv"
    path.write_text("bechterew\tdiagnosis\tklachten\n", encoding="utf-8")
    settings.MEDICAL_LEXICON_FILES = [str(path)]
    guard.configured_lexicon.cache_clear()
    yield path
    guard.configured_lexicon.cache_clear()


def test_findings_by_field_reports_only_fields_with_findings() -> None:
    data = {"note": "Heeft griep.", "reason": "Verwacht terug.", "count": 3, "empty": " "}
    result = guard.findings_by_field(data, ["note", "reason", "count", "empty", "absent"])
    assert list(result) == ["note"]
    assert [f.term for f in result["note"]] == ["griep"]


def test_configured_lexicon_files_are_read(extra_lexicon: pathlib.Path) -> None:
    assert [f.term for f in guard.scan_text("Ziekte van Bechterew")] == ["Bechterew"]


def test_a_missing_lexicon_file_stops_start_up(tmp_path: pathlib.Path) -> None:
    env = {**os.environ, "HERSTELD_MEDICAL_LEXICON": str(tmp_path / "missing.tsv")}
    result = subprocess.run(
        [sys.executable, "-c", "import hersteld.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "HERSTELD_MEDICAL_LEXICON" in result.stderr
