"""The KERN widget components (components/widgets/, ``{% kern_widget %}``) write exactly the
markup Django's own widgets write for the same field, and a kept <select> never shows another
selection or other options than the field has."""

import datetime

import pytest
from django import forms
from django.template import engines
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from rathaus.core.forms import KernForm
from rathaus.core.templatetags import widgets


class _OwnOption(forms.Select):
    def create_option(self, *args, **kwargs):
        option = super().create_option(*args, **kwargs)
        option["attrs"]["data-own"] = "1"
        return option


class _Framed(forms.TextInput):
    def render(self, *args, **kwargs):
        return format_html("[{}]", super().render(*args, **kwargs))


class _Form(KernForm):
    name = forms.CharField(label="Name", max_length=20, help_text="Wie im Ausweis")
    email = forms.EmailField(label="E-Mail", required=False)
    count = forms.IntegerField(label="Anzahl", min_value=1)
    day = forms.DateField(
        label="Tag", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    secret = forms.CharField(label="Kennwort", widget=forms.PasswordInput(render_value=True))
    token = forms.CharField(widget=forms.HiddenInput, required=False)
    consent = forms.BooleanField(label="Ich stimme zu")
    newsletter = forms.BooleanField(label="Newsletter", required=False)
    office = forms.ChoiceField(
        label="Standort",
        choices=[
            ("", "–"),
            ("a", "Amt <A>"),
            ("b", gettext_lazy("Yes")),
            (3, mark_safe("<b>C</b>")),
        ],
    )
    grouped = forms.ChoiceField(
        label="Gruppe",
        required=False,
        choices=[("", "alle"), ("Nord", [("n1", "N1"), ("n2", "N2")]), ("s", "Süd")],
    )
    many = forms.MultipleChoiceField(label="Mehrere", choices=[("x", "X"), ("y", "Y")])
    own = forms.ChoiceField(label="Eigen", choices=[("p", "P")], widget=_OwnOption)
    text = forms.CharField(label="Text", widget=forms.Textarea(attrs={"rows": 4}))
    framed = forms.CharField(label="Gerahmt", widget=_Framed)
    locked = forms.CharField(label="Fest", disabled=True, initial="fix & fertig")


CASES = {
    "unbound": None,
    "bound": {
        "name": 'Erika "E" <Muster>',
        "email": "not an address",
        "count": "0",
        "day": "2026-12-04",
        "secret": "s3cret",
        "token": "t&k",
        "consent": "on",
        "office": "b",
        "grouped": "n2",
        "many": ["x", "y"],
        "own": "p",
        "text": "Zeile 1\n<script>",
    },
    "empty": {},
}


def _component(form, name):
    template = engines["django"].from_string("{% load widgets %}{% kern_widget field %}")
    return template.render({"field": form[name]})


@pytest.mark.parametrize("data", CASES.values(), ids=CASES.keys())
@pytest.mark.parametrize("language", ["de", "en"])
def test_each_widget_renders_exactly_as_django_does(data, language):
    with translation.override(language):
        form = _Form(data=data, initial={"day": datetime.date(2026, 1, 2), "name": "Vorgabe"})
        if data is not None:
            form.is_valid()
        for name in form.fields:
            assert _component(form, name) == str(form[name]), name


def test_widgets_without_a_component_render_through_django():
    form = _Form()
    assert form["office"].widget_component == "components/widgets/select.html"
    assert form["consent"].widget_component == "components/widgets/input.html"
    assert form["text"].widget_component == "components/widgets/textarea.html"
    assert form["own"].widget_component == ""
    assert form["framed"].widget_component == ""
    assert 'data-own="1"' in _component(form, "own")


def test_a_kept_select_follows_the_selection_and_the_options():
    widgets._rendered_selects.clear()
    first = _Form(data={"office": "a"})
    second = _Form(data={"office": "b"})
    assert _component(first, "office") == str(first["office"])
    assert _component(second, "office") == str(second["office"])
    assert len(widgets._rendered_selects) == 2

    changed = _Form(data={"office": "a"})
    changed.fields["office"].choices = [("", "–"), ("a", "Amt A (neu)")]
    assert "Amt A (neu)" in _component(changed, "office")

    plain = _Form(data={"office": "a"})
    plain.fields["office"].choices = [("a", "<b>A</b>")]
    safe = _Form(data={"office": "a"})
    safe.fields["office"].choices = [("a", mark_safe("<b>A</b>"))]
    assert _component(plain, "office") == str(plain["office"])
    assert _component(safe, "office") == str(safe["office"])

    with translation.override("de"):
        german = _Form(data={"office": "b"})
        assert ">Ja</option>" in _component(german, "office")
    with translation.override("en"):
        english = _Form(data={"office": "b"})
        assert ">Yes</option>" in _component(english, "office")


def test_a_field_of_a_plain_django_form_renders_through_django():
    class Plain(forms.Form):
        office = forms.ChoiceField(choices=[("a", "A")])

    form = Plain()
    assert _component(form, "office") == str(form["office"])


def _key(data=None, *, language="en", change=None, names=("office", "grouped", "consent")):
    with translation.override(language):
        form = _Form(data=data)
        if change:
            change(form)
        if data is not None:
            form.is_valid()
        return form.shown_key(names)


def test_the_shown_key_changes_with_everything_the_fields_show():
    """``shown_key`` stands for the fields' markup in a {% cache %} fragment: whatever changes
    the markup changes the key."""
    chosen = {"office": "a", "consent": "on"}
    assert _key(chosen) == _key(dict(chosen))
    assert _key() == _key()

    def relabel(form):
        form.fields["office"].label = "Amt"
        form._bound_fields_cache.pop("office", None)  # a bound field keeps the label it had

    def rehint(form):
        form.fields["office"].help_text = "Wo Sie wohnen"

    def new_option(form):
        form.fields["office"].choices = [("", "–"), ("a", "Amt <A> (neu)")]

    def safe_option(form):
        form.fields["office"].choices = [("", "–"), ("a", mark_safe("Amt <A>"))]

    def optional(form):
        form.fields["office"].required = False

    def attribute(form):
        form.fields["office"].widget.attrs["data-x"] = "1"

    different = {
        "selection": _key({**chosen, "office": "b"}),
        "box": _key({"office": "a"}),
        "errors": _key({**chosen, "office": "zzz"}),
        "language": _key(chosen, language="de"),
        "label": _key(chosen, change=relabel),
        "hint": _key(chosen, change=rehint),
        "options": _key(chosen, change=new_option),
        "safe text": _key(chosen, change=safe_option),
        "required": _key(chosen, change=optional),
        "attributes": _key(chosen, change=attribute),
        "fields": _key(chosen, names=("office", "grouped")),
        "unbound": _key(),
    }
    same = [name for name, key in different.items() if key == _key(chosen)]
    assert same == []
    assert len(set(different.values())) == len(different)
