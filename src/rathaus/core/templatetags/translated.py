"""``{{ service|translated:"required_documents" }}``: the English text on English pages where a
town or the catalogue has one (``rathaus.core.translated``). Text only, no markup."""

from django import template

from rathaus.core import translated as texts

register = template.Library()


@register.filter
def translated(obj, field: str) -> str:
    return texts.translated(obj, field)


@register.filter
def shown_language(obj, field: str) -> str:
    return texts.shown_language(obj, field)
