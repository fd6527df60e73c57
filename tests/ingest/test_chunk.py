"""Tests for ingest.chunk: sentence-aware chunks that fit the model's window, keeping all text."""

from __future__ import annotations

import itertools
import random
import re
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.article import Article
from ingest.chunk import MAX_TITLE_TOKENS, Chunk, Chunker
from ingest.sources import iter_articles
from tests.ingest.helpers import model_tokens
from tests.paths import SAMPLES

SENTENCE_END = re.compile(r"[.!?][\"'”’)]?$")


@pytest.fixture(scope="module")
def chunker(embedder) -> Chunker:
    """A chunker sized to the bundled model, as ArticleIndex.chunker() builds it."""
    return Chunker(embedder.tokenizer, embedder.max_tokens)


@pytest.fixture(scope="module")
def samples() -> list[Article]:
    """The twelve demo articles."""
    articles = list(iter_articles(str(SAMPLES)))
    assert len(articles) == 12 and all(isinstance(a, Article) for a in articles)
    return articles


def assert_fit(embedder, chunks: list[Chunk]) -> None:
    """Every chunk's embedded string reaches the model whole, by the model's own tokenizer."""
    assert embedder.max_tokens == 256
    for chunk in chunks:
        wanted = model_tokens(embedder, chunk.embed_text)
        assert wanted <= embedder.max_tokens, (wanted, chunk.embed_text[:80])
        # What SentenceTransformer feeds the network: truncation would make this shorter.
        fed = embedder.model.tokenize([chunk.embed_text])["input_ids"][0]
        assert len(fed) == wanted


def assert_covers(text: str, chunks: list[Chunk]) -> None:
    """Chunks are pieces of text that, in order, overlap or touch: no character is left out."""
    assert all(c.text and c.text == c.text.strip() for c in chunks)

    def starts(piece: str, lo: int, hi: int) -> set[int]:
        """Where piece occurs in text starting between lo and hi."""
        found, at = set(), text.find(piece, lo)
        while 0 <= at <= hi:
            found.add(at)
            at = text.find(piece, at + 1)
        return found

    def reach(end: int) -> int:
        """The furthest a next chunk may start after a chunk ending at end: only spaces between."""
        return end + len(text[end:]) - len(text[end:].lstrip())

    # Every placement of each chunk that can follow a placement of the one before it.
    placed = starts(chunks[0].text, 0, reach(0))
    for n, (before, chunk) in enumerate(itertools.pairwise(chunks), 1):
        assert placed, f"text lost before chunk {n - 1}: {before.text[:60]!r}"
        limit = max(reach(p + len(before.text)) for p in placed)
        placed = {
            q
            for q in starts(chunk.text, min(placed) + 1, limit)
            if any(p < q <= reach(p + len(before.text)) for p in placed)
        }
    last = chunks[-1].text
    assert any(not text[p + len(last) :].strip() for p in placed), "text lost at the end"


def random_words(n: int, seed: int) -> list[str]:
    """n distinct made-up lowercase words, so every chunk can be located in the text."""
    rng = random.Random(seed)
    words: set[str] = set()
    while len(words) < n:
        words.add(
            "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 11)))
        )
    ordered = sorted(words)
    rng.shuffle(ordered)
    return ordered


def test_sample_chunks_fit_the_window(embedder, chunker, samples) -> None:
    """Every demo chunk's title+passage string fits all-MiniLM-L6-v2's 256 word pieces."""
    chunks = [c for a in samples for c in chunker.split(a)]
    assert len(chunks) >= 20
    assert_fit(embedder, chunks)


def test_sample_chunks_end_on_sentence_boundaries(chunker, samples) -> None:
    """Prose is split between sentences: every demo chunk starts and ends a sentence."""
    for article in samples:
        for chunk in chunker.split(article):
            assert SENTENCE_END.search(chunk.text), chunk.text[-60:]
            assert chunk.text[0].isupper() or chunk.text[0] in "\"'“", chunk.text[:60]


def test_sample_chunks_keep_all_text(chunker, samples) -> None:
    """Joined in order, the demo chunks cover every character of each article."""
    for article in samples:
        assert_covers(article.text, chunker.split(article))


def test_every_chunk_carries_its_article_metadata(chunker, samples) -> None:
    """Each chunk holds its article, position and flat metadata (title, outlet, date, url,
    scope...)."""
    for article in samples:
        chunks = chunker.split(article)
        assert [c.position for c in chunks] == list(range(len(chunks)))
        for chunk in chunks:
            assert chunk.article is article and chunk.article_id == article.article_id
            assert chunk.embed_text == f"{article.title}\n{chunk.text}"
            assert chunk.metadata == {
                "article_id": article.article_id,
                "position": chunk.position,
                "title": article.title,
                "outlet": article.outlet,
                "published": article.published.isoformat(),
                "published_day": int(article.published.strftime("%Y%m%d")),
                "url": article.url or "",
                "author": article.author or "",
                "scope": 0,
            }


