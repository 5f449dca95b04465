"""``{% kern_field %}`` renders exactly what ``components/field.html`` renders, for every kind of
field, with and without hint and errors, escaping what the template escapes."""

import pytest
from django import forms
from django.template.loader import get_template
from django.utils import translation

from rathaus.core.forms import INPUT_RENDERER, INPUT_WIDGET_TEMPLATES, KernForm
from rathaus.core.templatetags.kern import kern_field

HOSTILE = "<b>\"bold\" & 'quoted'</b>"


class EveryKindForm(KernForm):
    name = forms.CharField(label="Name " + HOSTILE, help_text="Hint " + HOSTILE, max_length=200)
    nickname = forms.CharField(required=False)
    email = forms.EmailField(label="E-mail")
    age = forms.IntegerField(required=False, min_value=0, help_text="Years")
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(choices=[("", "–"), ("a", "A & B"), ("b", HOSTILE)])
    agree = forms.BooleanField(label="I agree " + HOSTILE, help_text="Needed")
    optional_box = forms.BooleanField(required=False, label="Newsletter")
    channel = forms.ChoiceField(choices=[("x", "X"), ("y", "Y")], widget=forms.RadioSelect)
    topics = forms.MultipleChoiceField(
        choices=[("1", "One"), ("2", "Two")], widget=forms.CheckboxSelectMultiple, required=False
    )
    secret = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_name(self):
        value = self.cleaned_data["name"]
        if value.startswith("bad"):
            raise forms.ValidationError(["First " + HOSTILE, "Second problem"])
        return value


FORMS = {
    "unbound": lambda: EveryKindForm(),
    "valid": lambda: EveryKindForm(
        data={
            "name": "Erika <M>",
            "email": "e@example.org",
            "kind": "b",
            "agree": "on",
            "channel": "x",
            "age": "3",
            "note": "a < b",
            "secret": "s&",
        }
    ),
    "invalid": lambda: EveryKindForm(
        data={
            "name": "bad " + HOSTILE,
            "email": "nope",
            "age": "-1",
            "day": "never",
            "kind": "zzz",
            "topics": ["9"],
        }
    ),
}


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("which", list(FORMS))
def test_kern_field_matches_the_field_template(which, language):
    template = get_template("components/field.html")
    with translation.override(language):
        form = FORMS[which]()
        form.is_bound and form.is_valid()
        for field in form:
            assert kern_field(field) == template.render({"field": field}), field.name


def test_kern_field_escapes_labels_hints_and_errors():
    form = FORMS["invalid"]()
    form.is_valid()
    html = kern_field(form["name"])
    assert "<b>" not in html
    assert "&lt;b&gt;&quot;bold&quot; &amp; &#x27;quoted&#x27;&lt;/b&gt;" in html
    assert 'id="id_name_error"' in html and "<br>" in html


def test_input_widget_templates_only_include_input_html():
    from pathlib import Path

    import django

    widgets = Path(django.__file__).parent / "forms/templates"
    for name in INPUT_WIDGET_TEMPLATES:
        text = (widgets / name).read_text().strip()
        assert text == '{% include "django/forms/widgets/input.html" %}', name


@pytest.mark.parametrize(
    "widget",
    [
        forms.TextInput(attrs={"class": "c", "maxlength": 20, "required": True, "x": False}),
        forms.EmailInput(attrs={"aria-describedby": 'a "b"'}),
        forms.NumberInput(attrs={"min": 0}),
        forms.PasswordInput(render_value=True),
        forms.URLInput(),
        forms.CheckboxInput(attrs={"class": "kern-form-check__checkbox"}),
        forms.Textarea(attrs={"rows": 6, "aria-invalid": "true"}),
    ],
)
@pytest.mark.parametrize(
    "value", [None, "", "plain", HOSTILE, "two\nlines &amp; more", 0, 7, True, False]
)
def test_input_renderer_builds_the_markup_of_djangos_templates(widget, value):
    attrs = {"id": "id_x", "disabled": True}
    expected = widget.render("x", value, attrs)
    assert widget.render("x", value, attrs, renderer=INPUT_RENDERER) == expected
