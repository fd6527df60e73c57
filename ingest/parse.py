"""Turn raw text, HTML pages and JSON records into `Article`s, with page furniture removed.

Everything here is pure: no network, no files. Every failure is a `SourceError` whose message
says what is wrong and what to do about it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from html.parser import HTMLParser
from typing import ClassVar
from urllib.parse import urlsplit

import trafilatura

from ingest.article import Article, SourceError
from ingest.text.dates import DATE_TEXT, parse_date

log = logging.getLogger(__name__)

MAX_TITLE_CHARS = 200

# "WASHINGTON, March 3, 2023 (Reuters) -", "Nov. 19, 2021 (EIRNS)—", "2023-03-03"
_DATELINE = re.compile(
    rf"^(?:[A-Z][A-Za-z.'’ -]{{1,40}},\s+)?(?P<date>{DATE_TEXT})"
    r"\s*(?:\((?P<outlet>[^()\n]{1,40})\))?\s*(?:[—–-]|:|$)"
)
_DATELINE_LINES = 4

# Lines made only of these phrases (and separators) are navigation, sharing or ad furniture.
_FURNITURE_PHRASES = [
    r"go to (?:the )?home ?page",
    r"back to (?:the )?top",
    r"skip to (?:the )?(?:main )?(?:content|navigation|menu)",
    r"(?:share|email|print) (?:this|the) (?:article|story|page|post)",
    r"share (?:on|via) (?:facebook|twitter|x|linkedin|whatsapp|reddit|email)",
    r"(?:click|tap) to share",
    r"subscribe(?: now| today)?",
    r"sign up(?: for (?:our|the) newsletter)?",
    r"newsletter",
    r"advertisement",
    r"sponsored(?: content)?",
    r"print(?:er[- ]friendly)?(?: version)?",
    r"share",
    r"tweet",
    r"email",
    r"facebook",
    r"twitter",
    r"linkedin",
    r"whatsapp",
    r"menu",
    r"home",
    r"search",
    r"close",
    r"log ?in",
    r"sign in",
    r"read more",
    r"related (?:articles|stories|posts)",
    r"most read",
    r"(?:accept|reject|allow|manage) (?:all )?cookies",
    r"cookie (?:settings|policy|preferences)",
    r"privacy policy",
    r"terms (?:of|and) (?:use|service|conditions)",
    r"(?:previous|next) (?:article|story|page|post)",
    r"comments?",
]
_FURNITURE = re.compile(
    r"(?i)^(?:[\s|•·»›/,>\-–—]*(?:" + "|".join(_FURNITURE_PHRASES) + r")\b)+"
    r"(?:[\s|•·»›/,>\-–—]+clear)?[\s|•·»›/,>\-–—]*$"
)
_MENU_SEPARATOR = re.compile(r"\s*[|•·»›]\s*")
_COOKIE_NOTICE = re.compile(
    r"(?i)^(?:we use cookies|this (?:web)?site uses cookies|by (?:continuing to use|using) "
    r"(?:this|our) (?:web)?site)"
)
_COOKIE_NOTICE_MAX_CHARS = 400

_SPACES = re.compile(r"[^\S\n]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANK_RUNS = re.compile(r"\n{3,}")
_HTML_TAG = re.compile(r"(?i)<(?:p|div|br|a|span|img|ul|ol|li|h[1-6]|em|strong|b|i|blockquote)\b")

_TEXT_FIELDS = ("body", "text", "content", "article", "summary", "description")
_TITLE_FIELDS = ("title", "headline")
_OUTLET_FIELDS = ("outlet", "source", "publisher", "site_name", "sitename")
_DATE_FIELDS = ("published_at", "published", "date", "publishedAt", "pubDate", "datetime")
_URL_FIELDS = ("url", "link")
_AUTHOR_FIELDS = ("author", "authors", "byline")
_MISSING = {"", "none", "null", "nan", "n/a"}

_FRONT_MATTER_KEYS = {
    "title": "title",
    "outlet": "outlet",
    "source": "outlet",
    "publisher": "outlet",
    "published": "published",
    "published_at": "published",
    "date": "published",
    "url": "url",
    "link": "url",
    "author": "author",
}


@dataclass(frozen=True)
class Meta:
    """Metadata known about an article before its text is read; None means unknown."""

    title: str | None = None
    outlet: str | None = None
    published: date | None = None
    url: str | None = None
    author: str | None = None

    def fill(self, defaults: Meta | None) -> Meta:
        """This metadata, with its gaps filled from `defaults`."""
        if defaults is None:
            return self
        return Meta(
            title=self.title or defaults.title,
            outlet=self.outlet or defaults.outlet,
            published=self.published or defaults.published,
            url=self.url or defaults.url,
            author=self.author or defaults.author,
        )


# --- cleaning ----------------------------------------------------------------------------------


def clean_text(raw: str) -> str:
    """`raw` with whitespace normalized, blank lines between paragraphs, furniture removed."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text = _CONTROL.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    kept = ["" if is_furniture(line) else line for line in lines]
    return _BLANK_RUNS.sub("\n\n", "\n".join(kept)).strip()


