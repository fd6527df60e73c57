"""Tests for ingest.parse: text, HTML, records and dates become clean Articles."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.article import Article, SourceError
from ingest.parse import Meta, clean_text, is_furniture, parse_html, parse_record, parse_text
from tests.paths import SEED, SHARED, shared_file

CORPUS = SHARED / "bench" / "multihop_rag" / "corpus.json"
DATA = Path(__file__).resolve().parent / "data"

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- the seed article ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> Article:
    """The seed article, parsed."""
    return parse_text(shared_file(SEED).read_text(encoding="utf-8"), str(SEED))


def test_seed_metadata(seed: Article) -> None:
    """The seed's title, dateline date and dateline outlet are found."""
    assert seed.title == "Putin on Russian Relations with China and with the U.S."
    assert seed.published == date(2021, 11, 19)
    assert seed.outlet == "EIRNS"
    assert seed.origin == str(SEED)


def test_seed_navigation_removed(seed: Article) -> None:
    """No navigation line of the seed page survives in the text."""
    assert "Go to home page" not in seed.text
    assert "Back to top" not in seed.text
    assert "clear" not in seed.text.split()


def test_seed_paragraphs_kept(seed: Article) -> None:
    """Every paragraph of the seed article, dateline included, is kept word for word."""
    raw = SEED.read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in raw.split("\n\n") if p.strip()]
    article_paragraphs = [p for p in paragraphs if "home page" not in p and p != seed.title]
    assert len(article_paragraphs) == 5
    for paragraph in article_paragraphs:
        assert paragraph in seed.text
    assert seed.text.startswith("Nov. 19, 2021 (EIRNS)—During his address")
    assert "“the summit with President Biden in Geneva last June" in seed.text
    assert seed.text.endswith("said the President.")


# --- plain text and Markdown -------------------------------------------------------------------


def test_front_matter() -> None:
    """Front matter sets every field (with its aliases) and is not left in the text."""
    raw = (
        '---\ntitle: "Harbour reopens"\nsource: The Ledger\ndate: 2023-03-03\n'
        "url: https://ledger.example/a\nauthor: Ingrid Solberg\ncolour: blue\n---\n\n"
        "# Not the title\n\nThe harbour reopened on Friday.\n"
    )
    article = parse_text(raw, "a.md")
    assert article.title == "Harbour reopens"
    assert article.outlet == "The Ledger"
    assert article.published == date(2023, 3, 3)
    assert article.url == "https://ledger.example/a"
    assert article.author == "Ingrid Solberg"
    assert "---" not in article.text
    assert "colour" not in article.text
    assert "The harbour reopened on Friday." in article.text


def test_front_matter_published_at_alias_and_outlet() -> None:
    """`published_at` and `outlet` keys are understood; "None" counts as missing."""
    raw = "---\noutlet: AP\npublished_at: Nov. 19, 2021\nauthor: None\n---\nTitle line\n\nBody."
    article = parse_text(raw, "x.md")
    assert (article.outlet, article.published, article.author) == ("AP", date(2021, 11, 19), None)
    assert article.title == "Title line"


def test_unclosed_front_matter_is_text() -> None:
    """A `---` block that never closes is kept as ordinary text rather than lost."""
    article = parse_text("---\ntitle: x\nThe body goes on.", "x.txt")
    assert "The body goes on." in article.text


def test_markdown_heading_title() -> None:
    """A Markdown `# ` heading becomes the title without its #, and leaves the body."""
    article = parse_text("# Grain prices rise\n\nWheat rose 4% on Monday.\n", "g.md")
    assert article.title == "Grain prices rise"
    assert article.text == "Wheat rose 4% on Monday."


def test_single_paragraph_is_title_and_text() -> None:
    """A text with one long paragraph keeps it as text and takes its first sentence as title."""
    body = "Wheat rose 4% on Monday. " + "Traders blamed the weather. " * 20
    article = parse_text(body, "w.txt")
    assert article.title == "Wheat rose 4% on Monday."
    assert article.text == body.strip()


@pytest.mark.parametrize(
    ("line", "published", "outlet"),
    [
        ("Nov. 19, 2021 (EIRNS)—During his address, he spoke.", date(2021, 11, 19), "EIRNS"),
        ("WASHINGTON, March 3, 2023 (Reuters) - Officials said.", date(2023, 3, 3), "Reuters"),
        ("March 3, 2023 — Officials said.", date(2023, 3, 3), ""),
        ("2023-03-03", date(2023, 3, 3), ""),
        ("LONDON, 19 November 2021 (AP): The vote passed.", date(2021, 11, 19), "AP"),
    ],
)
def test_datelines(line: str, published: date, outlet: str) -> None:
    """Datelines give the date and outlet, and the dateline stays in the text."""
    article = parse_text(f"Headline here\n\n{line}\n\nMore text follows.", "d.txt")
    assert article.published == published
    assert article.outlet == outlet
    assert article.title == "Headline here"
    assert line in article.text


