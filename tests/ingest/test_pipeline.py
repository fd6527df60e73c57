"""Tests for ingest.pipeline: bad input reported and skipped, batches, and killed ingests."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from bot.cli import main
from ingest.pipeline import ingest
from ingest.sources import iter_articles
from ingest.store.index import KEYWORD_FILE, ArticleIndex
from tests.ingest.helpers import NEWSDESK, SUBPROCESS_ENV, bad_folder, open_index, write_article
from tests.paths import ROOT


def assert_consistent(index: ArticleIndex) -> None:
    """Chroma and the catalogue hold the same chunks, once each, and nothing is pending."""
    stored = index.keyword.chunk_ids()
    assert stored == index.vectors.all_ids()
    assert index.vectors.count() == len(stored) == index.keyword.counts()["chunks"]
    report = index.check()
    assert report.consistent, report


@pytest.fixture
def seeded(tmp_path, embedder) -> ArticleIndex:
    """A fresh index already holding two articles."""
    folder = tmp_path / "seed"
    write_article(folder, "1.md", "Bridge repairs finish", "The old bridge reopened today.")
    write_article(folder, "2.md", "School roof fixed", "Pupils return to a dry school.")
    index = open_index(tmp_path / "data", embedder)
    assert ingest([str(folder)], index).added == 2
    return index


def test_bad_inputs_get_one_line_reasons_and_the_run_goes_on(tmp_path, seeded) -> None:
    """Each bad file gets a clear one-line reason; good files still go in; nothing is lost."""
    expected = bad_folder(tmp_path / "bad")
    before = seeded.keyword.chunk_ids()
    report = ingest([str(tmp_path / "bad")], seeded)
    assert (report.added, report.updated, report.unchanged) == (2, 0, 0)
    assert not report.ok
    got = {Path(f.origin).name: f.reason for f in report.failures}
    assert got.keys() == expected.keys()
    for name, reason in expected.items():
        assert reason in got[name] and "\n" not in got[name], (name, got[name])
    lines = report.summary().splitlines()
    assert lines[0] == "added 2, updated 0, unchanged 0, failed 7 (2 chunks written)"
    assert len(lines) == 8
    for line, failure in zip(lines[1:], report.failures, strict=True):
        assert line == f"  failed: {failure.origin}: {failure.reason}"
    assert before < seeded.keyword.chunk_ids()
    assert seeded.keyword.counts()["articles"] == 4
    assert_consistent(seeded)
    again = ingest([str(tmp_path / "bad")], seeded)
    assert (again.added, again.unchanged, len(again.failures)) == (0, 2, 7)
    assert seeded.keyword.counts()["articles"] == 4
    assert_consistent(seeded)


def test_small_batches_store_each_chunk_with_its_own_vector(
    tmp_path, embedder, monkeypatch
) -> None:
    """With many embedding batches, every article is stored and each vector matches its chunk."""
    monkeypatch.setattr("ingest.pipeline.BATCH_CHUNKS", 2)
    folder = tmp_path / "many"
    for n in range(4):
        write_article(
            folder,
            f"{n}.md",
            f"Story number {n}",
            " ".join([f"Sentence {k} of story {n} says something new." for k in range(n * 15 + 1)]),
        )
    index = open_index(tmp_path / "data", embedder)
    report = ingest([str(folder)], index)
    assert (report.added, report.failures) == (4, [])
    chunker = index.chunker()
    chunks = [c for a in iter_articles(str(folder)) for c in chunker.split(a)]
    assert len(chunks) >= 5 and report.chunks == len(chunks)
    assert index.keyword.chunk_ids() == {c.chunk_id for c in chunks}
    got = index.vectors.collection.get(ids=[c.chunk_id for c in chunks], include=["embeddings"])
    stored = dict(zip(got["ids"], got["embeddings"], strict=True))
    expected = embedder.encode([c.embed_text for c in chunks])
    for chunk, vector in zip(chunks, expected, strict=True):
        assert np.allclose(stored[chunk.chunk_id], vector, atol=1e-4), chunk.chunk_id
    assert_consistent(index)


def test_same_article_twice_in_one_run_is_stored_once(tmp_path, embedder) -> None:
    """Two files for one url in a single run leave one article, the later version, once."""
    folder = tmp_path / "dupes"
    url = "https://news.example/storm"
    write_article(folder, "a.md", "Storm warning", "Winds reach the coast tonight.", url=url)
    write_article(folder, "b.md", "Storm warning", "Winds reached the coast overnight.", url=url)
    index = open_index(tmp_path / "data", embedder)
    report = ingest([str(folder)], index)
    assert report.ok and report.added == 1
    [stored] = index.keyword.articles()
    assert [c.text for c in index.keyword.article_chunks(stored.article_id)] == [
        "Winds reached the coast overnight."
    ]
    assert_consistent(index)


def test_a_new_chunk_size_cuts_and_embeds_stored_articles_again(
    tmp_path, monkeypatch, embedder
) -> None:
    """After the chunk size changes, the next ingest replaces each article's chunks with the
    new cut, in both indexes; a third run finds everything current."""
    folder = tmp_path / "long"
    text = " ".join(f"Sentence {k} says something new about the harbour." for k in range(60))
    write_article(folder, "1.md", "Harbour works", text)
    index = open_index(tmp_path / "data", embedder)
    assert ingest([str(folder)], index).added == 1
    before = index.keyword.chunk_ids()
    index.close()

    monkeypatch.setattr("ingest.chunk.Chunker.__init__.__defaults__", (64, 8))
    smaller = open_index(tmp_path / "data", embedder)
    report = ingest([str(folder)], smaller)
    assert (report.updated, report.unchanged) == (1, 0)
    after = smaller.keyword.chunk_ids()
    assert len(after) > len(before) and not after & before
    chunker = smaller.chunker()
    assert all(chunker.count_tokens(c.text) <= 64 for c in smaller.keyword.chunks(after).values())
    assert_consistent(smaller)
    assert ingest([str(folder)], smaller).unchanged == 1


def stored_articles(db_path: Path) -> int:
    """Articles whose vectors are in, read from another process's live keyword index."""
    try:
        with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=0.5)) as db:
            return db.execute("SELECT COUNT(*) FROM articles WHERE state='ok'").fetchone()[0]
    except sqlite3.Error:
        return 0  # not created yet, or mid-creation