def is_furniture(line: str) -> bool:
    """Whether `line` is page furniture: navigation, sharing, subscription, ad or cookie text."""
    stripped = line.strip()
    if not stripped:
        return False
    if len(stripped) <= 120 and (_FURNITURE.match(stripped) or _is_menu(stripped)):
        return True
    return len(stripped) <= _COOKIE_NOTICE_MAX_CHARS and bool(_COOKIE_NOTICE.match(stripped))


def _is_menu(line: str) -> bool:
    """Whether `line` is a menu: three or more short items split by | or bullets, one of them
    a furniture phrase ("Home | World | Business")."""
    items = [item for item in _MENU_SEPARATOR.split(line) if item]
    if len(items) < 3 or any(len(item.split()) > 3 for item in items):
        return False
    return any(_FURNITURE.match(item) for item in items)


def _paragraphs_from_lines(text: str) -> str:
    """Text whose single line breaks separate blocks, rewritten with blank lines between them."""
    return "\n\n".join(line for line in text.split("\n") if line.strip())


# --- text --------------------------------------------------------------------------------------


def parse_text(raw: str, origin: str) -> Article:
    """An Article from plain text or Markdown, with optional `---` front matter."""
    front, body = _split_front_matter(raw)
    return _assemble(front, clean_text(body), origin)


def _split_front_matter(raw: str) -> tuple[Meta, str]:
    """The front-matter metadata of `raw` and the text after it (no front matter: empty Meta)."""
    text = raw.lstrip("\ufeff").replace("\r\n", "\n")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return Meta(), raw
    for end, line in enumerate(lines[1:], start=1):
        if line.strip() in {"---", "..."}:
            return _front_matter_meta(lines[1:end]), "\n".join(lines[end + 1 :])
    return Meta(), raw


def _front_matter_meta(lines: list[str]) -> Meta:
    """Meta from `key: value` lines; unknown keys and malformed lines are ignored."""
    values: dict[str, str] = {}
    for line in lines:
        key, sep, value = line.partition(":")
        field_name = _FRONT_MATTER_KEYS.get(key.strip().lower())
        value = value.strip().strip("\"'").strip()
        if sep and field_name and value.lower() not in _MISSING:
            values.setdefault(field_name, value)
    published = values.pop("published", None)
    return Meta(**values, published=parse_date(published) if published else None)


def _assemble(meta: Meta, text: str, origin: str) -> Article:
    """An Article from cleaned text, filling title, date and outlet from the text where unknown."""
    if not text:
        msg = f"no article text in {origin}: it is empty or holds only page furniture"
        raise SourceError(msg)
    title = meta.title
    if not title:
        title, text = _title_from_text(text)
    when, outlet = find_dateline(text)
    meta = meta.fill(Meta(published=when, outlet=outlet))
    return Article(
        title=_one_line(title),
        text=text,
        outlet=meta.outlet or "",
        published=meta.published,
        url=meta.url,
        author=meta.author,
        origin=origin,
    )


def _title_from_text(text: str) -> tuple[str, str]:
    """The first meaningful line as a title, and the text without it when it was a heading."""
    paragraphs = text.split("\n\n")
    for index, paragraph in enumerate(paragraphs):
        first_line = paragraph.split("\n", 1)[0]
        candidate = re.sub(r"^#{1,6}\s+", "", first_line).strip(" *_#")
        if not re.search(r"\w", candidate) or _DATELINE.match(candidate):
            continue
        rest = paragraphs[:index] + paragraphs[index + 1 :]
        is_heading = first_line == paragraph and len(candidate) <= MAX_TITLE_CHARS
        if is_heading and any(p.strip() for p in rest):
            return candidate, "\n\n".join(rest).strip()
        return _shorten(candidate), text
    return _shorten(text.split("\n", 1)[0]), text


