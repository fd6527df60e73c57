"""Hybrid retrieval: dense and BM25 results fused, steered by what the question names."""

from __future__ import annotations

import math
import os
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from itertools import pairwise

import numpy as np

from bot.qa.plan import OutletMatcher, QueryPlan, plan_query, rarity_weights
from bot.qa.types import Passage
from ingest.chunk import article_id_of
from ingest.store.index import ArticleIndex
from ingest.store.keyword import Filters, Scopes, StoredChunk
from ingest.text.sentences import split_sentences
from ingest.text.words import stem_sequence

RRF_K = 10
CANDIDATES = 30
PER_ARTICLE = 3
LEAD = 6  # past the best six, an article not yet shown comes before more of one that is
DENSE_WEIGHT = 0.8  # measured on MultiHop-RAG: BM25 ranks better than MiniLM alone
STEERED_WEIGHT = 2.0  # rankings restricted to an outlet or date the question names
RERANK_POOL = 30
POOL = 300  # how deep the whole question's rankings are read
SENTENCE_WEIGHT = 4.0
PAIR_WEIGHT = 0.5  # question words side by side in a sentence ("white horse") count again
MATCHERS = 8  # outlet matchers kept: one per set of outlets that readers see


@dataclass(frozen=True)
class Ranked:
    """The passages found for a question, and the question's vector."""

    passages: list[Passage]
    vector: np.ndarray


