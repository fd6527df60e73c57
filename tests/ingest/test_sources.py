"""Tests for ingest.sources: files, folders, records, pages and feeds, and every bad input.

The pages and feeds are served on 127.0.0.1, so they are fetched with allow_private=True, as an
intranet archive would be; tests/ingest/sources/test_guard.py covers what is refused.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ingest.article import Article
from ingest.sources import Failure, iter_articles
from ingest.sources.guard import guarded_client
from tests.paths import SHARED, shared_file

CORPUS = SHARED / "bench" / "multihop_rag" / "corpus.json"
DATA = Path(__file__).resolve().parent / "data"
PAGE = (DATA / "article.html").read_text(encoding="utf-8")
NAV_ONLY = "<html><body><nav><a href='/'>Home</a></nav><footer>Back to top</footer></body></html>"
STORY = "# Grain prices rise\n\nWheat rose 4% on Monday after the frost.\n"

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Ledger Wire</title><link>{base}/</link><description>News</description>
<item><title>Port reopens</title><link>{base}/news/port</link>
  <pubDate>Fri, 03 Mar 2023 09:30:00 +0000</pubDate><dc:creator>Wire Desk</dc:creator>
  <description>Short summary of the port story.</description></item>
<item><title>Ferry timetable changes</title><link>{base}/news/missing</link>
  <pubDate>Sat, 04 Mar 2023 10:00:00 +0000</pubDate><dc:creator>Nora Vik</dc:creator>
  <description>&lt;p&gt;The ferry will run hourly from April.&lt;/p&gt;&lt;p&gt;Fares stay the
  same.&lt;/p&gt;</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Desk</title><id>urn:desk</id>
<updated>2023-03-05T00:00:00Z</updated>
<entry><title>Port entry</title><link href="{base}/news/port"/><id>urn:1</id>
  <updated>2023-03-03T09:30:00Z</updated><author><name>Someone</name></author>
  <summary>Summary.</summary></entry>
<entry><title>Bridge closes</title><link href="{base}/news/nav-only"/><id>urn:2</id>
  <published>2023-03-05T08:00:00Z</published><updated>2023-03-06T08:00:00Z</updated>
  <author><name>Lars Berg</name></author>
  <content type="html">&lt;p&gt;The old bridge closed for repairs.&lt;/p&gt;</content></entry>
<entry><title>Lost</title><link href="{base}/news/gone"/><id>urn:3</id>
  <updated>2023-03-07T08:00:00Z</updated></entry>
</feed>"""

EMPTY_RSS = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title>'
    "<link>http://x/</link><description>d</description></channel></rss>"
)


# --- a loopback web server ---------------------------------------------------------------------


@dataclass
class Site:
    """A loopback HTTP server serving `routes` (path -> status, content type, body)."""

    base: str
    routes: dict[str, tuple[int, str, bytes]] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)

    def serve(
        self,
        path: str,
        body: str | bytes,
        content_type: str = "text/html; charset=utf-8",
        status: int = 200,
    ) -> str:
        """Serve `body` at `path` and return its full URL."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = (status, content_type, data.replace(b"{base}", self.base.encode()))
        return self.base + path


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    """A request handler class answering from `site.routes`, 404 for anything else."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.requests.append((self.path, self.headers.get("User-Agent", "")))
            status, content_type, body = site.routes.get(
                self.path, (404, "text/plain", b"not found")
            )
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", body.decode())
                body = b""
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Keep test output quiet."""

    return Handler


@pytest.fixture(scope="module")
def server() -> Iterator[Site]:
    """One loopback server for the module."""
    site = Site(base="")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    site.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield site
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def site(server: Site) -> Site:
    """The loopback server with no routes yet."""
    server.routes.clear()
    server.requests.clear()
    return server


def split(items: list[Article | Failure]) -> tuple[list[Article], list[Failure]]:
    """Articles and failures, in order."""
    return [i for i in items if isinstance(i, Article)], [
        i for i in items if isinstance(i, Failure)
    ]


def closed_port_url() -> str:
    """A loopback URL on which nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/story"


# --- files and folders -------------------------------------------------------------------------


def test_folder_walk(tmp_path: Path) -> None:
    """A folder is walked recursively and sorted; hidden, README and other files are skipped."""
    (tmp_path / "b.md").write_text(STORY)
    (tmp_path / "a.txt").write_text("Ferry news\n\nThe ferry runs hourly.")
    (tmp_path / "c.html").write_text(PAGE)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.markdown").write_text("Sub story\n\nBody of the sub story.")
    (tmp_path / "sub" / "e.htm").write_text(PAGE)
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.txt").write_text("Hidden\n\nNot read.")
    (tmp_path / ".secret.txt").write_text("Hidden\n\nNot read.")
    (tmp_path / "README.md").write_text("Readme\n\nNot read.")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    items = list(iter_articles(str(tmp_path)))
    articles, failures = split(items)
    assert failures == []
    assert [Path(a.origin).relative_to(tmp_path).as_posix() for a in articles] == [
        "a.txt",
        "b.md",
        "c.html",
        "sub/d.markdown",
        "sub/e.htm",
    ]
    assert [a.title for a in articles][:2] == ["Ferry news", "Grain prices rise"]
    assert articles[2].outlet == "The Northern Ledger"