def test_date_in_mid_sentence_is_not_a_dateline() -> None:
    """A date inside a sentence is not taken for the publication date."""
    article = parse_text("Headline\n\nThe law of March 3, 2023 changed things.", "d.txt")
    assert article.published is None


@pytest.mark.parametrize(
    "line",
    [
        "Go to home page",
        "Back to top    Go to home page clear",
        "Skip to content",
        "Share this article",
        "Subscribe",
        "ADVERTISEMENT",
        "Print",
        "Home | World | Business",
        "Share on Facebook · Share on Twitter · Email",
        "We use cookies to give you the best experience. Accept all cookies",
    ],
)
def test_furniture_lines(line: str) -> None:
    """Navigation, sharing, ad and cookie lines are recognized as furniture."""
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "Readers can subscribe to the paper for 10 euros a month.",
        "Print runs fell by a third in 2022.",
        "Home prices rose again.",
        "Back to top form after the injury, she won the final.",
        "said the President.",
    ],
)
def test_article_lines_are_not_furniture(line: str) -> None:
    """Sentences that merely contain furniture words are kept."""
    assert not is_furniture(line)


def test_clean_text_whitespace() -> None:
    """Whitespace is normalized, paragraph breaks survive as single blank lines."""
    raw = (
        "\ufeff  First\tparagraph  line.\r\n\r\n\r\n\r\n"
        "Second\u00a0 one.\n \nAdvertisement\n\nThird."
    )
    assert clean_text(raw) == "First paragraph line.\n\nSecond one.\n\nThird."


def test_only_furniture_is_an_error() -> None:
    """A text holding nothing but furniture is a SourceError saying so."""
    with pytest.raises(SourceError, match="no article text"):
        parse_text("Go to home page\n\nBack to top\n   \n", "nav.txt")


# --- HTML --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def page_html() -> str:
    """A realistic article page with header, nav, cookie banner, share box, aside and footer."""
    return (DATA / "article.html").read_text(encoding="utf-8")


def test_html_article(page_html: str) -> None:
    """The page gives its title, date, outlet, author and all paragraphs, without furniture."""
    article = parse_html(page_html, "https://ledger.example/x", "page.html")
    assert article.title == "Port of Halden Reopens After Storm Repairs"
    assert article.published == date(2023, 3, 3)
    assert article.outlet == "The Northern Ledger"
    assert article.author == "Ingrid Solberg"
    assert article.url == "https://ledger.example/x"
    assert article.text.startswith("HALDEN, March 3, 2023 (Ledger) - The port of Halden")
    assert article.text.count("\n\n") == 3
    assert "since the storm surge of 2015." in article.text
    for furniture in (
        "Skip to content",
        "Subscribe",
        "cookies",
        "Share this",
        "Most read",
        "Back to top",
        "All rights reserved",
        "Privacy policy",
    ):
        assert furniture not in article.text


def test_html_fallbacks_to_defaults() -> None:
    """Metadata the page lacks comes from `defaults`; the outlet falls back to the host."""
    paragraphs = "".join(
        f"<p>Paragraph {i} tells of the flood and the repairs.</p>" for i in range(6)
    )
    html = f"<html><body><div>{paragraphs}</div></body></html>"
    defaults = Meta(title="Feed title", author="A. Writer", published=date(2020, 1, 2))
    article = parse_html(html, "https://www.example.org/flood", "u", defaults=defaults)
    assert (article.title, article.author, article.published) == (
        "Feed title",
        "A. Writer",
        date(2020, 1, 2),
    )
    assert article.outlet == "example.org"


def test_html_without_article_text() -> None:
    """A page of navigation only is a SourceError naming the problem."""
    html = (
        "<html><head><title>Index</title></head><body><nav><a href='/'>Home</a>"
        "<a href='/w'>Subscribe</a></nav><footer>Back to top</footer></body></html>"
    )
    with pytest.raises(SourceError, match="no article text found in the page"):
        parse_html(html, None, "index.html")


@pytest.mark.parametrize("html", ["", "   ", "<html><body><script>x()</script></body></html>"])
def test_html_empty_or_script_only(html: str) -> None:
    """Empty and script-only pages are SourceErrors."""
    with pytest.raises(SourceError):
        parse_html(html, None, "empty.html")


# --- records -----------------------------------------------------------------------------------


