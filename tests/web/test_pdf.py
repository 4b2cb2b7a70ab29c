"""Printing a template gives a PDF with its text, and never fetches from the network."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from hersteld.web.pdf import PdfError, html_to_pdf


def pdf_text(pdf: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60
    )
    return result.stdout.decode()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_pdf_carries_the_text_of_the_page() -> None:
    pdf = html_to_pdf("<html><body><h1>Plan van aanpak</h1><p>Jansen, A.</p></body></html>")

    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert "Plan van aanpak" in text
    assert "Jansen, A." in text


def test_a_remote_image_is_refused_not_fetched() -> None:
    with pytest.raises(PdfError):
        html_to_pdf('<html><body><img src="http://127.0.0.1:9/x.png"></body></html>')