def test_folder_link_loop(tmp_path: Path) -> None:
    """A symlink pointing back up the tree is not followed forever."""
    (tmp_path / "a.txt").write_text("A story\n\nIts body.")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    articles, failures = split(list(iter_articles(str(tmp_path))))
    assert [a.title for a in articles] == ["A story"] and failures == []


def test_empty_folder(tmp_path: Path) -> None:
    """A folder without article files is one Failure saying so."""
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    assert list(iter_articles(str(tmp_path))) == [
        Failure(
            str(tmp_path),
            f"no article files (.txt, .md, .markdown, .html, .htm, .json, "
            f".jsonl) in folder {tmp_path}",
        )
    ]


def test_json_list_and_wrapper(tmp_path: Path) -> None:
    """JSON lists and {"articles": [...]} give one Article per record, origins numbered from 1."""
    records = [{"title": "One", "body": "First."}, {"title": "Two", "text": "Second."}]
    (tmp_path / "list.json").write_text(json.dumps(records))
    (tmp_path / "wrapped.json").write_text(json.dumps({"articles": records}))
    (tmp_path / "single.json").write_text(json.dumps(records[0]))
    articles, failures = split(list(iter_articles(str(tmp_path))))
    assert failures == []
    assert [(Path(a.origin).name, a.title) for a in articles] == [
        ("list.json#1", "One"),
        ("list.json#2", "Two"),
        ("single.json", "One"),
        ("wrapped.json#1", "One"),
        ("wrapped.json#2", "Two"),
    ]


def test_json_bad_record_does_not_stop_others(tmp_path: Path) -> None:
    """A record without text is a Failure for that record only."""
    path = tmp_path / "r.json"
    path.write_text(json.dumps([{"title": "x"}, {"title": "ok", "body": "Fine."}, 3]))
    items = list(iter_articles(str(path)))
    assert isinstance(items[0], Failure) and items[0].origin == f"{path}#1"
    assert "no article text" in items[0].reason
    assert isinstance(items[1], Article) and items[1].title == "ok"
    assert isinstance(items[2], Failure) and "is a JSON int" in items[2].reason


def test_jsonl_malformed_line(tmp_path: Path) -> None:
    """A malformed JSONL line is a Failure naming its line; the other lines still parse."""
    path = tmp_path / "r.jsonl"
    path.write_text(
        '{"title": "A", "body": "a"}\n\n{"title": "B", "body": \n{"title": "C", "body": "c"}\n'
    )
    items = list(iter_articles(str(path)))
    assert [type(i).__name__ for i in items] == ["Article", "Failure", "Article"]
    assert items[1] == Failure(
        f"{path}#3",
        "malformed JSON on line 3, column 24: Expecting value; fix the JSON",
    )
    assert [items[0].origin, items[2].origin] == [f"{path}#1", f"{path}#4"]


