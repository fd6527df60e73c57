"""Where articles come from: files, folders, JSON/JSONL records, web pages and RSS/Atom feeds.

`iter_articles` reads and fetches; `ingest.parse` turns what it gets into `Article`s. Bad input
never stops the iteration: each problem is yielded as a `Failure` with a one-line reason.
"""

from __future__ import annotations

import codecs
import io
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import feedparser
import httpx

from ingest.article import Article, SourceError
from ingest.parse import Meta, parse_date, parse_html, parse_record, parse_text

log = logging.getLogger(__name__)

USER_AGENT = "newsdesk/0.1 (news archive bot)"
TIMEOUT_SECONDS = 20.0
DEFAULT_MAX_BYTES = 20_000_000

KINDS = {
    ".txt": "text",
    ".md": "text",
    ".markdown": "text",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl",
}
_SUFFIX_LIST = ", ".join(KINDS)
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
_XML_TYPES = ("application/xml", "text/xml")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class Failure:
    """A source, or one item of it, that gave no article, and why."""

    origin: str
    reason: str


@dataclass(frozen=True)
class Fetched:
    """A successful HTTP response, read into memory."""

    url: str
    content_type: str
    charset: str | None
    body: bytes


def iter_articles(
    target: str,
    *,
    client: httpx.Client | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Article | Failure]:
    """Articles from a file, a folder (recursively) or an http(s) URL; problems as Failures."""
    if target.startswith(("http://", "https://")):
        yield from _iter_url(target, client, max_bytes)
        return
    path = Path(target).expanduser()
    if path.is_dir():
        yield from _iter_folder(path, max_bytes)
    elif path.is_file():
        if path.suffix.lower() not in KINDS:
            reason = f"unsupported file type {path.suffix or '(none)'!r}: use {_SUFFIX_LIST}"
            yield Failure(target, reason)
        else:
            yield from _iter_file(path, max_bytes)
    elif path.exists():
        yield Failure(target, f"not a regular file or folder: {target}")
    else:
        yield Failure(target, f"no such file or folder: {target}")


# --- files and folders -------------------------------------------------------------------------


def _iter_folder(folder: Path, max_bytes: int) -> Iterator[Article | Failure]:
    """Articles from every supported file under `folder`, in sorted order."""
    found = False
    for item in _walk(folder, set()):
        if isinstance(item, Failure):
            yield item
        else:
            found = True
            yield from _iter_file(item, max_bytes)
    if not found:
        yield Failure(str(folder), f"no article files ({_SUFFIX_LIST}) in folder {folder}")


def _walk(folder: Path, seen: set[Path]) -> Iterator[Path | Failure]:
    """Supported files under `folder`, sorted, skipping hidden entries, READMEs and link loops."""
    real = folder.resolve()
    if real in seen:
        return
    seen.add(real)
    try:
        entries = sorted(folder.iterdir())
    except OSError as error:
        yield Failure(str(folder), f"cannot list folder: {error.strerror or error}")
        return
    for entry in entries:
        if entry.name.startswith(".") or entry.name.upper().startswith("README"):
            continue
        if entry.is_dir():
            yield from _walk(entry, seen)
        elif entry.is_file() and entry.suffix.lower() in KINDS:
            yield entry


def _iter_file(path: Path, max_bytes: int) -> Iterator[Article | Failure]:
    """Articles from one supported file."""
    origin = str(path)
    try:
        text = read_text_file(path, max_bytes)
        kind = KINDS[path.suffix.lower()]
        if kind == "text":
            yield parse_text(text, origin)
        elif kind == "html":
            yield parse_html(text, None, origin)
        elif kind == "json":
            yield from _iter_json(text, origin)
        else:
            yield from _iter_jsonl(text, origin)
    except SourceError as error:
        yield Failure(origin, str(error))


def read_text_file(path: Path, max_bytes: int) -> str:
    """The text of a file, refusing oversized, empty, binary and non-UTF-8 files."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            msg = (
                f"file is {size:,} bytes, over the {max_bytes:,}-byte limit: "
                "split it or raise max_bytes"
            )
            raise SourceError(msg)
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        msg = f"cannot read file: {error.strerror or error}"
        raise SourceError(msg) from error
    if len(data) > max_bytes:
        msg = f"file is over the {max_bytes:,}-byte limit: split it or raise max_bytes"
        raise SourceError(msg)
    text = decode_bytes(data)
    if not text.strip():
        msg = "empty file: it holds no text"
        raise SourceError(msg)
    return text


def decode_bytes(data: bytes, charset: str = "utf-8", errors: str = "strict") -> str:
    """Text from bytes: a BOM or else `charset` decides; binary (NUL-holding) data is refused."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode(data, encoding, errors)
    if b"\x00" in data:
        msg = "binary data (it contains NUL bytes), not text: give a text, HTML or JSON source"
        raise SourceError(msg)
    return _decode(data, charset, errors)


