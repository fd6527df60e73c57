"""The embeds and choices of bot.chat.format stay within Discord's limits, whatever the input."""

from __future__ import annotations

from datetime import date

import discord
from hypothesis import given
from hypothesis import strategies as st

from bot.chat import format as fmt
from bot.qa.types import Answer, Citation, Passage
from ingest.keyword import StoredArticle
from ingest.pipeline import IngestReport
from ingest.sources import Failure

text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=9000)


def check_limits(embeds: list[discord.Embed]) -> None:
    """Fail if one message carrying these embeds would break any of Discord's embed limits."""
    assert 1 <= len(embeds) <= fmt.EMBEDS_PER_MESSAGE
    assert fmt.message_length(embeds) <= fmt.EMBED_TOTAL_LIMIT
    for embed in embeds:
        assert len(embed.title or "") <= fmt.TITLE_LIMIT
        assert len(embed.description or "") <= fmt.DESCRIPTION_LIMIT
        assert len(embed.footer.text or "") <= fmt.FOOTER_LIMIT
        assert len(embed.author.name or "") <= fmt.AUTHOR_LIMIT
        assert len(embed.fields) <= fmt.FIELDS_PER_EMBED
        for field in embed.fields:
            assert 0 < len(field.name) <= fmt.FIELD_NAME_LIMIT
            assert 0 < len(field.value) <= fmt.FIELD_VALUE_LIMIT


def citation(number: int, size: int = 50) -> Citation:
    """A citation whose texts grow with size."""
    return Citation(
        number=number,
        title="Title " + "t" * size,
        outlet="Outlet " + "o" * size,
        published=date(2024, 5, number % 28 + 1),
        url="https://news.example/" + "u" * size,
        quote="Quote " + "q" * size,
    )


def article(number: int, size: int = 30) -> StoredArticle:
    """A catalogue entry whose texts grow with size; odd numbers are dated."""
    return StoredArticle(
        article_id=f"{number:016x}",
        title=f"Article {number} " + "t" * size,
        outlet="Outlet " + "o" * size,
        published=date(2024, 1, 1) if number % 2 else None,
        url=f"https://news.example/{number}",
        author=None,
        origin="o" * size,
        content_hash="h",
        chunk_count=3,
        state="ok",
        ingested_at=1_700_000_000.0,
    )


def test_trim_keeps_short_text_and_marks_cuts():
    """trim leaves short text alone and ends cut text with an ellipsis, within the limit."""
    assert fmt.trim("short", 10) == "short"
    assert fmt.trim("alpha beta gamma delta epsilon", 27) == "alpha beta gamma delta…"
    assert len(fmt.trim("x" * 500, 256)) == 256


@given(text, st.integers(min_value=1, max_value=5000))
def test_trim_never_exceeds_the_limit(value: str, limit: int):
    """trim's result is never longer than the limit."""
    assert len(fmt.trim(value, limit)) <= limit


@given(text, st.integers(min_value=1, max_value=4096))
def test_split_text_keeps_everything_within_the_limit(value: str, limit: int):
    """split_text cuts into non-empty pieces within the limit, losing only whitespace."""
    pieces = fmt.split_text(value, limit)

    assert all(0 < len(piece) <= limit for piece in pieces)
    assert "".join("".join(pieces).split()) == "".join(value.split())


def test_split_text_prefers_paragraph_breaks():
    """A long text is cut between paragraphs when one is in reach."""
    first, second = "a" * 60, "b" * 60
    assert fmt.split_text(f"{first}\n\n{second}", 100) == [first, second]


def test_answer_pages_number_the_sources_across_pages():
    """An answer with 9 sources gives 3 pages: the answer, then sources 1-4, 5-8 and 9."""
    answer = Answer("Who?", "They did [1].", True, [citation(n) for n in range(1, 10)])

    pages = fmt.answer_pages(answer)

    assert [len(page) for page in pages] == [2, 2, 2]
    assert [page[1].title for page in pages] == [
        "Sources 1–4 of 9",
        "Sources 5–8 of 9",
        "Sources 9 of 9",
    ]
    assert pages[2][1].fields[0].name.startswith("[9] Title")
    assert pages[0][1].footer.text == "Page 1/3"
    for page in pages:
        check_limits(page)


@given(
    question=text,
    answer_text=text,
    note=st.none() | text,
    count=st.integers(min_value=0, max_value=12),
    size=st.integers(min_value=0, max_value=3000),
)
def test_answer_pages_stay_within_limits(question, answer_text, note, count, size):
    """Whatever the sizes of the question, answer, note and sources, each page fits a message."""
    citations = [citation(n, size) for n in range(1, count + 1)]
    answer = Answer(question, answer_text, True, citations, note=note)

    for page in fmt.answer_pages(answer):
        check_limits(page)
        assert page[0].title == fmt.trim(fmt.one_line(question), fmt.TITLE_LIMIT) or None


