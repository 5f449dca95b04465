"""Form helpers that give every field KERN UX markup and accessible error wiring.

Render fields with ``components/field.html``; it uses the same ids as this mixin:
``<auto_id>_helptext`` for the hint and ``<auto_id>_error`` for the error message.
"""

import hashlib
from collections.abc import Iterable
from functools import cached_property

from django import forms
from django.forms.widgets import ChoiceWidget
from django.utils.functional import lazy
from django.utils.translation import get_language, gettext

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


# Django's "This field is required." names no field: the error summary would list it once per
# empty field. Fields without their own message get one that names the field and says what to do.
_DJANGO_REQUIRED = forms.Field.default_error_messages["required"]


def required_message(field: forms.Field) -> str:
    label = str(field.label)
    widget = field.widget
    if isinstance(widget, (forms.Select, forms.RadioSelect, forms.CheckboxSelectMultiple)):
        return gettext("Choose an answer for “%(label)s”.") % {"label": label}
    if isinstance(widget, forms.CheckboxInput):
        return gettext("Tick “%(label)s” to continue.") % {"label": label}
    if isinstance(widget, forms.FileInput):
        return gettext("Choose a file for “%(label)s”.") % {"label": label}
    return gettext("Enter “%(label)s”.") % {"label": label}


def _required_message_or_default(field: forms.Field) -> str:
    return required_message(field) if field.label else str(_DJANGO_REQUIRED)


# Made when a required field is left empty, not for each field of each form: most forms are
# valid, and the message costs translations a valid form never shows.
_lazy_required_message = lazy(_required_message_or_default, str)


# Django's widget templates whose markup a KERN component template (components/widgets/) renders
# from the same widget context, without the form renderer and its include per <option> and per
# attribute list. Other widgets (radios, files, custom templates) render through Django.
_INPUT_WIDGETS = "text email url search tel number password hidden date datetime time checkbox"
_WIDGET_COMPONENTS = {
    **{
        f"django/forms/widgets/{name}.html": "components/widgets/input.html"
        for name in _INPUT_WIDGETS.split()
    },
    "django/forms/widgets/select.html": "components/widgets/select.html",
    "django/forms/widgets/textarea.html": "components/widgets/textarea.html",
}
_SELECT_OPTION = "django/forms/widgets/select_option.html"


class KernBoundField(forms.BoundField):
    """A bound field that hands ``components/field.html`` the widget's values, so that the KERN
    component templates render the input itself (``widget_component``, ``widget``)."""

    @cached_property
    def widget_type(self) -> str:
        # Django's property runs a regular expression each time; field.html asks up to four times.
        return forms.BoundField.widget_type.fget(self)

    @cached_property
    def widget_component(self) -> str:
        """The component template for this field's widget, or "" to render it through Django."""
        widget = self.field.widget
        component = _WIDGET_COMPONENTS.get(widget.template_name, "")
        if self.field.show_hidden_initial or type(widget).render is not forms.Widget.render:
            return ""  # a second hidden input, or a widget that renders itself differently
        if isinstance(widget, ChoiceWidget) and (
            widget.option_template_name != _SELECT_OPTION
            or type(widget).create_option is not ChoiceWidget.create_option
        ):
            return ""  # the component's options carry no attributes other than "selected"
        return component

    @property
    def widget(self) -> dict:
        """Django's context for the widget, exactly as ``as_widget`` renders it."""
        widget = self.field.widget
        if self.field.localize:
            widget.is_localized = True
        attrs = self.build_widget_attrs({}, widget)
        if self.auto_id and "id" not in widget.attrs:
            attrs.setdefault("id", self.auto_id)
        return widget.get_context(self.html_name, self.value(), attrs)["widget"]


def _shown(value):
    """``value`` as it reaches the markup, comparable by its ``repr``: plain text, numbers and
    None as they are; other values (translatable text, safe strings, which are written
    unescaped) as their type and text now; lists and dictionaries item by item."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is list or kind is tuple:
        return tuple(map(_shown, value))
    if kind is dict:
        return tuple((name, _shown(item)) for name, item in value.items())
    return (kind.__name__, str(value))


class KernFormMixin:
    """Adds KERN classes, ``aria-invalid`` and ``aria-describedby`` (hint and error) to widgets.

    The wiring is set up in ``__init__`` (hint) and redone in ``full_clean`` (hint and error), so
    it always reflects the last validation. Grouped widgets (radios, multiple checkboxes) are
    described on their ``<fieldset>`` in the template, because hint and error belong to the
    whole question rather than to one option.
    """

    bound_field_class = KernBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", _widget_class(field.widget))
            if field.error_messages.get("required") is _DJANGO_REQUIRED:
                field.error_messages["required"] = _lazy_required_message(field)
            if not self.is_bound:
                # A bound form is wired by ``full_clean``, which runs before any of its widgets
                # is rendered (Django's ``build_widget_attrs`` asks for the field's errors).
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

    def shown_key(self, names: Iterable[str]) -> str:
        """A digest of everything ``components/field.html`` shows for the fields ``names``: the
        language, each field's kind, name and id, label, hint, required state, attributes,
        options, value and errors. Two forms with the same key render those fields alike, so the
        key can stand for their markup in a ``{% cache %}`` fragment."""
        shown = [get_language(), self.use_required_attribute]
        for name in names:
            bound = self[name]
            field, widget = bound.field, bound.field.widget
            shown.append(
                (
                    type(field),
                    type(widget),
                    bound.html_name,
                    bound.auto_id,
                    field.required,
                    field.disabled,
                    field.localize,
                    field.show_hidden_initial,
                    _shown(bound.label),
                    _shown(bound.help_text),
                    _shown(bound.build_widget_attrs(widget.attrs, widget)),
                    _shown(getattr(widget, "choices", ())),
                    _shown(bound.value()),
                    _shown(list(bound.errors)),
                )
            )
        return hashlib.sha256(repr(shown).encode()).hexdigest()


class KernForm(KernFormMixin, forms.Form):
    template_name = "components/form_fields.html"


class KernModelForm(KernFormMixin, forms.ModelForm):
    template_name = "components/form_fields.html"
