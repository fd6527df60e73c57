"""Feed subscriptions and digest schedules, kept in one SQLite file in the data directory.

The schedule is pure arithmetic over unix times (`feed_due`, `digest_due`), so a scheduler can be
driven with any `now`. `probe_feed` and `feed_error` are the Discord-free halves of a feed poll.
Nothing here imports discord.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import feedparser

from bot.sqlite_store import SqliteStore
from ingest.article import SHARED, SourceError
from ingest.pipeline import IngestReport
from ingest.sources.feeds import is_feed
from ingest.sources.guard import guarded_client
from ingest.sources.web import fetch
from ingest.store.keyword import StoredArticle
from ingest.store.migrations import Migrations, execute_all

SUBSCRIPTIONS_FILE = "subscriptions.sqlite3"
DAILY, WEEKLY = "daily", "weekly"
PERIODS = {DAILY: 86_400.0, WEEKLY: 7 * 86_400.0}
MAX_BACKOFF_EXPONENT = 6  # a failing feed waits at most 2**6 = 64 poll intervals
DIGEST_SLACK = 60.0  # seconds: a digest due within the next minute is due now
PROBE_MAX_BYTES = 5_000_000
ERROR_CHARS = 300

# The first schema, as stores made before migrations have it.
SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (
    url         TEXT NOT NULL,
    guild_id    INTEGER NOT NULL,
    added_by    INTEGER NOT NULL,
    added_at    REAL NOT NULL,
    last_polled REAL,
    failures    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    feed_hash   TEXT,
    PRIMARY KEY (guild_id, url)
);
CREATE INDEX IF NOT EXISTS feeds_url ON feeds(url);
CREATE TABLE IF NOT EXISTS digests (
    guild_id   INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL,
    every      TEXT NOT NULL CHECK (every IN ('daily', 'weekly')),
    source     TEXT,
    last_sent  REAL NOT NULL
);
"""
MIGRATIONS = Migrations()


@MIGRATIONS
def m001_feeds_and_digests(db: sqlite3.Connection) -> None:
    """The store as it was first made (already there in an older data folder)."""
    execute_all(db, SCHEMA)


@MIGRATIONS
def m002_feed_scope(db: sqlite3.Connection) -> None:
    """The archive a feed's articles go to: SHARED (every older feed) or its server's."""
    db.execute(f"ALTER TABLE feeds ADD COLUMN scope INTEGER NOT NULL DEFAULT {SHARED}")


_FEED_COLUMNS = (
    "url, guild_id, added_by, added_at, last_polled, failures, last_error, feed_hash, scope"
)
_DIGEST_COLUMNS = "guild_id, channel_id, every, source, last_sent"


@dataclass(frozen=True)
class Feed:
    """An RSS/Atom feed a guild subscribed to, the archive it feeds, and how its last polls
    went."""

    url: str
    guild_id: int
    added_by: int
    added_at: float
    last_polled: float | None
    failures: int
    last_error: str | None
    feed_hash: str | None
    scope: int = SHARED  # the shared archive, or the guild's own


@dataclass(frozen=True)
class Digest:
    """A guild's digest: new articles posted to a channel daily or weekly, maybe of one outlet."""

    guild_id: int
    channel_id: int
    every: str
    source: str | None
    last_sent: float


# --- the schedule ------------------------------------------------------------------------------


def feed_wait(failures: int, interval: float) -> float:
    """Seconds between polls of a feed: one interval, doubled per consecutive failure (capped)."""
    return interval * 2 ** min(max(failures, 0), MAX_BACKOFF_EXPONENT)


def feed_due(now: float, last_polled: float | None, failures: int, interval: float) -> bool:
    """Whether a feed is due at `now`: never polled, or its wait is over.

    Half an interval of slack makes a poll that comes a little early count, so a healthy feed is
    polled on every tick and one that failed n times in a row on every 2**n-th tick.
    """
    if last_polled is None:
        return True
    return now - last_polled >= feed_wait(failures, interval) - interval / 2


def digest_due(now: float, last_sent: float, every: str) -> bool:
    """Whether a digest last sent at last_sent is due at now (daily or weekly)."""
    if every not in PERIODS:
        msg = f"a digest is {' or '.join(PERIODS)}, not {every!r}"
        raise ValueError(msg)
    return now - last_sent >= PERIODS[every] - DIGEST_SLACK


def digest_articles(
    articles: Sequence[StoredArticle], since: float, until: float, source: str | None = None
) -> list[StoredArticle]:
    """Articles ingested in (since, until], of one outlet (any case) when source is given,
    newest published first."""
    wanted = source.strip().lower() if source else None
    chosen = [
        a
        for a in articles
        if since < a.ingested_at <= until and (wanted is None or a.outlet.lower() == wanted)
    ]
    return sorted(chosen, key=lambda a: (a.published or date.min, a.ingested_at), reverse=True)


# --- one feed poll, without Discord ------------------------------------------------------------


def probe_feed(url: str, timeout: float, allow_private: bool = False) -> str:
    """A hash of the feed document at url, or a SourceError when it is not a readable feed.

    Cheap (one request, no article pages), so dead or hanging feeds fail here, and a feed whose
    document has not changed since its last successful poll need not be ingested again. The
    fetch reaches public addresses only (private networks too with allow_private).
    """
    with guarded_client(allow_private=allow_private, timeout=timeout) as client:
        fetched = fetch(client, url, PROBE_MAX_BYTES)
    if not is_feed(fetched):
        kind = fetched.content_type or "unknown content"
        msg = f"{url} is not an RSS or Atom feed ({kind})"
        raise SourceError(msg)
    parsed = feedparser.parse(fetched.body)
    if not parsed.entries:
        msg = f"the feed at {url} has no entries"
        raise SourceError(msg)
    return hashlib.sha1(fetched.body).hexdigest()[:16]


