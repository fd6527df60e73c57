"""What a question asks for: the story in general, or one kind of fact, and whose words.

A news question is answered differently by kind: "What happened with X?" wants the story's
main fact (its lede), "How much...?" an amount, "When...?" a date, "Who...?" a name, "Why...?" a
cause, and "What did X say about Y?" X's own words. The kind is read from the question's
wording, wherever the cue stands ("epic v google, how did that end up").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.qa.measures import measure_word
from ingest.text.words import STOPWORDS

BROAD, AMOUNT, DATE, PERSON, CAUSE, SPEECH, FACT = (
    "broad",
    "amount",
    "date",
    "person",
    "cause",
    "speech",
    "fact",
)

# "what is", "what's", "whats", ... as questions type them.
_WHAT_IS = r"\bwhat(?:'s|’s|s|\s+was|\s+is|\s+were|\s+are)?\s+"
# Nouns naming an amount ("the final score", "total gross"), in lower case: "What's Figure AI's
# chief claiming" names none.
_AMOUNT_NOUNS = r"""
    (?-i:price|prices|percentage|percent|amount|number|score|scores|fee|fees|fine|fines|penalty
    |salary|wages?|cost|costs|valuation|revenue|profits?|losses|sales|earnings|gross|budget|debt
    |size|total|figure|margin|odds|rates?|temperature|attendance|crowd|toll|population|turnout)\b
