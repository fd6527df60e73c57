"""Subscriptions: the feed and digest schedule (pure functions) and its SQLite store."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.feeds import subscriptions
from bot.feeds.subscriptions import (
    DAILY,
    MAX_BACKOFF_EXPONENT,
    WEEKLY,
    Subscriptions,
    digest_articles,
    digest_due,
    feed_due,
    feed_error,
    feed_wait,
    probe_feed,
)
from ingest.article import SHARED
from ingest.errors import FetchRefused
from ingest.pipeline import IngestReport
from ingest.sources import Failure
from ingest.store.keyword import StoredArticle

HOUR, DAY = 3600.0, 86_400.0
POLL = 1800.0  # the default 30 minutes
T0 = 1_750_000_000.0
FEED = "https://wire.example/feed.xml"


@pytest.fixture
def store(tmp_path: Path):
    """An empty store in a fresh folder (created on demand)."""
    store = Subscriptions(tmp_path / "data" / "subscriptions.sqlite3")
    yield store
    store.close()


def stored(title: str, outlet: str, ingested_at: float, published: date | None = None):
    """A catalogue row with the fields digests read."""
    return StoredArticle(
        article_id=title,
        title=title,
        outlet=outlet,
        published=published,
        url=f"https://news.example/{title}",
        author=None,
        origin="test",
        content_hash="h",
        chunk_count=1,
        state="ok",
        ingested_at=ingested_at,
    )


RSS = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><link>x</link>'
    b"<description>d</description><item><title>One</title></item></channel></rss>"
)


@pytest.fixture
def loopback_feed() -> Iterator[tuple[str, list[str]]]:
    """An RSS feed served on 127.0.0.1: its URL, and the paths asked for."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(RSS)))
            self.end_headers()
            self.wfile.write(RSS)

        def log_message(self, format: str, *args: object) -> None:
            """Keep test output quiet."""

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/feed.xml", asked
    httpd.shutdown()
    httpd.server_close()


def test_probe_feed_refuses_a_private_address(loopback_feed):
    """probe_feed does not read a feed on 127.0.0.1 unless private networks are allowed."""
    url, asked = loopback_feed
    with pytest.raises(FetchRefused, match=r"127\.0\.0\.1 is a loopback address"):
        probe_feed(url, 5.0)
    assert asked == []
    assert len(probe_feed(url, 5.0, allow_private=True)) == 16
    assert asked == ["/feed.xml"]


# --- the schedule


def test_a_new_feed_is_due_at_once():
    """A feed never polled is due whatever the time."""
    assert feed_due(T0, None, 0, POLL)


def test_a_healthy_feed_is_due_every_interval():
    """A feed without failures is due one interval after its last poll, not before."""
    assert not feed_due(T0 + 0.4 * POLL, T0, 0, POLL)
    assert feed_due(T0 + POLL, T0, 0, POLL)
    assert feed_due(T0 + POLL - 5, T0, 0, POLL)  # a tick that comes a few seconds early


def test_failures_back_off_exponentially_with_a_cap():
    """After n failures in a row a feed waits 2**n intervals, never more than 2**cap."""
    assert [feed_wait(n, POLL) / POLL for n in range(4)] == [1, 2, 4, 8]
    assert feed_wait(50, POLL) == POLL * 2**MAX_BACKOFF_EXPONENT
    assert not feed_due(T0 + POLL, T0, 1, POLL)
    assert feed_due(T0 + 2 * POLL, T0, 1, POLL)
    assert not feed_due(T0 + 7 * POLL, T0, 3, POLL)
    assert feed_due(T0 + 8 * POLL, T0, 3, POLL)


def test_digest_due_after_its_period():
    """A daily digest is due a day after the last one, a weekly one a week after."""
    assert not digest_due(T0 + DAY - HOUR, T0, DAILY)
    assert digest_due(T0 + DAY, T0, DAILY)
    assert not digest_due(T0 + 6 * DAY, T0, WEEKLY)
    assert digest_due(T0 + 7 * DAY, T0, WEEKLY)
    with pytest.raises(ValueError, match="daily or weekly"):
        digest_due(T0, T0, "hourly")


def test_digest_articles_window_and_source():
    """A digest lists what was ingested in (last, now], of its outlet in any case, newest first."""
    rows = [
        stored("before", "Wire", T0 - 1),
        stored("old-news", "Wire", T0 + 10, date(2024, 1, 1)),
        stored("new-news", "Wire", T0 + 20, date(2024, 6, 1)),
        stored("other", "Gazette", T0 + 30),
        stored("later", "Wire", T0 + DAY + 1),
    ]
    chosen = digest_articles(rows, T0, T0 + DAY, "wire")

    assert [a.title for a in chosen] == ["new-news", "old-news"]
    assert len(digest_articles(rows, T0, T0 + DAY)) == 3


def test_feed_error_is_the_feeds_own_failure():
    """Only a failure of the feed document fails the feed; a bad entry does not."""
    entry = IngestReport(added=2, failures=[Failure(f"{FEED}#3", "no text")])
    dead = IngestReport(failures=[Failure(FEED, "HTTP 404 Not Found from x: check the address")])

    assert feed_error(entry, FEED) is None
    assert feed_error(dead, FEED).startswith("HTTP 404")


# --- the store


