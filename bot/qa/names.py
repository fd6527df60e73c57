"""Names in passages: the one a "who" or "which" question most likely asks for."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable

from bot.qa.types import Passage
from ingest.text.dates import CALENDAR
from ingest.text.sentences import split_sentences
from ingest.text.words import STOPWORDS, stems

TOPIC_TERMS = 2  # question words that put a sentence or passage on its topic
NAME_SUPPORT = 2  # passages that name it
# A question that asks for a name: "Who is...", "Which company...", not "What did... say".
NAME_QUESTION = re.compile(
    r"^\s*(who|whom|whose|(?:which|what)"
    r"(?!\s+(?:do|does|did|will|would|can|could|should|may|might|are|were|has|have|happened)\b))\b",
    re.I,
)
# Capitalised words in a row; a possessive ends the name ("Google’s Bard"), "O’Neill" does not.
CAPITALISED = re.compile(
    r"\b[A-Z][\w&-]*(?:['’][A-Z][\w&-]*)?(?: [A-Z][\w&-]*(?:['’][A-Z][\w&-]*)?)*"
)
LOWERCASE_WORD = re.compile(r"\b[a-z][a-z-]+\b")
CAPITALISED_AFTER_A_WORD = re.compile(r"(?<=[a-z,] )[A-Z][a-z-]+\b")  # "in New York"


def likely_answer_name(
    question: str, passages: list[Passage], passage_stems: list[set[str]] | None = None
) -> str | None:
    """For a question asking for a name, the name most passages share that the question lacks.

    Names are grouped by their last word, so "Sam Altman" and a later "Altman" count together,
    and the full form is returned. A "who" question wants a name some passage gives in full.
    A lone word opening a sentence counts only if some passage also names it mid-sentence.
    A short form that begins a two-word name the passages give ("Fed", "Federal Reserve")
    is returned as that name. Only passages holding TOPIC_TERMS of the question's words
    lend a name support: "Geneva", shared by stories on other things, does not answer
    "What rules apply to AI procurement?". passage_stems, the stems of each passage's text,
    spare stemming them again when the caller has them.
    """
    wh = NAME_QUESTION.match(question)
    if not wh:
        return None
    asked = stems(question)
    ordinary = ordinary_words([p.text for p in passages])
    found = [names_in(p.text, ordinary) for p in passages]
    named = {name for mentions in found for name, opening in mentions if not opening}
    support: Counter = Counter()
    forms: dict[str, Counter] = {}
    if passage_stems is None:
        passage_stems = [stems(p.text) for p in passages]
    for passage, mentions, held in zip(passages, found, passage_stems, strict=True):
        names = [n for n, _ in mentions if n in named and n not in passage.outlet]
        names = [n for n in names if not stems(n) & asked]
        for name in names:
            forms.setdefault(name.split()[-1], Counter())[name] += 1
        if len((held | stems(passage.title)) & asked) >= TOPIC_TERMS:
            support.update({n.split()[-1] for n in names})
    words = 2 if wh.group(1).lower().startswith("who") else 1
    eligible = [k for k in sorted(support) if len(max(forms[k], key=len).split()) >= words]
    best = max(eligible, key=lambda k: (support[k], forms[k].total()), default=None)
    if best is None or support[best] < NAME_SUPPORT:
        return None
    variants = forms[best]
    name = max(variants, key=lambda v: (len(v.split()) > 1, variants[v], len(v)))
    return _in_full(name, [n for mentions in found for n, _ in mentions])


def _in_full(name: str, names: list[str]) -> str:
    """The two-word name most often given that a one-word name shortens, else the name."""
    longer = Counter(
        n
        for n in names
        if len(words := n.split()) == 2
        and words[0].isalpha()
        and words[0] != name
        and words[0].startswith(name)
    )
    return max(longer, key=lambda n: (longer[n], n), default=name)


def ordinary_words(texts: list[str]) -> set[str]:
    """Words the texts write in lowercase and never capitalise mid-sentence: "singer",
    "though", but not "new" when they also say "in New York"."""
    lower, capitalised = _as_written(texts)
    return lower - capitalised


def written_as_names(words: Iterable[str], texts: list[str]) -> list[str]:
    """Of the words (as a question types them), those the texts capitalise mid-sentence and
    never write in lowercase: "trump" of "trump fraud trial", which they write "Donald
    Trump"."""
    lower, capitalised = _as_written(texts)
    return [w for w in words if w.lower() in capitalised - lower]


def _as_written(texts: list[str]) -> tuple[set[str], set[str]]:
    """The words the texts write in lowercase, and those they capitalise mid-sentence
    (lowercased)."""
    lower = {w for t in texts for w in LOWERCASE_WORD.findall(t)}
    return lower, {w.lower() for t in texts for w in CAPITALISED_AFTER_A_WORD.findall(t)}


def names_in(text: str, ordinary: Collection[str] = ()) -> list[tuple[str, bool]]:
    """Capitalised names in text ("Sam Altman", "Altman", "Federal Reserve", not "FTX"), each
    with whether it is a lone word opening a sentence, and so maybe no name at all.

    A word opening a sentence before a name is left out when it is one of the ordinary words
    (see ordinary_words): "Singer Taylor Swift" is "Taylor Swift".
    """
    found: list[tuple[str, bool]] = []
    for sentence in split_sentences(text):
        for match in CAPITALISED.finditer(sentence):
            words = match.group().split()
            opening = match.start() == 0
            while words and (
                words[0].lower() in STOPWORDS
                or words[0] in CALENDAR
                or (opening and len(words) > 1 and words[0].lower() in ordinary)
            ):
                words.pop(0)
            if words and not all(w.isupper() for w in words) and words[-1] not in CALENDAR:
                found.append((" ".join(words), opening and len(words) == 1))
    return found
