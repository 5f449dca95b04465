"""Form helpers that give every field KERN UX markup and accessible error wiring."""

from django import forms

INPUT_CLASS = {
    "select": "kern-form-input__select",
    "checkbox": "kern-form-check__checkbox",
    "radioselect": "kern-form-check__radio",
}


class KernFormMixin:
    """Adds KERN classes, ``aria-invalid`` and ``aria-describedby`` (hint and error) to widgets.

    Call after validation too: ``errors`` are wired in ``full_clean``.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget_type = type(field.widget).__name__.lower().replace("input", "")
            if isinstance(field.widget, forms.RadioSelect):
                css = INPUT_CLASS["radioselect"]
            elif isinstance(field.widget, forms.CheckboxInput):
                css = INPUT_CLASS["checkbox"]
            elif isinstance(field.widget, forms.Select):
                css = INPUT_CLASS["select"]
            else:
                css = "kern-form-input__input"
            field.widget.attrs.setdefault("class", css)
            del widget_type, name

    def full_clean(self):
        super().full_clean()
        for name, field in self.fields.items():
            bound = self[name]
            described = []
            if field.help_text:
                described.append(f"{bound.auto_id}_helptext")
            if self.errors.get(name):
                described.append(f"{bound.auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
                css = field.widget.attrs.get("class", "")
                if css.endswith("__input") or css.endswith("__select"):
                    field.widget.attrs["class"] = f"{css} {css}--error"
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)


class KernForm(KernFormMixin, forms.Form):
    template_name = "components/form_fields.html"


class KernModelForm(KernFormMixin, forms.ModelForm):
    template_name = "components/form_fields.html"
