"""The keyword index chosen by measurement: SQLite FTS5 beside bm25s on the same chunks."""

from __future__ import annotations

import sqlite3
import statistics
import time

from bench.evaluate import evidence_key, score_retrieval
from bot.qa.plan import plan_query


def bench_keyword(desk, queries: list[dict]) -> None:
    """Build time, update cost, query p50 and Hits@10 of FTS5 and bm25s over the index's chunks."""
    import bm25s

    keyword = desk.index.keyword
    stored = list(keyword.chunks(keyword.chunk_ids()).values())
    texts = [f"{c.article.title}\n{c.text}" for c in stored]
    keys = [evidence_key(c.article.title, c.article.url) for c in stored]

    start = time.perf_counter()
    fts = sqlite3.connect(":memory:")
    fts.execute("CREATE VIRTUAL TABLE t USING fts5(text, tokenize='porter unicode61')")
    fts.executemany("INSERT INTO t(rowid, text) VALUES (?, ?)", enumerate(texts))
    fts_build = time.perf_counter() - start
    start = time.perf_counter()
    fts.executemany(
        "INSERT INTO t(rowid, text) VALUES (?, ?)",
        [(len(texts) + i, t) for i, t in enumerate(texts[:10])],
    )
    fts_update = time.perf_counter() - start

    start = time.perf_counter()
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(texts, stopwords="en", show_progress=False), show_progress=False)
    bm25s_build = time.perf_counter() - start

    def fts_search(question: str) -> list[tuple[str, str]]:
        match = plan_query(question).match_expression()
        rows = (
            fts.execute(
                "SELECT rowid FROM t WHERE t MATCH ? ORDER BY rank LIMIT 10", (match,)
            ).fetchall()
            if match
            else []
        )
        return [(stored[r[0]].text, keys[r[0]]) for r in rows if r[0] < len(stored)]

    def bm25s_search(question: str) -> list[tuple[str, str]]:
        tokens = bm25s.tokenize([question], stopwords="en", show_progress=False)
        ids, _ = retriever.retrieve(tokens, k=10, show_progress=False)
        return [(stored[i].text, keys[i]) for i in ids[0]]

    print(f"\n== Keyword index: SQLite FTS5 beside bm25s, {len(texts)} chunks ==")
    print(f"{'engine':10} {'build s':>8} {'add 10 chunks':>14} {'query p50 ms':>13} {'Hits@10':>8}")
    for name, build, update, search in (
        ("FTS5", fts_build, fts_update, fts_search),
        ("bm25s", bm25s_build, bm25s_build, bm25s_search),
    ):
        samples = []
        for q in queries[:200]:
            t0 = time.perf_counter()
            search(q["query"])
            samples.append((time.perf_counter() - t0) * 1000)
        hits = score_retrieval(queries, search).summary()["hits@10"]
        print(
            f"{name:10} {build:8.2f} {update:13.3f}s {statistics.median(samples):13.2f} {hits:8.4f}"
        )
    print("bm25s has no incremental update: adding chunks means indexing everything again.")