def feed_error(report: IngestReport, url: str) -> str | None:
    """Why an ingest of a feed failed as a whole (its document could not be used), or None.

    Failures of single entries do not count: the feed itself was read.
    """
    for failure in report.failures:
        if failure.origin == url:
            return short_error(failure.reason)
    return None


def short_error(text: str) -> str:
    """An error message on one line, short enough to store and show."""
    line = " ".join(text.split())
    return line if len(line) <= ERROR_CHARS else line[: ERROR_CHARS - 1] + "…"


# --- the store ---------------------------------------------------------------------------------


class Subscriptions(SqliteStore):
    """Feeds per guild and one digest per guild, on disk; safe to call from several threads.

    A feed is polled once per archive it feeds, however many guilds follow it."""

    migrations = MIGRATIONS

    def _rows(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def _change(self, sql: str, args: tuple = ()) -> int:
        with self._lock:
            return self._db.execute(sql, args).rowcount

    # --- feeds

    def add_feed(
        self, guild_id: int, url: str, added_by: int, now: float, scope: int = SHARED
    ) -> bool:
        """Subscribe a guild to a feed whose articles go to an archive; False when it already
        was."""
        changed = self._change(
            "INSERT INTO feeds (url, guild_id, added_by, added_at, scope) VALUES (?,?,?,?,?) "
            "ON CONFLICT(guild_id, url) DO NOTHING",
            (url, guild_id, added_by, now, scope),
        )
        return changed == 1

    def remove_feed(self, guild_id: int, url: str) -> bool:
        """Unsubscribe a guild from a feed; False when it was not subscribed."""
        return self._change("DELETE FROM feeds WHERE guild_id=? AND url=?", (guild_id, url)) == 1

    def feeds(self, guild_id: int | None = None) -> list[Feed]:
        """A guild's feeds (every guild's when None), in the order they were added."""
        where, args = ("WHERE guild_id=?", (guild_id,)) if guild_id is not None else ("", ())
        rows = self._rows(f"SELECT {_FEED_COLUMNS} FROM feeds {where} ORDER BY added_at, url", args)
        return [Feed(*row) for row in rows]

    def due_feeds(self, now: float, interval: float) -> list[Feed]:
        """One row per distinct (url, archive) that is due at now (that any guild has due)."""
        due: dict[tuple[str, int], Feed] = {}
        for feed in self.feeds():
            key = (feed.url, feed.scope)
            if key not in due and feed_due(now, feed.last_polled, feed.failures, interval):
                due[key] = feed
        return list(due.values())

    def record_success(
        self, url: str, now: float, feed_hash: str | None, scope: int = SHARED
    ) -> None:
        """A poll of url for an archive worked: its failures are cleared (for every guild that
        has it)."""
        self._change(
            "UPDATE feeds SET last_polled=?, failures=0, last_error=NULL, feed_hash=? "
            "WHERE url=? AND scope=?",
            (now, feed_hash, url, scope),
        )

    def record_failure(self, url: str, now: float, error: str, scope: int = SHARED) -> None:
        """A poll of url for an archive failed: count it and keep why, so it is backed off."""
        self._change(
            "UPDATE feeds SET last_polled=?, failures=failures+1, last_error=? "
            "WHERE url=? AND scope=?",
            (now, short_error(error), url, scope),
        )

    def remove_guild(self, guild_id: int) -> int:
        """Drop a guild's feeds and digest (the bot left it); how many feeds it had."""
        self._change("DELETE FROM digests WHERE guild_id=?", (guild_id,))
        return self._change("DELETE FROM feeds WHERE guild_id=?", (guild_id,))

    # --- digests

    def set_digest(
        self, guild_id: int, channel_id: int, every: str, source: str | None, now: float
    ) -> None:
        """Start (or replace) a guild's digest; its first one covers what is ingested from now."""
        if every not in PERIODS:
            msg = f"a digest is {' or '.join(PERIODS)}, not {every!r}"
            raise ValueError(msg)
        self._change(
            "INSERT OR REPLACE INTO digests (guild_id, channel_id, every, source, last_sent) "
            "VALUES (?,?,?,?,?)",
            (guild_id, channel_id, every, source or None, now),
        )

    def remove_digest(self, guild_id: int) -> bool:
        """Stop a guild's digest; False when it had none."""
        return self._change("DELETE FROM digests WHERE guild_id=?", (guild_id,)) == 1

    def digest(self, guild_id: int) -> Digest | None:
        """A guild's digest, if it has one."""
        rows = self._rows(f"SELECT {_DIGEST_COLUMNS} FROM digests WHERE guild_id=?", (guild_id,))
        return Digest(*rows[0]) if rows else None

    def digests(self) -> list[Digest]:
        """Every guild's digest."""
        return [Digest(*row) for row in self._rows(f"SELECT {_DIGEST_COLUMNS} FROM digests")]

    def due_digests(self, now: float) -> list[Digest]:
        """Digests due at now."""
        return [d for d in self.digests() if digest_due(now, d.last_sent, d.every)]

    def mark_sent(self, guild_id: int, now: float) -> None:
        """A guild's digest was handled at now (posted, or there was nothing to post)."""
        self._change("UPDATE digests SET last_sent=? WHERE guild_id=?", (now, guild_id))
