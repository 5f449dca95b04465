"""Office names in generated sentences carry their article and case (no database)."""

import pytest
from django.utils import translation

from rathaus.appointments.constants import NameGender
from rathaus.appointments.grammar import office_at, office_to


@pytest.mark.parametrize(
    ("gender", "at", "to"),
    [
        (NameGender.NEUTER, "beim Bürgerbüro", "zum Bürgerbüro"),
        (NameGender.MASCULINE, "beim Bürgerbüro", "zum Bürgerbüro"),
        (NameGender.FEMININE, "bei der Bürgerbüro", "zur Bürgerbüro"),
        (NameGender.PLURAL, "bei den Bürgerbüro", "zu den Bürgerbüro"),
    ],
)
def test_german_phrases_follow_the_names_gender(gender, at, to):
    with translation.override("de"):
        assert office_at("Bürgerbüro", gender) == at
        assert office_to("Bürgerbüro", gender) == to


def test_english_phrases_need_no_article():
    with translation.override("en"):
        assert office_at("Bürgerbüro", NameGender.FEMININE) == "at Bürgerbüro"
        assert office_to("Bürgerbüro", NameGender.NEUTER) == "to Bürgerbüro"
