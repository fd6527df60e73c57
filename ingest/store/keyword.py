"""The article catalogue and keyword (BM25) index: one SQLite file with FTS5."""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import TypeVar

import numpy as np

from ingest.article import SHARED, Article
from ingest.chunk import Chunk
from ingest.store.errors import IndexUnavailable
from ingest.store.migrations import Migrations, execute_all

TOKENIZER = "porter unicode61 remove_diacritics 2"  # how the full-text index splits and stems
# The first schema, as archives made before migrations have it.
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS articles (
    article_id   TEXT PRIMARY KEY,
    title        TEXT NOT NULL,
    outlet       TEXT NOT NULL,
    published    TEXT,
    url          TEXT,
    author       TEXT,
    origin       TEXT,
    content_hash TEXT NOT NULL,
    chunk_count  INTEGER NOT NULL,
    state        TEXT NOT NULL,
    ingested_at  REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published);
CREATE INDEX IF NOT EXISTS articles_ingested ON articles(ingested_at);
CREATE INDEX IF NOT EXISTS articles_outlet ON articles(outlet);
CREATE TABLE IF NOT EXISTS chunks (
    rowid      INTEGER PRIMARY KEY,
    chunk_id   TEXT UNIQUE NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles(article_id),
    position   INTEGER NOT NULL,
    text       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_article ON chunks(article_id);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
    title, text, content='', tokenize='{TOKENIZER}'
);
"""
MIGRATIONS = Migrations()


@MIGRATIONS
def m001_articles_chunks_and_full_text(db: sqlite3.Connection) -> None:
    """The catalogue as it was first made (already there in an older archive)."""
    execute_all(db, SCHEMA)


@MIGRATIONS
def m002_article_scope(db: sqlite3.Connection) -> None:
    """Whose archive each article is in: SHARED (0, every older article) or a server's id."""
    db.execute(f"ALTER TABLE articles ADD COLUMN scope INTEGER NOT NULL DEFAULT {SHARED}")
    db.execute("CREATE INDEX articles_scope ON articles(scope)")


@MIGRATIONS
def m003_audit(db: sqlite3.Connection) -> None:
    """Every change to an archive: who, from which server, what, when (ingest.store.audit)."""
    db.execute(
        "CREATE TABLE audit (id INTEGER PRIMARY KEY, at REAL NOT NULL, actor TEXT NOT NULL, "
        "user_id INTEGER, server_id INTEGER, action TEXT NOT NULL, scope INTEGER NOT NULL, "
        "article_id TEXT, subject TEXT NOT NULL)"
    )
    db.execute("CREATE INDEX audit_at ON audit(at)")
    db.execute("CREATE INDEX audit_scope ON audit(scope, action, at)")
    db.execute("CREATE INDEX audit_server ON audit(server_id, at)")


@MIGRATIONS
def m004_vocabulary(db: sqlite3.Connection) -> None:
    """The words (Porter stems) of the full-text index, each with how many chunks hold it:
    the vocabulary that misspelt question words are mended from."""
    db.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS chunks_vocabulary USING fts5vocab(chunks_fts, 'row')"
    )


@MIGRATIONS
def m005_sentence_vectors(db: sqlite3.Connection) -> None:
    """Each chunk's sentence vectors (float16, a row per sentence) and the model that made
    them: a question is compared with every sentence by meaning without running the model."""
    db.execute(
        "CREATE TABLE sentence_vectors (chunk_id TEXT NOT NULL, model TEXT NOT NULL, "
        "sentences INTEGER NOT NULL, vectors BLOB NOT NULL, PRIMARY KEY (chunk_id, model))"
    )


TITLE_WEIGHT = 2.0
TEXT_WEIGHT = 1.0
SMALL_FILTER_SHARE = 0.05  # a search filter admitting at most this share of chunks is applied
FILTER_POOL = 2000  # before scoring; a broader one, to at most this many of the best matches
COMMON_MATCHES = 50_000  # a term matching more chunks is left out beside rarer terms: BM25
# weighs it least, and scoring its matches is what makes a search slow on a big index
PENDING, STORED = "pending", "ok"
T = TypeVar("T")
Scopes = Sequence[int] | None  # the archives a reader may see: SHARED, server ids; None: all
_QUOTED = re.compile(r'"(?:[^"]|"")*"')


