"""NewsDesk: what the CLI and the Discord bot ask of the archive, in one place."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np

from bot.qa.answer import ExtractiveAnswerer, asks_only_for_news, not_found
from bot.qa.candidates import ARTICLES_READ, OPENING_PASSAGES
from bot.qa.plan import QueryPlan, fts_string, near_expression
from bot.qa.retrieve import HybridRetriever
from bot.qa.spelling import Correction, correct
from bot.qa.types import Answer, Passage
from ingest.article import SHARED
from ingest.errors import NewsdeskError
from ingest.pipeline import IngestReport, ingest
from ingest.store import audit
from ingest.store.audit import COMMAND_LINE, Actor, AuditEntry
from ingest.store.index import ArticleIndex, Outcome
from ingest.store.keyword import Filters, StoredArticle

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000
NO_TOPIC = "The question names nothing to look for: say whom or what it is about."
_FOLLOW_UP = re.compile(r"^\s*(?:and|but|so)?\s*(?:what|how)\s+about\s+(.+?)\s*\??\s*$", re.I)
_PRONOUN = re.compile(r"\b(he|she|they|him|her|them|it|that|this|those|these|his|their)\b", re.I)
SHARED_ONLY = (SHARED,)
HOUR = 3600.0


def archive_name(scope: int) -> str:
    """How an archive is named in messages."""
    return "the shared archive" if scope == SHARED else f"server {scope}'s archive"


class OtherArchive(NewsdeskError):
    """An article is in an archive the caller may not change; `article.scope` says which."""

    def __init__(self, article: StoredArticle) -> None:
        super().__init__(f"article {article.article_id} is in {archive_name(article.scope)}")
        self.article = article


@dataclass(frozen=True)
class Gathered:
    """A question's plan, its passages and those read with their articles, or why it has no
    answer."""

    plan: QueryPlan
    passages: list[Passage]
    read: list[Passage]  # the best articles' other passages
    refusal: str | None  # why the archive cannot answer, known before reading the passages
    vector: np.ndarray | None  # the question's, as retrieval embedded it (None: not searched)
    corrections: list[Correction] = field(default_factory=list)  # of words the archive lacks


class NewsDesk:
    """Search, ask, ingest and list articles; every method is synchronous and thread-safe.

    Every article is in one archive (its scope): the shared one the operator builds, or one
    server's. Readers name the scopes they may see (the shared archive by default), writers the
    one they change; every change is recorded in the audit log with its actor.
    """

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
        self,
        since: date | None = None,
        until: date | None = None,
        source: str | None = None,
        scopes: Sequence[int] = SHARED_ONLY,
    ) -> Filters:
        """Search filters from command options; source may be any case."""
        outlets: tuple[str, ...] = ()
        if source:
            known = {o.lower(): o for o in self.index.keyword.outlets(scopes)}
            outlets = (known.get(source.strip().lower(), source.strip()),)
        return Filters(since=since, until=until, outlets=outlets, scopes=tuple(scopes))

    def search(
        self,
        query: str,
        *,
        since: date | None = None,
        until: date | None = None,
        source: str | None = None,
        k: int = 10,
        scopes: Sequence[int] = SHARED_ONLY,
    ) -> list[Passage]:
        """The k passages (of the archives of scopes) that best match a query."""
        _check_length(query)
        self.index.require_articles(scopes)
        return self.retriever.retrieve(query, k, self.filters(since, until, source, scopes))

    def ask(
        self,
        question: str,
        *,
        since: date | None = None,
        until: date | None = None,
        source: str | None = None,
        k: int = 8,
        scopes: Sequence[int] = SHARED_ONLY,
    ) -> Answer:
        """A grounded, cited answer (from the archives of scopes), or one that says the
        articles do not hold it."""
        found = self.gather(question, since=since, until=until, source=source, k=k, scopes=scopes)
        searched = found.plan.text  # the question, its misspellings mended
        if found.refusal:
            answer = not_found(searched, found.passages, reason=found.refusal)
        else:
            answer = self.answerer.answer(
                searched, found.plan, found.passages, found.read, found.vector
            )
            if self.llm_answerer is not None and found.passages:
                answer = self.llm_answerer.answer(searched, found.passages, fallback=answer)
        return _as_asked(answer, question, found.corrections)

    def gather(
        self,
        question: str,
        *,
        since: date | None = None,
        until: date | None = None,
        source: str | None = None,
        k: int = 8,
        scopes: Sequence[int] = SHARED_ONLY,
    ) -> Gathered:
        """What answering a question starts from: its plan, the k best passages (of the
        archives of scopes) and the rest of their best articles, or why the archive cannot
        answer it. A question asking only for the news is not searched: its passages are the
        newest stories' first."""
        _check_length(question)
        self.index.require_articles(scopes)
        filters = self.index.keyword.narrowed(self.filters(since, until, source, scopes))
        question, corrections = correct(
            question, self.index.keyword, self.index.embedder.knows_word, filters.scopes
        )
        plan = self.retriever.plan(question, scopes=filters.scopes)
        refusal = self._unanswerable(plan, filters.scopes)
        if refusal is None and asks_only_for_news(plan):
            newest = self.retriever.newest(plan, filters, k)
            return Gathered(plan, newest, [], None, None, corrections)
        found = self.retriever.ranked(question, k, filters, plan)
        read = [] if refusal else self._read_with(found.passages)
        return Gathered(plan, found.passages, read, refusal, found.vector, corrections)

    def _read_with(self, passages: list[Passage]) -> list[Passage]:
        """Every passage of the ARTICLES_READ best articles, and the opening passage of the
        others: the fact a question asks for is often in a passage of the right article that
        did not rank, and a news story gives its main facts first."""
        scores: dict[str, float] = {}  # each article's, by its best passage
        for p in passages:
            scores.setdefault(p.article_id, p.score)
        read: list[Passage] = []
        for rank, (article_id, score) in enumerate(scores.items()):
            first = None if rank < ARTICLES_READ else OPENING_PASSAGES
            chunks = self.index.keyword.article_chunks(article_id, first)
            read += [Passage.from_chunk(chunk, score) for chunk in chunks]
        return read

    def _unanswerable(self, plan: QueryPlan, scopes: Sequence[int] | None) -> str | None:
        """Why the archive cannot answer, when the question names nothing to look for ("what
        did he say?", with no earlier question to say who), or what it has nothing on: a
        well-known outlet it holds no article from, or a source or name it never mentions (an
        author's name counts as mentioned)."""
        if not (plan.terms or plan.phrases or plan.names or asks_only_for_news(plan)):
            return NO_TOPIC
        if plan.missing_outlets:
            return f"The archive holds no articles from {', '.join(plan.missing_outlets)}."
        keyword = self.index.keyword
        sources = plan.other_sources
        unheard = [
            n for n in sources if not keyword.mentions(fts_string(n.removeprefix("The ")), scopes)
        ]
        if unheard:
            return f"The archive holds nothing from or about {', '.join(unheard)}."
        unnamed = [
            n
            for n in plan.names
            if not (keyword.mentions(near_expression(n), scopes) or keyword.has_author(n, scopes))
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

    def ingest(
        self,
        targets: list[str],
        progress: bool = False,
        *,
        scope: int = SHARED,
        actor: Actor = COMMAND_LINE,
    ) -> IngestReport:
        """Add or update articles from files, folders, URLs or feeds, in one archive; the
        request (first, so that limits count it at once) and each article added or updated go
        to the audit log."""
        with self._write_lock:
            requests = [(None, target) for target in targets]
            self.index.audit.record(actor, audit.INGEST, scope, requests)
        report = ingest(
            targets,
            self.index,
            progress=progress,
            write_lock=self._write_lock,
            allow_private=self.allow_private_urls,
            scope=scope,
        )
        added = [(i, t) for outcome, i, t in report.changes if outcome is Outcome.ADDED]
        updated = [(i, t) for outcome, i, t in report.changes if outcome is Outcome.UPDATED]
        with self._write_lock:
            for action, changes in ((audit.ADDED, added), (audit.UPDATED, updated)):
                if changes:
                    self.index.audit.record(actor, action, scope, changes)
        return report

    def articles(
        self, text: str = "", limit: int | None = None, scopes: Sequence[int] = SHARED_ONLY
    ) -> list[StoredArticle]:
        """Indexed articles (of the archives of scopes) whose title, outlet or url holds text."""
        return self.index.keyword.articles(text, limit, scopes)

    def article(
        self, article_id: str, scopes: Sequence[int] | None = SHARED_ONLY
    ) -> StoredArticle | None:
        """One article by id, if it is in the archives of scopes (None: any archive)."""
        found = self.index.keyword.article(article_id)
        return found if found and (scopes is None or found.scope in scopes) else None

    def forget(
        self,
        article_id: str,
        *,
        scopes: Sequence[int] = SHARED_ONLY,
        visible: Sequence[int] | None = None,
        actor: Actor = COMMAND_LINE,
    ) -> StoredArticle:
        """Remove an article of one of the archives the caller may change (scopes), recorded
        in the audit log. KeyError when no article the caller sees (visible; None: every
        archive) has the id; OtherArchive when it is in another archive."""
        with self._write_lock:
            stored = self.article(article_id, visible)
            if stored is None:
                msg = f"no article with id {article_id}; `newsdesk sources` lists the ids"
                raise KeyError(msg)
            if stored.scope not in scopes:
                raise OtherArchive(stored)
            gone = self.index.forget(article_id)
            self.index.audit.record(actor, audit.FORGOTTEN, gone.scope, [(article_id, gone.title)])
            return gone

    def forget_archive(self, scope: int, actor: Actor) -> list[StoredArticle]:
        """Remove every article of a server's archive (the bot left the server), each recorded
        in the audit log."""
        if scope == SHARED:
            msg = "the shared archive is never forgotten as a whole"
            raise ValueError(msg)
        articles = self.index.keyword.articles(scopes=(scope,))
        return [self.forget(a.article_id, scopes=(scope,), actor=actor) for a in articles]

    def record_feed(self, actor: Actor, action: str, scope: int, url: str) -> None:
        """Put a feed followed or dropped in the audit log."""
        with self._write_lock:
            self.index.audit.record(actor, action, scope, [(None, url)])

    def ingests_within_hour(self, scope: int, now: float | None = None) -> list[float]:
        """When members asked to ingest into an archive within the last hour, oldest first."""
        now = time.time() if now is None else now
        return self.index.audit.user_ingests(scope, now - HOUR)

    def audit_entries(
        self, server_id: int | None = None, limit: int | None = None
    ) -> list[AuditEntry]:
        """The audit log, newest first: every archive's, or what one server did and had done."""
        return self.index.audit.entries(server_id, limit)

    def new_articles(
        self, ingested_after: float, scopes: Sequence[int] = SHARED_ONLY
    ) -> list[StoredArticle]:
        """Articles (of the archives of scopes) ingested after a time, oldest first."""
        return self.index.keyword.articles_since(ingested_after, scopes)

    def outlets(self, scopes: Sequence[int] = SHARED_ONLY) -> list[str]:
        """Outlet names in the archives of scopes, most articles first."""
        return self.index.keyword.outlets(scopes)

    def stats(self, scopes: Sequence[int] = SHARED_ONLY) -> dict[str, object]:
        """Counts of articles, chunks and outlets (of the archives of scopes), and vectors when
        they are the whole index."""
        return self.index.stats(scopes)


def searched_for(corrections: list[Correction]) -> str | None:
    """What the reply says it searched for instead of the words the archive lacks."""
    if not corrections:
        return None
    meant = ", ".join(c.meant for c in corrections)
    asked = ", ".join(f"“{c.asked}”" for c in corrections)
    return f"Showing results for {meant} (not {asked})."


def _as_asked(answer: Answer, question: str, corrections: list[Correction]) -> Answer:
    """The answer to the question as it was asked, saying what it searched for instead."""
    note = searched_for(corrections)
    if note and answer.note:
        note = f"{note} {answer.note}"
    return replace(answer, question=question, note=note or answer.note)


def _check_length(text: str) -> None:
    """Reject empty or over-long questions with a clear message."""
    if not text.strip():
        msg = "the question is empty: ask something about the news"
        raise ValueError(msg)
    if len(text) > MAX_QUESTION_CHARS:
        msg = f"the question is {len(text)} characters; keep it under {MAX_QUESTION_CHARS}"
        raise ValueError(msg)
