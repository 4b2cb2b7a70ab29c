"""One way to turn a Django template into a PDF, for every app that prints.

WeasyPrint lays out HTML and CSS with Debian's pango; it fetches nothing from the network:
the URL fetcher only serves files from the static directories, so a template cannot make
the server call out while printing.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

STATIC_PREFIX = "/static/"


class PdfError(Exception):
    """The template asked for a resource the printer will not fetch."""


def _static_fetcher() -> Any:
    """A fetcher that serves `/static/...` from disk and refuses every other address."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            path = url.removeprefix("file://")
            if path.startswith(STATIC_PREFIX):
                found = finders.find(path.removeprefix(STATIC_PREFIX))
                if isinstance(found, str):
                    # WeasyPrint applies a stylesheet only when its type says text/css.
                    kind = mimetypes.guess_type(found)[0] or "application/octet-stream"
                    with open(found, "rb") as handle:
                        return URLFetcherResponse(
                            url, body=handle.read(), headers={"Content-Type": kind}
                        )
            raise PdfError(f"PDF printing fetches only static files, not {url!r}")

    return StaticOnly(fail_on_errors=True)


def html_to_pdf(html: str) -> bytes:
    """Lay out an HTML document as PDF bytes; a refused resource raises `PdfError`."""
    from weasyprint import HTML  # imported late: loading pango costs a moment
    from weasyprint.urls import FatalURLFetchingError

    try:
        document = HTML(string=html, base_url="/", url_fetcher=_static_fetcher())
        return bytes(document.write_pdf())
    except FatalURLFetchingError as refused:
        raise PdfError(str(refused)) from refused


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render `template_name` with `context` and print it."""
    return html_to_pdf(render_to_string(template_name, context))