def generated_articles(folder: Path, count: int) -> None:
    """count short, distinct one-chunk articles."""
    for n in range(count):
        write_article(
            folder,
            f"{n:03}.md",
            f"Council notice {n}",
            f"Notice {n}: the council met on day {n} and approved item {n * 7}.",
            url=f"https://notices.example/{n}",
            published=date(2024, 1, 1) + timedelta(days=n),
        )


@pytest.mark.slow
def test_killed_ingest_run_again_has_no_duplicates(tmp_path, capsys, embedder) -> None:
    """SIGKILL a real `newsdesk ingest` mid-run; the rerun finishes and the indexes agree."""
    total = 40
    folder, data = tmp_path / "notices", tmp_path / "data"
    generated_articles(folder, total)
    with (tmp_path / "log").open("w") as log:
        proc = subprocess.Popen(
            [str(NEWSDESK), "--data-dir", str(data), "ingest", str(folder)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=SUBPROCESS_ENV,
        )
        deadline = time.monotonic() + 240
        while proc.poll() is None and time.monotonic() < deadline:
            if stored_articles(data / KEYWORD_FILE) >= 3:
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.005)
        else:
            proc.kill()
        code = proc.wait()
    assert code == -signal.SIGKILL, (tmp_path / "log").read_text()[-2000:]
    killed_at = stored_articles(data / KEYWORD_FILE)
    assert 3 <= killed_at < total, "the kill did not land mid-run"

    assert main(["--data-dir", str(data), "ingest", str(folder)]) == 0
    head = capsys.readouterr().out.splitlines()[0]
    added, updated, unchanged = (int(head.split(", ")[i].split()[1]) for i in range(3))
    assert unchanged >= killed_at and added + updated + unchanged == total, head
    assert main(["--data-dir", str(data), "check"]) == 0
    assert "the indexes agree" in capsys.readouterr().out

    index = open_index(data, embedder)
    assert index.keyword.counts()["articles"] == total and not index.keyword.pending()
    chunker = index.chunker()
    expected = {c.chunk_id for a in iter_articles(str(folder)) for c in chunker.split(a)}
    assert index.keyword.chunk_ids() == expected
    assert_consistent(index)


KILL_AT_SECOND_UPSERT = """
import os, signal, sys
from bot.cli import main
from ingest.store.vectors import VectorStore

data, first, second = sys.argv[1:4]
if main(["--data-dir", data, "ingest", first]) != 0:
    sys.exit(3)
real_upsert, calls = VectorStore.upsert, []

def upsert_then_die(self, chunks, vectors):
    calls.append(len(chunks))
    if len(calls) == 2:  # the second article's catalogue rows are written, its vectors are not
        os.kill(os.getpid(), signal.SIGKILL)
    return real_upsert(self, chunks, vectors)

VectorStore.upsert = upsert_then_die
main(["--data-dir", data, "ingest", second])
sys.exit(4)
"""


@pytest.mark.slow
def test_update_killed_between_catalogue_and_vectors_recovers(tmp_path, capsys, embedder) -> None:
    """A process killed after put_pending, before its vectors, leaves a state the rerun repairs."""
    first, second, data = tmp_path / "v1", tmp_path / "v2", tmp_path / "data"
    for n, (old, new) in enumerate([("otters", "herons"), ("badgers", "voles"), ("newts", "owls")]):
        url = f"https://wildlife.example/{n}"
        write_article(
            first, f"{n}.md", f"Survey {n}", f"Rangers counted {old} by the lake.", url=url
        )
        write_article(
            second, f"{n}.md", f"Survey {n}", f"Rangers counted {new} by the lake.", url=url
        )
    proc = subprocess.run(
        [sys.executable, "-c", KILL_AT_SECOND_UPSERT, str(data), str(first), str(second)],
        capture_output=True,
        text=True,
        env=SUBPROCESS_ENV,
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]

    index = open_index(data, embedder)
    [survey1] = index.keyword.articles("Survey 1")
    report = index.check()
    assert report.pending_articles == [survey1.article_id]
    assert (report.orphan_vectors, report.missing_vectors) == (1, 1)  # badgers in, voles out

    assert main(["--data-dir", str(data), "ingest", str(second)]) == 0
    assert capsys.readouterr().out.startswith("added 0, updated 2, unchanged 1, failed 0")
    assert_consistent(index)
    for word in ("otters", "badgers", "newts"):
        assert index.keyword_search(word, 5) == []
    for word in ("herons", "voles", "owls"):
        assert len(index.keyword_search(word, 5)) == 1
