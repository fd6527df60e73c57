"""Where articles come from: files, folders, JSON/JSONL records, web pages and RSS/Atom feeds.

`iter_articles` reads and fetches; `ingest.parse` turns what it gets into `Article`s. Bad input
never stops the iteration: each problem is yielded as a `Failure` with a one-line reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx

from ingest.article import Article, SourceError
from ingest.sources.failure import Failure
from ingest.sources.feeds import is_feed, iter_feed
from ingest.sources.files import KINDS, SUFFIX_LIST, iter_file, iter_folder
from ingest.sources.guard import guarded_client
from ingest.sources.web import TIMEOUT_SECONDS, fetch, page_article

DEFAULT_MAX_BYTES = 20_000_000

__all__ = ["KINDS", "Failure", "iter_articles"]


def iter_articles(
    target: str,
    *,
    client: httpx.Client | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    allow_private: bool = False,
) -> Iterator[Article | Failure]:
    """Articles from a file, a folder (recursively) or an http(s) URL; problems as Failures.

    URLs are fetched through a guarded client (`ingest.sources.guard`) that reaches public
    addresses only, and private networks too with allow_private; a client given instead is
    used as it is.
    """
    if target.startswith(("http://", "https://")):
        yield from _iter_url(target, client, max_bytes, allow_private)
        return
    path = Path(target).expanduser()
    if path.is_dir():
        yield from iter_folder(path, max_bytes)
    elif path.is_file():
        if path.suffix.lower() not in KINDS:
            reason = f"unsupported file type {path.suffix or '(none)'!r}: use {SUFFIX_LIST}"
            yield Failure(target, reason)
        else:
            yield from iter_file(path, max_bytes)
    elif path.exists():
        yield Failure(target, f"not a regular file or folder: {target}")
    else:
        yield Failure(target, f"no such file or folder: {target}")


def _iter_url(
    url: str, client: httpx.Client | None, max_bytes: int, allow_private: bool
) -> Iterator[Article | Failure]:
    """Articles from a web page or from every entry of an RSS/Atom feed."""
    own_client = client is None
    http = client or guarded_client(allow_private=allow_private, timeout=TIMEOUT_SECONDS)
    try:
        fetched = fetch(http, url, max_bytes)
        if is_feed(fetched):
            yield from iter_feed(http, fetched, max_bytes)
        else:
            yield page_article(fetched, url)
    except SourceError as error:
        yield Failure(url, str(error))
    finally:
        if own_client:
            http.close()