def _shorten(line: str) -> str:
    """A title-length version of `line`: its first sentence, cut at a word if still too long."""
    if len(line) <= MAX_TITLE_CHARS:
        return line
    sentence = re.split(r"(?<=[.!?])\s", line, maxsplit=1)[0]
    if len(sentence) <= MAX_TITLE_CHARS:
        return sentence
    return sentence[:MAX_TITLE_CHARS].rsplit(" ", 1)[0] + "…"


def _one_line(value: str) -> str:
    """`value` with all whitespace runs collapsed to single spaces."""
    return " ".join(value.split())


def find_dateline(text: str) -> tuple[date | None, str | None]:
    """The date and outlet of a dateline opening one of the first paragraphs, if any."""
    lines = [line for line in text.split("\n") if line.strip()][:_DATELINE_LINES]
    for line in lines:
        match = _DATELINE.match(line)
        if match:
            outlet = match["outlet"].strip() if match["outlet"] else None
            return parse_date(match["date"]), outlet or None
    return None, None


# --- HTML --------------------------------------------------------------------------------------


def parse_html(html: str, url: str | None, origin: str, *, defaults: Meta | None = None) -> Article:
    """An Article from an HTML page: main text and metadata via trafilatura, furniture removed.

    `defaults` (for example a feed entry's metadata) fill what the page itself does not say.
    """
    if not html.strip():
        msg = f"empty page at {origin}: there is no HTML to read"
        raise SourceError(msg)
    extracted = _extract(html, url, origin)
    page = _page_meta(html)
    text = clean_text(_paragraphs_from_lines(extracted.get("text") or ""))
    if not text:
        msg = (
            f"no article text found in the page {origin}: it may be an index, a script-rendered "
            "page or a paywall; give the article's own URL or save its text as a .txt file"
        )
        raise SourceError(msg)
    named = extracted.get("sitename")
    host = (extracted.get("hostname"), _hostname(url))
    # trafilatura names the site by its host when the page does not: a feed's title says more.
    host_named = named if named and named.removeprefix("www.") in host else None
    meta = Meta(
        title=_first(extracted.get("title"), page.get("og:title"), page.get("title")),
        outlet=_first(None if host_named else named, page.get("og:site_name")),
        published=parse_date(_first(extracted.get("date"), page.get("published")) or ""),
        url=url or _first(extracted.get("url"), page.get("og:url")),
        author=_first(extracted.get("author"), page.get("author")),
    ).fill(defaults)
    if meta.title:
        text = _drop_leading_title(text, meta.title)
    if not meta.outlet:
        outlet = host_named or find_dateline(text)[1] or _hostname(meta.url)
        meta = replace(meta, outlet=outlet)
    return _assemble(meta, text, origin)


def _extract(html: str, url: str | None, origin: str) -> dict[str, str | None]:
    """trafilatura's main text and metadata for a page ({} when it finds no main text)."""
    try:
        document = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=True
        )
    except Exception as error:  # trafilatura/lxml raise many types on hostile input
        log.warning("trafilatura failed on %s: %r", origin, error)
        msg = f"could not read the HTML of {origin} ({type(error).__name__}): save the page again"
        raise SourceError(msg) from error
    if document is None:
        return {}
    fields = ("text", "title", "sitename", "hostname", "date", "url", "author")
    return {name: getattr(document, name, None) for name in fields}


def _first(*values: str | None) -> str | None:
    """The first value that is a non-blank string, stripped."""
    for value in values:
        if isinstance(value, str) and value.strip() and value.strip().lower() not in _MISSING:
            return value.strip()
    return None


def _drop_leading_title(text: str, title: str) -> str:
    """`text` without a first paragraph that just repeats the title."""
    first, _, rest = text.partition("\n\n")
    if rest and _one_line(first).casefold() == _one_line(title).casefold():
        return rest
    return text


