"""Words of a question that the archive never uses, matched to the nearest spelling it does.

The keyword index stores Porter stems, so a question word is looked up by its stem; one the
archive lacks ("gogle") is compared with the archive's stems that begin with the same two
letters, and the nearest (at most MAX_EDITS edits, the most used on a tie) that the reader's
archives hold replaces it, written as their articles write it ("Google"); a capitalised word
is mended only into one the articles write capitalised ("Gogle" is not "goal"). A word found only in
another server's archive is neither mended nor offered.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import snowballstemmer

from ingest.store.keyword import KeywordIndex, Scopes, fts_prefix
from ingest.text.words import STOPWORDS

MIN_LETTERS = 4  # shorter words are too often something else, one letter away
MAX_EDITS = 2  # for a stem of more than SHORT letters; one edit for a shorter one
SHORT = 5
_WORD = re.compile(r"[A-Za-z]+")  # as the keyword index splits words: "bank's" is "bank", "s"
_STEMMER = snowballstemmer.stemmer("porter")


@dataclass(frozen=True)
class Correction:
    """A word of the question, and the archive's word it stands for."""

    asked: str
    meant: str


def stem(word: str) -> str:
    """The Porter stem the keyword index keeps for a word."""
    return _STEMMER.stemWord(word.lower())


def correct(
    question: str, keyword: KeywordIndex, scopes: Scopes = None
) -> tuple[str, list[Correction]]:
    """The question with every word the archive lacks replaced by its nearest spelling in the
    archives of scopes, and the corrections made (none when every word is found, or nothing
    is near)."""
    corrections = []
    for word in dict.fromkeys(_WORD.findall(question)):
        if len(word) < MIN_LETTERS or word.lower() in STOPWORDS or keyword.has_term(stem(word)):
            continue
        for near in nearest(stem(word), keyword, scopes):
            written = _written(near, keyword, word, scopes)
            if not (word[0].isupper() and written.islower()):  # a name stays a name
                corrections.append(Correction(word, written))
                break
    for c in corrections:
        question = re.sub(rf"\b{re.escape(c.asked)}\b", c.meant, question)
    return question, corrections


def nearest(asked: str, keyword: KeywordIndex, scopes: Scopes = None) -> Iterator[str]:
    """The stems close enough to one the archive lacks, of those the archives of scopes hold,
    nearest first (the most used on a tie)."""
    allowed = MAX_EDITS if len(asked) > SHORT else 1
    near = []
    for term, documents in keyword.terms_starting(asked[:2]):
        if abs(len(term) - len(asked)) <= allowed:
            edits = distance(asked, term)
            if edits <= allowed:
                near.append((edits, -documents, term))
    for _, _, term in sorted(near):
        if keyword.mentions(fts_prefix(term), scopes):
            yield term


def distance(a: str, b: str) -> int:
    """Edits (insert, delete, replace, swap two neighbours) that turn a into b."""
    rows = [list(range(len(b) + 1))]
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            row.append(min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (ca != cb)))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def _written(term: str, keyword: KeywordIndex, asked: str, scopes: Scopes) -> str:
    """How the articles write the word with this stem: its most frequent form in the chunks
    that hold it, in lower case when the question wrote the word so."""
    forms = Counter(
        word
        for text in keyword.texts_with_term(term, scopes)
        for word in _WORD.findall(text)
        if stem(word) == term
    )
    written = forms.most_common(1)[0][0] if forms else term
    return written.lower() if asked.islower() and not written.isupper() else written
