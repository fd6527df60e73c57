"""Words that carry meaning, and a light stem so a word meets its other forms."""

from __future__ import annotations

import re

from ingest.text.resources import word_list

STOPWORDS = frozenset(word_list("stopwords"))
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.-]*[A-Za-z0-9]|[A-Za-z0-9]")


def content_terms(text: str) -> list[str]:
    """Lower-cased words of text that carry meaning: no stopwords (nor "what's" and the like),
    no one-letter words."""
    words = (w.lower().replace("’", "'") for w in WORD.findall(text))
    return [
        w for w in words if len(w) > 1 and w.removesuffix("'s") not in STOPWORDS and '"' not in w
    ]


def stem(word: str) -> str:
    """A crude stem so "summits" meets "summit", "reported" meets "report" and
    "temperatures" meets "temperature" (a final e goes, as "es" and "ed" take it)."""
    for suffix in ("'s", "ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:-1] if word.endswith("e") and len(word) >= 5 else word


def stems(text: str) -> set[str]:
    """Stems of the meaningful words of text."""
    return set(stem_sequence(text))


def stem_sequence(text: str) -> list[str]:
    """Stems of the meaningful words of text, in order."""
    return [stem(w) for w in content_terms(text)]
