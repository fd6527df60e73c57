"""Runs an ingest: sources -> parse -> chunk -> embed -> index, with progress and a summary."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace

from tqdm import tqdm

from ingest.article import SHARED, Article
from ingest.chunk import Chunk
from ingest.sources import Failure, iter_articles
from ingest.store.index import ArticleIndex, Outcome

log = logging.getLogger(__name__)

BATCH_CHUNKS = 512
NO_LOCK = nullcontext()  # a single writer needs no lock


@dataclass
class IngestReport:
    """How many articles each outcome had, and why each failure failed."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    chunks: int = 0
    failures: list[Failure] = field(default_factory=list)
    changes: list[tuple[Outcome, str, str]] = field(default_factory=list)  # added or updated:
    # (outcome, article id, title)

    def count(self, outcome: Outcome, article: Article | None = None) -> None:
        """Record one stored article (kept among the changes when it was added or updated)."""
        setattr(self, outcome.value, getattr(self, outcome.value) + 1)
        if article is not None and outcome is not Outcome.UNCHANGED:
            self.changes.append((outcome, article.article_id, article.title))

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.failures

    def summary(self) -> str:
        """One line of totals, then one line per failure."""
        head = (
            f"added {self.added}, updated {self.updated}, unchanged {self.unchanged}, "
            f"failed {len(self.failures)} ({self.chunks} chunks written)"
        )
        return "\n".join([head, *(f"  failed: {f.origin}: {f.reason}" for f in self.failures)])


def ingest(
    targets: Iterable[str],
    index: ArticleIndex,
    *,
    progress: bool = False,
    write_lock: AbstractContextManager = NO_LOCK,
    allow_private: bool = False,
    scope: int = SHARED,
) -> IngestReport:
    """Ingest every article from targets into one scope (the shared archive, or a server's);
    failures are reported, never raised.

    Only the writes to the index hold write_lock: fetching pages and embedding do not, so a
    slow site never keeps another writer waiting. URLs are fetched from public addresses only,
    and from private networks too with allow_private.
    """
    report = IngestReport()
    chunker = index.chunker()
    batch: dict[str, tuple[Article, list[Chunk]]] = {}
    batch_chunks = 0
    bar = tqdm(desc="ingesting", unit=" articles", disable=not progress, leave=False)
    for target in targets:
        for item in iter_articles(target, allow_private=allow_private):
            bar.update(1)
            if isinstance(item, Failure):
                report.failures.append(item)
                log.warning("skipped %s: %s", item.origin, item.reason)
                continue
            item = replace(item, scope=scope)
            if index.is_current(item):
                report.count(Outcome.UNCHANGED)
                continue
            chunks = chunker.split(item)
            if not chunks:
                report.failures.append(Failure(item.origin, "the article has no text to index"))
                continue
            batch[item.article_id] = (item, chunks)
            batch_chunks += len(chunks)
            if batch_chunks >= BATCH_CHUNKS:
                _store_batch(batch, index, report, write_lock)
                batch, batch_chunks = {}, 0
    _store_batch(batch, index, report, write_lock)
    bar.close()
    return report


def _store_batch(
    batch: dict[str, tuple[Article, list[Chunk]]],
    index: ArticleIndex,
    report: IngestReport,
    write_lock: AbstractContextManager,
) -> None:
    """Embed a batch of articles' chunks, and their sentences, in a model call each, then
    store each article."""
    if not batch:
        return
    all_chunks = [c for _, chunks in batch.values() for c in chunks]
    vectors = index.embedder.encode([c.embed_text for c in all_chunks])
    sentence_vectors = index.embedder.encode_sentences([c.text for c in all_chunks])
    start = 0
    with write_lock:
        for article, chunks in batch.values():
            end = start + len(chunks)
            outcome = index.store(article, chunks, vectors[start:end], sentence_vectors[start:end])
            report.count(outcome, article)
            report.chunks += len(chunks)
            start = end
