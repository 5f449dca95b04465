"""Content kept in German and English, side by side: a text field ``<name>`` (German, the
official text) and ``<name>_en``. Pages in English show the English text where there is one and
the German text otherwise."""

from django.utils.translation import get_language


def in_english() -> bool:
    return (get_language() or "de").startswith("en")


def translated(obj, field: str) -> str:
    """``obj.<field>_en`` on English pages when it is filled, else ``obj.<field>``."""
    if in_english():
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, field)


def shown_language(obj, field: str) -> str:
    """The language of what ``translated`` shows (for the ``lang`` attribute)."""
    return "en" if in_english() and getattr(obj, f"{field}_en", "") else "de"
