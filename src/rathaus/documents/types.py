"""Document types: what a procedure contributes to be rendered as a verifiable PDF."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DocumentType:
    """``template`` renders the PDF from the base context (title, town, verification code and
    QR code, issue date) plus what ``build(case)`` returns. The builder chooses the data the
    document shows — never the raw answers: the law limits what some documents may show."""

    key: str
    title: Any
    template: str
    build: Callable[[Any], dict[str, Any]]
    # A document that is not a PDF (the §18a Meldedatensatz, JSON): ``render(context)`` returns
    # the file's bytes from the same context a template gets (verification code and address
    # included); ``template`` is then unused. Verified on /pruefen/ by its hash, like a PDF.
    render: Callable[[dict[str, Any]], bytes] | None = None
