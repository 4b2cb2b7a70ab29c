"""Strict readers for settings from the environment.

A typo in production must stop the boot, not silently switch a feature off.
"""

from __future__ import annotations

import os
from pathlib import Path


class EnvError(ValueError):
    """An environment variable holds a value that cannot be used."""


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise EnvError(f"{name} must be true/false/1/0, not {raw!r}")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise EnvError(f"{name} must be a whole number, not {raw!r}") from exc


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def envsecret(name: str, default: str) -> str:
    """Read NAME, or the file named by NAME_FILE (a mounted secret); a missing file fails."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        file = Path(path)
        if not file.is_file():
            raise EnvError(f"{name}_FILE points to {path}, which does not exist")
        return file.read_text().strip()
    return os.environ.get(name, default)