def test_undated_article_metadata_is_flat_and_empty() -> None:
    """An article without date, url or author still gets metadata Chroma accepts (no None)."""
    article = Article(title="T", text="Body.")
    chunk = Chunk("id-0", article.article_id, 0, "Body.", "T\nBody.", article)
    assert chunk.metadata["published"] == "" and chunk.metadata["published_day"] == 0
    assert chunk.metadata["url"] == "" and chunk.metadata["author"] == ""
    assert all(isinstance(v, str | int) for v in chunk.metadata.values())


def test_chunk_ids_come_from_content(chunker, samples) -> None:
    """The same article always gets the same ids; a changed text or title gets new ones."""
    article = samples[0]
    first = [c.chunk_id for c in chunker.split(article)]
    assert first == [c.chunk_id for c in chunker.split(article)]
    assert len(set(first)) == len(first)
    edited = Article(**{**article.__dict__, "text": article.text + "\n\nA late correction."})
    retitled = Article(**{**article.__dict__, "title": article.title + " (updated)"})
    for changed in (edited, retitled):
        assert changed.article_id == article.article_id
        assert not set(first) & {c.chunk_id for c in chunker.split(changed)}
    other_ids = {c.chunk_id for a in samples[1:] for c in chunker.split(a)}
    assert not set(first) & other_ids


def test_empty_text_gives_no_chunks(chunker) -> None:
    """An article with only whitespace yields no chunks (the pipeline reports it)."""
    assert chunker.split(Article(title="Nothing", text="  \n\n \t ")) == []


WORDS = random_words(6000, seed=5)
HANZI = random.Random(3).choices("的一是不了人我在有他这中大来上国个到说们", k=8000)
PATHOLOGICAL = {
    "one 5,000-word sentence without punctuation": Article(
        title="A sentence that never ends", text=" ".join(WORDS[:5000])
    ),
    "a very long title": Article(
        title=" ".join(WORDS[:2000]).title(), text="Short body. Then a second sentence."
    ),
    "huge lines": Article(
        title="Huge lines",
        text="\n".join(
            [
                "x" * 100_000,
                " ".join(WORDS[:3000]) + ".",
                ", ".join(WORDS[3000:4500]),
                "".join(WORDS[4500:4900]),
            ]
        ),
    ),
    "chinese without spaces or punctuation": Article(
        title="长标题" * 60,
        text="".join(HANZI),
    ),
    "numbers, urls and symbols": Article(
        title="Figures",
        text=" ".join(
            f"https://x.example/{w}?q={i}&n={i * 7919}" for i, w in enumerate(WORDS[:900])
        ),
    ),
}


@pytest.mark.parametrize("article", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_article_fits_and_keeps_everything(embedder, chunker, article) -> None:
    """Endless sentences, huge titles and lines still give chunks that all fit and keep all text."""
    chunks = chunker.split(article)
    assert chunks
    assert_fit(embedder, chunks)
    assert_covers(article.text, chunks)
    assert all(c.metadata["title"] == article.title for c in chunks)


def test_long_title_is_cut_only_in_the_embedded_string(embedder, chunker) -> None:
    """A long title is shortened to MAX_TITLE_TOKENS in embed_text, but kept whole in metadata."""
    article = PATHOLOGICAL["a very long title"]
    [chunk] = chunker.split(article)
    title_part = chunk.embed_text.rsplit("\n", 1)[0]
    assert article.title.startswith(title_part)
    assert model_tokens(embedder, title_part) - 2 == MAX_TITLE_TOKENS
    assert chunk.metadata["title"] == article.title
    assert chunk.text == article.text


@pytest.mark.parametrize("window", [48, 64, 128])
def test_smaller_windows_are_respected(embedder, window) -> None:
    """A chunker for a model with a smaller window keeps every chunk within that window."""
    small = Chunker(embedder.tokenizer, window)
    article = Article(title="Window " * 30, text=". ".join(WORDS[:1500]) + ".")
    chunks = small.split(article)
    assert len(chunks) > 10
    for chunk in chunks:
        assert model_tokens(embedder, chunk.embed_text) <= window
    assert_covers(article.text, chunks)


PIECES = st.sampled_from(
    [" ", " ", " ", ". ", ", ", "\n", "\n\n", "? ", "; ", " - ", "“", "”", "é", "🙂", "中文", "  "]
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.integers(0, len(WORDS) - 1), PIECES), min_size=1, max_size=700),
    st.text(max_size=300),
)
def test_any_text_fits_and_is_kept(embedder, chunker, parts, title) -> None:
    """For arbitrary text and titles, every chunk fits the window and no text is lost."""
    text = "".join(f"{WORDS[i]}{sep}" for i, sep in parts)
    article = Article(title=title, text=text, published=date(2024, 1, 1))
    chunks = chunker.split(article)
    assert chunks
    assert_fit(embedder, chunks)
    assert_covers(text, chunks)
