"""ingest.store.index: Chroma and the FTS5 keyword index kept in step, and check/repair."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from ingest.article import Article
from ingest.chunk import Chunk, article_id_of
from ingest.embed import meaning_text
from ingest.pipeline import ingest
from ingest.sources import iter_articles
from ingest.store import index as index_module
from ingest.store import keyword as keyword_module
from ingest.store.errors import IndexNotReady, IndexUnavailable
from ingest.store.index import KEYWORD_FILE, ArticleIndex, Outcome
from ingest.store.keyword import Filters, KeywordIndex, index_stems
from ingest.text.sentences import split_sentences
from tests.ingest.helpers import open_index, write_article
from tests.paths import SAMPLES

BODY = (
    "The regional council counted {animal} colonies along the northern coast this spring. "
    "Volunteers walked every beach at dawn and logged each burrow they found. "
)


def assert_in_step(index: ArticleIndex) -> None:
    """Both indexes hold exactly the same chunks, once each, and the FTS index is sound."""
    stored = index.keyword.chunk_ids()
    vectors = index.vectors.all_ids()
    assert stored == vectors
    assert index.vectors.count() == len(vectors)
    db = index.keyword.db
    assert db.execute("SELECT COUNT(*) FROM chunks_fts").fetchone()[0] == len(stored)
    assert db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0] == len(stored)
    db.execute("INSERT INTO chunks_fts(chunks_fts) VALUES('integrity-check')")
    report = index.check()
    assert report.consistent, report


def fts_rowids(index: ArticleIndex, word: str) -> list[int]:
    """Rows of the raw FTS index that match a word (no join that could hide stale rows)."""
    rows = index.keyword.db.execute(
        "SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ?", (word,)
    ).fetchall()
    return [r[0] for r in rows]


def vectors_by_id(index: ArticleIndex, ids) -> dict[str, tuple[np.ndarray, dict]]:
    """Embedding and metadata of each id, read straight from the Chroma collection."""
    got = index.vectors.collection.get(ids=sorted(ids), include=["embeddings", "metadatas"])
    return {
        i: (np.asarray(e), m)
        for i, e, m in zip(got["ids"], got["embeddings"], got["metadatas"], strict=True)
    }


@pytest.fixture(scope="module")
def sample_index(tmp_path_factory, embedder) -> ArticleIndex:
    """The twelve demo articles in a fresh data directory (read-only use by the tests below)."""
    index = open_index(tmp_path_factory.mktemp("samples-index"), embedder)
    report = ingest([str(SAMPLES)], index)
    assert (report.added, report.failures) == (12, []), report.summary()
    return index


@pytest.fixture
def small_index(tmp_path, embedder) -> tuple[ArticleIndex, Path]:
    """Three one-chunk articles about seabirds in a fresh data directory, and their folder."""
    folder = tmp_path / "articles"
    for n, animal in enumerate(["puffin", "gannet", "kittiwake"]):
        write_article(
            folder,
            f"{n}-{animal}.md",
            f"{animal.title()} census begins",
            (BODY.format(animal=animal) * 2).strip(),
            url=f"https://coast.example/{animal}",
            published=date(2024, 4, n + 1),
        )
    index = open_index(tmp_path / "data", embedder)
    report = ingest([str(folder)], index)
    assert report.added == 3 and report.ok
    assert index.keyword.counts()["chunks"] == 3
    return index, folder


def test_data_dir_holds_chroma_and_keyword_index_with_telemetry_off(sample_index) -> None:
    """Chroma persists under DATA_DIR/chroma with telemetry off; FTS5 lives in keyword.sqlite3."""
    settings = sample_index.vectors.client.get_settings()
    assert settings.is_persistent and settings.anonymized_telemetry is False
    assert Path(settings.persist_directory) == sample_index.data_dir / "chroma"
    assert (sample_index.data_dir / "chroma").is_dir()
    assert sample_index.keyword.path == sample_index.data_dir / KEYWORD_FILE
    assert sample_index.vectors.name == "newsdesk-all-MiniLM-L6-v2"


def test_samples_are_in_both_indexes_with_metadata(sample_index) -> None:
    """All demo chunks are in Chroma and FTS, once each, with the catalogue's metadata."""
    assert_in_step(sample_index)
    counts = sample_index.stats()
    assert counts["articles"] == 12 and counts["outlets"] == 10 and counts["pending"] == 0
    assert counts["chunks"] == counts["vectors"] >= 20
    assert (counts["first_published"], counts["last_published"]) == ("2021-11-18", "2024-09-12")
    stored = sample_index.keyword.chunks(sample_index.keyword.chunk_ids())
    for chunk_id, (_, meta) in vectors_by_id(sample_index, stored).items():
        art = stored[chunk_id].article
        assert meta["article_id"] == art.article_id and meta["title"] == art.title
        assert meta["outlet"] == art.outlet and meta["published"] == art.published.isoformat()
        assert meta["position"] == stored[chunk_id].position


