"""Hostile input: random and adversarial text through chunking, query understanding, the
keyword (FTS5) search, and /ask at Discord's limits. Nothing crashes, nothing pings anyone."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.chat.errors import UNEXPECTED
from bot.qa.plan import OutletMatcher, plan_query
from bot.qa.service import MAX_QUESTION_CHARS, NewsDesk
from ingest.article import Article
from ingest.chunk import Chunker
from ingest.embed import Embedder
from ingest.text.dates import find_dates
from tests.bot.chat.helpers import EPHEMERAL, allowed_mentions, message_sends
from tests.fake_discord import FakeDiscord, World

SLOW = settings(
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
BIDI = "\u202a\u202b\u202d\u202e\u2066\u2067\u2069"
FTS_SYNTAX = [
    "NEAR(",
    "NEAR",
    ")",
    "(",
    '"',
    '""',
    "“",
    "”",
    "*",
    "AND",
    "OR",
    "NOT",
    "-",
    ":",
    "^",
    "+",
    "{title text}:",
    "title:",
    "'",
    "\\",
    "\x00",
    ",",
    ".",
    "tram",
    "Geneva",
    "Putin",
    "Eastbank line",
]
MONTH_WORDS = ["Jan", "February", "mar.", "Sept.", "sept", "DEC", "may", "June", "jul"]
OUTLETS = ["Global Affairs Wire", "C++ Weekly (beta)", "a.b|c* news", "Le Monde – Paris", "AP"]

# Text with the shapes that break naive code: long unbroken runs, invisible characters,
# combining marks, right-to-left overrides, emoji, other scripts, control characters.
pieces = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=ZERO_WIDTH + BIDI + " \n", max_size=50),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=200, max_size=3000),
    st.text(alphabet="日本語の記事 العربية 🚋🧪👩‍🔬 é\u0301ñ\u0303", max_size=300),
    st.sampled_from(["\n\n", "\n", ". ", "? ", "\t", "\r\n", "\x00", "\x1f", "\u2028", "\u00a0"]),
)
hostile_text = st.lists(pieces, max_size=12).map("".join)
fts_query = st.lists(
    st.one_of(st.sampled_from(FTS_SYNTAX), st.text(max_size=8)), min_size=1, max_size=25
).flatmap(lambda parts: st.sampled_from([" ", ""]).map(lambda sep: sep.join(parts)))


def absurd_date() -> st.SearchStrategy[str]:
    """Dates as a question may write them, with numbers no calendar has."""
    month = st.sampled_from(MONTH_WORDS)
    day = st.integers(0, 10**6)
    year = st.integers(0, 10**9)
    return st.one_of(
        st.builds("{} {}, {}".format, month, day, year),
        st.builds("{} {}th {}".format, month, day, year),
        st.builds("{} of {}".format, month, year),
        st.builds("{}-{:02}-{:02}".format, year, st.integers(0, 99), st.integers(0, 99)),
        st.builds("in {}".format, year),
        st.builds("last {}".format, month),
        st.builds("before {} {}".format, month, day),
        st.builds("since the {} {}".format, month, year),
    )


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    """The bundled embedding model, whose tokenizer decides what fits its window."""
    return Embedder()


@pytest.fixture(scope="module")
def chunker(embedder: Embedder) -> Chunker:
    """The chunker the index uses for this model."""
    return Chunker(embedder.tokenizer, embedder.max_tokens)


@pytest.fixture(scope="module")
def fts() -> sqlite3.Connection:
    """An FTS5 table with the keyword index's tokenizer, to run MATCH expressions on."""
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE f USING fts5(title, text, content='', "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    db.execute("INSERT INTO f(rowid, title, text) VALUES (1, 'Geneva talks', 'tram line opens')")
    return db


# --- chunking -----------------------------------------------------------------------------


@settings(SLOW, max_examples=40)
@given(title=st.text(max_size=400), text=hostile_text)
@example(title="t" * 5000, text="x" * 30_000)
@example(title=ZERO_WIDTH * 100, text=("1234567890" * 3000) + "\n" + ZERO_WIDTH * 2000)
@example(title="", text="e\u0301" * 4000 + " 👩‍🔬" * 500)
def test_every_chunk_fits_the_model_window(
    embedder: Embedder, chunker: Chunker, title: str, text: str
):
    """Any text chunks without error into ordered, non-empty chunks that fit the model window."""
    article = Article(title=title, text=text, outlet="Wire")

    chunks = chunker.split(article)

    for chunk in chunks:
        ids = embedder.tokenizer(chunk.embed_text, add_special_tokens=True, truncation=False)
        assert len(ids["input_ids"]) <= embedder.max_tokens, chunk.embed_text[:200]
        assert chunk.text and chunk.text == chunk.text.strip()
    assert [c.position for c in chunks] == list(range(len(chunks)))
    assert len({c.chunk_id for c in chunks}) == len(chunks)
    if any(ch.isalnum() for ch in text):
        assert chunks, "text with words made no chunk"


# --- query understanding ------------------------------------------------------------------


@settings(SLOW, max_examples=300)
@given(
    text=st.one_of(
        st.text(),
        hostile_text,
        st.lists(st.one_of(absurd_date(), st.text(max_size=20)), max_size=8).map(" ".join),
    ),
    today=st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
)
@example(text="on Feb 30, 2024 or Sept. 31st 9999 or 2024-13-45 in 0000", today=date(2024, 1, 1))
@example(text='say "geneva\x00 summit" NEAR( tram', today=date(2024, 1, 1))
def test_query_plans_of_any_text_are_sound(fts: sqlite3.Connection, text: str, today: date):
    """Any text plans without error: real in-range date windows, an FTS5-valid MATCH."""
    plan = plan_query(text, OutletMatcher(OUTLETS), today)
    windows = find_dates(text, today)

    assert windows == list(plan.dates)
    for window in windows:
        assert date(1799, 12, 31) <= window.start <= window.end <= date(2200, 12, 31)
        assert window.relation in ("in", "before", "after")
        since, until = window.bounds()
        assert since is None or until is None or since <= until
    match = plan.match_expression()
    if match:
        fts.execute("SELECT rowid FROM f WHERE f MATCH ?", (match,)).fetchall()


# --- the keyword search, through the real desk --------------------------------------------


@settings(SLOW, max_examples=60)
@given(query=fts_query)
@example(query='"geneva\x00 summit" NEAR( tram')
@example(query='NEAR("tram" "line", 2) AND title:* OR -"x" NOT ^Putin {title text}:"')
@example(query='"""""""""')
def test_search_survives_fts_syntax(desk: NewsDesk, query: str):
    """NewsDesk.search on FTS5 syntax, quotes and NULs returns passages, never an SQLite error."""
    if not query.strip() or len(query) > MAX_QUESTION_CHARS:
        with pytest.raises(ValueError, match="question is"):
            desk.search(query)
        return

    passages = desk.search(query)

    assert len(passages) <= 10
    assert all(p.text and p.title for p in passages)


@settings(SLOW, max_examples=25)
@given(question=st.one_of(fts_query, hostile_text).filter(lambda q: q.strip()))
@example(question="What did Putin say about the “Geneva\x00 summit” on Feb 30, 99999?")
def test_ask_survives_hostile_questions(desk: NewsDesk, question: str):
    """NewsDesk.ask on hostile text gives an answer (found or not) with valid citations."""
    question = question[:MAX_QUESTION_CHARS]

    answer = desk.ask(question)

    assert answer.text
    assert [c.number for c in answer.citations] == list(range(1, len(answer.citations) + 1))


# --- /ask at Discord's limits, through the loopback Discord --------------------------------

Options = Callable[[World], dict[str, object]]
MIXED = "Ünïcödé 日本語 العربية 🚋 e\u0301 tram “line” "
Expected = str | Callable[[World], str]  # "answer", or the exact refusal
LIMIT_CASES: dict[str, tuple[Options, Expected]] = {
    "1000 mixed-script characters": (
        lambda w: {"question": (MIXED * 40)[:MAX_QUESTION_CHARS]},
        "answer",
    ),
    "only zero-width characters": (lambda w: {"question": ZERO_WIDTH * 200}, "answer"),
    "zero-width inside the words": (
        lambda w: {"question": "\u200b".join("What did Putin say about Geneva?")},
        "answer",
    ),
    "markdown": (
        lambda w: {
            "question": "**What** did __Putin__ say ~~about~~ ||Geneva|| `summit`? "
            "```py\nprint(1)``` > [link](https://evil.example) # heading"
        },
        "answer",
    ),
    "mention syntax": (
        lambda w: {
            "question": f"@everyone @here <@{w.admin.user.id}> <@!{w.owner.user.id}> "
            f"<@&{w.admin_role.id}> <#{w.news.id}> </forget:1> what about the tram line?"
        },
        "answer",
    ),
    "mentions at the 1000-character limit": (
        lambda w: {"question": (f"@everyone <@{w.admin.user.id}> " * 60)[:MAX_QUESTION_CHARS]},
        "answer",
    ),
    "every option at its limit": (
        lambda w: {
            "question": ("@here tram line " * 70)[:MAX_QUESTION_CHARS],
            "source": ("@everyone " * 10)[:100],
            "since": "2020-01-01",
            "until": "2030-12-31",
            "private": True,
        },
        "answer",
    ),
    "FTS syntax and a NUL": (
        lambda w: {"question": 'NEAR("tram" "line", 2) AND title:* OR -"tram\x00 line" NOT ^x'},
        "answer",
    ),
    "one character too long": (
        lambda w: {"question": "@everyone " + "x" * (MAX_QUESTION_CHARS - 9)},
        "The question is 1001 characters long; keep it under 1000.",
    ),
    "only whitespace": (
        lambda w: {"question": " \n\t "},
        "The question is empty: type a few words about the news.",
    ),
    "mentions in a date option": (
        lambda w: {"question": "tram line", "since": f"@everyone <@{w.admin.user.id}>"},
        lambda w: (
            f"“@everyone <@{w.admin.user.id}>” is not a date: write it as YYYY-MM-DD, "
            "for example 2024-05-01."
        ),
    ),
}


@pytest.mark.parametrize("case", list(LIMIT_CASES))
async def test_ask_at_discords_limits_is_handled_cleanly(
    fake_discord: FakeDiscord, newsbot, caplog: pytest.LogCaptureFixture, case: str
):
    """Hostile /ask options: answered or cleanly refused, pinging no one, logging no error."""
    make_options, expected = LIMIT_CASES[case]
    world = fake_discord.world
    handle = fake_discord.slash("ask", make_options(world), user=world.member)

    message = await handle.message(timeout=20)

    if expected == "answer":
        assert message["embeds"] and message["embeds"][0]["title"], message
    else:
        assert message["flags"] & EPHEMERAL
        assert message["content"] == (expected(world) if callable(expected) else expected)
    assert message.get("content") != UNEXPECTED
    sends = message_sends(fake_discord)
    assert sends and all(allowed_mentions(r) == {"parse": []} for r in sends), sends
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
