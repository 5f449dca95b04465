"""html_format escapes exactly as Django's format_html does (rathaus.core.html)."""

from __future__ import annotations

import pytest
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy, override

from rathaus.core.html import html_escape, html_format

VALUES = [
    "plain",
    '<script>alert("x")</script>',
    "O'Brien & Söhne <GmbH>",
    "\"quoted\" 'single'",
    mark_safe("<b>already safe</b>"),
    SafeString("&amp; kept"),
    42,
    0,
    None,
    3.5,
    gettext_lazy("Inbox"),
    "",
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_each_value_is_escaped_as_django_escapes_it(value):
    with override("de"):
        expected = format_html('<a title="{}">{}</a>', value, value)
        produced = html_format('<a title="{}">{}</a>', value, value)
    assert produced == expected
    assert isinstance(produced, SafeString)


def test_keyword_arguments_and_nesting_match_format_html():
    inner = html_format("<i>{}</i>", "<x>")
    assert html_format("{a}{b}", a=inner, b="<y>") == format_html("{a}{b}", a=inner, b="<y>")
    assert html_format("{a}{b}", a=inner, b="<y>") == "<i>&lt;x&gt;</i>&lt;y&gt;"


def test_lazy_strings_are_translated_then_escaped_and_safe_strings_kept():
    with override("en"):
        assert html_escape(gettext_lazy("Inbox")) == "Inbox"
    assert html_escape(mark_safe("<br>")) == "<br>"
    assert html_escape("<br>") == "&lt;br&gt;"
