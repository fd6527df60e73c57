"""Words that carry meaning, and a light stem so a word meets its other forms."""

from __future__ import annotations

import re

from ingest.text.resources import word_list

STOPWORDS = frozenset(word_list("stopwords"))
_CLITIC = re.compile(r"(?:'s|'re|'ve|'ll|'d|'m|n't)$")
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.-]*[A-Za-z0-9]|[A-Za-z0-9]")


def content_terms(text: str) -> list[str]:
    """Lower-cased words of text that carry meaning: no stopwords, nor a stopword run together
    with a short "is", "are", "have", "will", "would", "am" or "not" ("what's", "they're",
    "didn't"), no one-letter words."""
    words = (w.lower().replace("’", "'") for w in WORD.findall(text))
    return [w for w in words if len(w) > 1 and not _stopword(w) and '"' not in w]


def _stopword(word: str) -> bool:
    """Whether a lower-cased word, or its part before a clitic, is a stopword."""
    return word in STOPWORDS or _CLITIC.sub("", word) in STOPWORDS


def stem(word: str) -> str:
    """A crude stem so a word meets its other forms: "summits" and "summit", "reported" and
    "report", "rates" and "rate" (a final e goes, as "es" and "ed" take it), "cities" and
    "city" (a y after a consonant is an i), "classes" and "class". A possessive goes however
    short the word: "AI's" is "ai"."""
    if word.endswith("'s") and len(word) > 2:
        return stem(word[:-2])
    for suffix in ("ing", "ed", "es", "s"):
        kept_s = suffix == "s" and word.endswith("ss")
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not kept_s:
            word = word[: -len(suffix)]
            break
    if len(word) >= 4 and word.endswith("e"):
        return word[:-1]
    if len(word) >= 4 and word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "i"
    return word


def stems(text: str) -> set[str]:
    """Stems of the meaningful words of text."""
    return set(stem_sequence(text))


def stem_sequence(text: str) -> list[str]:
    """Stems of the meaningful words of text, in order."""
    return [stem(w) for w in content_terms(text)]
