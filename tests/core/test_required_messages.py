"""A required field left empty gets a message that names it and says what to do."""

from django import forms
from django.utils import translation

from rathaus.core.forms import KernForm


class _Form(KernForm):
    street = forms.CharField(label="Straße")
    office = forms.ChoiceField(label="Standort", choices=[("", "–"), ("a", "A")])
    way = forms.ChoiceField(label="Weg", choices=[("a", "A")], widget=forms.RadioSelect)
    consent = forms.BooleanField(label="Ich stimme zu")
    proof = forms.FileField(label="Nachweis")
    own = forms.CharField(label="Name", error_messages={"required": "Geben Sie Ihren Namen ein."})
    optional = forms.CharField(label="Zusatz", required=False)


def test_required_messages_name_the_field():
    with translation.override("de"):
        form = _Form(data={})
        assert not form.is_valid()
        assert form.errors == {
            "street": ["Geben Sie „Straße“ an."],
            "office": ["Wählen Sie bei „Standort“ eine Antwort aus."],
            "way": ["Wählen Sie bei „Weg“ eine Antwort aus."],
            "consent": ["Setzen Sie ein Häkchen bei „Ich stimme zu“, um fortzufahren."],
            "proof": ["Wählen Sie eine Datei für „Nachweis“ aus."],
            "own": ["Geben Sie Ihren Namen ein."],
        }
    with translation.override("en"):
        assert _Form(data={}).errors["street"] == ["Enter “Straße”."]
        # Each form instance has its own messages: Django's default stays untouched.
        assert forms.CharField().error_messages["required"] == "This field is required."