def test_words_are_stemmed_as_the_keyword_index_keeps_them(sample_index) -> None:
    """index_stems gives the terms the index holds ("technology" is "technolog" there, where
    other Porter stemmers say "technologi"), accents dropped, one per word."""
    words = ["technology", "Councils", "Beyoncé", "running"]
    assert index_stems(words) == ["technolog", "council", "beyonc", "run"]
    assert sample_index.keyword.has_term("technolog") and sample_index.keyword.has_term("council")
    assert index_stems([]) == []


def test_reingesting_unchanged_articles_changes_nothing(sample_index) -> None:
    """A second ingest of the same articles reports them unchanged and writes nothing."""
    ids = sample_index.keyword.chunk_ids()
    before = {a.article_id: a for a in sample_index.keyword.articles()}
    counts = sample_index.stats()
    report = ingest([str(SAMPLES)], sample_index)
    assert (report.added, report.updated, report.unchanged, report.chunks) == (0, 0, 12, 0)
    assert sample_index.keyword.chunk_ids() == ids == sample_index.vectors.all_ids()
    assert {a.article_id: a for a in sample_index.keyword.articles()} == before
    assert sample_index.stats() == counts
    for article in iter_articles(str(SAMPLES)):
        assert sample_index.store(article, [], []) is Outcome.UNCHANGED


def test_every_chunk_keeps_its_sentences_vectors(sample_index, embedder) -> None:
    """Ingest keeps a vector per sentence of each chunk, as the model embeds the sentence's
    first words: a question is compared with them without running the model again."""
    chunks = sample_index.keyword.chunks(sample_index.keyword.chunk_ids())
    kept = sample_index.sentence_vectors(chunks)
    assert kept.keys() == chunks.keys()
    for chunk_id, chunk in list(chunks.items())[:3]:
        sentences = split_sentences(chunk.text)
        expected = embedder.encode([meaning_text(s) for s in sentences])
        assert kept[chunk_id].shape == expected.shape
        assert np.allclose(kept[chunk_id], expected, atol=2e-3)
    assert not sample_index.keyword.sentence_vectors(chunks, "another-model")


def test_sentence_vectors_of_other_models_stay_while_the_chunks_do(tmp_path) -> None:
    """Storing an article again under another model keeps the first model's sentence vectors
    of the same chunks; new text (new chunk ids) drops them."""
    keyword = KeywordIndex(tmp_path / KEYWORD_FILE)
    article = Article(title="Tern colony grows", text="Terns nested on the pier.", outlet="X")
    chunk = Chunk(f"{article.article_id}-a-0", article.article_id, 0, article.text, "", article)
    rows = [np.ones((1, 4), np.float32)]
    keyword.put_pending(article, [chunk], rows, "model-a")
    keyword.put_pending(article, [chunk], [2 * rows[0]], "model-b")
    assert keyword.sentence_vectors([chunk.chunk_id], "model-a")[chunk.chunk_id].tolist() == [
        [1.0] * 4
    ]
    assert keyword.has_sentence_vectors([chunk.chunk_id], "model-b")
    edited = replace(chunk, chunk_id=f"{article.article_id}-b-0")
    keyword.put_pending(article, [edited], rows, "model-a")
    assert not keyword.sentence_vectors([chunk.chunk_id], "model-a")
    assert not keyword.sentence_vectors([chunk.chunk_id], "model-b")
    keyword.delete(article.article_id)
    assert not keyword.sentence_vectors([edited.chunk_id], "model-a")


