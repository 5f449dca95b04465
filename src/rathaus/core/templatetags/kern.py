"""``{% kern_field field %}``: ``components/field.html`` rendered in Python, for pages that render
the same fields on every request (the inbox's filters): the template engine's per-node cost was
~0.2 ms per field. Same markup, byte for byte (``tests/core/test_kern_field.py`` renders both ways);
hidden fields and grouped widgets (radios, multiple checkboxes) are left to the template. Values go
through ``html_format`` (``rathaus.core.html``), which escapes them as ``{{ value }}`` does."""

from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from rathaus.core.forms import GROUP_WIDGETS
from rathaus.core.html import html_format

register = template.Library()

FIELD_TEMPLATE = "components/field.html"

_HINT = '<div class="kern-hint" id="{}_helptext">{}</div>'
_ERROR = (
    '<p class="kern-error" id="{}_error">'
    '<span class="kern-icon kern-icon--danger kern-icon--md" aria-hidden="true"></span>'
    '<span class="kern-body">{}</span></p>'
)
_ERROR_ITEM = '<span class="rh-visually-hidden">{} </span>{}'
_OPTIONAL = ' <span class="kern-label__optional">– {}</span>'
# The line breaks and indentation are the template's (including its trailing newlines).
_CHECKBOX = (
    '\n<div class="kern-form-check{}">\n  {}\n  <label class="kern-label" for="{}">{}</label>'
    "\n  {}\n  {}\n</div>\n\n"
)
_INPUT = (
    '\n<div class="kern-form-input{}">\n  <label class="kern-label" for="{}">{}{}</label>'
    "\n  {}\n  {}\n  {}\n</div>\n\n"
)


def _error_html(field) -> SafeString:
    """``components/field_error.html``."""
    if not field.errors:
        return mark_safe("\n")
    label = gettext("Error:")
    items = [html_format(_ERROR_ITEM, label, error) for error in field.errors]
    # Every part is built with html_format.
    return mark_safe(html_format(_ERROR, field.auto_id, mark_safe("<br>".join(items))) + "\n")  # noqa: S308


@register.simple_tag
def kern_field(field) -> SafeString:
    widget = field.field.widget
    if field.is_hidden or isinstance(widget, GROUP_WIDGETS):
        return get_template(FIELD_TEMPLATE).render({"field": field})
    hint = html_format(_HINT, field.auto_id, field.help_text) if field.help_text else ""
    if field.widget_type == "checkbox":
        return html_format(
            _CHECKBOX,
            " kern-form-check--error" if field.errors else "",
            field,
            field.id_for_label,
            field.label,
            hint,
            _error_html(field),
        )
    optional = "" if field.field.required else html_format(_OPTIONAL, gettext("optional"))
    return html_format(
        _INPUT,
        " kern-form-input--error" if field.errors else "",
        field.id_for_label,
        field.label,
        optional,
        hint,
        _error_html(field),
        field,
    )