"""
# What the question's first words ask for ("When...", "How much...").
_OPENING: tuple[tuple[str, re.Pattern[str]], ...] = (
    (DATE, re.compile(r"^\W*when\b", re.I)),
    (CAUSE, re.compile(r"^\W*(?:why|how\s+come)\b", re.I)),
    (PERSON, re.compile(r"^\W*(?:who|whom|whose|which)\b", re.I)),
    (
        AMOUNT,
        re.compile(
            r"^\W*(?:by\s+)?how\s+(?:much|many|long|big|far|fast|old|tall|deep|hot|cold|high"
            r"|large|low|often|heavy|severe|expensive)\b",
            re.I,
        ),
    ),
)
# Words that ask for someone's own words, wherever they stand.
_SPEECH = re.compile(
    r"""
    \b(?:say|says|said|saying|quoted?|quotes|comments?|commented
    |respon(?:d|ds|ded|se)|react(?:s|ed|ion)?|describes?|described
    |told|tells?(?!\s+(?:me|us)\b)|think|thinks|thought|reply|replied|argue[ds]?|admit(?:s|ted)?
    |warn(?:s|ed)?|statement|remarks?|talk(?:s|ed|ing)?\s+about|take\s+on|sum(?:s|med)?\s+up
    |answer(?:s|ed)?|insist(?:s|ed)?)\b
    """,
    re.I | re.X,
)
# Cues anywhere in the question, tried in order.
_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        DATE,
        re.compile(
            r"\b(?:what|which)\s+(?:day|date|year|month|time)\b"
            r"|\bwhen\s+(?:is|was|will|did|does|do|are|were)\b|\bdates?\W*$",
            re.I,
        ),
    ),
    (
        AMOUNT,
        re.compile(
            r"""
            \bhow\s+(?:much|many)\b
            # "what does it cost", "what is it worth", "what did X pay for Y" (what a budget
            # "pays for" are things, not a sum)
            | \bwhat\s+(?:does|did|do|will|would|is|was|are|were)\s+.{1,60}?\s+
                (?:(?:costs?|charges?|charged|earns?|earned|worth|s(?:ell|old)\s+for
                    |go(?:es)?\s+for|went\s+for|fetch(?:ed)?)
                    (?=\s+(?:per|a|an|each|for|in|to|now|today|these|this|actually)\b|\W*$)
                | pa(?:y|ys|id)(?=\s+(?:per|a|an|each|in|to|now|today)\b|\s+for\s+\w|\W*$))
            | """
            + _WHAT_IS
            + r"""(?:the\s+(?-i:[a-z]+\s+){0,2}?)?  # "what was the final score"
            """
            + _AMOUNT_NOUNS,
            re.I | re.X,
        ),
    ),
    (
        CAUSE,
        re.compile(
            r"\bwhy\b|\bhow\s+come\b|\bwhat\s+(?:caused|led\s+to|prompted|triggered|is\s+behind"
            r"|was\s+behind|made)\b|\bwhat(?:'s|’s|\s+is|\s+was)\s+the\s+reasons?\b"
            r"|\breasons?\s+(?:for|why|behind)\b",
            re.I,
        ),
    ),
    (PERSON, re.compile(r"\bwho\b|^\W*which\s+(?!(?:do|does|did|is|was|are|were)\b)\w+", re.I)),
    (
        BROAD,
        re.compile(
            r"""
            ^\W*(?:did|does|do|is|are|was|were|can|could|has|have|will|should)\b  # yes or no
            | \bwhat(?:'s|’s|s|\s+is|\s+was|\s+has)?\s+(?:been\s+)?(?:happen(?:ed|ing|s)?
                |going\s+on|new|the\s+latest|latest|the\s+deal|the\s+story|up)\b
            | \bwhat\s+happened\b | \btell\s+me\s+about\b | \b(?:any\s+)?(?:news|updates?)\s+
                (?:on|about|with)\b | \bwhat\s+(?:is|was)\s+(?:the\s+)?.{1,60}\s+about\W*$
            | \bhow\s+did\s+.{1,60}\s+(?:end|turn\s+out|go)\b | \bsummar(?:y|ise|ize)\b
            | \bwhat\s+do\s+we\s+know\b | \bwhat\s+about\b | \bexplain\b | \bwhat\s+went\s+on\b
            | \bhow(?:'s|’s|\s+is|\s+are|\s+was)\s+.{1,40}\s+doing\b
            | \b(?:controversy|drama|scandal|beef|saga|row|feud|fallout)\b
            """,
            re.I | re.X,
        ),
    ),
)
# "Who is Helen Marsh?": a question about someone named, not one asking for a name.
_WHO_IS = re.compile(r"^\W*who(?:'s|’s|\s+is|\s+was)\s+(?P<named>[^?!.]+?)\W*$", re.I)
# A piece of writing, or an outlet named in quotes ("the 'Fortune' article").
_WRITING = re.compile(
    r"\b(?:article|report|story|piece|column|editorial|outlet)s?\b|(?:^|\s)['‘]\w", re.I
)
# The word after "how" ("deep"; "years" of "how many years"), or one of three after "what is".
_MEASURE_WORD = re.compile(
    rf"\bhow\s+(?:many\s+)?(\w+)|{_WHAT_IS}(?:the\s+)?(\w+(?:\s+\w+){{0,2}})", re.I
)
# Words that make "how much" a sum of money: "How much did the tram line cost?"
_PAYING = re.compile(
    r"\b(?:costs?|prices?|pa(?:y|id|ying)|charg(?:e|es|ed|ing)|gross(?:ed)?|salary|fees?|fined?"
    r"|worth|sp(?:end|ent)|rais(?:e|ed|ing)|valuation|revenue|profits?|s(?:ell|old)|wages?"
    r"|earnings|budget|debt)\b",
    re.I,
)
_NAMES_AMOUNT = re.compile(r"\b" + _AMOUNT_NOUNS, re.X)
_WH_WORD = re.compile(r"\b(?:what|which|who|whom|whose|when|where|why|how|did|does|is|are)\b", re.I)
_SPEAKER_PHRASE = re.compile(
    r"""
    (?:did|does|has|have|will)\s+(?P<after_verb>.{2,60}?)\s+(?:say|said|tell|think|respond
        |react|describe|claim|comment|reply|argue|admit|warn|talk|answer|sum|testify|insist)
    | (?P<possessive>[\w.\- ]{2,60}?)['’]s?\s+(?:response|reaction|quote|comments?|take
        |statement|remarks?|view|words)
    | (?P<subject>[\w.\- ]{2,60}?)\s+(?:say|says|said|quoted?|commented|responded|reacted)\b
    | (?P<before_noun>[\w.\- ]{2,60}?)\s+(?:response|reaction|comments?|quotes?|statement
        |remarks?)\s+(?:to|on|after|about|over|following)\b
    | \bcomments?\s+(?:from|by)\s+(?P<commenting>[\w.\- ]{2,60}?)(?:\s+(?:on|about|after)\b|\W*$)
    """,
    re.I | re.X,
)

# Words between the speaker and the verb: "Has Jose Altuve ever talked about..."
_SPEAKER_ADVERBS = r"(?:\s+(?:ever|really|actually|already|publicly|just|also|even|now))+$"


@dataclass(frozen=True)
class Intent:
    """The kind of answer a question wants, and for SPEECH the words naming the speaker."""

    kind: str
    speaker: str = ""
    measure: str = ""  # for AMOUNT, the word naming the measure: "deep", "price" (see measures)
    named: str = ""  # for PERSON, whom "Who is X?" asks about: X


def read_intent(question: str) -> Intent:
    """The kind of a question: by its opening words ("When...", "How much..."), else by words
    asking for someone's words, else by the first cue found; FACT when none is, or BROAD for a
    few words naming only a topic ("sam altman openai")."""
    for kind, cue in _OPENING:
        if cue.search(question):
            return _of_kind(kind, question)
    if _SPEECH.search(question):
        return Intent(SPEECH, _speaker(question))
    for kind, cue in _CUES:
        if cue.search(question):
            return _of_kind(kind, question)
    if not _WH_WORD.search(question):  # "Eras Tour total gross so far?", "sam altman openai"
        if _NAMES_AMOUNT.search(question):
            return _of_kind(AMOUNT, question)
        if len(question.split()) <= 6:
            return Intent(BROAD)
    return Intent(FACT)


def _of_kind(kind: str, question: str) -> Intent:
    """The intent of a kind, with the measure an AMOUNT question names: money when it speaks
    of paying, else the word after "how" ("deep") or the first measure of the three after
    "what is the" ("price", "final score"); and whom a PERSON question asks about."""
    if kind == PERSON:
        return Intent(kind, named=_named_person(question))
    if kind != AMOUNT:
        return Intent(kind)
    if _PAYING.search(question):
        return Intent(kind, measure="cost")
    words = (w for m in _MEASURE_WORD.finditer(question) for w in (m[1] or m[2]).split())
    return Intent(kind, measure=next(filter(None, map(measure_word, words)), ""))


def _named_person(question: str) -> str:
    """The name in "Who is Helen Marsh?" ("helen marsh" too): one to four words after "who
    is", none a stopword or an -ing word ("who is leading", "who is the captain"), a lone word
    only when capitalised ("who is responsible" names no one)."""
    match = _WHO_IS.match(question)
    if not match:
        return ""
    words = match.group("named").split()
    if len(words) > 4 or any(w.lower() in STOPWORDS or w.lower().endswith("ing") for w in words):
        return ""
    return match.group("named") if len(words) > 1 or words[0][0].isupper() else ""


def _speaker(question: str) -> str:
    """The words naming who is asked about in "What did X say...", "X's response to..."; none
    when it is a piece of writing ("the article from The Verge") rather than someone."""
    match = _SPEAKER_PHRASE.search(question)
    if not match or _WRITING.search(match.group()):
        return ""
    words = next(group for group in match.groups() if group)
    words = re.sub(_SPEAKER_ADVERBS, "", words.strip(), flags=re.I)
    return re.sub(
        r"^(?:(?:what|how|and|so|did|does|has|have|will|was|is|the|d|s)\s+)+", "", words, flags=re.I
    )
