"""HTML → PDF with WeasyPrint (archival PDF/A-3b) and the verification QR code."""

from __future__ import annotations

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


def qr_svg_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def pdf_render(*, template: str, context: dict[str, Any], municipality) -> bytes:
    """Render ``template`` in the town's design (name, address, accent colour) to PDF/A-3b."""
    from weasyprint import HTML  # heavy import, only where PDFs are made

    html = render_to_string(template, {**context, "municipality": municipality})
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(pdf_variant=PDF_VARIANT)
