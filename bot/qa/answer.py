"""The extractive answerer: the sentences that answer a question, each cited, no LLM."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from bot.qa.query import QueryPlan, content_terms
from bot.qa.sentences import speaker_context, split_sentences
from bot.qa.types import Answer, Citation, Passage

MAX_SENTENCES = 4
PER_PASSAGE = 2
MIN_COVERAGE = 0.5
NOT_FOUND = "I could not find that in the articles."


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage, scored against the question."""

    passage_rank: int
    index: int
    text: str
    coverage: float
    score: float


def stem(word: str) -> str:
    """A crude stem so "summits" meets "summit" and "reported" meets "report"."""
    for suffix in ("'s", "’s", "ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def stems(text: str) -> set[str]:
    """Stems of the meaningful words of text."""
    return {stem(w) for w in content_terms(text)}


class ExtractiveAnswerer:
    """Picks, orders and cites the sentences that answer a question."""

    def __init__(
        self, max_sentences: int = MAX_SENTENCES, min_coverage: float = MIN_COVERAGE
    ) -> None:
        self.max_sentences = max_sentences
        self.min_coverage = min_coverage

    def answer(self, question: str, plan: QueryPlan, passages: list[Passage]) -> Answer:
        """An Answer built only from sentences of the passages, or a "not found" answer."""
        weights = _term_weights(plan, passages)
        candidates = [c for rank, p in enumerate(passages) for c in _candidates(rank, p, weights)]
        best = max((c.coverage for c in candidates), default=0.0)
        if best < self.min_coverage:
            return not_found(question, passages)
        chosen = self._choose(candidates)
        return compose(question, passages, chosen)

    def _choose(self, candidates: list[Candidate]) -> list[Candidate]:
        """The best sentences, at most PER_PASSAGE from one passage, in reading order."""
        chosen: list[Candidate] = []
        per_passage: dict[int, int] = {}
        best = max(c.score for c in candidates)
        for cand in sorted(candidates, key=lambda c: c.score, reverse=True):
            if len(chosen) == self.max_sentences or cand.score < best * 0.6:
                break
            if per_passage.get(cand.passage_rank, 0) < PER_PASSAGE:
                per_passage[cand.passage_rank] = per_passage.get(cand.passage_rank, 0) + 1
                chosen.append(cand)
        return sorted(chosen, key=lambda c: (c.passage_rank, c.index))


def _term_weights(plan: QueryPlan, passages: list[Passage]) -> dict[str, float]:
    """Question stems weighted by rarity among the passages; names and phrases count double."""
    terms = {stem(t) for t in plan.terms}
    named = {stem(w) for p in plan.phrases for w in content_terms(p)}
    texts = [stems(p.text) for p in passages] or [set()]
    weights = {}
    for term in terms | named:
        df = sum(term in t for t in texts)
        weights[term] = math.log(1 + len(texts) / (1 + df)) * (2.0 if term in named else 1.0)
    return weights


def _candidates(rank: int, passage: Passage, weights: dict[str, float]) -> list[Candidate]:
    """Every sentence of a passage with its share of the question's weight it covers."""
    total = sum(weights.values()) or 1.0
    title_terms = stems(passage.title)
    out = []
    for i, sentence in enumerate(split_sentences(passage.text)):
        words = stems(sentence)
        if len(words) < 3:
            continue
        covered = sum(w for t, w in weights.items() if t in words)
        in_title = sum(w for t, w in weights.items() if t in title_terms and t not in words)
        coverage = (covered + 0.5 * in_title) / total
        out.append(Candidate(rank, i, sentence, coverage, coverage + 0.15 / (1 + rank)))
    return out


def compose(question: str, passages: list[Passage], chosen: list[Candidate]) -> Answer:
    """Sentences with their speakers, each followed by its source number."""
    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    lines = []
    for cand in chosen:
        passage = passages[cand.passage_rank]
        excerpt = with_speaker(passage.text, cand.index)
        if passage.article_id not in numbers:
            numbers[passage.article_id] = len(numbers) + 1
            citations.append(citation(numbers[passage.article_id], passage, excerpt))
        else:
            first = citations[numbers[passage.article_id] - 1]
            citations[first.number - 1] = _extend_quote(first, excerpt)
        lines.append(f"{excerpt} [{numbers[passage.article_id]}]")
    return Answer(question, "\n".join(lines), True, citations, passages)


def with_speaker(text: str, index: int) -> str:
    """Sentence `index` of text, with the words that introduce or attribute its quotation."""
    sentences = split_sentences(text)
    before, after = speaker_context(sentences, index)
    parts = [before, sentences[index], f"… {after}" if after else None]
    return " ".join(p for p in parts if p)


def citation(number: int, passage: Passage, quote: str) -> Citation:
    """A citation of a passage's article with a quote from it."""
    return Citation(
        number,
        passage.title,
        passage.outlet,
        passage.published,
        passage.url,
        quote,
        passage.article_id,
    )


def _extend_quote(cite: Citation, excerpt: str) -> Citation:
    """The citation with one more excerpt in its quote."""
    return Citation(
        cite.number,
        cite.title,
        cite.outlet,
        cite.published,
        cite.url,
        f"{cite.quote} … {excerpt}",
        cite.article_id,
    )


def not_found(question: str, passages: list[Passage], limit: int = 3) -> Answer:
    """The answer that says the articles do not hold it, naming the closest sources."""
    closest: list[Citation] = []
    seen = set()
    for passage in passages:
        if passage.article_id in seen or len(closest) == limit:
            continue
        seen.add(passage.article_id)
        first = split_sentences(passage.text)[:1]
        closest.append(citation(len(closest) + 1, passage, first[0] if first else ""))
    text = NOT_FOUND
    if closest:
        text += (
            " The closest sources are: "
            + "; ".join(f"[{c.number}] {c.title} ({c.outlet})" for c in closest)
            + "."
        )
    return Answer(question, text, False, closest, passages)


_MARKER = re.compile(r"\[(\d+)\]")


def cited_numbers(text: str) -> set[int]:
    """The [n] source numbers a reply cites."""
    return {int(n) for n in _MARKER.findall(text)}
