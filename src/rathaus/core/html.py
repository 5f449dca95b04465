"""``format_html`` for markup built on every request (inbox rows, filter fields, selects).

Django's ``format_html`` escapes each argument through ``conditional_escape``, whose lazy-string
wrappers cost more than the escaping itself when a page builds a few hundred small fragments.
``html_format`` escapes the same way — a safe string (anything with ``__html__``) is kept, every
other value becomes ``html.escape(str(value))``, exactly Django's ``escape`` — with plain calls.
"""

from __future__ import annotations

from html import escape

from django.utils.functional import Promise
from django.utils.safestring import SafeString


def html_escape(value) -> str:
    """Django's ``conditional_escape``: safe strings as they are, anything else escaped."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))


def html_format(template: str, *args, **kwargs) -> SafeString:
    """Django's ``format_html``: ``template`` is trusted, every argument is escaped."""
    return SafeString(
        template.format(
            *[html_escape(value) for value in args],
            **{name: html_escape(value) for name, value in kwargs.items()},
        )
    )