def test_changed_article_replaces_its_chunks_in_both_indexes(small_index, embedder) -> None:
    """An edited article's old chunks leave Chroma and FTS; words only in the old text are gone."""
    index, folder = small_index
    [old] = [a for a in iter_articles(str(folder)) if "puffin" in a.url]
    old_ids = index.keyword.chunk_ids(old.article_id)
    assert fts_rowids(index, "puffin") and fts_rowids(index, "dawn")
    write_article(
        folder,
        "0-puffin.md",
        "Puffin census begins",
        "The puffin count was cancelled after a storm flooded the hovercraft depot.",
        url="https://coast.example/puffin",
        published=date(2024, 4, 1),
    )
    report = ingest([str(folder)], index)
    assert (report.added, report.updated, report.unchanged) == (0, 1, 2)
    new_ids = index.keyword.chunk_ids(old.article_id)
    assert len(new_ids) == 1 and not new_ids & old_ids
    assert not old_ids & index.vectors.all_ids()
    assert index.vectors.ids_for_article(old.article_id) == new_ids
    assert not index.sentence_vectors(old_ids) and index.sentence_vectors(new_ids)
    assert_in_step(index)
    # "dawn" was only in the old puffin text (the other articles still have it).
    assert not set(fts_rowids(index, "puffin")) & set(fts_rowids(index, "dawn"))
    assert [c for c, _ in index.keyword_search("hovercraft", 5)] == sorted(new_ids)
    hits = index.dense_search(embedder.embed_query(old.text[:300]), 20)
    assert {c for c, _ in hits} <= index.keyword.chunk_ids()


def test_changed_title_leaves_no_trace_in_the_keyword_index(small_index) -> None:
    """A retitled article (same url) can no longer be found by a word of its old title."""
    index, folder = small_index
    text = (BODY.format(animal="gannet") * 2).strip()
    write_article(
        folder,
        "1-gannet.md",
        "Seabird survey reaches halfway mark",
        text,
        url="https://coast.example/gannet",
        published=date(2024, 4, 2),
    )
    [gannet] = index.keyword.articles("gannet")
    census = set(fts_rowids(index, "census"))
    assert len(census) == index.keyword.counts()["chunks"]
    report = ingest([str(folder)], index)
    assert report.updated == 1
    others = index.keyword.chunk_ids() - index.keyword.chunk_ids(gannet.article_id)
    assert len(fts_rowids(index, "census")) == len(others)
    assert fts_rowids(index, "halfway")
    assert_in_step(index)


def test_forget_removes_an_article_from_both_indexes(small_index) -> None:
    """forget() deletes the article's catalogue rows, FTS rows and vectors, and nothing else."""
    index, _ = small_index
    [gannet] = index.keyword.articles("gannet")
    others = index.keyword.chunk_ids() - index.keyword.chunk_ids(gannet.article_id)
    forgotten = index.keyword.chunk_ids(gannet.article_id)
    assert index.forget(gannet.article_id) == gannet
    assert not index.sentence_vectors(forgotten)
    assert index.keyword.article(gannet.article_id) is None
    assert not index.keyword.chunk_ids(gannet.article_id)
    assert not index.vectors.ids_for_article(gannet.article_id)
    assert not fts_rowids(index, "gannet")
    assert index.keyword.chunk_ids() == others
    assert_in_step(index)
    with pytest.raises(KeyError, match="newsdesk sources"):
        index.forget(gannet.article_id)


def test_check_repair_restores_deleted_vectors_and_drops_orphans(small_index) -> None:
    """check() finds vectors deleted from Chroma and an orphan; repair makes them agree again."""
    index, _ = small_index
    ids = sorted(index.keyword.chunk_ids())
    before = vectors_by_id(index, ids)
    index.vectors.collection.delete(ids=ids[:2])
    orphan = np.ones(384, dtype=np.float32) / np.sqrt(384)
    index.vectors.collection.add(
        ids=["orphan-vector"], embeddings=[orphan.tolist()], metadatas=[{"article_id": "ghost"}]
    )
    report = index.check()
    assert (report.orphan_vectors, report.missing_vectors, report.pending_articles) == (1, 2, [])
    assert not report.consistent and not report.repaired
    repaired = index.check(repair=True)
    assert repaired.repaired and (repaired.orphan_vectors, repaired.missing_vectors) == (1, 2)
    assert_in_step(index)
    after = vectors_by_id(index, ids)
    for chunk_id in ids:
        assert np.allclose(after[chunk_id][0], before[chunk_id][0], atol=1e-5)
        assert after[chunk_id][1] == before[chunk_id][1]


def test_check_repairs_an_article_left_pending(small_index, embedder) -> None:
    """An article whose catalogue write happened but whose vectors never did is found and fixed."""
    index, _ = small_index
    article = Article(title="Tern colony grows", text="Terns nested on the old pier.", outlet="X")
    chunks = index.chunker().split(article)
    sentences = embedder.encode_sentences([c.text for c in chunks])
    index.keyword.put_pending(article, chunks, sentences, embedder.identity)
    assert not index.is_current(article)
    report = index.check()
    assert report.pending_articles == [article.article_id]
    assert report.missing_vectors == len(chunks) and not report.consistent
    assert index.check(repair=True).repaired
    assert index.keyword.article(article.article_id).state == "ok"
    assert index.is_current(article)
    assert_in_step(index)
    [(vector, meta)] = vectors_by_id(index, [chunks[0].chunk_id]).values()
    assert np.allclose(vector, embedder.encode([chunks[0].embed_text])[0], atol=1e-5)
    assert meta == chunks[0].metadata