class HybridRetriever:
    """Finds the passages that answer a question, over an ArticleIndex."""

    def __init__(
        self, index: ArticleIndex, candidates: int = CANDIDATES, per_article: int = PER_ARTICLE
    ) -> None:
        self.index = index
        self.candidates = candidates
        self.per_article = per_article
        self._threads = ThreadPoolExecutor(os.cpu_count(), thread_name_prefix="keyword")
        self._matchers: dict[tuple[str, ...], OutletMatcher] = {}

    def outlet_matcher(self, scopes: Scopes = None) -> OutletMatcher:
        """The outlet names of the articles of some scopes, rebuilt when they change."""
        outlets = tuple(self.index.keyword.outlets(scopes))
        matcher = self._matchers.get(outlets)
        if matcher is None:
            if len(self._matchers) >= MATCHERS:
                self._matchers.clear()
            matcher = self._matchers[outlets] = OutletMatcher(list(outlets))
        return matcher

    def plan(self, question: str, today: date | None = None, scopes: Scopes = None) -> QueryPlan:
        """What the question names: terms, phrases, outlets (of the scopes' articles) and dates.

        A date without a year ("on October 28", "last June") is read from the newest article's
        day when the archive ends before today: the question is asked of the archive.
        """
        if today is None:
            newest = self.index.keyword.newest_published(scopes)
            today = min(date.today(), newest or date.today())
        return plan_query(question, self.outlet_matcher(scopes), today)

    def retrieve(
        self,
        question: str,
        k: int = 10,
        filters: Filters = Filters(),
        plan: QueryPlan | None = None,
    ) -> list[Passage]:
        """The k best passages for a question, at most per_article from one article, from the
        articles the filters admit (their scopes included)."""
        return self.ranked(question, k, filters, plan).passages

    def ranked(
        self,
        question: str,
        k: int = 10,
        filters: Filters = Filters(),
        plan: QueryPlan | None = None,
    ) -> Ranked:
        """retrieve()'s passages, with the question's vector that found them."""
        filters = self.index.keyword.narrowed(filters)
        plan = plan or self.plan(question, scopes=filters.scopes)
        vector, rankings, weights = self._rankings(plan, filters)
        fused = fuse(rankings, weights)
        best = list(fused)[: max(RERANK_POOL, k)]
        chunks = self.index.keyword.chunks(best)
        scores = rerank(plan, {i: fused[i] for i in best if i in chunks}, chunks)
        scores = lead_with_outlets(plan, scores, chunks)
        chosen = diversify(scores, self._article_of(scores), k, self.per_article)
        return Ranked([Passage.from_chunk(chunks[i], scores[i]) for i in chosen], vector)

    def newest(self, plan: QueryPlan, filters: Filters, k: int) -> list[Passage]:
        """The first passage of each of the k newest articles that the filters, the outlets
        the question names and its dates admit, newest first: what "What's the latest?", "What
        happened last week?" and "What has the Daily Post reported?" ask for."""
        named = tuple(o for m in plan.outlets for o in m.outlets)
        narrowed = _with_outlets(filters, named) if named and not filters.outlets else filters
        windows = [_with_window(narrowed, w.bounds()) for w in plan.dates] or [narrowed]
        keyword = self.index.keyword
        found = {a.article_id: a for sub in windows for a in keyword.newest(sub, k)}
        latest = sorted(found.values(), key=lambda a: a.published or date.min, reverse=True)
        leads = []
        for article in latest[:k]:
            chunks = keyword.article_chunks(article.article_id, first=1)
            if chunks:
                leads.append(Passage.from_chunk(chunks[0], 1.0))
        return leads

    def _rankings(
        self, plan: QueryPlan, filters: Filters
    ) -> tuple[np.ndarray, list[list[str]], list[float]]:
        """The question's vector, and ranked chunk-id lists with their weights: dense and
        keyword for the whole question, then for the question restricted to each outlet and
        date it names (a date to the outlets named with it).

        The keyword side runs in a worker thread while the question is embedded here.
        """
        steered = [_with_outlets(filters, m.outlets) for m in plan.outlets if not filters.outlets]
        named = tuple(o for m in plan.outlets for o in m.outlets)
        dated = _with_outlets(filters, named) if named and not filters.outlets else filters
        steered += [_with_window(dated, w.bounds()) for w in plan.dates]
        match = plan.match_expression()
        keyword = self._threads.submit(
            self._side, lambda k, sub: self.index.keyword_search(match, k, sub), filters, steered
        )
        vector = self.index.embedder.encode([plan.text])[0]
        dense = self._side(lambda k, sub: self.index.dense_search(vector, k, sub), filters, steered)
        rankings = [r for pair in zip(dense, keyword.result(), strict=True) for r in pair]
        per_steered = [DENSE_WEIGHT * STEERED_WEIGHT, STEERED_WEIGHT]
        return vector, rankings, [DENSE_WEIGHT, 1.0] + per_steered * len(steered)

    def _side(
        self,
        search: Callable[[int, Filters], list[tuple[str, float]]],
        filters: Filters,
        steered: list[Filters],
    ) -> list[list[str]]:
        """One search's rankings: the whole question's, then each steered one's, cut from a
        POOL-deep search when that holds enough of it, else searched under its own filters."""
        pool = search(POOL, filters)
        rankings = [[i for i, _ in pool[: self.candidates]]]
        for sub, hits in zip(steered, self.index.admitted(pool, steered), strict=True):
            if len(hits) < self.candidates and len(pool) == POOL:  # the pool may hide some
                hits = search(self.candidates, sub)
            rankings.append([i for i, _ in hits[: self.candidates]])
        return rankings

    @staticmethod
    def _article_of(fused: dict[str, float]) -> dict[str, str]:
        """Article id of each chunk id."""
        return {chunk_id: article_id_of(chunk_id) for chunk_id in fused}


def fuse(
    rankings: list[list[str]], weights: list[float] | None = None, k: int = RRF_K
) -> dict[str, float]:
    """Weighted reciprocal rank fusion: chunk id -> score, best first."""
    scores: dict[str, float] = defaultdict(float)
    for ranking, weight in zip(rankings, weights or [1.0] * len(rankings), strict=True):
        for rank, chunk_id in enumerate(ranking):
            scores[chunk_id] += weight / (k + rank + 1)
    return _best_first(scores)


def rerank(
    plan: QueryPlan, fused: dict[str, float], chunks: dict[str, StoredChunk]
) -> dict[str, float]:
    """Fused scores plus how much of one part of the question a single sentence answers.

    A multi-hop question asks one thing of each outlet it names; the chunk holding the fact
    usually has one sentence that matches that part's rarer words, often side by side as in
    the question. A chunk from a named outlet is held to that outlet's part; any other chunk
    to whichever part it answers best.
    """
    if not fused:
        return {}
    sentences = {i: [_Words.of(s) for s in split_sentences(chunks[i].text)] for i in fused}
    held = [set().union(*(s.terms for s in sents)) for sents in sentences.values()]
    parts = [(m.outlets, _Part.weigh(_Words.of(m.context), held)) for m in plan.outlets]
    parts = parts or [((), _Part.weigh(_Words.of(plan.text), held))]
    top = max(fused.values())
    scores = {}
    for i, score in fused.items():
        own = [part for outlets, part in parts if chunks[i].article.outlet in outlets]
        coverage = max(part.best_sentence(sentences[i]) for part in own or [p for _, p in parts])
        scores[i] = score / top + SENTENCE_WEIGHT * coverage
    return _best_first(scores)


