"""NewsDesk: what the CLI and the Discord bot ask of the archive, in one place."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Sequence
from datetime import date

from bot.qa.answer import ExtractiveAnswerer, names_only_a_period, not_found
from bot.qa.plan import QueryPlan, fts_string, near_expression
from bot.qa.retrieve import HybridRetriever
from bot.qa.types import Answer, Passage
from ingest.pipeline import IngestReport, ingest
from ingest.store.index import ArticleIndex
from ingest.store.keyword import Filters, StoredArticle

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000
_FOLLOW_UP = re.compile(r"^\s*(?:and|but|so)?\s*(?:what|how)\s+about\s+(.+?)\s*\??\s*$", re.I)
_PRONOUN = re.compile(r"\b(he|she|they|him|her|them|it|that|this|those|these|his|their)\b", re.I)


class NewsDesk:
    """Search, ask, ingest and list articles; every method is synchronous and thread-safe."""

    def __init__(
        self,
        index: ArticleIndex,
        retriever: HybridRetriever,
        answerer: ExtractiveAnswerer,
        llm_answerer=None,
        *,
        allow_private_urls: bool = False,
    ) -> None:
        self.index = index
        self.retriever = retriever
        self.answerer = answerer
        self.llm_answerer = llm_answerer
        self.allow_private_urls = allow_private_urls  # fetch from private networks too
        self._write_lock = threading.Lock()

    def filters(
        self, since: date | None = None, until: date | None = None, source: str | None = None
    ) -> Filters:
        """Search filters from command options; source may be any case."""
        outlets: tuple[str, ...] = ()
        if source:
            known = {o.lower(): o for o in self.index.keyword.outlets()}
            outlets = (known.get(source.strip().lower(), source.strip()),)
        return Filters(since=since, until=until, outlets=outlets)

    def search(
        self,
        query: str,
        *,
        since: date | None = None,
        until: date | None = None,
        source: str | None = None,
        k: int = 10,
    ) -> list[Passage]:
        """The k passages that best match a query."""
        _check_length(query)
        self.index.require_articles()
        return self.retriever.retrieve(query, k, self.filters(since, until, source))

    def ask(
        self,
        question: str,
        *,
        since: date | None = None,
        until: date | None = None,
        source: str | None = None,
        k: int = 8,
    ) -> Answer:
        """A grounded, cited answer, or one that says the articles do not hold it."""
        _check_length(question)
        self.index.require_articles()
        plan = self.retriever.plan(question)
        passages = self.retriever.retrieve(question, k, self.filters(since, until, source), plan)
        reason = self._unanswerable(plan)
        if reason:
            return not_found(question, passages, reason=reason)
        if names_only_a_period(plan):
            passages = self._article_leads(passages)
        extractive = self.answerer.answer(question, plan, passages)
        if self.llm_answerer is None or not passages:
            return extractive
        return self.llm_answerer.answer(question, passages, fallback=extractive)

    def _article_leads(self, passages: list[Passage]) -> list[Passage]:
        """The first passage of each article the passages come from, in their order."""
        leads: dict[str, Passage] = {}
        for passage in passages:
            if passage.article_id not in leads:
                chunks = self.index.keyword.article_chunks(passage.article_id)
                lead = Passage.from_chunk(chunks[0], passage.score) if chunks else passage
                leads[passage.article_id] = lead
        return list(leads.values())

    def _unanswerable(self, plan: QueryPlan) -> str | None:
        """Why the archive cannot answer, when the question names what it has nothing on: a
        well-known outlet it holds no article from, or a source or name it never mentions (an
        author's name counts as mentioned)."""
        if plan.missing_outlets:
            return f"The archive holds no articles from {', '.join(plan.missing_outlets)}."
        keyword = self.index.keyword
        sources = plan.other_sources
        unheard = [n for n in sources if not keyword.mentions(fts_string(n.removeprefix("The ")))]
        if unheard:
            return f"The archive holds nothing from or about {', '.join(unheard)}."
        unnamed = [
            n
            for n in plan.names
            if not (keyword.mentions(near_expression(n)) or keyword.has_author(n))
        ]
        if unnamed:
            return f"The archive never mentions {', '.join(unnamed)}."
        return None

    def rewrite_followup(self, question: str, history: Sequence[str]) -> str:
        """A follow-up made standalone with the earlier questions of the conversation."""
        if not history:
            return question
        previous = history[-1]
        about = _FOLLOW_UP.match(question)
        if about and " about " in previous:
            head = previous.rsplit(" about ", 1)[0]
            return f"{head} about {about.group(1)}?"
        if about or _PRONOUN.search(question) or len(question.split()) <= 4:
            return f"{question.rstrip()} (context: {previous})"
        return question

    def ingest(self, targets: list[str], progress: bool = False) -> IngestReport:
        """Add or update articles from files, folders, URLs or feeds."""
        return ingest(
            targets,
            self.index,
            progress=progress,
            write_lock=self._write_lock,
            allow_private=self.allow_private_urls,
        )

    def articles(self, text: str = "", limit: int | None = None) -> list[StoredArticle]:
        """Indexed articles whose title, outlet or url contains text."""
        return self.index.keyword.articles(text, limit)

    def article(self, article_id: str) -> StoredArticle | None:
        """One article by id."""
        return self.index.keyword.article(article_id)

    def forget(self, article_id: str) -> StoredArticle:
        """Remove an article from the index."""
        with self._write_lock:
            return self.index.forget(article_id)

    def outlets(self) -> list[str]:
        """Outlet names in the index, most articles first."""
        return self.index.keyword.outlets()

    def stats(self) -> dict[str, object]:
        """Counts of articles, chunks, vectors and outlets."""
        return self.index.stats()


def _check_length(text: str) -> None:
    """Reject empty or over-long questions with a clear message."""
    if not text.strip():
        msg = "the question is empty: ask something about the news"
        raise ValueError(msg)
    if len(text) > MAX_QUESTION_CHARS:
        msg = f"the question is {len(text)} characters; keep it under {MAX_QUESTION_CHARS}"
        raise ValueError(msg)
