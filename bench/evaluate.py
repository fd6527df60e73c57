"""Retrieval and answer metrics for MultiHop-RAG-style benchmarks (the paper's protocol)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

_SPACE = re.compile(r"\s+")
YES_NO = frozenset({"yes", "no", "true", "false"})
NULL_ANSWER = "insufficient information."


def squash(text: str) -> str:
    """Text with every space and newline removed, as the paper compares facts and chunks."""
    return _SPACE.sub("", text)


@dataclass
class RetrievalScores:
    """Hits@4, Hits@10, MRR@10 and evidence-article recall@10, accumulated per question."""

    hits4: list[float] = field(default_factory=list)
    hits10: list[float] = field(default_factory=list)
    mrr10: list[float] = field(default_factory=list)
    article_recall10: list[float] = field(default_factory=list)

    def add(
        self,
        chunk_texts: Sequence[str],
        chunk_articles: Sequence[str],
        facts: Sequence[str],
        evidence_articles: set[str],
    ) -> None:
        """Score one question's ranked chunks against its gold facts and articles."""
        squashed = [squash(f) for f in facts]
        relevant = [any(f in squash(t) for f in squashed) for t in chunk_texts[:10]]
        first = next((i for i, r in enumerate(relevant) if r), None)
        self.hits4.append(float(first is not None and first < 4))
        self.hits10.append(float(first is not None))
        self.mrr10.append(1.0 / (first + 1) if first is not None else 0.0)
        found = evidence_articles & set(chunk_articles[:10])
        self.article_recall10.append(len(found) / len(evidence_articles))

    def summary(self) -> dict[str, float]:
        """Means over the questions scored."""
        n = max(len(self.hits10), 1)
        return {
            "n": len(self.hits10),
            "hits@4": sum(self.hits4) / n,
            "hits@10": sum(self.hits10) / n,
            "mrr@10": sum(self.mrr10) / n,
            "article_recall@10": sum(self.article_recall10) / n,
        }


@dataclass
class AnswerScores:
    """Gold answer found in the reply; null questions answered "not found"; false "not found"."""

    contains_gold: list[float] = field(default_factory=list)
    null_not_found: list[float] = field(default_factory=list)
    wrongly_not_found: list[float] = field(default_factory=list)

    def add(self, gold: str, reply: str, found: bool) -> None:
        """Score one reply."""
        if gold.strip().lower() == NULL_ANSWER:
            self.null_not_found.append(float(not found))
            return
        self.wrongly_not_found.append(float(not found))
        if gold.strip().lower() not in YES_NO:
            self.contains_gold.append(float(gold.strip().lower() in reply.lower()))

    def summary(self) -> dict[str, float]:
        """Shares over the questions of each kind."""

        def mean(xs: list[float]) -> float:
            return sum(xs) / len(xs) if xs else 0.0

        return {
            "gold_in_reply": mean(self.contains_gold),
            "n_gold": len(self.contains_gold),
            "null_not_found": mean(self.null_not_found),
            "n_null": len(self.null_not_found),
            "wrongly_not_found": mean(self.wrongly_not_found),
            "n_answerable": len(self.wrongly_not_found),
        }


def evidence_key(title: str, url: str | None) -> str:
    """How an evidence article is recognised among retrieved chunks: its url, else title."""
    return (url or title).strip()


def score_retrieval(
    queries: list[dict], search: Callable[[str], list[tuple[str, str]]]
) -> RetrievalScores:
    """Run search (question -> [(chunk text, article key)]) over non-null queries."""
    scores = RetrievalScores()
    for q in queries:
        if not q["evidence_list"]:
            continue
        results = search(q["query"])
        scores.add(
            [t for t, _ in results],
            [a for _, a in results],
            [e["fact"] for e in q["evidence_list"]],
            {evidence_key(e["title"], e.get("url")) for e in q["evidence_list"]},
        )
    return scores