@dataclass(frozen=True)
class StoredArticle:
    """An article as the catalogue knows it."""

    article_id: str
    title: str
    outlet: str
    published: date | None
    url: str | None
    author: str | None
    origin: str
    content_hash: str
    chunk_count: int
    state: str
    ingested_at: float
    scope: int = SHARED


@dataclass(frozen=True)
class StoredChunk:
    """A chunk's text with its article, as returned to retrieval."""

    chunk_id: str
    position: int
    text: str
    article: StoredArticle


@dataclass(frozen=True)
class Filters:
    """Restrictions on which articles a search may return; scopes are the archives the caller
    may see (None: all of them)."""

    since: date | None = None
    until: date | None = None
    outlets: tuple[str, ...] = ()
    scopes: tuple[int, ...] | None = None

    def __bool__(self) -> bool:
        return bool(self.since or self.until or self.outlets or self.scopes is not None)

    def admits(self, article: StoredArticle) -> bool:
        """Whether a search under these filters may return the article's chunks."""
        if self.scopes is not None and article.scope not in self.scopes:
            return False
        if (self.since or self.until) and article.published is None:
            return False
        if self.since and article.published < self.since:
            return False
        if self.until and article.published > self.until:
            return False
        return not self.outlets or article.outlet in self.outlets