def test_record_fields_and_aliases() -> None:
    """Record aliases (text, link, publisher, published) fill the Article."""
    record = {
        "title": "Dam opens",
        "text": "The dam opened.\n\nShare this article\n\nIt holds 3 km³.",
        "link": "https://n.example/dam",
        "publisher": {"id": "n", "name": "News Example"},
        "published": "Fri, 19 Nov 2021 10:00:00 +0000",
        "author": ["Ana Lima", "Bo Li"],
    }
    article = parse_record(record, "r.json#1")
    assert article == Article(
        title="Dam opens",
        text="The dam opened.\n\nIt holds 3 km³.",
        outlet="News Example",
        published=date(2021, 11, 19),
        url="https://n.example/dam",
        author="Ana Lima, Bo Li",
    )
    assert article.origin == "r.json#1"


@pytest.mark.parametrize("author", [None, "None", "", "  "])
def test_record_missing_author(author: str | None) -> None:
    """None, "None" and blank authors all become None."""
    article = parse_record({"title": "t", "body": "b", "author": author}, "r")
    assert article.author is None


def test_record_html_body_is_made_plain() -> None:
    """An HTML body (as feeds and some APIs give) becomes plain paragraphs."""
    article = parse_record({"title": "t", "content": "<p>One &amp; two.</p><p>Three.</p>"}, "r")
    assert article.text == "One & two.\n\nThree."


def test_record_without_text() -> None:
    """A record without text names the fields it needs."""
    with pytest.raises(SourceError, match="no article text: give it a non-empty body, text"):
        parse_record({"title": "Only a title", "body": "None"}, "r.json#3")


def test_record_wrong_types() -> None:
    """A non-object record and a non-string body are clear SourceErrors."""
    with pytest.raises(SourceError, match="is a JSON list"):
        parse_record(["a"], "r#1")  # type: ignore[arg-type]
    with pytest.raises(SourceError, match="field 'body' is a JSON dict"):
        parse_record({"body": {"x": 1}}, "r#2")


def test_corpus_parses_entirely() -> None:
    """All 609 records of the MultiHop-RAG corpus parse, with titles, outlets and 2023 dates."""
    records = json.loads(shared_file(CORPUS).read_text(encoding="utf-8"))
    articles = [parse_record(r, f"corpus#{i}") for i, r in enumerate(records, start=1)]
    assert len(articles) == 609
    assert all(a.title and a.outlet and a.text and a.url for a in articles)
    assert all(a.published is not None and a.published.year == 2023 for a in articles)
    assert articles[0].published == date(2023, 11, 27)
    assert articles[0].outlet == "Mashable"
    assert "None" not in {a.author for a in articles}


# --- dates -------------------------------------------------------------------------------------


# --- properties --------------------------------------------------------------------------------


def _only_source_errors(call, *args) -> None:
    """Run `call`; a SourceError is allowed, any other exception fails the test."""
    try:
        result = call(*args)
    except SourceError as error:
        assert str(error) and "\n" not in str(error)
    else:
        assert isinstance(result, Article)
        assert result.text.strip()
        assert "\n" not in result.title


@FAST
@given(st.text(max_size=2000))
def test_parse_text_random(raw: str) -> None:
    """parse_text on any text gives an Article or a one-line SourceError."""
    _only_source_errors(parse_text, raw, "random.txt")


@FAST
@given(st.binary(max_size=2000), st.sampled_from(["utf-8", "latin-1", "utf-16"]))
def test_parse_text_decoded_bytes(data: bytes, encoding: str) -> None:
    """parse_text on random bytes decoded leniently gives an Article or a SourceError."""
    _only_source_errors(parse_text, data.decode(encoding, errors="replace"), "bytes.txt")


@FAST
@given(st.text(max_size=2000))
def test_parse_html_random(raw: str) -> None:
    """parse_html on any text gives an Article or a one-line SourceError."""
    _only_source_errors(parse_html, raw, None, "random.html")


@FAST
@given(
    st.lists(st.sampled_from(["div", "p", "span", "section", "b", "table", "li"]), max_size=8),
    st.integers(min_value=1, max_value=3000),
    st.text(max_size=50),
)
def test_parse_html_deeply_nested(tags: list[str], depth: int, words: str) -> None:
    """Deeply nested markup gives an Article or a SourceError, never a crash."""
    tags = tags or ["div"]
    opening = "".join(f"<{tags[i % len(tags)]}>" for i in range(depth))
    html = f"<html><body>{opening}{words} and the text of the story goes here.</body></html>"
    _only_source_errors(parse_html, html, None, "deep.html")


@settings(max_examples=5, deadline=None)
@given(st.text(min_size=1, max_size=5, alphabet=st.characters(codec="utf-8")))
def test_huge_lines(unit: str) -> None:
    """A single multi-megabyte line does not break parse_text or parse_html."""
    line = unit * (1_000_000 // len(unit))
    _only_source_errors(parse_text, line, "huge.txt")
    _only_source_errors(parse_html, f"<html><body><p>{line}</p></body></html>", None, "huge.html")