def test_check_repair_embeds_the_sentences_of_chunks_stored_without_them(small_index) -> None:
    """Chunks stored before sentence vectors were kept make the archive inconsistent, and the
    article not current; repair embeds their sentences from the stored text, without the
    articles' sources."""
    index, folder = small_index
    ids = sorted(index.keyword.chunk_ids())
    kept = index.sentence_vectors(ids)
    index.keyword.db.execute("DELETE FROM sentence_vectors")
    [puffin] = [a for a in iter_articles(str(folder)) if "puffin" in a.url]
    assert not index.is_current(puffin)
    report = index.check()
    assert report.missing_sentence_vectors == len(ids) and not report.consistent
    assert index.check(repair=True).repaired
    assert index.check().consistent
    again = index.sentence_vectors(ids)
    assert all(np.array_equal(again[i], kept[i]) for i in ids)


def test_check_repair_embeds_again_the_sentences_of_chunks_split_otherwise(small_index) -> None:
    """Sentence vectors kept for another split of a chunk's text (made before the splitter
    learnt a new boundary) no longer match its sentences: check finds that chunk, and repair
    embeds its sentences as they split now."""
    index, _ = small_index
    ids = sorted(index.keyword.chunk_ids())
    kept = index.sentence_vectors(ids)
    stale = np.vstack([kept[ids[0]], kept[ids[0]][:1]])  # one row more than its sentences
    index.keyword.put_sentence_vectors([ids[0]], [stale], index.embedder.identity)
    report = index.check()
    assert report.missing_sentence_vectors == 1 and not report.consistent
    assert index.check(repair=True).repaired
    assert index.check().consistent
    assert np.array_equal(index.sentence_vectors([ids[0]])[ids[0]], kept[ids[0]])


def test_interrupted_update_is_finished_by_the_next_store(small_index) -> None:
    """After a crash between catalogue and vector writes, storing again leaves no stale vectors."""
    index, folder = small_index
    [old] = [a for a in iter_articles(str(folder)) if "kittiwake" in a.url]
    old_ids = index.keyword.chunk_ids(old.article_id)
    new = Article(**{**old.__dict__, "text": "Kittiwakes left the cliffs early this year."})
    chunks = index.chunker().split(new)
    index.keyword.put_pending(new, chunks)  # the process dies here: old vectors still in Chroma
    report = index.check()
    assert report.orphan_vectors == len(old_ids) and report.missing_vectors == len(chunks)
    vectors = index.embedder.encode([c.embed_text for c in chunks])
    sentences = index.embedder.encode_sentences([c.text for c in chunks])
    assert index.store(new, chunks, vectors, sentences) is Outcome.UPDATED
    assert not old_ids & index.vectors.all_ids()
    assert_in_step(index)


def test_filters_restrict_both_searches(sample_index, embedder) -> None:
    """Date and outlet filters apply alike to dense and keyword search."""
    vector = embedder.embed_query("what happened this year")
    cases = [
        Filters(outlets=("Global Affairs Wire",)),
        Filters(since=date(2023, 1, 1), until=date(2023, 12, 31)),
        Filters(since=date(2024, 6, 1)),
    ]
    for filters in cases:
        for hits in (
            sample_index.dense_search(vector, 10, filters),
            sample_index.keyword_search("the", 10, filters),
        ):
            assert hits
            for chunk in sample_index.keyword.chunks(c for c, _ in hits).values():
                art = chunk.article
                assert not filters.outlets or art.outlet in filters.outlets
                assert not filters.since or art.published >= filters.since
                assert not filters.until or art.published <= filters.until
    nothing = Filters(since=date(2030, 1, 1))
    assert sample_index.dense_search(vector, 10, nothing) == []
    assert sample_index.keyword_search("the", 10, nothing) == []


FILTER_CASES = [
    Filters(outlets=("Global Affairs Wire",)),
    Filters(since=date(2023, 1, 1), until=date(2023, 12, 31)),
    Filters(since=date(2024, 6, 1)),
    Filters(until=date(2022, 6, 30), outlets=("Global Affairs Wire", "Meridian Dispatch")),
]