def _decode(data: bytes, encoding: str, errors: str) -> str:
    """`data` decoded; an unknown charset falls back to UTF-8."""
    try:
        return data.decode(encoding, errors)
    except LookupError:
        return _decode(data, "utf-8", errors)
    except UnicodeDecodeError as error:
        bad = data[error.start : error.start + 1].hex()
        msg = (
            f"not {encoding.upper()} text (undecodable byte 0x{bad} at offset {error.start}): "
            "save it as UTF-8"
        )
        raise SourceError(msg) from error


# --- JSON --------------------------------------------------------------------------------------


def _iter_json(text: str, origin: str) -> Iterator[Article | Failure]:
    """Articles from a JSON file: a list of records, one record, or {"articles": [...]}."""
    data = _load_json(text)
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]
    if isinstance(data, dict):
        yield parse_record(data, origin)
        return
    if not isinstance(data, list):
        kind = type(data).__name__
        msg = f"JSON holds a {kind}: expected a record, a list of records or {{'articles': [...]}}"
        raise SourceError(msg)
    if not data:
        msg = "JSON holds no records: the list is empty"
        raise SourceError(msg)
    for number, record in enumerate(data, start=1):
        yield _record_article(record, f"{origin}#{number}")


def _iter_jsonl(text: str, origin: str) -> Iterator[Article | Failure]:
    """Articles from a JSON Lines file; a malformed line is a Failure and the rest go on."""
    found = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        found = True
        item_origin = f"{origin}#{number}"
        try:
            record = _load_json(line, number)
        except SourceError as error:
            yield Failure(item_origin, str(error))
            continue
        yield _record_article(record, item_origin)
    if not found:
        msg = "empty file: it holds no JSON lines"
        raise SourceError(msg)


def _load_json(text: str, line: int | None = None) -> object:
    """Parsed JSON, or a SourceError saying where it is malformed (`line`: of a JSONL file)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        where = f"on line {line}" if line else f"at line {error.lineno}"
        msg = f"malformed JSON {where}, column {error.colno}: {error.msg}; fix the JSON"
        raise SourceError(msg) from error
    except RecursionError as error:
        msg = "malformed JSON: nested too deeply to read"
        raise SourceError(msg) from error


def _record_article(record: object, origin: str) -> Article | Failure:
    """One record's Article, or its Failure."""
    try:
        return parse_record(record, origin)  # type: ignore[arg-type]  # parse_record checks
    except SourceError as error:
        return Failure(origin, str(error))


# --- URLs and feeds ----------------------------------------------------------------------------


def _iter_url(url: str, client: httpx.Client | None, max_bytes: int) -> Iterator[Article | Failure]:
    """Articles from a web page or from every entry of an RSS/Atom feed."""
    own_client = client is None
    http = client or httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=True)
    try:
        fetched = fetch(http, url, max_bytes)
        if is_feed(fetched):
            yield from _iter_feed(http, fetched, max_bytes)
        else:
            yield _page_article(fetched, url)
    except SourceError as error:
        yield Failure(url, str(error))
    finally:
        if own_client:
            http.close()


def fetch(client: httpx.Client, url: str, max_bytes: int) -> Fetched:
    """GET `url` (redirects followed, size capped), or a SourceError saying what went wrong."""
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


def is_feed(fetched: Fetched) -> bool:
    """Whether a response is an RSS/Atom feed, by content type or by its first tags."""
    if fetched.content_type in _FEED_TYPES:
        return True
    head = fetched.body[:2048].lower()
    if b"<html" in head:
        return False
    return any(tag in head for tag in (b"<rss", b"<feed", b"<rdf:rdf", b"<rdf"))


def _page_article(fetched: Fetched, origin: str, defaults: Meta | None = None) -> Article:
    """The Article of a fetched page (HTML, or plain text when served as such)."""
    kind = fetched.content_type
    if kind and not kind.startswith(("text/", "application/xhtml")):
        msg = f"unsupported content type {kind!r} at {origin}: give an HTML page or a feed"
        raise SourceError(msg)
    text = decode_bytes(fetched.body, fetched.charset or "utf-8", errors="replace")
    if kind in ("text/plain", "text/markdown"):
        return parse_text(text, origin)
    return parse_html(text, fetched.url, origin, defaults=defaults)


def _iter_feed(
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
    """A feed entry's Article from its linked page, falling back to the entry's own text."""
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
            return _page_article(fetch(client, link, max_bytes), origin, defaults)
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
