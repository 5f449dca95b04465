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
