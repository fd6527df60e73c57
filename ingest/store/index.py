"""The index contract: a vector collection and a keyword index kept in step."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from ingest.article import Article
from ingest.chunk import Chunk, Chunker, article_id_of, titled
from ingest.embed import Embedder
from ingest.store.audit import AuditLog
from ingest.store.errors import IndexNotReady, IndexUnavailable
from ingest.store.keyword import Filters, KeywordIndex, Scopes, StoredArticle
from ingest.store.lock import lock_data_dir
from ingest.store.vectors import COLLECTION_PREFIX, VectorStore
from ingest.text.sentences import split_sentences

log = logging.getLogger(__name__)

KEYWORD_FILE = "keyword.sqlite3"
IDS_SEARCH_MAX = 10_000  # a filter admitting at most this many chunks searches their ids
OVERFETCH_MAX = 3_000  # the most unfiltered neighbours read to find k admitted ones


class Outcome(StrEnum):
    """What storing an article did."""

    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass
class CheckReport:
    """What `check` found, and what it repaired."""

    orphan_vectors: int = 0
    missing_vectors: int = 0
    pending_articles: list[str] = field(default_factory=list)
    missing_sentence_vectors: int = 0  # chunks stored before their sentences' vectors were
    # kept, or whose text splits otherwise than when they were (the splitter has learnt more)
    repaired: bool = False

    @property
    def consistent(self) -> bool:
        """True when both indexes hold exactly the same chunks, sentence vectors included."""
        missing = self.missing_vectors or self.missing_sentence_vectors
        return not (self.orphan_vectors or missing or self.pending_articles)


class ArticleIndex:
    """Articles, their chunks, vectors and keyword index; the catalogue is the source of truth."""

    def __init__(
        self,
        data_dir: Path,
        chroma_client,
        embedder: Embedder,
        collection_prefix: str = COLLECTION_PREFIX,
    ) -> None:
        self.data_dir = data_dir
        self.embedder = embedder
        self.keyword = KeywordIndex(data_dir / KEYWORD_FILE)
        self.audit = AuditLog(data_dir / KEYWORD_FILE)  # its table comes with the catalogue's
        self.vectors = VectorStore(chroma_client, embedder.identity, collection_prefix)
        self._chunker: Chunker | None = None

    def close(self) -> None:
        """Release the keyword database and the audit log."""
        self.keyword.close()
        self.audit.close()

    def chunker(self) -> Chunker:
        """A chunker sized to this index's embedding model, built once."""
        if self._chunker is None:
            self._chunker = Chunker(self.embedder.tokenizer, self.embedder.max_tokens)
        return self._chunker

    def is_current(self, article: Article) -> bool:
        """True when this exact article is already stored whole, cut as this chunker cuts it,
        vectors (its chunks' and their sentences') for this model included."""
        stored = self.keyword.article(article.article_id)
        if not (stored and stored.state == "ok" and stored.content_hash == article.content_hash):
            return False
        wanted = self.keyword.chunk_ids(article.article_id)
        prefix = f"{self.chunker().id_prefix(article)}-"
        if not all(chunk_id.startswith(prefix) for chunk_id in wanted):
            return False  # cut with another chunk size: cut and embed it again
        # The catalogue is shared by every model's collection: after a model change, or vectors
        # lost from Chroma, or its sentences stored without theirs, it is embedded again.
        embedded = self.vectors.ids_for_article(article.article_id) == wanted
        return embedded and self.keyword.has_sentence_vectors(wanted, self.embedder.identity)

    def store(
        self, article: Article, chunks: list[Chunk], vectors, sentence_vectors: Sequence = ()
    ) -> Outcome:
        """Store an article's chunks and vectors (and each chunk's sentence vectors, see
        Embedder.encode_sentences), replacing any older version of it."""
        if self.is_current(article):
            return Outcome.UNCHANGED
        existed = self.keyword.article(article.article_id) is not None
        self.keyword.put_pending(article, chunks, sentence_vectors, self.embedder.identity)
        self.vectors.upsert(chunks, vectors)
        new_ids = {c.chunk_id for c in chunks}
        stale = self.vectors.ids_for_article(article.article_id) - new_ids
        self.vectors.delete(sorted(stale))
        self.keyword.mark_stored(article.article_id)
        return Outcome.UPDATED if existed else Outcome.ADDED

    def sentence_vectors(self, chunk_ids: Iterable[str]) -> dict:
        """Each chunk's sentence vectors as this index's model made them at ingest, by chunk id
        (chunks stored without them are left out)."""
        return self.keyword.sentence_vectors(chunk_ids, self.embedder.identity)

    def forget(self, article_id: str) -> StoredArticle:
        """Remove an article from both indexes."""
        stored = self.keyword.article(article_id)
        if stored is None:
            msg = f"no article with id {article_id}; `newsdesk sources` lists the ids"
            raise KeyError(msg)
        self.keyword.delete(article_id)
        self.vectors.delete(sorted(self.vectors.ids_for_article(article_id)))
        return stored

    def require_articles(self, scopes: Scopes = None) -> None:
        """Raise IndexNotReady when there is nothing (of some scopes) to search."""
        if not self.keyword.counts(scopes)["articles"]:
            msg = "the index is empty: add articles with `newsdesk ingest PATH_OR_URL`"
            raise IndexNotReady(msg)

    def dense_search(self, vector, k: int, filters: Filters = Filters()):
        """(chunk_id, similarity) from the vector collection, best first.

        Chroma's metadata filter reads every record it admits, which is slow on a big
        collection, so the catalogue picks the way: a narrow filter searches the ids it admits,
        a broad one keeps the admitted among the nearest unfiltered chunks; Chroma's own filter
        is the fallback.
        """
        if not filters:
            return self.vectors.search(vector, k)
        owned = self.keyword.owned_scopes() if filters.scopes is not None else ()
        admitted = self.keyword.admitted_count(filters)
        if admitted <= IDS_SEARCH_MAX:
            try:
                return self.vectors.search(vector, k, ids=self.keyword.admitted_ids(filters))
            except IndexUnavailable:  # an id without a vector: a new model, or a store under way
                return self.vectors.search(vector, k, filters, owned_scopes=owned)
        total = self.keyword.counts()["chunks"]
        nearest = self.vectors.search(vector, min(OVERFETCH_MAX, 3 * k * total // admitted))
        [kept] = self.admitted(nearest, [filters])
        if len(kept) >= k:
            return kept[:k]
        return self.vectors.search(vector, k, filters, owned_scopes=owned)

    def admitted(
        self, hits: list[tuple[str, float]], each: Sequence[Filters]
    ) -> list[list[tuple[str, float]]]:
        """For each set of filters, the hits whose articles it admits, in order (the articles
        are read once)."""
        if not each:
            return []
        articles = self.keyword.articles_by_id({article_id_of(i) for i, _ in hits})
        found = [(hit, articles.get(article_id_of(hit[0]))) for hit in hits]
        return [[hit for hit, a in found if a and filters.admits(a)] for filters in each]

    def keyword_search(self, match: str, k: int, filters: Filters = Filters()):
        """(chunk_id, BM25 score) from the keyword index."""
        return self.keyword.search(match, k, filters)

    def stats(self, scopes: Scopes = None) -> dict[str, object]:
        """Counts for `newsdesk stats` and /stats, of the articles of some scopes; the vectors
        are counted only when those are the whole archive."""
        counts = self.keyword.counts(scopes)
        if self.keyword.needed_scopes(scopes) is None:
            counts["vectors"] = self.vectors.count()
        counts["model"] = self.embedder.model_name
        counts["collection"] = self.vectors.name
        return counts

    def check(self, repair: bool = False) -> CheckReport:
        """Compare the two indexes; with repair, make the vectors match the catalogue."""
        stored_ids = self.keyword.chunk_ids()
        vector_ids = self.vectors.all_ids()
        orphans = sorted(vector_ids - stored_ids)
        missing = sorted(stored_ids - vector_ids)
        unsentenced = [
            chunk_id
            for chunk_id, text, rows in self.keyword.sentence_rows(self.embedder.identity)
            if rows != len(split_sentences(text))  # none kept, or kept for another split
        ]
        report = CheckReport(len(orphans), len(missing), self.keyword.pending(), len(unsentenced))
        if repair and not report.consistent:
            self.vectors.delete(orphans)
            self._embed_missing(missing)
            self._embed_sentences(unsentenced)
            for article_id in report.pending_articles:
                self.keyword.mark_stored(article_id)
            report.repaired = True
        return report

    def _embed_missing(self, chunk_ids: list[str]) -> None:
        """Re-embed chunks the catalogue has but the vector store lacks."""
        stored = self.keyword.chunks(chunk_ids)
        chunker = self.chunker()
        for start in range(0, len(chunk_ids), 256):
            batch = [stored[i] for i in chunk_ids[start : start + 256]]
            chunks = [as_chunk(s, chunker) for s in batch]
            self.vectors.upsert(chunks, self.embedder.encode([c.embed_text for c in chunks]))

    def _embed_sentences(self, chunk_ids: list[str]) -> None:
        """Embed the sentences of chunks stored without their vectors."""
        stored = self.keyword.chunks(chunk_ids)
        for start in range(0, len(chunk_ids), 256):
            batch = chunk_ids[start : start + 256]
            rows = self.embedder.encode_sentences([stored[i].text for i in batch])
            self.keyword.put_sentence_vectors(batch, rows, self.embedder.identity)


def as_chunk(stored, chunker: Chunker) -> Chunk:
    """Rebuild a Chunk from the catalogue, to embed it again."""
    art = stored.article
    article = Article(
        title=art.title,
        text=stored.text,
        outlet=art.outlet,
        published=art.published,
        url=art.url,
        author=art.author,
        scope=art.scope,
    )
    embed_text = titled(chunker.short_title(art.title), stored.text)
    return Chunk(stored.chunk_id, art.article_id, stored.position, stored.text, embed_text, article)


def open_chroma(
    data_dir: Path,
    host: str | None = None,
    port: int = 8000,
    token: str | None = None,
    ssl: bool = False,
):
    """An embedded Chroma in data_dir, or a client for a Chroma server when host is set."""
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)
    try:
        if host:
            headers = {"Authorization": f"Bearer {token}"} if token else None
            return chromadb.HttpClient(
                host=host, port=port, ssl=ssl, headers=headers, settings=settings
            )
        lock_data_dir(data_dir)
        return chromadb.PersistentClient(path=str(data_dir / "chroma"), settings=settings)
    except IndexUnavailable:
        raise
    except Exception as exc:
        where = f"the Chroma server at {host}:{port}" if host else f"the data directory {data_dir}"
        msg = f"cannot open {where}: {exc}"
        raise IndexUnavailable(msg) from exc
