"""HTML → PDF with WeasyPrint (archival PDF/A-3b) and the verification QR code."""

from __future__ import annotations

import threading
from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from rathaus.tenants.selectors import municipality_absolute_url

from .constants import PDF_VARIANT


def verification_url(*, municipality, code: str) -> str:
    """The absolute address of the public verification page of ``code`` on the town's host."""
    return municipality_absolute_url(municipality, reverse("documents:verify", args=[code]))


def qr_data_uri(url: str) -> str:
    """The QR code of ``url`` for a PDF: a PNG of one pixel per module with a two-module quiet zone.

    The PDF's stylesheet sizes it and draws it unsmoothed (``image-rendering: pixelated``), so it
    prints as sharp as a vector drawing. An SVG of the same code cost WeasyPrint about 14 ms per
    document to draw, path by path (bench/HISTORY.md, 2026-12-05).
    """
    return segno.make(url, error="m").png_data_uri(scale=1, border=2)


_fonts = threading.local()


def _font_configuration():
    """WeasyPrint's font set-up, made once per thread instead of once per PDF.

    Finding and loading the system's fonts again for every document cost about a quarter of a
    one-page certificate's rendering (63 → 49 ms CPU, bench/HISTORY.md 2026-12-04). One per
    thread, because Pango's font map must not be used by two threads at once. The documents name
    no web fonts (``@font-face``), so what it keeps is the same for every document.
    """
    configuration = getattr(_fonts, "configuration", None)
    if configuration is None:
        from weasyprint.text.fonts import FontConfiguration  # heavy import, only for PDFs

        configuration = _fonts.configuration = FontConfiguration()
    return configuration


def html_to_pdf(html: str, *, pdf_variant: str | None = None) -> bytes:
    """The one place HTML becomes PDF; relative addresses resolve against the project."""
    from weasyprint import HTML  # heavy import, only where PDFs are made

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        pdf_variant=pdf_variant, font_config=_font_configuration()
    )


def pdf_render(*, template: str, context: dict[str, Any], municipality) -> bytes:
    """Render ``template`` in the town's design (name, address, accent colour) to PDF/A-3b."""
    html = render_to_string(template, {**context, "municipality": municipality})
    return html_to_pdf(html, pdf_variant=PDF_VARIANT)