def test_long_answer_goes_on_in_a_second_embed():
    """An answer longer than one description continues in a second embed."""
    answer = Answer("Why?", ("Because of many things. " * 200).strip(), True)

    (page,) = fmt.answer_pages(answer)

    assert len(page) == 2
    assert page[0].title == "Why?" and page[1].title is None
    check_limits(page)


def test_answered_question_reads_back_the_question():
    """The question of an answer message can be read back from its embeds, and only then."""
    page = fmt.answer_pages(Answer("What about China?", "Partners [1].", True))[0]

    assert fmt.answered_question(page) == "What about China?"
    assert fmt.answered_question([discord.Embed(title="Results")]) is None
    assert fmt.answered_question([]) is None


def test_source_line_links_only_web_addresses():
    """A source line has outlet and date, and a link only for an http(s) address."""
    assert fmt.source_line("Wire", date(2024, 1, 2), "https://w.example/a (b)") == (
        "Wire · 2024-01-02 · [link](https://w.example/a%20%28b%29)"
    )
    assert fmt.source_line("", None, "file:///etc/passwd") == "unknown outlet · undated"


@given(size=st.integers(min_value=0, max_value=3000), count=st.integers(0, 23))
def test_search_pages_stay_within_limits(size: int, count: int):
    """Search results are five to a page, numbered on, and every page fits a message."""
    passage = Passage("c", "a", 0, "x" * size, "T" * size, "O" * size, None, None, None, 1.0)

    pages = fmt.search_pages("q" * size, [passage] * count)

    assert len(pages) == max(1, -(-count // fmt.RESULTS_PER_PAGE))
    for page in pages:
        check_limits(page)


@given(size=st.integers(min_value=0, max_value=3000), count=st.integers(0, 35))
def test_article_lists_stay_within_limits(size: int, count: int):
    """The article list is ten lines to a page, and every page fits a message."""
    pages = fmt.article_list_pages([article(n, size) for n in range(count)], "f" * size)

    assert len(pages) == max(1, -(-count // fmt.ARTICLES_PER_PAGE))
    for page in pages:
        check_limits(page)


def test_article_embed_shows_the_catalogue_fields():
    """An article's embed links to it and shows its outlet, date, id and origin."""
    embed = fmt.article_embed(article(3, 3000))

    fields = {f.name: f.value for f in embed.fields}
    assert embed.url == "https://news.example/3"
    assert fields["Published"] == "2024-01-01"
    assert fields["ID"] == "`0000000000000003`"
    assert fields["Added"] == "<t:1700000000:R>"
    check_limits([embed])


def test_ingest_embed_lists_some_failures():
    """An ingest report shows its counts and the first ten failures, and fits a message."""
    failures = [Failure("o" * 500, "r" * 2000) for _ in range(30)]
    report = IngestReport(added=2, failures=failures)

    embed = fmt.ingest_embed(report, "https://feed.example/rss")

    assert embed.title == "Ingested"
    assert "Added 2, updated 0, unchanged 0, failed 30." in embed.description
    assert len(embed.fields) == fmt.FAILURES_SHOWN
    assert embed.footer.text == "and 20 more failures"
    check_limits([embed])


def test_stats_embed_shows_the_counts():
    """The stats embed has the counts and the date range."""
    stats = {
        "articles": 3,
        "outlets": 2,
        "chunks": 9,
        "vectors": 9,
        "model": "m",
        "first_published": "2024-01-01",
        "last_published": "2024-02-01",
        "pending": 0,
    }

    fields = {f.name: f.value for f in fmt.stats_embed(stats).fields}

    assert fields["Articles"] == "3"
    assert fields["Published"] == "2024-01-01 to 2024-02-01"


def test_outlet_choices_filter_and_cap():
    """Outlet choices match what was typed, case-insensitively, 25 at most, none over 100."""
    outlets = [f"Daily {n}" for n in range(40)] + ["Weekly", "x" * 101]

    assert len(fmt.outlet_choices(outlets, "")) == fmt.CHOICES_LIMIT
    assert [c.value for c in fmt.outlet_choices(outlets, "WEEK")] == ["Weekly"]
    assert fmt.outlet_choices(outlets, "xxx") == []


def test_article_choices_are_short_and_capped():
    """Article choices show title, outlet and date in 100 characters, valued by id."""
    choices = fmt.article_choices([article(n, 300) for n in range(30)])

    assert len(choices) == fmt.CHOICES_LIMIT
    assert all(len(c.name) <= fmt.CHOICE_LIMIT for c in choices)
    assert choices[1].value == "0000000000000001"


def test_thread_name_fits():
    """A thread name is one line of at most 100 characters, never empty."""
    assert fmt.thread_name("What\nabout   this?") == "What about this?"
    assert len(fmt.thread_name("word " * 100)) <= fmt.THREAD_NAME_LIMIT
    assert fmt.thread_name("   ") == "Question"


def test_help_lists_commands():
    """Help lists each command with its description, then how to chat."""
    embed = fmt.help_embed([("ask", "Ask a question"), ("stats", "Numbers")])

    assert embed.description.startswith("`/ask` — Ask a question\n`/stats` — Numbers")
    assert "thread" in embed.description
