"""``{{ day|long_date }}`` and ``{{ start|long_datetime }}`` (rathaus.core.dates)."""

from django import template

from rathaus.core import dates

register = template.Library()


@register.filter
def long_date(value):
    return dates.long_date(value) if value else ""


@register.filter
def long_datetime(value):
    return dates.long_datetime(value) if value else ""
