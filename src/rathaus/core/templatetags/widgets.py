"""``{% kern_widget field %}``: a form field's input, rendered by its KERN component template
(``components/widgets/``) from the widget's values (``KernBoundField.widget``), or by Django for
widgets without a component and for fields of plain Django forms.

A select element is the same markup for everyone who sees the same options with the same one
selected (the inbox's filters: every clerk of a town, on every page of results), and its options
were most of a back-office page's template work. Its rendered component is therefore kept per
process under a key made of everything the template reads (name, attributes, each option's
value, label and state, the language): a different option list or selection is another key, so
nothing shown is ever stale. Text is not kept: an input's or textarea's value is the user's own.
"""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from rathaus.core.cache import ProcessCache

register = template.Library()

SELECT_COMPONENT = "components/widgets/select.html"
# Distinct selects seen by one process (towns × languages × selections), in the project's one
# per-process cache of immutable values. The key names everything shown, so the lifetime only
# bounds the memory of selects no longer asked for.
_rendered_selects = ProcessCache(seconds=3600, max_entries=1000)


def _shown(value) -> tuple:
    # The type too: a safe string is written unescaped, a plain one escaped.
    return (type(value), str(value))


def _select_key(widget: dict) -> tuple:
    """What ``components/widgets/select.html`` reads from the widget context, hashable."""
    attrs = tuple(
        (name, value) if isinstance(value, bool) else (name, _shown(value))
        for name, value in widget["attrs"].items()
    )
    groups = tuple(
        (
            None if group_name is None else _shown(group_name),
            tuple(
                (_shown(option["value"]), _shown(option["label"]), bool(option["selected"]))
                for option in options
            ),
        )
        for group_name, options, _index in widget["optgroups"]
    )
    return (get_language(), _shown(widget["name"]), attrs, groups)


@register.simple_tag(takes_context=True)
def kern_widget(context, field):
    component = getattr(field, "widget_component", "")
    if not component:
        return str(field)
    widget = field.widget

    def render() -> str:
        component_template = context.template.engine.get_template(component)
        return component_template.render(context.new({"widget": widget}))

    if component == SELECT_COMPONENT:
        return _rendered_selects.get_or_compute(_select_key(widget), render)
    return render()
