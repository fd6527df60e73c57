"""The vector side of the index: one Chroma collection per embedding model."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Collection, Sequence

from ingest.article import SHARED
from ingest.chunk import Chunk
from ingest.embed import model_slug
from ingest.store.errors import IndexUnavailable
from ingest.store.keyword import Filters

log = logging.getLogger(__name__)

COLLECTION_PREFIX = "newsdesk"
MODEL_KEY = "newsdesk:model"  # collection metadata: the model whose vectors it holds
_PAGE = 5000


def collection_name(model_slug: str, prefix: str = COLLECTION_PREFIX) -> str:
    """The collection for a model (chunks and queries always share a model), under a prefix
    that keeps archives sharing one Chroma server apart."""
    return f"{prefix}-{model_slug}"


def chroma_errors() -> tuple[type[BaseException], ...]:
    """Exceptions that mean the Chroma store cannot be reached or written."""
    import httpx
    from chromadb.errors import ChromaError

    # A Chroma server that is down or restarting raises httpx errors (ConnectError, ReadError...).
    return (ChromaError, httpx.HTTPError, ConnectionError, OSError, RuntimeError, ValueError)


class VectorStore:
    """Chunk vectors in a Chroma collection, with the chunk's metadata for filtering."""

    def __init__(self, client, model: str, prefix: str = COLLECTION_PREFIX) -> None:
        self.client = client
        self.model = model
        self._collection = None
        self.name = self._call("open", lambda: self._own_name(prefix))
        self._call("open", lambda: self.collection)

    def _own_name(self, prefix: str) -> str:
        """The model's collection, named after it; when another model of the same name (a
        folder elsewhere) holds that one, the name also carries a digest of the full name."""
        from chromadb.errors import NotFoundError

        name = collection_name(model_slug(self.model), prefix)
        try:
            held = self.client.get_collection(name).metadata or {}
        except NotFoundError:
            return name
        if held.get(MODEL_KEY, self.model) == self.model:  # unrecorded: made before the record
            return name
        return f"{name}-{hashlib.sha256(self.model.encode()).hexdigest()[:8]}"

    @property
    def collection(self):
        """The collection, fetched again after a failure (a restarted server may have a new one)."""
        if self._collection is None:
            self._collection = self.client.get_or_create_collection(
                self.name,
                metadata={"hnsw:space": "cosine", MODEL_KEY: self.model},
                embedding_function=None,
            )
        return self._collection

    def _call(self, what: str, action):
        """Run a Chroma call; any failure to reach or write it becomes IndexUnavailable."""
        try:
            return action()
        except chroma_errors() as exc:
            self._collection = None
            msg = f"the vector store could not {what} ({exc.__class__.__name__}: {exc})"
            raise IndexUnavailable(msg) from exc

    def upsert(self, chunks: Sequence[Chunk], vectors) -> None:
        """Write chunks and their vectors; existing ids are overwritten, never duplicated."""
        if not chunks:
            return
        self._call(
            "store vectors",
            lambda: self.collection.upsert(
                ids=[c.chunk_id for c in chunks],
                embeddings=vectors,
                metadatas=[c.metadata for c in chunks],
            ),
        )

    def delete(self, ids: Sequence[str]) -> None:
        """Remove vectors by id."""
        for start in range(0, len(ids), _PAGE):
            page = list(ids[start : start + _PAGE])
            self._call("delete vectors", lambda page=page: self.collection.delete(ids=page))

    def ids_for_article(self, article_id: str) -> set[str]:
        """Ids of the vectors stored for one article."""
        got = self._call(
            "read", lambda: self.collection.get(where={"article_id": article_id}, include=[])
        )
        return set(got["ids"])

    def all_ids(self) -> set[str]:
        """Every id in the collection, read page by page."""
        ids: set[str] = set()
        offset = 0
        while True:
            got = self._call(
                "read",
                lambda offset=offset: self.collection.get(include=[], limit=_PAGE, offset=offset),
            )
            ids.update(got["ids"])
            if len(got["ids"]) < _PAGE:
                return ids
            offset += _PAGE

    def count(self) -> int:
        """Number of vectors."""
        return self._call("count", lambda: self.collection.count())

    def search(
        self,
        vector,
        k: int,
        filters: Filters = Filters(),
        ids: Sequence[str] | None = None,
        owned_scopes: Collection[int] = (),
    ) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity) of the nearest chunks, best first, among ids if given;
        owned_scopes are the servers that own articles (see _where)."""
        if k <= 0 or ids == []:
            return []
        got = self._call(
            "search",
            lambda: self.collection.query(
                query_embeddings=[vector],
                n_results=k,
                ids=ids,
                where=_where(filters, owned_scopes),
                include=["distances"],
            ),
        )
        return [(i, 1.0 - d) for i, d in zip(got["ids"][0], got["distances"][0], strict=True)]


def _where(filters: Filters, owned_scopes: Collection[int] = ()) -> dict | None:
    """A Chroma metadata filter for search filters, given the servers that own articles.

    Chunks stored before scopes existed carry none in their metadata, and they are all
    shared: scopes that take in the shared archive are filtered by the servers they leave out.
    """
    parts: list[dict] = []
    if filters.scopes is not None and SHARED in filters.scopes:
        hidden = sorted(set(owned_scopes) - set(filters.scopes))
        if hidden:
            parts.append({"scope": {"$nin": hidden}})
    elif filters.scopes is not None:
        parts.append({"scope": {"$in": sorted(filters.scopes)}})
    if filters.since:
        parts.append({"published_day": {"$gte": int(filters.since.strftime("%Y%m%d"))}})
    if filters.until:
        parts.append({"published_day": {"$lte": int(filters.until.strftime("%Y%m%d"))}})
    if filters.outlets:
        parts.append({"outlet": {"$in": list(filters.outlets)}})
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else {"$and": parts}