def test_feeds_are_per_guild_and_not_doubled(store: Subscriptions):
    """A guild follows a feed once; other guilds keep their own list."""
    assert store.add_feed(1, FEED, 10, T0)
    assert not store.add_feed(1, FEED, 11, T0 + 1)
    assert store.add_feed(2, FEED, 20, T0 + 2)
    store.add_feed(1, "https://b.example/rss", 10, T0 + 3)

    assert [f.url for f in store.feeds(1)] == [FEED, "https://b.example/rss"]
    assert [(f.guild_id, f.added_by) for f in store.feeds(2)] == [(2, 20)]
    assert store.remove_feed(1, FEED)
    assert not store.remove_feed(1, FEED)
    assert [f.url for f in store.feeds(1)] == ["https://b.example/rss"]


def test_a_url_followed_twice_is_polled_once(store: Subscriptions):
    """due_feeds lists each url once, and a poll's outcome is recorded for every guild."""
    store.add_feed(1, FEED, 10, T0)
    store.add_feed(2, FEED, 20, T0)

    assert [f.url for f in store.due_feeds(T0, POLL)] == [FEED]
    store.record_failure(FEED, T0, "HTTP 500")
    assert {(f.failures, f.last_error) for f in store.feeds()} == {(1, "HTTP 500")}


def test_a_url_feeding_two_archives_is_polled_for_each(store: Subscriptions):
    """A url followed for the shared archive and for a guild's own is due once per archive,
    and each archive's poll is recorded apart."""
    store.add_feed(1, FEED, 10, T0)
    store.add_feed(2, FEED, 20, T0, scope=2)
    store.add_feed(3, FEED, 30, T0, scope=3)
    store.add_feed(4, FEED, 40, T0)

    assert sorted(f.scope for f in store.due_feeds(T0, POLL)) == [SHARED, 2, 3]
    store.record_failure(FEED, T0, "HTTP 500", scope=2)
    assert {f.guild_id: f.failures for f in store.feeds()} == {1: 0, 2: 1, 3: 0, 4: 0}


def test_feeds_from_before_scopes_feed_the_shared_archive(tmp_path: Path):
    """A store written before feeds had a scope opens with its feeds feeding the shared
    archive, as they did."""
    path = tmp_path / "subscriptions.sqlite3"
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.executescript(subscriptions.SCHEMA)
        db.execute(
            "INSERT INTO feeds (url, guild_id, added_by, added_at) VALUES (?,1,10,?)", (FEED, T0)
        )

    store = Subscriptions(path)
    try:
        [feed] = store.feeds()
        assert (feed.url, feed.guild_id, feed.scope) == (FEED, 1, SHARED)
    finally:
        store.close()


def test_failures_are_counted_and_cleared(store: Subscriptions):
    """Each failure counts and backs the feed off; a success clears the count and the error."""
    store.add_feed(1, FEED, 10, T0)
    store.record_failure(FEED, T0, "could not connect")
    store.record_failure(FEED, T0 + 2 * POLL, "could not connect\n  again")
    (feed,) = store.feeds(1)

    assert (feed.failures, feed.last_error, feed.last_polled) == (
        2,
        "could not connect again",
        T0 + 2 * POLL,
    )
    assert store.due_feeds(T0 + 5 * POLL, POLL) == []
    assert [f.url for f in store.due_feeds(T0 + 6 * POLL, POLL)] == [FEED]

    store.record_success(FEED, T0 + 6 * POLL, "abc")
    (feed,) = store.feeds(1)
    assert (feed.failures, feed.last_error, feed.feed_hash) == (0, None, "abc")


def test_one_digest_per_guild(store: Subscriptions):
    """Setting a digest replaces the guild's previous one; off removes it."""
    store.set_digest(1, 100, DAILY, None, T0)
    store.set_digest(1, 200, WEEKLY, "Wire", T0 + 5)
    store.set_digest(2, 300, DAILY, "", T0)

    digest = store.digest(1)
    assert (digest.channel_id, digest.every, digest.source, digest.last_sent) == (
        200,
        WEEKLY,
        "Wire",
        T0 + 5,
    )
    assert store.digest(2).source is None
    assert store.remove_digest(1)
    assert not store.remove_digest(1)
    assert store.digest(1) is None
    with pytest.raises(ValueError, match="daily or weekly"):
        store.set_digest(1, 100, "hourly", None, T0)


def test_due_digests_and_mark_sent(store: Subscriptions):
    """A digest is due after its period and not again once marked sent."""
    store.set_digest(1, 100, DAILY, None, T0)
    store.set_digest(2, 200, WEEKLY, None, T0)

    assert [d.guild_id for d in store.due_digests(T0 + DAY)] == [1]
    store.mark_sent(1, T0 + DAY)
    assert store.due_digests(T0 + DAY + 1) == []
    assert store.digest(1).last_sent == T0 + DAY


def test_feeds_and_digests_survive_a_reopen(tmp_path: Path):
    """Feeds, their failures and digests are on disk: a new store on the file sees them."""
    path = tmp_path / "subscriptions.sqlite3"
    first = Subscriptions(path)
    first.add_feed(1, FEED, 10, T0)
    first.record_failure(FEED, T0, "HTTP 404")
    first.set_digest(1, 100, WEEKLY, "Wire", T0)
    first.close()

    again = Subscriptions(path)
    (feed,) = again.feeds(1)
    assert (feed.url, feed.failures, feed.last_error) == (FEED, 1, "HTTP 404")
    assert (again.digest(1).channel_id, again.digest(1).every) == (100, WEEKLY)
    again.close()


def test_store_from_many_threads(store: Subscriptions):
    """Concurrent writes from worker threads are all stored."""
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: store.add_feed(i % 4, f"https://f.example/{i}", 1, T0), range(80)))

    assert len(store.feeds()) == 80
