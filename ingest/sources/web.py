"""Fetching web pages, and the article a fetched page holds."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import httpx

from ingest.article import Article, SourceError
from ingest.errors import FetchRefused
from ingest.parse import Meta, parse_html, parse_text
from ingest.sources.files import decode_bytes
from ingest.sources.guard import RefusedURL

log = logging.getLogger(__name__)

USER_AGENT = "newsdesk/0.1 (news archive bot)"
TIMEOUT_SECONDS = 20.0


@dataclass(frozen=True)
class Fetched:
    """A successful HTTP response, read into memory."""

    url: str
    content_type: str
    charset: str | None
    body: bytes


def fetch(client: httpx.Client, url: str, max_bytes: int) -> Fetched:
    """GET `url` (redirects followed, size capped), or a SourceError saying what went wrong;
    FetchRefused when the client's guard refuses an address on the way."""
    headers = {"User-Agent": USER_AGENT}
    try:
        with client.stream(
            "GET", url, headers=headers, follow_redirects=True, timeout=TIMEOUT_SECONDS
        ) as response:
            if response.status_code >= 400:
                phrase = response.reason_phrase or "error"
                msg = f"HTTP {response.status_code} {phrase} from {url}: check the address"
                raise SourceError(msg)
            body = _read_capped(response, max_bytes)
            content_type = response.headers.get("content-type", "")
            return Fetched(
                url=str(response.url),
                content_type=content_type.split(";")[0].strip().lower(),
                charset=response.charset_encoding,
                body=body,
            )
    except RefusedURL as error:
        raise FetchRefused(str(error)) from error
    except httpx.TimeoutException as error:
        msg = f"timed out after {TIMEOUT_SECONDS:.0f} s fetching {url}: try again later"
        raise SourceError(msg) from error
    except httpx.ConnectError as error:
        msg = f"could not connect to {url} ({error}): check the address and the network"
        raise SourceError(msg) from error
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        msg = f"request to {url} failed ({type(error).__name__}: {error})"
        raise SourceError(msg) from error


def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    """The body of a streamed response, refused once it passes `max_bytes`."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        msg = f"response is {int(declared):,} bytes, over the {max_bytes:,}-byte limit"
        raise SourceError(msg)
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            msg = f"response is over the {max_bytes:,}-byte limit"
            raise SourceError(msg)
        chunks.append(chunk)
    body = b"".join(chunks)
    if not body.strip():
        msg = f"empty response from {response.url}: the server sent no content"
        raise SourceError(msg)
    return body


def page_article(fetched: Fetched, origin: str, defaults: Meta | None = None) -> Article:
    """The Article of a fetched page (HTML, or plain text when served as such)."""
    kind = fetched.content_type
    if kind and not kind.startswith(("text/", "application/xhtml")):
        msg = f"unsupported content type {kind!r} at {origin}: give an HTML page or a feed"
        raise SourceError(msg)
    text = decode_bytes(fetched.body, fetched.charset or "utf-8", errors="replace")
    if kind in ("text/plain", "text/markdown"):
        return parse_text(text, origin)
    return parse_html(text, fetched.url, origin, defaults=defaults)