def lead_with_outlets(
    plan: QueryPlan, scores: dict[str, float], chunks: dict[str, StoredChunk]
) -> dict[str, float]:
    """Scores reordered so that the best chunk of each outlet the question names comes first:
    a question about several outlets needs a passage from each."""
    leads = {}
    for mention in plan.outlets:
        lead = next((i for i in scores if chunks[i].article.outlet in mention.outlets), None)
        if lead is not None:
            leads[lead] = scores[lead]
    return {**_best_first(leads), **scores}


@dataclass(frozen=True)
class _Words:
    """The word stems of a text, and the pairs of them that stand side by side."""

    terms: frozenset[str]
    pairs: frozenset[tuple[str, str]]

    @classmethod
    def of(cls, text: str) -> _Words:
        """The words of text."""
        seq = stem_sequence(text)
        return cls(frozenset(seq), frozenset(pairwise(seq)))


@dataclass(frozen=True)
class _Part:
    """One part of a question: its terms weighted by how few candidate chunks hold them, and
    its side-by-side pairs weighted by both their terms."""

    terms: dict[str, float]
    pairs: dict[tuple[str, str], float]

    @classmethod
    def weigh(cls, words: _Words, chunk_terms: list[set[str]]) -> _Part:
        """A part's words weighed against the terms of each candidate chunk."""
        terms = rarity_weights(words.terms, chunk_terms)
        return cls(terms, {p: terms[p[0]] + terms[p[1]] for p in words.pairs})

    def best_sentence(self, sentences: list[_Words]) -> float:
        """The best of the chunk's sentences: the share of the weighted terms it holds, plus
        PAIR_WEIGHT times the share of the weighted pairs."""
        return max(
            (
                _share(s.terms, self.terms) + PAIR_WEIGHT * _share(s.pairs, self.pairs)
                for s in sentences
            ),
            default=0.0,
        )


def _share(held, weights: dict) -> float:
    """The share of the total weight that the held items carry."""
    return sum(w for t, w in weights.items() if t in held) / (sum(weights.values()) or 1.0)


def _best_first(scores: dict[str, float]) -> dict[str, float]:
    """Scores sorted best first."""
    return dict(sorted(scores.items(), key=lambda kv: kv[1], reverse=True))


def diversify(
    scores: dict[str, float], article_of: dict[str, str], k: int, per_article: int
) -> list[str]:
    """The top k ids: the best LEAD with at most per_article from one article, then the best
    chunk of each article not yet in, then more up to per_article each, then the rest.

    A question about several stories needs each story's article among the results more than a
    second chunk of one already there.
    """
    chosen: list[str] = []
    shown: dict[str, int] = defaultdict(int)

    def take(most: int, cap: float) -> None:
        for chunk_id in scores:
            if len(chosen) >= most:
                return
            if chunk_id not in chosen and shown[article_of[chunk_id]] < cap:
                shown[article_of[chunk_id]] += 1
                chosen.append(chunk_id)

    take(min(LEAD, k), per_article)
    take(k, 1)
    take(k, per_article)
    take(k, math.inf)
    return chosen


def _with_outlets(filters: Filters, outlets: tuple[str, ...]) -> Filters:
    """Filters narrowed to some outlets."""
    return replace(filters, outlets=outlets)


def _with_window(filters: Filters, bounds: tuple[date | None, date | None]) -> Filters:
    """Filters narrowed to a date window."""
    since, until = bounds
    since = max(filter(None, [since, filters.since]), default=None)
    until = min(filter(None, [until, filters.until]), default=None)
    return replace(filters, since=since, until=until)
