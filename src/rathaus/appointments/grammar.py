"""Office names in generated sentences, with the article and case German needs: "beim
Bürgerbüro", "bei der Stadtverwaltung", "zum Bürgerbüro", "zur Stadtverwaltung". The phrases are
translations with the name's grammatical gender as context, so each language says it its way."""

from django.utils.translation import pgettext

from .constants import NameGender


def office_at(name: str, gender: str) -> str:
    """Where something happens: "beim Bürgerbüro im Rathaus" / "at Bürgerbüro im Rathaus"."""
    if gender == NameGender.FEMININE:
        phrase = pgettext("feminine office name", "at %(office)s")
    elif gender == NameGender.PLURAL:
        phrase = pgettext("plural office name", "at %(office)s")
    else:
        phrase = pgettext("masculine or neuter office name", "at %(office)s")
    return phrase % {"office": name}


def office_to(name: str, gender: str) -> str:
    """Where to go: "zum Bürgerbüro im Rathaus" / "to Bürgerbüro im Rathaus"."""
    if gender == NameGender.FEMININE:
        phrase = pgettext("feminine office name", "to %(office)s")
    elif gender == NameGender.PLURAL:
        phrase = pgettext("plural office name", "to %(office)s")
    else:
        phrase = pgettext("masculine or neuter office name", "to %(office)s")
    return phrase % {"office": name}
