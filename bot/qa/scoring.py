"""One score for every candidate sentence: named features, weighted by weights fitted on the
development questions.

The weights live in `answer_weights.json` beside this module, with the score below which the
best sentence does not answer; `python -m bench.fit_answers` fits them again and prints what
each feature adds.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from bot.qa.candidates import Candidate, Terms
from bot.qa.intent import AMOUNT, BROAD, CAUSE, DATE, FACT, PERSON, SPEECH, Intent
from bot.qa.measures import gives_amount
from bot.qa.names import names_in
from ingest.text.dates import CALENDAR, find_dates
from ingest.text.sentences import has_attribution, is_quotation, speakers
from ingest.text.words import stems

WEIGHTS_FILE = Path(__file__).with_name("answer_weights.json")
FEATURES = (
    "title",  # share held only by its article's title
    "meaning",  # cosine of the sentence's and the question's vectors (the bundled model)
    "lede",  # the first sentence of its article
    "lede_story",  # ... when the question asks about a story, not one kind of fact
    "article_rank",  # 1 / (1 + rank of its article among those retrieved)
    "headline",  # share of its article's title words it holds: what the story is about
    "before",  # share of the question's words the sentence before it holds
    "asked_for",  # holds what the question asks for: an amount, a date, a name, a cause, words
    "early",  # how near its article's start it stands: a story gives its main facts first
    "own_words",  # for "what did X say", a quotation holding a question word: their own words on it
)
EARLY_PASSAGES = 5  # passages into an article after which a sentence counts as late

_CAUSE = re.compile(
    r"""
    \b(?:because|due\s+to|as\s+a\s+result|owing\s+to|amid|citing|so\s+that|in\s+order\s+to
    |reasons?|led\s+to|caused|blamed|over\s+concerns?|to\s+avoid|to\s+protect|to\s+prevent
    |after|following|since|thanks\s+to|driven\s+by|in\s+response\s+to|to\s+blame|blam(?:e|es|ing)
    |(?:would|to)\s+help|in\s+hopes?\s+of|aimed\s+at|meant\s+to|motivated\s+by|stemm(?:ed|ing)\s+from
    |result(?:ed|s)?\s+from|accus(?:e|ed|es|ing)|alleg(?:e|ed|es|ing|ations?)
    |(?:held\s+up|delayed|hampered|slowed|stalled|halted|disrupted|prompted|triggered|sparked
    |fuell?ed|hit)\s+by
    |(?:suit|lawsuit|complaint|filing|petition)\s+(?:claims|argues|contends|says))\b
    """,
    re.I | re.X,
)
# Family words as questions type them and as news writes them: "Emily Hand's dad" is "her father".
_KIN = {"dad": "father", "mom": "mother", "mum": "mother", "grandma": "grandmother"}
_WEEKDAY = re.compile(r"\b(?:" + "|".join(sorted(CALENDAR)) + r")\b")


def _named(asked: set[str], found: set[str]) -> bool:
    """Whether one of the asked name's stems is found, or begins a found one when it has
    five letters or more ("russia" in "russian")."""
    return any(a == f or (len(a) >= 5 and f.startswith(a)) for a in asked for f in found)


@dataclass(frozen=True)
class Weights:
    """A weight per feature and the score an answer must reach (only a question's candidates
    are compared, so the score needs no offset)."""

    features: dict[str, float]
    threshold: float

    def score(self, values: dict[str, float]) -> float:
        """The weighted sum of the feature values."""
        return sum(self.features.get(f, 0.0) * v for f, v in values.items())

    def as_json(self) -> dict:
        """The shape of answer_weights.json."""
        return {"features": self.features, "threshold": self.threshold}


@cache
def fitted_weights(path: Path = WEIGHTS_FILE) -> Weights:
    """The weights fitted on the development questions."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return Weights(dict(data["features"]), float(data["threshold"]))


def features(cand: Candidate, terms: Terms, intent: Intent) -> dict[str, float]:
    """The named feature values of one candidate sentence; its meaning is compared later, for
    the few worth it."""
    return {
        "coverage": terms.share(cand.terms),  # not scored: picks whom to compare by meaning
        "title": terms.share(cand.title_terms),
        "meaning": 0.0,
        "lede": float(cand.lede),
        "lede_story": float(cand.lede and intent.kind in (BROAD, FACT)),
        "article_rank": 1.0 / (1 + cand.article_rank),
        "headline": cand.headline,
        "before": terms.share(cand.before),
        "asked_for": asked_for(cand.excerpt, intent),
        "early": max(0.0, 1.0 - cand.position / EARLY_PASSAGES),
        "own_words": float(
            intent.kind == SPEECH and bool(cand.terms) and is_quotation(cand.excerpt)
        ),
    }


def date_given(text: str) -> float:
    """1 when text gives a date or a month ("in late August"), a half when it names only a
    weekday or a month's name ("on Saturday", "August's figures"), else 0."""
    return 1.0 if find_dates(text, date.today()) else 0.5 * bool(_WEEKDAY.search(text))


def asked_for(text: str, intent: Intent) -> float:
    """How well a sentence holds what the question asks for (0 to 1): an amount for "how
    much" (of another measure than the one asked for, half), a date for "when" (a weekday
    or month alone half), a full name for "who" (for "who is X", a sentence naming X), a
    cause for "why", and for "what did X say" a quotation or report of speech, in full when X
    (the last word naming them: "Lindqvist", "minister"; either of "X and Y") is who spoke."""
    kind = intent.kind
    if kind == AMOUNT:
        return gives_amount(text, intent.measure)
    if kind == DATE:
        return date_given(text)
    if kind == PERSON and intent.named:  # "Who is Helen Marsh?": a sentence naming her
        return float(_named(stems(intent.named.split()[-1]), stems(text)))
    if kind == PERSON:
        return float(any(len(name.split()) >= 2 for name, _ in names_in(text)))
    if kind == CAUSE:
        return float(bool(_CAUSE.search(text)))
    if kind == SPEECH:
        speech = is_quotation(text) or has_attribution(text)
        heads = {w.split()[-1] for w in re.split(r"\s+(?:and|&)\s+", intent.speaker) if w}
        heads = {_KIN.get(head.lower(), head) for head in heads}
        asked = stems(" ".join(heads))  # "minister" of "the health minister", for each named
        return float(speech) * (1.0 if not asked or _named(asked, stems(speakers(text))) else 0.5)
    return 0.0
