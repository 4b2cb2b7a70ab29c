"""Which files people may upload (a signed scan, a message attachment), by their content.

Pure: no Django. A file is a PDF, JPEG or PNG when its first bytes say so; its name and the
browser's claimed type are never trusted.
"""

from __future__ import annotations

SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def proven_type(head: bytes) -> str | None:
    """The content type the first bytes prove (PDF, JPEG or PNG), or None for anything else."""
    return next((kind for magic, kind in SIGNATURES if head.startswith(magic)), None)
