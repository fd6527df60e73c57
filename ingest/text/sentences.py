"""Splitting passages into sentences, and recognising quotations and who spoke them."""

from __future__ import annotations

import re

from ingest.text.resources import word_list

_ABBREV_END = re.compile(
    r"(?:\b(?:" + "|".join(re.escape(a) for a in word_list("abbreviations")) + r")|\b[A-Z])\.$"
)
_ELISIONS = (" ...", " …")  # a spaced ellipsis: words left out, as a search snippet marks them
# A stop (with the closing quotes after it) before a capital or a digit; an elision, whatever
# follows: "Mars has two moons ... a day on Mars"; or a spaced middle dot, which parts a
# snippet's date and fields ("Jan 10, 2024 · The tower…", "Born: 7 November 1867 · Died: …")
# and is dropped.
_BOUNDARY = re.compile(
    r"(?<=[.!?…])(?P<closing>[\"”’)\]]*)\s+(?=[\"“‘(\[]?[A-Z0-9])"
    + "|(?:"
    + "|".join(f"(?<={re.escape(e)})" for e in _ELISIONS)
    + r")\s+"
    + r"| · "
)
_OPEN_QUOTES = '“"‘'
ATTRIBUTION = re.compile(
    r"\b(said|says|told|tells|stated|(?-i:states)|added|adds|wrote|writes|asked|argued|noted|"
    r"explained|warned|insisted|declared|agreed|agrees|admitted|admits|described|describes|"
    r"replied|confessed|revealed|acknowledged|recalled|joked|reflected|conceded|tweeted|"
    r"remarked|commented|responded|according to)\b",
    re.I,
)
_OBJECT_FIRST = frozenset({"told", "tells", "asked", "warned"})  # "warned Musk": Musk is told
_LISTENER = re.compile(r"\b(?:was|were|is|are|be|been|being|when|if|once)$", re.I)


def split_sentences(text: str) -> list[str]:
    """Sentences of text, paragraph by paragraph, keeping abbreviations like "U.S." intact."""
    sentences: list[str] = []
    for paragraph in re.split(r"\n\s*\n|\n", text):
        paragraph = " ".join(paragraph.split())
        if not paragraph:
            continue
        start = 0
        for m in _BOUNDARY.finditer(paragraph):
            piece = paragraph[start : m.start()].rstrip()
            head = paragraph[start : m.start()].rstrip('"”’)] ')
            if m.group("closing") is not None and _ABBREV_END.search(head):
                continue
            sentences.append(piece + (m.group("closing") or ""))
            start = m.end()
        if paragraph[start:].strip():
            sentences.append(paragraph[start:].strip())
    return sentences


def cut_short(sentences: list[str], index: int) -> bool:
    """Whether sentence `index` is the last words of an excerpt, after an elision: where a
    search snippet was cut ("… the highest point on Earth"), so it may lack its stop."""
    return 0 < index == len(sentences) - 1 and sentences[index - 1].endswith(_ELISIONS)


def is_quotation(sentence: str) -> bool:
    """True when the sentence holds quoted speech."""
    return any(q in sentence for q in _OPEN_QUOTES)


def has_attribution(sentence: str) -> bool:
    """True when the sentence says who spoke ("he said", "according to")."""
    return bool(ATTRIBUTION.search(_outside_quotes(sentence)))


def speakers(sentence: str) -> str:
    """The words naming who speaks in each attribution of a sentence: up to five before
    "said", cut at a comma unless an aside ends there ("Jordan, a member of the caucus,
    said" gives both), and up to four after it where the speaker follows the verb ("…,” said
    Prime Minister Jane Doe.", "according to Doe": only there), not where the verb's object
    does ("warned Musk", "told Clark")."""
    plain = _outside_quotes(sentence)
    near = []
    for match in ATTRIBUTION.finditer(plain):
        verb = match.group(1).lower()
        if verb == "according to":  # only whom it names speaks, not whom the sentence is about
            near.append(" ".join(_named_after(plain[match.end() :])))
            continue
        head = plain[: match.start()].rstrip()
        clauses = head.split(",")
        aside = head.endswith(",") and len(clauses) >= 3  # "Doe, a senator, said"
        named = clauses[-3:-1] if aside else clauses[-1:]
        if verb in _OBJECT_FIRST and _LISTENER.search(head):
            continue  # "Kelce was asked", "when asked": no speaker named
        follows = verb not in _OBJECT_FIRST and not aside and (not head or head[-1] in ',”"’')
        after = _named_after(plain[match.end() :]) if follows else []
        near.append(" ".join([*(w for c in named for w in c.split()[-5:]), *after]))
    return " ".join(near)


def _named_after(tail: str) -> list[str]:
    """The words naming a speaker who follows the verb: up to four, and when a comma ends
    them, the name it sets off, if capitalised words are all that stands before the next
    stop ("said the control room manager, Ewan Tully."; not "according to the report, Musk
    has…")."""
    first, comma, rest = tail.partition(",")
    words = first.split()
    aside = re.split(r"[,.;:!?]", rest, maxsplit=1)[0].split()
    named = comma and len(words) <= 6 and 0 < len(aside) <= 4
    return words[:4] + aside if named and all(w[:1].isupper() for w in aside) else words[:4]


def is_introduction(sentence: str) -> bool:
    """A sentence that introduces a quotation: "Putin said," or "She put it this way:"."""
    return sentence.rstrip().endswith((",", ":")) and has_attribution(sentence)


def is_trailing_attribution(sentence: str) -> bool:
    """A short sentence naming the speaker after a quotation: "said the President."."""
    starts = re.match(r"[a-z]|(?:He|She|They)\s+(?:said|added)\b", sentence)
    return len(sentence) < 120 and bool(starts) and has_attribution(sentence)


def _outside_quotes(sentence: str) -> str:
    """The sentence with quoted spans removed."""
    return re.sub(r"[“\"][^”\"]*[”\"]", " ", sentence)


def quote_depths(sentences: list[str]) -> list[bool]:
    """For each sentence, whether it starts inside a quotation opened by an earlier one."""
    inside, depths = False, []
    for sentence in sentences:
        depths.append(inside)
        for ch in sentence:
            if ch == "“":
                inside = True
            elif ch == "”":
                inside = False
            elif ch == '"':
                inside = not inside
    return depths


def speaker_context(
    sentences: list[str], i: int, reach: int = 6, depths: list[bool] | None = None
) -> tuple[str | None, str | None]:
    """(introduction, trailing attribution) that say who spoke the quotation sentence i is in;
    depths, the sentences' quote_depths, spare reading them again for each sentence."""
    depths = quote_depths(sentences) if depths is None else depths
    sentence = sentences[i]
    if not (is_quotation(sentence) or depths[i]) or has_attribution(sentence):
        return None, None
    opening = i
    while depths[opening] and opening > 0 and i - opening < reach:
        opening -= 1
    before = (
        sentences[opening - 1] if opening > 0 and is_introduction(sentences[opening - 1]) else None
    )
    closing = i
    while closing + 1 < len(sentences) and depths[closing + 1] and closing - i < reach:
        closing += 1
    after = None
    if closing != i and has_attribution(sentences[closing]):
        after = sentences[closing]
    elif closing + 1 < len(sentences) and is_trailing_attribution(sentences[closing + 1]):
        after = sentences[closing + 1]
    return before, after