def test_corpus_file() -> None:
    """The MultiHop-RAG corpus file gives 609 Articles and no Failure."""
    items = list(iter_articles(str(shared_file(CORPUS))))
    articles, failures = split(items)
    assert failures == [] and len(articles) == 609
    assert articles[0].origin == f"{CORPUS}#1" and articles[-1].origin == f"{CORPUS}#609"
    assert all(a.title and a.outlet and a.published for a in articles)


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [(b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"), (b"\xef\xbb\xbf", "utf-8")],
)
def test_bom_marked_files(tmp_path: Path, bom: bytes, encoding: str) -> None:
    """BOM-marked UTF-16 and UTF-8 files are read."""
    path = tmp_path / "s.txt"
    path.write_bytes(bom + "Café news\n\nThe café reopened.".encode(encoding))
    [article] = iter_articles(str(path))
    assert isinstance(article, Article) and article.title == "Café news"


BAD_FILES: list[tuple[str, bytes, str]] = [
    ("empty.txt", b"", "empty file: it holds no text"),
    ("blank.md", b"  \n\n\t\n", "empty file: it holds no text"),
    ("binary.txt", b"GIF89a\x00\x01\x02\x00", "binary data (it contains NUL bytes)"),
    (
        "latin.txt",
        "Caf\xe9 news".encode("latin-1"),
        "not UTF-8 text (undecodable byte 0xe9 at offset 3): save it as UTF-8",
    ),
    ("nav.html", NAV_ONLY.encode(), "no article text found in the page"),
    ("furniture.txt", b"Go to home page\n\nBack to top\n", "no article text in"),
    (
        "bad.json",
        b'[{"title": "x",\n  "body": }]',
        "malformed JSON at line 2, column 11: Expecting value",
    ),
    ("scalar.json", b"42", "JSON holds a int"),
    ("none.json", b"[]", "JSON holds no records"),
    ("empty.jsonl", b"\n\n", "empty file"),
]


@pytest.mark.parametrize(("name", "data", "reason"), BAD_FILES)
def test_bad_file(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    """Each bad file named directly is one Failure with a clear reason."""
    path = tmp_path / name
    path.write_bytes(data)
    [item] = iter_articles(str(path))
    assert isinstance(item, Failure)
    assert item.origin == str(path)
    assert reason in item.reason and "\n" not in item.reason


def test_bad_files_do_not_stop_a_folder(tmp_path: Path) -> None:
    """In a folder, every bad file is a Failure and the good files are still read."""
    for name, data, _ in BAD_FILES:
        (tmp_path / name).write_bytes(data)
    (tmp_path / "good1.txt").write_text("Good one\n\nFine text.")
    (tmp_path / "zz_good2.md").write_text(STORY)
    (tmp_path / "big.txt").write_text("Big\n\n" + "word " * 400)
    articles, failures = split(list(iter_articles(str(tmp_path), max_bytes=1000)))
    assert [a.title for a in articles] == ["Good one", "Grain prices rise"]
    assert len(failures) == len(BAD_FILES) + 1
    big = next(f for f in failures if f.origin.endswith("big.txt"))
    assert (
        big.reason == "file is 2,005 bytes, over the 1,000-byte limit: split it or raise max_bytes"
    )


def test_missing_path() -> None:
    """A path that does not exist is a Failure saying so."""
    assert list(iter_articles("/no/such/place.txt")) == [
        Failure("/no/such/place.txt", "no such file or folder: /no/such/place.txt")
    ]


def test_unsupported_file_named_directly(tmp_path: Path) -> None:
    """A file of an unsupported type, named directly, is a Failure listing the supported ones."""
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.4")
    [item] = iter_articles(str(path))
    assert item == Failure(
        str(path),
        "unsupported file type '.pdf': use .txt, .md, .markdown, .html, .htm, .json, .jsonl",
    )


# --- pages -------------------------------------------------------------------------------------


def test_html_page_over_http(site: Site) -> None:
    """A served page becomes an Article whose url and origin are the URL; the UA names newsdesk."""
    url = site.serve("/news/port", PAGE)
    [article] = iter_articles(url, allow_private=True)
    assert isinstance(article, Article)
    assert (article.title, article.url, article.origin) == (
        "Port of Halden Reopens After Storm Repairs",
        url,
        url,
    )
    assert article.published == date(2023, 3, 3)
    assert "Skip to content" not in article.text
    assert site.requests[0][1].startswith("newsdesk/")


def test_html_file_and_page_agree(site: Site) -> None:
    """The same page read from a file and from HTTP gives the same text and metadata."""
    [from_file] = iter_articles(str(DATA / "article.html"))
    [from_http] = iter_articles(site.serve("/p", PAGE), allow_private=True)
    assert isinstance(from_file, Article) and isinstance(from_http, Article)
    assert (from_file.title, from_file.text, from_file.published, from_file.outlet) == (
        from_http.title,
        from_http.text,
        from_http.published,
        from_http.outlet,
    )


def test_redirect_followed(site: Site) -> None:
    """Redirects are followed and the final page is parsed."""
    site.serve("/news/port", PAGE)
    url = site.serve("/old", site.base + "/news/port", status=301)
    [article] = iter_articles(url, allow_private=True)
    assert isinstance(article, Article) and article.url == site.base + "/news/port"


def test_plain_text_url(site: Site) -> None:
    """A text/plain URL is parsed as text."""
    [article] = iter_articles(
        site.serve("/s.txt", STORY, "text/plain; charset=utf-8"), allow_private=True
    )
    assert isinstance(article, Article) and article.title == "Grain prices rise"


@pytest.mark.parametrize(
    ("status", "reason"),
    [(404, "HTTP 404 Not Found from"), (500, "HTTP 500 Internal Server Error")],
)
def test_http_error_status(site: Site, status: int, reason: str) -> None:
    """An HTTP error status is a Failure naming the status."""
    url = site.serve("/broken", "oops", status=status)
    [item] = iter_articles(url, allow_private=True)
    assert isinstance(item, Failure) and item.origin == url and reason in item.reason


def test_closed_port() -> None:
    """A refused connection is a Failure, not an exception."""
    url = closed_port_url()
    [item] = iter_articles(url, allow_private=True)
    assert isinstance(item, Failure) and item.reason.startswith(f"could not connect to {url}")


def test_page_problems(site: Site) -> None:
    """Nav-only, binary, oversized and empty responses are Failures with clear reasons."""
    cases = {
        site.serve("/nav", NAV_ONLY): "no article text found in the page",
        site.serve("/img", b"\x89PNG\x00", "image/png"): "unsupported content type 'image/png'",
        site.serve("/big", "x" * 5000): "response is 5,000 bytes, over the 4,000-byte limit",
        site.serve("/empty", ""): "empty response from",
    }
    for url, reason in cases.items():
        [item] = iter_articles(url, max_bytes=4000, allow_private=True)
        assert isinstance(item, Failure) and reason in item.reason, (url, item)


def test_given_client_is_used_and_left_open(site: Site) -> None:
    """A client passed in is used for the request and not closed."""
    url = site.serve("/news/port", PAGE)
    with guarded_client(allow_private=True) as client:
        [article] = iter_articles(url, client=client)
        assert isinstance(article, Article)
        assert not client.is_closed


# --- feeds -------------------------------------------------------------------------------------


def test_rss_feed(site: Site) -> None:
    """An RSS feed's entries are fetched; a missing page falls back to the entry's summary."""
    site.serve("/news/port", PAGE)
    url = site.serve("/rss", RSS, "application/rss+xml")
    items = list(iter_articles(url, allow_private=True))
    assert [type(i).__name__ for i in items] == ["Article", "Article"]
    page, fallback = items
    assert page.title == "Port of Halden Reopens After Storm Repairs"
    assert page.author == "Ingrid Solberg" and page.origin == site.base + "/news/port"
    assert fallback.title == "Ferry timetable changes"
    assert fallback.text == "The ferry will run hourly from April.\n\nFares stay the same."
    assert fallback.outlet == "Ledger Wire"
    assert fallback.published == date(2023, 3, 4)
    assert fallback.author == "Nora Vik"
    assert fallback.url == fallback.origin == site.base + "/news/missing"
    assert [path for path, _ in site.requests] == ["/rss", "/news/port", "/news/missing"]


def test_feed_title_is_the_outlet_of_a_page_that_names_no_site(site: Site) -> None:
    """A linked page without og:site_name takes the feed's title as its outlet, not the host."""
    unnamed = PAGE.replace('<meta property="og:site_name" content="The Northern Ledger">', "")
    assert unnamed != PAGE
    site.serve("/news/port", unnamed)
    page, _ = iter_articles(site.serve("/rss", RSS, "application/rss+xml"), allow_private=True)
    assert page.title == "Port of Halden Reopens After Storm Repairs"
    assert page.outlet == "Ledger Wire"
    [alone] = iter_articles(site.base + "/news/port", allow_private=True)
    assert alone.outlet == "ledger.example"  # the host of its canonical link


def test_atom_feed_sniffed(site: Site) -> None:
    """An Atom feed served as generic XML is recognized; pages without text use the content."""
    site.serve("/news/port", PAGE)
    site.serve("/news/nav-only", NAV_ONLY)
    url = site.serve("/atom", ATOM, "application/xml")
    items = list(iter_articles(url, allow_private=True))
    assert [type(i).__name__ for i in items] == ["Article", "Article", "Failure"]
    page, bridge, lost = items
    assert page.outlet == "The Northern Ledger"
    assert bridge.title == "Bridge closes" and bridge.author == "Lars Berg"
    assert bridge.text == "The old bridge closed for repairs."
    assert bridge.published == date(2023, 3, 5) and bridge.outlet == "Atom Desk"
    assert lost.origin == site.base + "/news/gone"
    assert lost.reason.startswith("HTTP 404 Not Found")
    assert lost.reason.endswith(", and it has no summary or content to use instead")


def test_feed_without_entries(site: Site) -> None:
    """A feed with no entries is one Failure."""
    url = site.serve("/quiet", EMPTY_RSS, "application/rss+xml")
    [item] = iter_articles(url, allow_private=True)
    assert isinstance(item, Failure) and item.reason.startswith("feed has no entries")


def test_broken_feed(site: Site) -> None:
    """A feed that is not XML is a Failure naming the parse problem."""
    url = site.serve("/junk", "this is not a feed", "application/rss+xml")
    [item] = iter_articles(url, allow_private=True)
    assert isinstance(item, Failure) and item.reason.startswith("feed has no entries (")


def test_feed_entry_with_nothing_usable(site: Site) -> None:
    """An entry without link or summary is a Failure numbered within the feed."""
    url = site.serve("/bare", "<rss><channel><item></item></channel></rss>", "application/rss+xml")
    [item] = iter_articles(url, allow_private=True)
    assert item == Failure(
        f"{url}#1", "the feed entry has no link, and it has no summary or content to use instead"
    )
