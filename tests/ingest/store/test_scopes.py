"""Scopes in the index: each article in the shared archive or one server's, kept apart in the
catalogue, the keyword search and the vectors, at no cost while no server owns an article."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest

from ingest.article import SHARED, Article
from ingest.chunk import article_id_of
from ingest.pipeline import ingest
from ingest.store.index import ArticleIndex
from ingest.store.keyword import Filters
from ingest.store.vectors import _where
from tests.ingest.helpers import open_index, write_article

GUILD, OTHER = 111_111_111_111_111_111, 222_222_222_222_222_222
URL = "https://wire.example/kiln"


@pytest.fixture
def index(tmp_path, embedder) -> ArticleIndex:
    """An index holding one shared article."""
    folder = tmp_path / "shared"
    write_article(folder, "kiln.md", "Kiln reopens", "The old kiln by the quay reopened.", url=URL)
    index = open_index(tmp_path / "data", embedder)
    assert ingest([str(folder)], index).added == 1
    yield index
    index.close()


def add(index: ArticleIndex, tmp_path, scope: int, title: str, text: str, url: str) -> str:
    """Ingest one article into a scope; its id."""
    folder = tmp_path / f"s{scope}-{len(title)}"
    write_article(folder, "a.md", title, text, url=url)
    report = ingest([str(folder)], index, scope=scope)
    [(_, article_id, _)] = report.changes
    return article_id


def test_shared_ids_stay_as_they_were_and_servers_get_their_own():
    """A shared article's id is the one it always had; the same page in a server's archive is
    another article, with another id for each server."""
    shared = Article(title="Kiln reopens", text="t", url=URL)
    legacy = hashlib.sha1(URL.encode()).hexdigest()[:16]
    assert shared.article_id == legacy
    ids = {replace(shared, scope=s).article_id for s in (SHARED, GUILD, OTHER)}
    assert len(ids) == 3


def test_no_scope_restriction_is_needed_while_no_server_owns_articles(index):
    """With only shared articles a reader's scopes are dropped: searches run unfiltered, as
    before scopes existed."""
    keyword = index.keyword
    assert keyword.owned_scopes() == frozenset()
    assert keyword.needed_scopes((SHARED, GUILD)) is None
    assert not keyword.narrowed(Filters(scopes=(SHARED, GUILD)))
    assert keyword.needed_scopes((GUILD,)) == (GUILD,)  # the shared archive left out


def test_the_same_page_in_two_archives_is_two_articles(index, tmp_path):
    """The shared page ingested again in a server's archive is stored beside it, not over it;
    each search sees only the archives it may."""
    own = add(index, tmp_path, GUILD, "Kiln reopens", "The old kiln by the quay reopened.", URL)
    keyword = index.keyword
    [shared] = keyword.articles(scopes=(SHARED,))

    assert own != shared.article_id and keyword.article(own).scope == GUILD
    assert keyword.owned_scopes() == {GUILD}
    assert keyword.needed_scopes((SHARED, GUILD)) is None
    assert keyword.needed_scopes((SHARED, OTHER)) == (SHARED, OTHER)
    articles = {
        s: [a.article_id for a in keyword.articles(scopes=s)] for s in ((SHARED,), (GUILD,))
    }
    assert articles == {(SHARED,): [shared.article_id], (GUILD,): [own]}

    hits = {
        article_id_of(i)
        for i, _ in index.keyword_search('"kiln"', 10, Filters(scopes=(SHARED, OTHER)))
    }
    assert hits == {shared.article_id}
    vector = index.embedder.encode(["old kiln"])[0]
    dense = {
        article_id_of(i) for i, _ in index.dense_search(vector, 10, Filters(scopes=(SHARED, OTHER)))
    }
    assert dense == {shared.article_id}
    both = {
        article_id_of(i) for i, _ in index.dense_search(vector, 10, Filters(scopes=(SHARED, GUILD)))
    }
    assert both == {shared.article_id, own}


def test_counts_outlets_and_mentions_are_per_scope(index, tmp_path):
    """What one server's article holds is not counted, named or mentioned for another."""
    add(
        index,
        tmp_path,
        GUILD,
        "Glassworks vote",
        "Ottoline Marsh was elected warden.",
        "https://g.example/1",
    )
    keyword = index.keyword

    assert keyword.counts((SHARED, OTHER))["articles"] == 1
    assert keyword.counts((SHARED, GUILD))["articles"] == 2
    assert keyword.counts((GUILD,))["articles"] == 1
    assert keyword.mentions('"ottoline"', (SHARED, GUILD))
    assert not keyword.mentions('"ottoline"', (SHARED, OTHER))
    assert "vectors" in index.stats((SHARED, GUILD)) and "vectors" not in index.stats((SHARED,))


def test_chroma_filter_keeps_chunks_stored_before_scopes(index, tmp_path):
    """Chroma's own filter (the fallback) hides the servers a reader may not see and keeps
    shared chunks, also those stored before chunks carried a scope."""
    own = add(
        index,
        tmp_path,
        GUILD,
        "Kiln guild",
        "The kiln guild met at the quay.",
        "https://g.example/2",
    )
    [shared] = index.keyword.articles(scopes=(SHARED,))
    ids = sorted(index.keyword.chunk_ids(shared.article_id))
    got = index.vectors.collection.get(ids=ids, include=["metadatas", "embeddings"])
    old = [{k: v for k, v in m.items() if k != "scope"} for m in got["metadatas"]]
    index.vectors.collection.upsert(ids=got["ids"], embeddings=got["embeddings"], metadatas=old)
    vector = index.embedder.encode(["kiln at the quay"])[0]

    def found(scopes):
        hits = index.vectors.search(vector, 10, Filters(scopes=scopes), owned_scopes={GUILD})
        return {article_id_of(i) for i, _ in hits}

    assert found((SHARED,)) == {shared.article_id}
    assert found((SHARED, GUILD)) == {shared.article_id, own}
    assert found((GUILD,)) == {own}
    assert _where(Filters(scopes=(SHARED,)), ()) is None