def test_filters_admit_the_articles_the_catalogue_admits(sample_index) -> None:
    """Filters.admits agrees with the catalogue's own SQL filter on every article."""
    keyword = sample_index.keyword
    for filters in FILTER_CASES:
        by_sql = {article_id_of(i) for i in keyword.admitted_ids(filters)}
        by_python = {a.article_id for a in keyword.articles() if filters.admits(a)}
        assert by_sql == by_python
        assert keyword.admitted_count(filters) == len(keyword.admitted_ids(filters))


@pytest.mark.parametrize(
    ("ids_max", "overfetch_max"),
    [(10_000, 3_000), (0, 3_000), (0, 1)],
    ids=["admitted ids", "nearest then filtered", "Chroma's filter"],
)
def test_every_way_of_filtered_dense_search_agrees_with_chromas_filter(
    sample_index, embedder, monkeypatch, ids_max, overfetch_max
) -> None:
    """Searching admitted ids, filtering the nearest, and Chroma's filter rank alike."""
    monkeypatch.setattr(index_module, "IDS_SEARCH_MAX", ids_max)
    monkeypatch.setattr(index_module, "OVERFETCH_MAX", overfetch_max)
    vector = embedder.embed_query("talks between presidents")
    for filters in FILTER_CASES:
        expected = sample_index.vectors.search(vector, 5, filters)
        got = sample_index.dense_search(vector, 5, filters)
        assert [i for i, _ in got] == [i for i, _ in expected]


def test_filtered_search_survives_a_catalogued_chunk_without_a_vector(small_index) -> None:
    """A chunk id the catalogue holds but the collection lacks does not break a search."""
    index, _ = small_index
    missing = sorted(index.keyword.chunk_ids())[0]
    index.vectors.delete([missing])
    outlet = index.keyword.chunks([missing])[missing].article.outlet
    vector = index.embedder.embed_query("news")
    hits = index.dense_search(vector, 5, Filters(outlets=(outlet,)))
    assert hits and missing not in {i for i, _ in hits}


def test_terms_in_too_many_chunks_are_left_out_beside_rarer_ones(small_index, monkeypatch):
    """With rarer terms beside it, a term matching more than COMMON_MATCHES chunks is ignored."""
    index, _ = small_index
    monkeypatch.setattr(keyword_module, "COMMON_MATCHES", 2)
    hits = index.keyword_search('"volunteers" OR "gannet"', 10)
    assert [index.keyword.chunks([i])[i].article.title for i, _ in hits] == ["Gannet census begins"]
    assert len(index.keyword_search('"volunteers" OR "coast"', 10)) == 3  # all common: kept
    assert len(index.keyword_search("volunteers OR gannet", 10)) == 3  # not quoted terms: as is


def test_reopened_index_sees_the_same_articles(sample_index) -> None:
    """A second ArticleIndex on the same data directory finds every article current."""
    again = open_index(sample_index.data_dir, sample_index.embedder)
    try:
        assert again.stats() == sample_index.stats()
        assert all(again.is_current(a) for a in iter_articles(str(SAMPLES)))
    finally:
        again.close()


def test_empty_index_is_not_ready(tmp_path, embedder) -> None:
    """An index with no articles raises IndexNotReady saying how to add some."""
    index = open_index(tmp_path, embedder)
    with pytest.raises(IndexNotReady, match="newsdesk ingest"):
        index.require_articles()
    assert index.check().consistent and index.stats()["vectors"] == 0


def test_data_dir_under_a_file_is_index_unavailable(tmp_path, embedder) -> None:
    """A data directory that cannot be created gives IndexUnavailable naming it, not an OSError."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(IndexUnavailable, match="not-a-folder"):
        open_index(blocker / "data", embedder)
    with pytest.raises(IndexUnavailable, match="cannot open the keyword index"):
        KeywordIndex(blocker / "data" / KEYWORD_FILE)


def test_read_only_data_dir_is_index_unavailable(tmp_path, embedder) -> None:
    """A read-only data directory gives IndexUnavailable (where permissions apply to us)."""
    data = tmp_path / "data"
    data.mkdir()
    data.chmod(0o555)
    try:
        probe = data / "probe"
        try:
            probe.write_text("x")
        except PermissionError:
            pass
        else:
            probe.unlink()
            pytest.skip(
                f"uid {os.getuid()} writes through chmod 555 (root bypasses file permissions); "
                "tests/test_cli.py runs this case in a subprocess without CAP_DAC_OVERRIDE"
            )
        with pytest.raises(IndexUnavailable):
            open_index(data, embedder)
    finally:
        data.chmod(0o755)
