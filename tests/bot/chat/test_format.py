"""The embeds and choices of bot.chat.format stay within Discord's limits, whatever the input."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from bot.chat import format as fmt

text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=9000)


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


def test_source_line_links_only_web_addresses():
    """A source line has outlet and date, and a link only for an http(s) address."""
    assert fmt.source_line("Wire", date(2024, 1, 2), "https://w.example/a (b)") == (
        "Wire · 2024-01-02 · [link](https://w.example/a%20%28b%29)"
    )
    assert fmt.source_line("", None, "file:///etc/passwd") == "unknown outlet · undated"


def test_thread_name_fits():
    """A thread name is one line of at most 100 characters, never empty."""
    assert fmt.thread_name("What\nabout   this?") == "What about this?"
    assert len(fmt.thread_name("word " * 100)) <= fmt.THREAD_NAME_LIMIT
    assert fmt.thread_name("   ") == "Question"
