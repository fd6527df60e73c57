"""Writers to one archive: a slow page keeps no other writer waiting."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.compose import build_desk
from bot.settings import Settings
from tests.paths import ROOT, SAMPLES

PAGE = (ROOT / "tests" / "ingest" / "data" / "article.html").read_bytes()


class SlowSite:
    """A loopback site whose one page is served only once `release` is set."""

    def __init__(self) -> None:
        self.asked = threading.Event()
        self.release = threading.Event()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.asked.set()
                site.release.wait(30)
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(PAGE)))
                self.end_headers()
                self.wfile.write(PAGE)

            def log_message(self, format: str, *args: object) -> None:
                """Keep test output quiet."""

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/news/port"


@pytest.fixture
def slow_site() -> Iterator[SlowSite]:
    """The slow site, serving in a thread."""
    site = SlowSite()
    thread = threading.Thread(target=site.httpd.serve_forever, daemon=True)
    thread.start()
    yield site
    site.release.set()
    site.httpd.shutdown()
    site.httpd.server_close()


def test_a_slow_page_does_not_hold_up_other_writes(tmp_path, slow_site):
    """While one ingest waits on a slow page, another ingest and a forget go through; the
    slow page is stored once it arrives."""
    desk = build_desk(Settings(data_dir=tmp_path / "data", allow_private_urls=True))
    try:
        reports = []
        waiting = threading.Thread(target=lambda: reports.append(desk.ingest([slow_site.url])))
        waiting.start()
        assert slow_site.asked.wait(10)

        local = desk.ingest([str(SAMPLES / "03-grid-battery-heatwave.md")])
        assert local.added == 1
        [article] = desk.articles("heatwave")
        assert desk.forget(article.article_id).article_id == article.article_id
        assert waiting.is_alive()  # the page was still on its way all along

        slow_site.release.set()
        waiting.join(60)
        assert reports and reports[0].added == 1, reports
        assert [a.url for a in desk.articles()] == [slow_site.url]
    finally:
        slow_site.release.set()
        desk.index.close()
