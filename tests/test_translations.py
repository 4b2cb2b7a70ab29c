"""The portal speaks Dutch: every text the code marks for translation has a Dutch one.

The catalogue is made again from the code (Django's makemessages, with GNU gettext) in a
copy of the package, so the committed one is not touched; a text without a translation, or
with only a fuzzy guess (which Django does not use), would show in English.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def _entries(po_text: str) -> list[str]:
    """The entries of a .po text, the header left out."""
    blocks = [block.strip() for block in po_text.split("\n\n") if block.strip()]
    return [block for block in blocks if "Content-Type:" not in block]


def test_every_text_of_the_code_has_a_dutch_translation(tmp_path: Path) -> None:
    shutil.copytree(
        SRC / "hersteld",
        tmp_path / "hersteld",
        ignore=shutil.ignore_patterns("__pycache__", "*.mo", "static"),
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "hersteld.settings",
        "HERSTELD_DEBUG": "1",
        "HERSTELD_HOME": str(tmp_path),
    }
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "nl", "--no-obsolete"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
    )
    catalogue = str(tmp_path / "hersteld" / "locale" / "nl" / "LC_MESSAGES" / "django.po")
    missing = []
    for option in ("--untranslated", "--only-fuzzy"):
        found = subprocess.run(
            ["msgattrib", option, "--no-wrap", "--no-location", catalogue],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        missing += _entries(found)
    assert missing == [], "\n\n".join(missing)


def test_the_compiled_catalogue_is_the_one_of_the_committed_texts(tmp_path: Path) -> None:
    """Django reads the compiled .mo: a .po edited without compiling shows nothing new."""
    messages = SRC / "hersteld" / "locale" / "nl" / "LC_MESSAGES"
    compiled = tmp_path / "django.mo"
    subprocess.run(
        ["msgfmt", "--check-format", "-o", str(compiled), str(messages / "django.po")],
        check=True,
        capture_output=True,
    )
    assert compiled.read_bytes() == (messages / "django.mo").read_bytes(), (
        "run `hersteld compilemessages` in src/hersteld (docs/development.md)"
    )
