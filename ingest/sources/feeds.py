"""RSS and Atom feeds: each entry's page, or its own text when the page cannot be had."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import feedparser
import httpx

from ingest.article import Article, SourceError
from ingest.errors import FetchRefused
from ingest.parse import Meta, parse_record
from ingest.sources.failure import Failure
from ingest.sources.web import Fetched, fetch, page_article
from ingest.text.dates import parse_date

log = logging.getLogger(__name__)

_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")


def is_feed(fetched: Fetched) -> bool:
    """Whether a response is an RSS/Atom feed, by content type or by its first tags."""
    if fetched.content_type in _FEED_TYPES:
        return True
    head = fetched.body[:2048].lower()
    if b"<html" in head:
        return False
    return any(tag in head for tag in (b"<rss", b"<feed", b"<rdf:rdf", b"<rdf"))


def iter_feed(
    client: httpx.Client, fetched: Fetched, max_bytes: int
) -> Iterator[Article | Failure]:
    """Articles from every entry of a feed: its page, else its summary."""
    feed = feedparser.parse(io.BytesIO(fetched.body), response_headers=_feed_headers(fetched))
    if not feed.entries:
        problem = f" ({feed.bozo_exception})" if feed.get("bozo") else ""
        msg = f"feed has no entries{problem}: check that {fetched.url} is an RSS or Atom feed"
        raise SourceError(msg)
    outlet = feed.feed.get("title")
    for number, entry in enumerate(feed.entries, start=1):
        origin = entry.get("link") or f"{fetched.url}#{number}"
        try:
            yield _entry_article(client, entry, outlet, origin, max_bytes)
        except SourceError as error:
            yield Failure(origin, str(error))


def _feed_headers(fetched: Fetched) -> dict[str, str]:
    """The response headers feedparser uses to pick the encoding and resolve relative links."""
    content_type = fetched.content_type or "application/xml"
    if fetched.charset:
        content_type += f"; charset={fetched.charset}"
    return {"content-type": content_type, "content-location": fetched.url}


def _entry_article(
    client: httpx.Client, entry: dict, outlet: str | None, origin: str, max_bytes: int
) -> Article:
    """A feed entry's Article from its linked page, falling back to the entry's own text
    (but not when the page's address is refused: the entry then fails with the reason)."""
    defaults = Meta(
        title=entry.get("title") or None,
        outlet=outlet or None,
        published=parse_date(entry.get("published") or entry.get("updated") or ""),
        url=entry.get("link") or None,
        author=entry.get("author") or None,
    )
    link = entry.get("link")
    page_problem = "the feed entry has no link"
    if link:
        try:
            return page_article(fetch(client, link, max_bytes), origin, defaults)
        except FetchRefused:
            raise
        except SourceError as error:
            page_problem = str(error)
            log.info("feed entry page %s unusable, using its summary: %s", link, error)
    summary = _entry_text(entry)
    if not summary:
        msg = f"{page_problem}, and it has no summary or content to use instead"
        raise SourceError(msg)
    record = {
        "title": defaults.title,
        "outlet": defaults.outlet,
        "published": entry.get("published") or entry.get("updated"),
        "url": defaults.url,
        "author": defaults.author,
        "content": summary,
    }
    return parse_record(record, origin)


def _entry_text(entry: dict) -> str:
    """The longest of a feed entry's content blocks and summary (HTML or plain text)."""
    candidates = [block.get("value", "") for block in entry.get("content", [])]
    candidates.append(entry.get("summary", ""))
    return max((c for c in candidates if isinstance(c, str)), key=len, default="").strip()
