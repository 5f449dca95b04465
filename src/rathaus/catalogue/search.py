"""Typo- and umlaut-tolerant matching of a query against catalogue entries (pure Python).

Both sides are reduced to a plain spelling first: case folded, ß → ss, umlauts written as
"ae"/"oe"/"ue" and accented letters without their accent all become the base letter. So
"Führungszeugnis", "Fuehrungszeugnis" and "Fuhrungszeugnis" are the same word. Each query word
is then compared with each word of a service's name and keywords: exact, prefix or part of a
compound word score high, otherwise difflib's similarity ratio decides (catches "Persnalausweis").
An entry matches only when every word of the query does. The same code runs on PostgreSQL and
SQLite: the catalogue of a town is a few dozen entries, scored in memory.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

from .constants import SEARCH_STOP_WORDS

MIN_SCORE = 0.78
MIN_FRAGMENT = 4  # shortest query word that may match inside a compound word
SUMMARY_WEIGHT = 0.85
_SPELLED_UMLAUT = re.compile(r"(ae|oe|ue)")
_WORD = re.compile(r"[a-z0-9]+")


def normalise(text: str) -> str:
    text = text.casefold().replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    # "ue" is how "ü" is typed without the key; fold it to the base letter. Words with a
    # genuine "ue", like "Steuer", fold the same way on both sides, so they still match.
    return _SPELLED_UMLAUT.sub(lambda m: m.group(1)[0], text)


def words(text: str) -> list[str]:
    return _WORD.findall(normalise(text))


def query_words(query: str) -> list[str]:
    found = [w for w in words(query) if w not in SEARCH_STOP_WORDS]
    return found or words(query)


def word_score(query_word: str, candidate: str) -> float:
    if query_word == candidate:
        return 1.0
    if len(query_word) >= 3 and candidate.startswith(query_word):
        return 0.95
    if len(query_word) >= MIN_FRAGMENT and query_word in candidate:
        return 0.9
    if abs(len(query_word) - len(candidate)) > max(3, len(query_word) // 2):
        return 0.0
    return SequenceMatcher(None, query_word, candidate, autojunk=False).ratio()


@dataclass(frozen=True)
class SearchText:
    """The searchable words of one entry: strong (name, keywords) and weak (short text)."""

    strong: tuple[str, ...]
    weak: tuple[str, ...]

    @classmethod
    def build(cls, *, strong: Iterable[str], weak: Iterable[str] = ()) -> SearchText:
        strong_words = {w for text in strong for w in words(text)}
        # Whole multi-word names also count as one word, so "melde bescheinigung" still hits.
        strong_words |= {"".join(words(text)) for text in strong if text}
        weak_words = {w for text in weak for w in words(text)} - strong_words
        return cls(strong=tuple(sorted(strong_words)), weak=tuple(sorted(weak_words)))


def match_score(query: list[str], text: SearchText) -> float:
    """0..1: how well the whole query matches. Every query word must match a word of the entry
    ("Hund anmelden" finds nothing rather than every service with "anmelden"); the score is the
    mean of the words' best matches, so closer spellings rank first."""
    if not query:
        return 0.0
    bests = []
    for query_word in query:
        best = max((word_score(query_word, w) for w in text.strong), default=0.0)
        weak = max((word_score(query_word, w) for w in text.weak), default=0.0)
        bests.append(max(best, weak * SUMMARY_WEIGHT))
    if min(bests) < MIN_SCORE:
        return 0.0
    return sum(bests) / len(bests)
