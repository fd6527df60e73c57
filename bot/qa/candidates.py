"""The sentences that may answer a question: every prose sentence of the retrieved passages
and of their articles' openings, each with the question's words it holds."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.qa.names import TOPIC_TERMS
from bot.qa.plan import QueryPlan, rarity_weights
from bot.qa.types import Passage
from ingest.text.dates import DateWindow
from ingest.text.prose import is_prose
from ingest.text.sentences import (
    cut_short,
    is_introduction,
    quote_depths,
    speaker_context,
    split_sentences,
)
from ingest.text.words import STOPWORDS, stem, stems

# "What is new", "What happened lately": words that name no topic (see plan.ASKING)
EVENTLESS = frozenset(stems("new latest recent recently lately"))
ARTICLES_READ = 2  # best articles read in full for every answer
OPENING_PASSAGES = 1  # passages read from the start of every other article retrieved
WHO_VERB = re.compile(r"^\s*who\s+([a-z]+)", re.I)  # "Who manages..."


@dataclass(frozen=True)
class Candidate:
    """A prose sentence of a passage: where it stands, and the question's words it holds."""

    passage_rank: int  # of its passage among those it was read from (see with_read)
    article_id: str
    article_rank: int  # of its article among the retrieved passages' articles
    position: int  # of its passage in the article
    index: int  # of the sentence in its passage
    text: str
    excerpt: str  # the sentence with the words that say who spoke, when it quotes someone
    terms: frozenset[str]  # question stems in the sentence (and its article's date words)
    title_terms: frozenset[str]  # question stems only its title holds
    before: frozenset[str]  # question stems in the sentence before it
    headline: float  # share of its article's title words it holds
    on_topic: bool  # holds, with its title, a name or two of the question's words
    lede: bool  # the first prose sentence of its article
    sentences: int = 0  # in its passage, as split now (0: not counted)


@dataclass(frozen=True)
class Terms:
    """The question's stems with their weights, its names' stems, and its doer nouns."""

    weights: dict[str, float]
    names: frozenset[str]
    agents: dict[str, str]

    @property
    def total(self) -> float:
        """The weight of the whole question."""
        return sum(self.weights.values()) or 1.0

    def share(self, held: Iterable[str]) -> float:
        """The share of the question's weight the stems hold."""
        return sum(self.weights.get(t, 0.0) for t in set(held)) / self.total


def question_terms(question: str, plan: QueryPlan, passages: list[Passage]) -> Terms:
    """Question stems weighted by rarity among the passages; names and phrases count double."""
    agents = agent_nouns(question)
    texts = [_asked_stems(stems(p.text), agents) for p in passages] or [set()]
    asked = stems(" ".join(plan.terms)) - EVENTLESS
    named = {w for p in plan.phrases for w in stems(p)}
    weights = rarity_weights(asked | named, texts)
    weights = {t: w * (2.0 if t in named else 1.0) for t, w in weights.items()}
    return Terms(weights, plan.name_stems, agents)


def agent_nouns(question: str) -> dict[str, str]:
    """For a question "Who VERB...", the stems of the nouns for one who does it, each with
    the verb's stem: "manager" for "Who manages...", "founder" for "Who founded..."."""
    match = WHO_VERB.match(question)
    word = match.group(1).lower() if match else ""
    verb = stem(word)
    if word in STOPWORDS or len(verb) < 3:
        return {}
    endings = ("er", "or", "r") if verb.endswith("e") else ("er", "or")
    return {verb + ending: verb for ending in endings}


def with_read(passages: list[Passage], read: list[Passage]) -> list[Passage]:
    """The retrieved passages, then those read with their articles that were not retrieved:
    what a candidate's passage_rank counts in."""
    given = {p.chunk_id for p in passages}
    return passages + [p for p in read if p.chunk_id not in given]


def candidates(
    passages: list[Passage], terms: Terms, plan: QueryPlan, read: list[Passage]
) -> list[Candidate]:
    """Every prose sentence of the retrieved passages and of the passages read with them.
    An article's first sentence is its lede when its article was read in full or its opening
    passage ranked: an opening read only for the facts it gives does not lead."""
    ranks: dict[str, int] = {}
    for p in passages:
        ranks.setdefault(p.article_id, len(ranks))
    found: list[Candidate] = []
    for rank, passage in enumerate(with_read(passages, read)):
        dated = plan.date_stems if within(passage, plan.dates) else frozenset()
        article_rank = ranks.get(passage.article_id, len(ranks))
        leads = rank < len(passages) or article_rank < ARTICLES_READ
        found += _sentences(rank, article_rank, passage, terms, dated, leads)
    return found


def within(passage: Passage, windows: Iterable[DateWindow]) -> bool:
    """Whether the passage's article came out within one of the date windows."""
    return passage.published is not None and any(w.holds(passage.published) for w in windows)


def _sentences(
    rank: int,
    article_rank: int,
    passage: Passage,
    terms: Terms,
    dated: frozenset[str],
    leads: bool,
) -> list[Candidate]:
    """The prose sentences of a passage with the question terms in them and in its title;
    the first is its article's lede when the passage is the article's first and `leads`.

    The words of the question's dates (dated) count as held by every sentence when the
    article came out in those dates: "in November 2021" is answered by its date, not its text.
    """
    title_stems = stems(passage.title)
    title = frozenset(t for t in _asked_stems(title_stems, terms.agents) if t in terms.weights)
    out: list[Candidate] = []
    sentences = split_sentences(passage.text)
    depths = quote_depths(sentences)
    before: frozenset[str] = frozenset()
    for i, sentence in enumerate(sentences):
        words = stems(sentence)
        held = frozenset(t for t in _asked_stems(words, terms.agents) if t in terms.weights)
        if is_prose(sentence, cut_short(sentences, i)) and not is_introduction(sentence):
            out.append(
                Candidate(
                    rank,
                    passage.article_id,
                    article_rank,
                    passage.position,
                    i,
                    sentence,
                    with_speaker(sentences, i, depths),
                    held | (dated & terms.weights.keys()),
                    title - held,
                    before,
                    len(words & title_stems) / len(title_stems) if title_stems else 0.0,
                    _on_topic(held | title, terms),
                    leads and passage.position == 0 and not out,
                    len(sentences),
                )
            )
        before = held
    return out


def with_speaker(sentences: list[str], index: int, depths: list[bool] | None = None) -> str:
    """Sentence `index` with the words that introduce or attribute its quotation (depths: see
    speaker_context)."""
    before, after = speaker_context(sentences, index, depths=depths)
    parts = [before, sentences[index], f"… {after}" if after else None]
    return " ".join(p for p in parts if p)


def _asked_stems(words: Iterable[str], agents: dict[str, str]) -> set[str]:
    """The stems, an agent noun standing for the question's stem (see agent_nouns)."""
    return {agents.get(w, w) for w in words}


def _on_topic(held: frozenset[str], terms: Terms) -> bool:
    """Whether stems (a sentence's with its title's) are about the question: TOPIC_TERMS of
    its weighted words (or all of them, when it has fewer), or one of its names."""
    return len(held) >= min(TOPIC_TERMS, len(terms.weights)) or bool(held & terms.names)
