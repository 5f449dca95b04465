"""The shared form components render GOV.UK-style accessible errors in KERN markup."""

import re

import pytest
from django import forms
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from rathaus.core.forms import KernForm


class ContactForm(KernForm):
    name = forms.CharField(label="Name", max_length=20)
    email = forms.EmailField(label="E-mail", help_text="We only use it to answer you.")
    topic = forms.ChoiceField(
        label="Topic",
        choices=[("a", "Anmeldung"), ("b", "Bauantrag")],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label="Comment", required=False, widget=forms.Textarea)
    agree = forms.BooleanField(label="I agree")


PAGE = Template(
    "{% extends 'base.html' %}{% block title %}Contact{% endblock %}"
    "{% block content %}<form method='post' novalidate>"
    "{% include 'components/error_summary.html' %}"
    "{% for field in form %}{% include 'components/field.html' with field=field %}{% endfor %}"
    "</form>{% endblock %}"
)


def render(form, language="de"):
    request = RequestFactory().get("/")
    with translation.override(language):
        return PAGE.render(Context({"form": form, "request": request, "municipality": None}))


def attributes_of(html, element_id):
    match = re.search(rf"<(input|textarea|select)\b[^>]*\bid=\"{element_id}\"[^>]*>", html)
    assert match, f"no input with id {element_id!r} in the page"
    return dict(re.findall(r'([\w-]+)="([^"]*)"', match.group(0)))


@pytest.fixture
def invalid_form():
    form = ContactForm(data={"name": "Erika Mustermann", "email": "not-an-address", "topic": ""})
    assert not form.is_valid()
    return form


def test_error_summary_links_to_every_invalid_field(invalid_form):
    html = render(invalid_form)
    summary = re.search(r"<div[^>]*data-error-summary[^>]*>.*?</div>\s*</div>", html, re.S).group(0)
    assert 'tabindex="-1"' in summary
    assert 'role="alert"' in summary
    assert "Es gibt ein Problem" in summary
    links = re.findall(r'href="#([^"]+)"', summary)
    # Radio groups link to their first option; every link target exists in the page.
    assert links == ["id_email", "id_topic_0", "id_agree"]
    for target in links:
        assert f'id="{target}"' in html


def test_invalid_inputs_are_marked_and_described(invalid_form):
    html = render(invalid_form)
    email = attributes_of(html, "id_email")
    assert email["aria-invalid"] == "true"
    assert email["aria-describedby"] == "id_email_helptext id_email_error"
    assert "kern-form-input__input--error" in email["class"]
    assert 'id="id_email_helptext"' in html
    error = re.search(r'<p class="kern-error" id="id_email_error">(.*?)</p>', html, re.S).group(1)
    assert "Fehler:" in error  # visually hidden prefix for screen readers
    assert "gültige E-Mail-Adresse" in error

    agree = attributes_of(html, "id_agree")
    assert agree["aria-invalid"] == "true"
    assert agree["aria-describedby"] == "id_agree_error"


def test_valid_fields_keep_input_and_are_not_marked_invalid(invalid_form):
    html = render(invalid_form)
    name = attributes_of(html, "id_name")
    assert name["value"] == "Erika Mustermann"
    assert "aria-invalid" not in name
    assert "aria-describedby" not in name
    email = attributes_of(html, "id_email")
    assert email["value"] == "not-an-address"


def test_radio_group_is_a_fieldset_described_by_its_error(invalid_form):
    html = render(invalid_form)
    fieldset = re.search(r"<fieldset[^>]*>", html).group(0)
    assert 'aria-describedby="id_topic_error"' in fieldset
    assert "kern-fieldset--error" in fieldset
    assert re.search(r"<legend[^>]*>Topic</legend>", html)
    assert '<label class="kern-label" for="id_topic_0">Anmeldung</label>' in html


def test_error_ids_are_unique(invalid_form):
    invalid_form.add_error("name", "First problem")
    invalid_form.add_error("name", "Second problem")
    html = render(invalid_form)
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert html.count('id="id_name_error"') == 1


def test_title_gets_error_prefix_only_with_errors(invalid_form):
    assert "<title>Fehler: Contact – Rathaus</title>" in render(invalid_form)
    assert "<title>Error: Contact – Rathaus</title>" in render(invalid_form, language="en")
    assert "<title>Contact – Rathaus</title>" in render(ContactForm())


def test_unbound_form_has_no_error_markup_but_describes_hints():
    html = render(ContactForm())
    assert "data-error-summary" not in html
    assert "aria-invalid" not in html
    assert attributes_of(html, "id_email")["aria-describedby"] == "id_email_helptext"
    assert "– freiwillig" in html  # the optional comment field says so in its label


def test_a_bound_form_rendered_before_validation_is_wired_as_after_it():
    # A bound form's hint and error wiring is made by full_clean (not in __init__): rendering
    # asks for the errors first, so a view that renders without calling is_valid() gets the same
    # markup as one that validated.
    data = {"name": "Erika Mustermann", "email": "not-an-address", "topic": ""}
    field_only = Template("{% include 'components/field.html' with field=form.email %}")
    with translation.override("de"):
        rendered_first = field_only.render(Context({"form": ContactForm(data=data)}))
        validated = ContactForm(data=data)
        validated.is_valid()
        assert rendered_first == field_only.render(Context({"form": validated}))
    email = attributes_of(rendered_first, "id_email")
    assert email["aria-describedby"] == "id_email_helptext id_email_error"
    assert email["aria-invalid"] == "true"


def test_errors_are_cleared_after_a_successful_validation():
    form = ContactForm(data={"name": "", "email": "x"})
    form.is_valid()
    assert form.fields["name"].widget.attrs["aria-invalid"] == "true"
    form = ContactForm(
        data={"name": "Erika", "email": "erika@example.org", "topic": "a", "agree": "on"}
    )
    assert form.is_valid()
    assert "aria-invalid" not in form.fields["name"].widget.attrs


def test_summary_list_has_change_links_with_hidden_context():
    html = Template("{% include 'components/summary_list.html' %}").render(
        Context({"rows": [("Name", "Erika", "/aendern/name/"), ("Birthday", "", None)]})
    )
    assert '<a class="kern-link" href="/aendern/name/">' in html
    assert '<span class="rh-visually-hidden"> Name</span>' in html
    assert html.count("<a ") == 1
    assert "–" in html  # empty values show a dash


def test_back_link_points_to_the_given_page():
    html = Template("{% include 'components/back_link.html' with href='/leistungen/' %}").render(
        Context({})
    )
    assert 'href="/leistungen/"' in html
    assert "rh-back-link" in html
