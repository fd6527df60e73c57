"""Query understanding: outlets, dates, names and quoted phrases found in a question."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from ingest.text.dates import CALENDAR, DATE_WORDS, DateWindow, find_dates, without_dates
from ingest.text.resources import word_list
from ingest.text.words import STOPWORDS, WORD, content_terms, stems

MIN_PREFIX = 5  # letters a one-word name needs to be matched as a prefix ("Russia*")
ASKING = frozenset(word_list("asking"))  # words that ask, not name a topic: "explain"
MIN_CONTEXT_TERMS = 3  # fewer words after an outlet's name do not say what is asked of it

_QUOTED = re.compile(r"[\"“”]([^\"“”]{3,120})[\"“”]")
# A name given as a source: "an article in The Economic Times", "a Times of India piece".
_SOURCE_NAME = r"([A-Z][\w&.-]*(?:\s+(?:of|&|and|for)\s+[A-Z][\w&.-]*|\s+[A-Z][\w&.-]*)*)"
_WRITING = r"(?:article|piece|story|column|op-ed|editorial)s?"
_NAMED_SOURCE = re.compile(
    rf"\b{_WRITING}\s+(?:from|in|published in|published by)\s+{_SOURCE_NAME}"
    rf"|\b(?:a|an)\s+{_SOURCE_NAME}\s+{_WRITING}\b"
)
_NAME = re.compile(r"\b(?:[A-Z][a-z'’]+|[A-Z]{2,})(?:\s+(?:[A-Z][a-z'’]+|[A-Z]{2,}|[A-Z]\.))+")
# Capitalised words in a row: "Sam Bankman-Fried", "World Cup", "GSMArena", "Ukraine".
_CAPITALISED = r"(?:[A-Z][A-Za-z]*[a-z][A-Za-z]*|[A-Z]{2,})"
_PROPER_NAME = re.compile(rf"\b{_CAPITALISED}(?:[ -](?:{_CAPITALISED}|[A-Z]\.))*(?![\w'’-])")
_SENTENCE_END = re.compile(r"(?:^|[.!?:;\"“(])\s*$")
_POSSESSIVE = re.compile(r"['’]s?\b")
# "What year...", "On what day...": the word names what is asked for, not the topic.
_ASKED_FOR = re.compile(
    r"^(\s*(?:in\s+|on\s+|at\s+)?(?:what|which)\s+)(?:year|date|day|month|time)\b", re.I
)


@dataclass(frozen=True)
class OutletMention:
    """Outlets named in the question, and the words around the mention."""

    outlets: tuple[str, ...]
    context: str


@dataclass(frozen=True)
class QueryPlan:
    """What retrieval needs to know about a question."""

    text: str
    terms: tuple[str, ...]
    phrases: tuple[str, ...]
    outlets: tuple[OutletMention, ...] = ()
    dates: tuple[DateWindow, ...] = field(default_factory=tuple)
    missing_outlets: tuple[str, ...] = ()
    other_sources: tuple[str, ...] = ()  # named as sources, not outlets of the index
    names: tuple[str, ...] = ()  # proper names, which the archive must mention
    date_stems: frozenset[str] = frozenset()  # of the words naming its dates: "june", "2023"

    @property
    def name_stems(self) -> frozenset[str]:
        """The stems of the proper names the question gives."""
        return frozenset(stems(" ".join(self.names)))

    def match_expression(self) -> str:
        """An FTS5 MATCH expression: phrases and terms, any of them, each a quoted string."""
        parts = [fts_string(p) for p in (*self.phrases, *self.terms)]
        return " OR ".join(dict.fromkeys(p for p in parts if p != '""'))


def fts_string(text: str) -> str:
    """Text as one FTS5 string: quotes doubled, NULs (which end FTS5's parse) removed."""
    return '"' + text.replace("\x00", "").replace('"', '""') + '"'


def rarity_weights(terms: Iterable[str], texts: list[set[str]]) -> dict[str, float]:
    """Each term weighted by how few of the texts (each a set of stems) hold it."""
    n = len(texts)
    return {t: math.log(1 + n / (1 + sum(t in text for text in texts))) for t in terms}


class OutletMatcher:
    """Finds outlet names from the index in a question, with short forms of long names.

    Names are found in any case, except a name that is one ordinary capitalised word ("The
    Age", "Fortune", "Rivals"): in lower case that is the word ("at the age of 16"), not the
    outlet, unless the whole question is written in lower case.
    """

    def __init__(self, outlets: list[str]) -> None:
        self.outlets = outlets
        aliases: dict[str, set[str]] = {}
        plain: dict[str, bool] = {}
        for outlet in outlets:
            for alias in _aliases(outlet):
                key = alias.lower()
                aliases.setdefault(key, set()).add(outlet)
                plain[key] = plain.get(key, True) and _one_plain_word(alias)
        self._aliases = aliases
        self._plain = {alias for alias, is_plain in plain.items() if is_plain}
        ordered = sorted(aliases, key=len, reverse=True)
        self._pattern = (
            re.compile(r"(?<![\w])(" + "|".join(re.escape(a) for a in ordered) + r")(?![\w])", re.I)
            if ordered
            else None
        )

    def knows(self, name: str) -> bool:
        """True when name is one of the outlets, or a short form of one."""
        return name.lower() in self._aliases or any(
            name.lower() in alias for alias in self._aliases
        )

    def find(self, text: str) -> list[tuple[int, int, tuple[str, ...]]]:
        """(start, end, outlets) for each outlet mention in text, in order."""
        if self._pattern is None:
            return []
        found = []
        for m in self._pattern.finditer(text):
            key = m.group(1).lower()
            if key in self._plain and not _capitalised(m.group(1)) and text != text.lower():
                continue
            found.append((m.start(), m.end(), tuple(sorted(self._aliases[key]))))
        return found


def _aliases(outlet: str) -> set[str]:
    """Names a question may use for an outlet, as the outlet writes them."""
    name = outlet.strip()
    names = {name}
    head = re.split(r"\s+[-|:–]\s+|\s*\|\s*", name)[0].strip()
    if head != name and len(head) >= 4:
        names.add(head)
    if head.lower().endswith(".com"):
        names.add(head[:-4])
    return {n for n in names if len(n) >= 3 and n.lower() not in STOPWORDS}


def _one_plain_word(name: str) -> bool:
    """Whether a name is one capitalised word, with or without stopwords ("The Age")."""
    words = [w for w in name.split() if w.lower() not in STOPWORDS]
    return len(words) == 1 and words[0] == words[0].capitalize()


def _capitalised(text: str) -> bool:
    """Whether every word of text but its stopwords begins with a capital."""
    return all(w[0].isupper() for w in text.split() if w.lower() not in STOPWORDS)


def plan_query(
    question: str, outlets: OutletMatcher | None = None, today: date | None = None
) -> QueryPlan:
    """Read a question into terms, phrases, outlet mentions and date windows."""
    today = today or date.today()
    mentions = outlets.find(question) if outlets else []
    rest = question
    for start, end, _ in reversed(mentions):
        rest = rest[:start] + " " + rest[end:]
    rest = _ASKED_FOR.sub(r"\1", rest, count=1)
    phrases = [p.strip() for p in _QUOTED.findall(rest)]
    phrases += [n for n in _NAME.findall(rest) if len(content_terms(n)) >= 2]
    return QueryPlan(
        text=question,
        terms=tuple(dict.fromkeys(t for t in content_terms(rest) if t not in ASKING)),
        phrases=tuple(dict.fromkeys(p.lower() for p in phrases if content_terms(p))),
        outlets=_outlet_mentions(question, mentions),
        dates=tuple(find_dates(question, today)),
        missing_outlets=tuple(missing_outlets(rest, outlets)) if outlets else (),
        other_sources=tuple(other_sources(rest, outlets)) if outlets else (),
        names=tuple(dict.fromkeys(proper_names(rest))),
        date_stems=frozenset(stems(question) - stems(without_dates(question, today))),
    )


def missing_outlets(text: str, outlets: OutletMatcher) -> list[str]:
    """Well-known outlets the text names that the index holds no article from."""
    found = []
    for name in word_list("outlets"):
        if re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", text) and not outlets.knows(name):
            found.append(name)
    return [n for n in found if not any(n != other and n in other for other in found)]


def other_sources(text: str, outlets: OutletMatcher) -> list[str]:
    """Names the text gives as the source of an article that are no outlet of the index."""
    found = dict.fromkeys(a or b for a, b in _NAMED_SOURCE.findall(text))
    return [n for n in found if n.split()[0].lower() not in DATE_WORDS and not outlets.knows(n)]


def proper_names(text: str) -> list[str]:
    """Proper names in text: runs of capitalised words, cut at possessives ("Travis Kelce's
    Super Bowl" gives "Travis Kelce" and "Super Bowl"), without the stopwords that open them
    ("Was Owen Teale" gives "Owen Teale"), and without a word that opens a sentence, as it
    may be capitalised only for that ("Considering Junction Analytics"). A one-word name must
    not be all capitals (an acronym is written many ways) or a month or weekday. A text in
    title case names nothing this way."""
    text = _POSSESSIVE.sub(" ,", text)
    if _title_cased(text):
        return []
    names = []
    for match in _PROPER_NAME.finditer(text):
        words = match.group().split()
        if _SENTENCE_END.search(text[: match.start()]):
            words.pop(0)
        while words and not content_terms(words[0]):
            words.pop(0)
        terms = content_terms(" ".join(words))
        one_word = len(words) == 1 and not words[0].isupper() and words[0] not in CALENDAR
        if len(terms) >= 2 or (terms and one_word):
            names.append(" ".join(words))
    return names


def _title_cased(text: str) -> bool:
    """Whether nearly every word of text is capitalised, as in a headline."""
    words = WORD.findall(text)
    return len(words) > 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def near_expression(name: str) -> str:
    """An FTS5 expression matching the words of a name close together, in any order, so
    "Lewis Kaplan" also finds "Lewis A. Kaplan". A one-word name of MIN_PREFIX letters or
    more may also begin a longer word: "Russia" finds "Russian". (Shorter prefixes, and those
    of several words, match so many words that the check would cost tens of ms at scale.)
    A name's last words may stand as their initials: "Chelsea Football Club" finds "Chelsea FC"."""
    words = name.split()
    if len(words) == 1:
        return fts_string(name) + ("*" if len(name) >= MIN_PREFIX else "")
    shortened = [[*words[:i], "".join(w[0] for w in words[i:])] for i in range(1, len(words) - 1)]
    return " OR ".join(_near(form) for form in [words, *shortened])


def _near(words: list[str]) -> str:
    """An FTS5 expression for words close together, in any order."""
    return f"NEAR({' '.join(fts_string(w) for w in words)}, {len(words)})"


def _outlet_mentions(question: str, mentions) -> tuple[OutletMention, ...]:
    """Each outlet mention with the words that ask about it: those after it up to the next
    mention, and those before it too when it comes first or is followed by too few. Outlets
    listed together ("The Verge and TechCrunch") share their words."""
    out: dict[tuple[str, ...], str] = {}
    for group in _listed_together(question, mentions):
        first, last = mentions.index(group[0]), mentions.index(group[-1])
        left = mentions[first - 1][1] if first > 0 else 0
        right = mentions[last + 1][0] if last + 1 < len(mentions) else len(question)
        context = question[group[-1][1] : right].strip()
        if first == 0 or len(content_terms(context)) < MIN_CONTEXT_TERMS:
            context = (question[left : group[0][0]] + " " + context).strip()
        for _, _, names in group:
            out[names] = (out.get(names, "") + " " + context).strip()
    return tuple(OutletMention(names, ctx) for names, ctx in out.items())


def _listed_together(question: str, mentions: list) -> list[list]:
    """Mentions in runs that only punctuation and stopwords ("and", "or") separate."""
    groups: list[list] = []
    for mention in mentions:
        if groups and not content_terms(question[groups[-1][-1][1] : mention[0]]):
            groups[-1].append(mention)
        else:
            groups.append([mention])
    return groups