def _hostname(url: str | None) -> str | None:
    """The host of `url` without a leading "www.", or None."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


class _MetaTagReader(HTMLParser):
    """Collects <title>, og:*, author and published-time meta tags of a page."""

    _WANTED: ClassVar[dict[str, str]] = {
        "og:title": "og:title",
        "og:site_name": "og:site_name",
        "og:url": "og:url",
        "author": "author",
        "article:author": "author",
        "article:published_time": "published",
        "date": "published",
        "pubdate": "published",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: dict[str, str] = {}
        self._in_title = False
        self._title: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Note meta tags and the start of <title>."""
        if tag == "title":
            self._in_title = True
        elif tag == "meta":
            values = {name.lower(): value or "" for name, value in attrs}
            key = (values.get("property") or values.get("name") or "").lower()
            if key in self._WANTED and values.get("content"):
                self.found.setdefault(self._WANTED[key], values["content"])

    def handle_endtag(self, tag: str) -> None:
        """Close <title>."""
        if tag == "title" and self._in_title:
            self._in_title = False
            if self._title:
                self.found.setdefault("title", _one_line("".join(self._title)))

    def handle_data(self, data: str) -> None:
        """Collect the text of <title>."""
        if self._in_title:
            self._title.append(data)


def _page_meta(html: str) -> dict[str, str]:
    """The <title> and meta-tag metadata of a page ({} if the markup defeats the reader)."""
    head = html[: html.lower().find("</head>") + 7] if "</head>" in html.lower() else html[:200_000]
    reader = _MetaTagReader()
    try:
        reader.feed(head)
        reader.close()
    except Exception as error:  # html.parser can still trip over hostile markup
        log.debug("meta tags unreadable: %r", error)
    return reader.found


class _TextReader(HTMLParser):
    """The visible text of an HTML fragment, with block elements as paragraph breaks."""

    _BLOCKS = frozenset(
        {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6"}
        | {"blockquote", "section", "article", "tr", "table", "pre"}
    )
    _SKIP = frozenset({"script", "style", "noscript", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Start a paragraph at a block element; start skipping scripts."""
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        """End a paragraph at a block element; stop skipping scripts."""
        if tag in self._SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        """Keep visible text."""
        if not self._skipping:
            self.parts.append(data.replace("\n", " "))


def html_to_text(fragment: str) -> str:
    """The visible text of an HTML fragment (a feed summary, a record's body), paragraphs kept."""
    reader = _TextReader()
    try:
        reader.feed(fragment)
        reader.close()
    except Exception as error:  # html.parser can still trip over hostile markup
        log.debug("fragment unreadable: %r", error)
    return "".join(reader.parts)


# --- records -----------------------------------------------------------------------------------


def parse_record(record: Mapping[str, object], origin: str) -> Article:
    """An Article from a JSON record (title, body/text/content, url, source, published_at...)."""
    if not isinstance(record, Mapping):
        msg = (
            f"record {origin} is a JSON {type(record).__name__}, not an object with article fields"
        )
        raise SourceError(msg)
    body = _record_body(record, origin)
    published = _record_field(record, _DATE_FIELDS)
    meta = Meta(
        title=_record_field(record, _TITLE_FIELDS),
        outlet=_record_field(record, _OUTLET_FIELDS),
        published=parse_date(published) if published else None,
        url=_record_field(record, _URL_FIELDS),
        author=_record_field(record, _AUTHOR_FIELDS),
    )
    return _assemble(meta, clean_text(body), origin)


def _record_body(record: Mapping[str, object], origin: str) -> str:
    """The article text of a record, from the first non-empty text field, HTML made plain."""
    for name in _TEXT_FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            kind = type(value).__name__
            msg = f"record {origin}: field {name!r} is a JSON {kind}; make it a string of text"
            raise SourceError(msg)
        text = _as_text(value)
        if text:
            return html_to_text(text) if _HTML_TAG.search(text) else text
    names = ", ".join(_TEXT_FIELDS[:-1]) + " or " + _TEXT_FIELDS[-1]
    msg = f"record {origin} has no article text: give it a non-empty {names} field"
    raise SourceError(msg)


def _record_field(record: Mapping[str, object], names: tuple[str, ...]) -> str | None:
    """The first present value among `names` as text; "None", "null" and blanks count as missing."""
    for name in names:
        value = _as_text(record.get(name))
        if value is not None:
            return value
    return None


def _as_text(value: object) -> str | None:
    """A record value as one line of text: strings, numbers, lists of names, {"name": ...}."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        value = str(value)
    elif isinstance(value, Mapping):
        value = value.get("name")
    elif isinstance(value, list):
        names = [_as_text(item) for item in value]
        value = ", ".join(name for name in names if name)
    if not isinstance(value, str):
        return None
    value = value.strip()
    return None if value.lower() in _MISSING else value
