"""Words of a question that the archive never uses, matched to the nearest spelling it does.

The keyword index stores Porter stems, so a question word is looked up by the stem the index's
own tokenizer gives it. A word the archive lacks but the language has ("election", "weed":
one the embedding model's vocabulary holds whole) is no misspelling and stays as asked. One
that is neither ("gogle") is compared with the archive's stems that begin with the same two
letters (a slip in an ending keeps the stemmer from cutting it, so a stem the word begins
with counts too: "estimatd" is "estim"), and the nearest (at most MAX_EDITS edits) that the
reader's archives hold replaces it, written as their articles write it ("Google"; as a title
does, when only titles hold it), when that written word too is at most MAX_EDITS from the
asked one: stems near by chance ("deforest" and "dearest") are no slip of typing.
Among as near, the one found most often beside the question's other words wins ("epic v
gogle" is Google, not goal), written as the articles write it in that company ("Online Saftey
Act" is the Online Safety Act). A capitalised word never becomes a word written in lower case:
a name the archive lacks stays a name. A word found only in another server's archive is
neither mended nor offered.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ingest.store.keyword import KeywordIndex, Scopes, fts_prefix, index_stems
from ingest.text.words import STOPWORDS

MIN_LETTERS = 4  # shorter words are too often something else, one letter away
MAX_EDITS = 2  # for a stem of more than SHORT letters; one edit for a shorter one
SHORT = 5
MAX_ENDING = 4  # letters of an ending a slip may keep on the word: "erd" of "headquarterd"
TOGETHER = 1000  # chunks counted where a mended word stands with the question's other words
RARE = 20  # chunks a word is taken to hold beyond its own: one seen once proves little
_WORD = re.compile(r"[^\W\d_]+")  # as the keyword index splits words: "bank's" is "bank", "s"


@dataclass(frozen=True)
class Correction:
    """A word of the question, and the archive's word it stands for."""

    asked: str
    meant: str


def correct(
    question: str, keyword: KeywordIndex, is_word: Callable[[str], bool], scopes: Scopes = None
) -> tuple[str, list[Correction]]:
    """The question with every word the archive lacks and `is_word` does not know replaced by
    its nearest spelling in the archives of scopes, and the corrections made (none when every
    word is found or known, or nothing is near)."""
    words = [w for w in dict.fromkeys(_WORD.findall(question)) if _counts(w)]
    stems = dict(zip(words, index_stems(words), strict=True))
    known = [w for w in words if keyword.has_term(stems[w])]
    company = " OR ".join(f'"{w}"' for w in known)  # the question's words the archive has
    corrections = []
    for word in (w for w in words if w not in known and not is_word(w)):
        for near, together in nearest(stems[word], keyword, scopes, company):
            where = f'"{near}" AND ({company})' if together else fts_prefix(near)
            found = keyword.texts_matching(where, scopes)
            titles, texts = [title for title, _ in found], [text for _, text in found]
            # a title's capitals say less: it is read only when the texts lack the word
            written = _written(near, texts, word) or _written(near, titles, word)
            if not written or (word[0].isupper() and written.islower()):  # a name stays a name
                continue
            if distance(word.lower(), written.lower()) <= MAX_EDITS:  # a slip, not a new word
                corrections.append(Correction(word, written))
                break
    for c in corrections:
        question = re.sub(rf"\b{re.escape(c.asked)}\b", c.meant, question)
    return question, corrections


def _counts(word: str) -> bool:
    """Whether a question word is one to look up: long enough, and no stopword."""
    return len(word) >= MIN_LETTERS and word.lower() not in STOPWORDS


def nearest(
    asked: str, keyword: KeywordIndex, scopes: Scopes = None, company: str = ""
) -> Iterator[tuple[str, int]]:
    """The stems close enough to one the archive lacks, of those the archives of scopes hold,
    each with how many chunks hold it beside the question's other words (`company`, an FTS5
    expression; up to TOGETHER): the nearest first, then the one whose chunks are most often
    in that company, then the most used."""
    allowed = MAX_EDITS if len(asked) > SHORT else 1
    near = []
    for term, documents in keyword.terms_starting(asked[:2]):
        edits = _stem_edits(asked, term, allowed)
        if edits <= allowed and keyword.mentions(fts_prefix(term), scopes):
            match = f'"{term}" AND ({company})'
            together = keyword.matches(match, scopes, TOGETHER) if company else 0
            near.append((edits, -together / (documents + RARE), -documents, term, together))
    for *_, term, together in sorted(near):
        yield term, together


def _stem_edits(asked: str, term: str, allowed: int) -> int:
    """Edits from an asked stem to an archive's stem. A slip in a word's ending keeps the
    stemmer from cutting it ("headquarterd" stays whole, "headquartered" is "headquart"), so
    a stem that the asked word may begin with counts one edit more than its start's."""
    whole = distance(asked, term) if abs(len(term) - len(asked)) <= allowed else allowed + 1
    ending = len(asked) - len(term)
    if len(term) < MIN_LETTERS or not 0 < ending <= MAX_ENDING:
        return whole
    return min(whole, distance(asked[: len(term)], term) + 1)


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


def _written(term: str, texts: list[str], asked: str) -> str:
    """How texts write the word with this stem: the form there spelt nearest the asked word,
    the most frequent of those (capitalised, if they ever write it so, when the question did),
    in lower case when the question wrote the word so; "" when they do not write it."""
    words = [word for text in texts for word in _WORD.findall(text)]
    stems = index_stems(words)
    forms = Counter(word for word, stem in zip(words, stems, strict=True) if stem == term)
    if asked[0].isupper() and any(form[0].isupper() for form in forms):
        forms = Counter({form: n for form, n in forms.items() if form[0].isupper()})
    ranked = sorted(forms.items(), key=lambda f: (distance(asked.lower(), f[0].lower()), -f[1]))
    if not ranked:
        return ""
    written = ranked[0][0]
    return written.lower() if asked.islower() and not written.isupper() else written
