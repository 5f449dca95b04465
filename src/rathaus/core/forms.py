"""Form helpers that give every field KERN UX markup and accessible error wiring.

Render fields with ``components/field.html``; it uses the same ids as this mixin:
``<auto_id>_helptext`` for the hint and ``<auto_id>_error`` for the error message.
"""

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import SafeString, mark_safe

from rathaus.core.html import html_format

# Widgets rendered as a group of options inside a <fieldset> (see components/field.html).
GROUP_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


def _widget_class(widget: forms.Widget) -> str:
    if isinstance(widget, GROUP_WIDGETS):
        if isinstance(widget, forms.RadioSelect):
            return "kern-form-check__radio"
        return "kern-form-check__checkbox"
    if isinstance(widget, forms.CheckboxInput):
        return "kern-form-check__checkbox"
    if isinstance(widget, forms.Select):
        return "kern-form-input__select"
    return "kern-form-input__input"


# Django's widget templates that only include ``django/forms/widgets/input.html``.
INPUT_WIDGET_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("text", "checkbox", "email", "number", "password", "search", "tel", "url")
)


def attrs_html(attrs: dict) -> SafeString:
    """Django's ``django/forms/widgets/attrs.html`` in Python."""
    return mark_safe(  # noqa: S308 - every part is built with html_format
        "".join(
            html_format(" {}", name) if value is True else html_format(' {}="{}"', name, str(value))
            for name, value in attrs.items()
            if value is not False
        )
    )


TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"


class InputRenderer(DjangoTemplates):
    """Django's form renderer, except that plain ``<input>`` widgets (``INPUT_WIDGET_TEMPLATES``)
    and ``<textarea>`` are built in Python with exactly the markup of Django's templates: a form
    rendered on every request then spends no template engine time on them. Everything else
    renders as usual."""

    def render(self, template_name, context, request=None):
        if template_name == TEXTAREA_TEMPLATE:
            widget = context["widget"]
            return html_format(
                '<textarea name="{}"{}>\n{}</textarea>',
                widget["name"],
                attrs_html(widget["attrs"]),
                widget["value"] or "",
            )
        if template_name in INPUT_WIDGET_TEMPLATES:
            widget = context["widget"]
            value = widget["value"]
            return html_format(
                '<input type="{}" name="{}"{}{}>',
                widget["type"],
                widget["name"],
                html_format(' value="{}"', str(value)) if value is not None else "",
                attrs_html(widget["attrs"]),
            )
        return super().render(template_name, context, request)


INPUT_RENDERER = InputRenderer()


class KernFormMixin:
    """Adds KERN classes, ``aria-invalid`` and ``aria-describedby`` (hint and error) to widgets.

    The wiring is set up in ``__init__`` (hint) and redone in ``full_clean`` (hint and error), so
    it always reflects the last validation. Grouped widgets (radios, multiple checkboxes) are
    described on their ``<fieldset>`` in the template, because hint and error belong to the
    whole question rather than to one option.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", _widget_class(field.widget))
            self._wire_field(name, has_error=False)

    def _wire_field(self, name: str, *, has_error: bool) -> None:
        field = self.fields[name]
        attrs = field.widget.attrs
        attrs.pop("aria-invalid", None)
        attrs.pop("aria-describedby", None)
        classes = [c for c in attrs.get("class", "").split() if not c.endswith("--error")]
        if has_error:
            classes += [f"{c}--error" for c in classes if c.endswith(("__input", "__select"))]
        attrs["class"] = " ".join(classes)
        if isinstance(field.widget, GROUP_WIDGETS):
            return
        if has_error:
            attrs["aria-invalid"] = "true"
        auto_id = self[name].auto_id
        described = []
        if field.help_text and auto_id:
            described.append(f"{auto_id}_helptext")
        if has_error and auto_id:
            described.append(f"{auto_id}_error")
        if described:
            attrs["aria-describedby"] = " ".join(described)

    def full_clean(self):
        super().full_clean()
        for name in self.fields:
            self._wire_field(name, has_error=name in self.errors)


class KernForm(KernFormMixin, forms.Form):
    template_name = "components/form_fields.html"


class KernModelForm(KernFormMixin, forms.ModelForm):
    template_name = "components/form_fields.html"