class KeywordIndex:
    """Catalogue of articles and chunks, with a BM25 full-text index over them."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._memo_version: tuple[int, int] | None = None
        self._memo: dict[Hashable, object] = {}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA busy_timeout=10000")
            MIGRATIONS.apply(self.db)
        except (OSError, sqlite3.Error) as exc:
            msg = f"cannot open the keyword index at {path}: {exc}; check the data directory"
            raise IndexUnavailable(msg) from exc

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write; disk errors become IndexUnavailable."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            msg = f"cannot write the keyword index at {self.path}: {exc}"
            raise IndexUnavailable(msg) from exc

    # --- writes -------------------------------------------------------------------------

    def put_pending(
        self,
        article: Article,
        chunks: list[Chunk],
        sentence_vectors: Sequence[np.ndarray] = (),
        model: str = "",
    ) -> None:
        """Replace the article's chunks and mark it pending until the vectors are in; with
        each chunk's sentence vectors, when given, made by the model (those other models made
        of a chunk kept, as its id says its text is the same)."""
        with self.transaction() as db:
            self._delete_chunks(db, article.article_id, keep=[c.chunk_id for c in chunks])
            db.execute(
                "INSERT OR REPLACE INTO articles (article_id, title, outlet, published, url, "
                "author, origin, content_hash, chunk_count, state, ingested_at, scope) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    article.article_id,
                    article.title,
                    article.outlet,
                    article.published.isoformat() if article.published else None,
                    article.url,
                    article.author,
                    article.origin,
                    article.content_hash,
                    len(chunks),
                    PENDING,
                    time.time(),
                    article.scope,
                ),
            )
            for chunk in chunks:
                cur = db.execute(
                    "INSERT INTO chunks(chunk_id, article_id, position, text) VALUES (?,?,?,?)",
                    (chunk.chunk_id, chunk.article_id, chunk.position, chunk.text),
                )
                db.execute(
                    "INSERT INTO chunks_fts(rowid, title, text) VALUES (?,?,?)",
                    (cur.lastrowid, article.title, chunk.text),
                )
            if len(sentence_vectors):
                ids = [c.chunk_id for c in chunks]
                self._put_sentence_vectors(db, ids, sentence_vectors, model)

    def put_sentence_vectors(
        self, chunk_ids: Sequence[str], sentence_vectors: Sequence[np.ndarray], model: str
    ) -> None:
        """Store the chunks' sentence vectors, as the model made them."""
        with self.transaction() as db:
            self._put_sentence_vectors(db, chunk_ids, sentence_vectors, model)

    @staticmethod
    def _put_sentence_vectors(
        db: sqlite3.Connection,
        chunk_ids: Sequence[str],
        sentence_vectors: Sequence[np.ndarray],
        model: str,
    ) -> None:
        """Write the chunks' sentence vectors (a row per sentence) as float16."""
        db.executemany(
            "INSERT OR REPLACE INTO sentence_vectors(chunk_id, model, sentences, vectors) "
            "VALUES (?,?,?,?)",
            [
                (chunk_id, model, len(rows), rows.astype(np.float16).tobytes())
                for chunk_id, rows in zip(chunk_ids, sentence_vectors, strict=True)
            ],
        )

    def mark_stored(self, article_id: str) -> None:
        """The article's vectors are in: it is whole again."""
        with self.transaction() as db:
            db.execute("UPDATE articles SET state=? WHERE article_id=?", (STORED, article_id))

    def delete(self, article_id: str) -> None:
        """Remove an article and its chunks."""
        with self.transaction() as db:
            self._delete_chunks(db, article_id)
            db.execute("DELETE FROM articles WHERE article_id=?", (article_id,))

    @staticmethod
    def _delete_chunks(db: sqlite3.Connection, article_id: str, keep: Sequence[str] = ()) -> None:
        """Delete an article's chunks from both tables (contentless FTS needs the old values),
        and their sentence vectors but those of the chunk ids to keep."""
        rows = db.execute(
            "SELECT c.rowid, a.title, c.text FROM chunks c JOIN articles a USING(article_id) "
            "WHERE c.article_id=?",
            (article_id,),
        ).fetchall()
        db.executemany(
            "INSERT INTO chunks_fts(chunks_fts, rowid, title, text) VALUES('delete',?,?,?)", rows
        )
        marks = ",".join("?" * len(keep))
        db.execute(
            "DELETE FROM sentence_vectors WHERE chunk_id IN "
            f"(SELECT chunk_id FROM chunks WHERE article_id=? AND chunk_id NOT IN ({marks}))",
            (article_id, *keep),
        )
        db.execute("DELETE FROM chunks WHERE article_id=?", (article_id,))

    # --- reads --------------------------------------------------------------------------

    def article(self, article_id: str) -> StoredArticle | None:
        """One article by id."""
        row = self.db.execute("SELECT * FROM articles WHERE article_id=?", (article_id,)).fetchone()
        return _article(row) if row else None

    def articles_by_id(self, article_ids: Iterable[str]) -> dict[str, StoredArticle]:
        """Articles by id (unknown ids are left out)."""
        ids = list(article_ids)
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(f"SELECT * FROM articles WHERE article_id IN ({marks})", ids)
        return {r[0]: _article(r) for r in rows}

    def articles(
        self, text: str = "", limit: int | None = None, scopes: Scopes = None
    ) -> list[StoredArticle]:
        """Articles (of some scopes) whose title, outlet or url contains text, newest first."""
        like = f"%{text}%"
        where, args = self._scope_sql(scopes)
        rows = self.db.execute(
            f"SELECT * FROM articles a WHERE (title LIKE ? OR outlet LIKE ? OR url LIKE ?){where} "
            "ORDER BY published DESC, title LIMIT ?",
            (like, like, like, *args, -1 if limit is None else limit),
        ).fetchall()
        return [_article(r) for r in rows]

    def articles_since(self, ingested_after: float, scopes: Scopes = None) -> list[StoredArticle]:
        """Articles (of some scopes) ingested after a time, oldest first."""
        where, args = self._scope_sql(scopes)
        rows = self.db.execute(
            f"SELECT * FROM articles a WHERE ingested_at > ? AND state=?{where} "
            "ORDER BY ingested_at",
            (ingested_after, STORED, *args),
        ).fetchall()
        return [_article(r) for r in rows]

    def owned_scopes(self) -> frozenset[int]:
        """The servers that own articles (not SHARED); re-read after a write."""
        sql = "SELECT DISTINCT scope FROM articles WHERE scope > ?"
        return self._remembered(
            "owned", lambda: frozenset(r[0] for r in self.db.execute(sql, (SHARED,)))
        )

    def needed_scopes(self, scopes: Scopes) -> Scopes:
        """The scopes, or None when they hide no article (they hold the shared archive and
        every server that owns articles): such a restriction then costs nothing."""
        if scopes is None or (SHARED in scopes and self.owned_scopes() <= set(scopes)):
            return None
        return tuple(sorted(scopes))

    def narrowed(self, filters: Filters) -> Filters:
        """The filters without a scope restriction that hides no article."""
        if filters.scopes is None:
            return filters
        return replace(filters, scopes=self.needed_scopes(filters.scopes))

    def _scope_sql(self, scopes: Scopes) -> tuple[str, list]:
        """An SQL condition on the articles table `a` for the scopes (empty when not needed)."""
        return _filter_sql(Filters(scopes=self.needed_scopes(scopes)))

    def pending(self) -> list[str]:
        """Ids of articles whose vectors may be incomplete."""
        return [
            r[0]
            for r in self.db.execute("SELECT article_id FROM articles WHERE state=?", (PENDING,))
        ]

    def chunk_ids(self, article_id: str | None = None, first: int | None = None) -> set[str]:
        """All chunk ids, or one article's (only its `first` ones, when given)."""
        if article_id is None:
            return {r[0] for r in self.db.execute("SELECT chunk_id FROM chunks")}
        sql, args = "SELECT chunk_id FROM chunks WHERE article_id=?", (article_id,)
        if first is not None:
            sql, args = f"{sql} AND position<?", (article_id, first)
        return {r[0] for r in self.db.execute(sql, args)}

    def admitted_count(self, filters: Filters) -> int:
        """Number of chunks the filters admit."""
        where, args = _filter_sql(filters)
        sql = f"SELECT COALESCE(SUM(a.chunk_count), 0) FROM articles a WHERE 1{where}"
        return self._remembered(
            ("admitted", filters), lambda: self.db.execute(sql, args).fetchone()[0]
        )

    def admitted_ids(self, filters: Filters) -> list[str]:
        """Ids of the chunks the filters admit, of stored articles only."""
        where, args = _filter_sql(filters)
        rows = self.db.execute(
            "SELECT c.chunk_id FROM chunks c JOIN articles a USING(article_id) "
            f"WHERE a.state=?{where}",
            (STORED, *args),
        )
        return [r[0] for r in rows]

    def chunks(self, chunk_ids: Iterable[str]) -> dict[str, StoredChunk]:
        """Chunks with their articles, by id."""
        ids = list(chunk_ids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(
            f"SELECT c.chunk_id, c.position, c.text, a.* FROM chunks c "
            f"JOIN articles a USING(article_id) WHERE c.chunk_id IN ({marks})",
            ids,
        ).fetchall()
        return {r[0]: StoredChunk(r[0], r[1], r[2], _article(r[3:])) for r in rows}

    def sentence_vectors(self, chunk_ids: Iterable[str], model: str) -> dict[str, np.ndarray]:
        """Each chunk's sentence vectors as the model made them, a row per sentence, by chunk
        id (chunks stored without them, or by another model, are left out)."""
        ids = list(chunk_ids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(
            f"SELECT chunk_id, sentences, vectors FROM sentence_vectors "
            f"WHERE model=? AND chunk_id IN ({marks})",
            (model, *ids),
        ).fetchall()
        return {
            chunk_id: np.frombuffer(blob, np.float16).astype(np.float32).reshape(count, -1)
            if count
            else np.zeros((0, 0), np.float32)
            for chunk_id, count, blob in rows
        }

    def sentence_rows(self, model: str) -> Iterator[tuple[str, str, int | None]]:
        """Each chunk's id and text, and how many sentence vectors the model made of it (None
        when it made none)."""
        yield from self.db.execute(
            "SELECT c.chunk_id, c.text, s.sentences FROM chunks c LEFT JOIN sentence_vectors s "
            "ON s.chunk_id = c.chunk_id AND s.model = ? ORDER BY c.chunk_id",
            (model,),
        )

    def has_sentence_vectors(self, chunk_ids: Iterable[str], model: str) -> bool:
        """Whether every one of the chunks has its sentence vectors as the model made them."""
        ids = set(chunk_ids)
        return len(self.sentence_vectors(ids, model)) == len(ids)

    def article_chunks(self, article_id: str, first: int | None = None) -> list[StoredChunk]:
        """An article's chunks in order (only its `first` ones, when given)."""
        ids = self.chunk_ids(article_id, first)
        return sorted(self.chunks(ids).values(), key=lambda c: c.position)

    def outlets(self, scopes: Scopes = None) -> list[str]:
        """Distinct outlet names (of some scopes), most articles first."""
        where, args = self._scope_sql(scopes)
        sql = (
            f"SELECT outlet FROM articles a WHERE outlet != ''{where} "
            "GROUP BY outlet ORDER BY COUNT(*) DESC"
        )
        return list(
            self._remembered(("outlets", *args), lambda: [r[0] for r in self.db.execute(sql, args)])
        )

    def mentions(self, match: str, scopes: Scopes = None) -> bool:
        """Whether any chunk or title (of some scopes) matches an FTS5 MATCH expression."""
        return self.matches(match, scopes, 1) > 0

    def has_term(self, stem: str) -> bool:
        """Whether any chunk or title, of any archive, holds a word with this (Porter) stem."""
        sql = "SELECT 1 FROM chunks_vocabulary WHERE term = ?"
        return self.db.execute(sql, (stem,)).fetchone() is not None

    def terms_starting(self, prefix: str) -> list[tuple[str, int]]:
        """(stem, number of chunks holding it) for every stem of any archive beginning with
        prefix."""
        sql = "SELECT term, doc FROM chunks_vocabulary WHERE term >= ? AND term < ?"
        return self.db.execute(sql, (prefix, prefix + "\uffff")).fetchall()

    def texts_matching(
        self, match: str, scopes: Scopes = None, limit: int = 5
    ) -> list[tuple[str, str]]:
        """The titles and texts of a few chunks (of some scopes) matching an FTS5 MATCH
        expression, which may have matched either."""
        where, args = self._scope_sql(scopes)
        sql = (
            "SELECT a.title, c.text FROM chunks c JOIN articles a USING(article_id) WHERE "
            f"c.rowid IN (SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ?){where} LIMIT ?"
        )
        return self.db.execute(sql, (match, *args, limit)).fetchall()

    def has_author(self, name: str, scopes: Scopes = None) -> bool:
        """Whether an article's author field (of some scopes) holds the name (any case)."""
        pattern = "%" + name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where, args = self._scope_sql(scopes)
        sql = f"SELECT 1 FROM articles a WHERE author LIKE ? ESCAPE '\\'{where} LIMIT 1"
        return self.db.execute(sql, (pattern, *args)).fetchone() is not None

    def newest(self, filters: Filters, limit: int) -> list[StoredArticle]:
        """The newest articles the filters admit, newest first (undated ones last)."""
        where, args = _filter_sql(filters)
        sql = f"SELECT * FROM articles a WHERE 1{where} ORDER BY published DESC, title LIMIT ?"
        return [_article(r) for r in self.db.execute(sql, (*args, limit))]

    def newest_published(self, scopes: Scopes = None) -> date | None:
        """The publication date of the newest article (of some scopes), if any has one."""
        where, args = self._scope_sql(scopes)
        sql = f"SELECT MAX(published) FROM articles a WHERE 1{where}"
        newest = self._remembered(
            ("newest", *args), lambda: self.db.execute(sql, args).fetchone()[0]
        )
        return date.fromisoformat(newest) if newest else None

    def counts(self, scopes: Scopes = None) -> dict[str, object]:
        """Numbers of articles, chunks and outlets, and the date range (of some scopes);
        re-read after a write."""
        where, args = self._scope_sql(scopes)
        return dict(self._remembered(("counts", *args), lambda: self._count(where, args)))

    def _remembered(self, key: Hashable, read: Callable[[], T]) -> T:
        """read(), remembered until this or any other connection changes the database."""
        if self.db.in_transaction:
            return read()
        version = self._version()
        if version != self._memo_version:
            self._memo_version, self._memo = version, {}
        if key not in self._memo:
            self._memo[key] = read()
        return self._memo[key]

    def _version(self) -> tuple[int, int]:
        """Changes whenever this or any other connection changes the database."""
        other = self.db.execute("PRAGMA data_version").fetchone()[0]
        return other, self.db.total_changes

    def _count(self, where: str = "", args: Sequence = ()) -> dict[str, object]:
        """counts(), read from the tables (full scans: tens of ms at a million chunks), of the
        articles `where` (a condition on the articles table `a`) admits."""
        articles, first, last, outlets, pending = self.db.execute(
            "SELECT COUNT(*), MIN(published), MAX(published), COUNT(DISTINCT outlet), "
            f"COALESCE(SUM(state = ?), 0) FROM articles a WHERE 1{where}",
            (PENDING, *args),
        ).fetchone()
        if where:
            sql = f"SELECT COALESCE(SUM(chunk_count), 0) FROM articles a WHERE 1{where}"
            chunks = self.db.execute(sql, args).fetchone()[0]
        else:
            chunks = self.db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
        return {
            "articles": articles,
            "chunks": chunks,
            "outlets": outlets,
            "first_published": first,
            "last_published": last,
            "pending": pending,
        }

    def search(self, match: str, k: int, filters: Filters = Filters()) -> list[tuple[str, float]]:
        """(chunk_id, BM25 score) for an FTS5 MATCH expression, best first.

        FTS5 scores every matching row, so a filter admitting few chunks is applied before
        scoring, and a broad one to a pool of the best unfiltered rows (exact once the pool
        holds k admitted rows; otherwise every match is joined and filtered).
        """
        if not match:
            return []
        match = self._without_common_terms(match)
        where, args = _filter_sql(filters)
        if not where:
            return self._rows(_RANKED.format(where=""), (match, k, k))
        admitted = self.admitted_count(filters)
        total = self.counts()["chunks"]
        if admitted <= SMALL_FILTER_SHARE * total:
            return self._rows(_WITHIN.format(where=where), (match, *args, k)) if admitted else []
        pool = min(FILTER_POOL, 3 * k * total // admitted)
        found = self._rows(_RANKED.format(where=where), (match, pool, *args, k))
        if len(found) == k:
            return found
        joined = _JOINED.format(where=where)
        return self._rows(joined, (match, *args, TITLE_WEIGHT, TEXT_WEIGHT, k))

    def _without_common_terms(self, match: str) -> str:
        """An "any of these quoted terms" expression without its common terms, if it has
        rarer ones; any other expression as it is."""
        terms = _QUOTED.findall(match)
        if len(terms) < 2 or " OR ".join(terms) != match:
            return match
        if self.counts()["chunks"] <= COMMON_MATCHES:  # no term can match more
            return match
        rare = [t for t in terms if not self._is_common(t)]
        return " OR ".join(rare) if rare else match

    def _is_common(self, term: str) -> bool:
        """Whether a quoted term matches more than COMMON_MATCHES chunks."""
        found = self._remembered(
            ("matches", term), lambda: self.matches(term, limit=COMMON_MATCHES + 1)
        )
        return found > COMMON_MATCHES

    def matches(self, match: str, scopes: Scopes = None, limit: int = 1) -> int:
        """How many chunks (of some scopes) match an FTS5 MATCH expression, counted up to
        limit."""
        where, args = self._scope_sql(scopes)
        if not where:
            sql = "SELECT COUNT(*) FROM (SELECT 1 FROM chunks_fts WHERE chunks_fts MATCH ? LIMIT ?)"
            return self.db.execute(sql, (match, limit)).fetchone()[0]
        sql = (
            "SELECT COUNT(*) FROM (SELECT 1 FROM chunks_fts JOIN chunks c ON c.rowid = "
            "chunks_fts.rowid JOIN articles a USING(article_id) WHERE chunks_fts MATCH ?"
            f"{where} LIMIT ?)"
        )
        return self.db.execute(sql, (match, *args, limit)).fetchone()[0]

    def _rows(self, sql: str, args: tuple) -> list[tuple[str, float]]:
        """(chunk_id, score) rows of a search query, the column weights bound first."""
        rows = self.db.execute(sql, (TITLE_WEIGHT, TEXT_WEIGHT, *args)).fetchall()
        return [(r[0], r[1]) for r in rows]


# The k best of the pool best matches that pass the filter (filter "" for none).
_RANKED = (
    "SELECT c.chunk_id, -f.score FROM (SELECT rowid, bm25(chunks_fts, ?, ?) AS score "
    "FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY score LIMIT ?) f "
    "JOIN chunks c ON c.rowid = f.rowid JOIN articles a ON a.article_id = c.article_id "
    "WHERE 1{where} ORDER BY f.score LIMIT ?"
)
# Only admitted rows are scored. The "+" keeps SQLite from handing the IN list to FTS5 as
# rowid lookups, each of which would redo BM25's statistics (minutes at a million chunks).
_WITHIN = (
    "SELECT c.chunk_id, -f.score FROM (SELECT rowid, bm25(chunks_fts, ?, ?) AS score "
    "FROM chunks_fts WHERE chunks_fts MATCH ? AND +rowid IN (SELECT c.rowid FROM chunks c "
    "JOIN articles a USING(article_id) WHERE 1{where}) ORDER BY score LIMIT ?) f "
    "JOIN chunks c ON c.rowid = f.rowid ORDER BY f.score"
)
# Every match joined and filtered: the fallback.
_JOINED = (
    "SELECT c.chunk_id, -bm25(chunks_fts, ?, ?) AS score FROM chunks_fts "
    "JOIN chunks c ON c.rowid = chunks_fts.rowid "
    "JOIN articles a ON a.article_id = c.article_id "
    "WHERE chunks_fts MATCH ? {where} ORDER BY bm25(chunks_fts, ?, ?) LIMIT ?"
)


class _Stemmer:
    """The full-text index's own tokenizer, on a table in memory: the stems it keeps."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute(f"CREATE VIRTUAL TABLE words USING fts5(text, tokenize='{TOKENIZER}')")
        self._db.execute("CREATE VIRTUAL TABLE stems USING fts5vocab(words, 'instance')")

    def stems(self, words: Sequence[str]) -> list[str]:
        """The stem of each word (of its first token; "" when it has none)."""
        with self._lock:
            self._db.execute("DELETE FROM words")
            self._db.executemany("INSERT INTO words(rowid, text) VALUES (?, ?)", enumerate(words))
            found = dict(self._db.execute("SELECT doc, term FROM stems WHERE offset = 0"))
        return [found.get(n, "") for n in range(len(words))]


@cache
def _stemmer() -> _Stemmer:
    """The one stemmer, made when first needed rather than on import."""
    return _Stemmer()


def index_stems(words: Sequence[str]) -> list[str]:
    """The stems the keyword index keeps for words of letters ("technology" is "technolog",
    "Beyoncé" is "beyonc"): a word is found there by these, not by another stemmer's."""
    return _stemmer().stems(words)


def fts_prefix(stem: str) -> str:
    """An FTS5 query for the words beginning with a stem."""
    return '"' + stem.replace('"', '""') + '"*'


def _filter_sql(filters: Filters) -> tuple[str, list]:
    """SQL conditions on the articles table for search filters."""
    parts, args = [], []
    if filters.since:
        parts.append("a.published >= ?")
        args.append(filters.since.isoformat())
    if filters.until:
        parts.append("a.published <= ?")
        args.append(filters.until.isoformat())
    if filters.outlets:
        parts.append(f"a.outlet IN ({','.join('?' * len(filters.outlets))})")
        args.extend(filters.outlets)
    if filters.scopes is not None:
        parts.append(f"a.scope IN ({','.join('?' * len(filters.scopes))})")
        args.extend(filters.scopes)
    return "".join(f" AND {p}" for p in parts), args


def _article(row) -> StoredArticle:
    """A StoredArticle from an articles row."""
    values = list(row)
    values[3] = date.fromisoformat(values[3]) if values[3] else None
    return StoredArticle(*values)
