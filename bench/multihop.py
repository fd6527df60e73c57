"""MultiHop-RAG: ingest throughput, retrieval beside the paper and two naive baselines,
answer figures, and latency."""

from __future__ import annotations

import json
import shutil
import statistics
import time
from pathlib import Path

from bench.evaluate import AnswerScores, evidence_key, score_retrieval
from bot.compose import build_desk
from bot.settings import Settings
from ingest.embed import meaning_text
from ingest.store.keyword import KeywordIndex
from ingest.text.sentences import split_sentences

SHARED = Path(__file__).resolve().parents[2] / "shared" / "bench" / "multihop_rag"
WORK = Path(".bench")
PAPER_ROWS = [
    ("paper: voyage-02 + bge-reranker-large", 0.6625, 0.7467, 0.5860),
    ("paper: text-embedding-ada-002 + bge-reranker-large", 0.616, 0.7059, 0.5477),
    ("paper: bge-large-en-v1.5, no reranker", 0.5221, 0.6718, 0.4298),
]


def multihop_data(limit: int | None = None) -> tuple[Path, list[dict]]:
    """The corpus file and the dev questions (the first `limit` of them)."""
    queries = json.loads((SHARED / "queries_dev.json").read_text(encoding="utf-8"))
    return SHARED / "corpus.json", queries[:limit] if limit else queries


def corpus_desk(corpus: Path):
    """A NewsDesk over the whole corpus, built once in .bench/index; later runs change nothing."""
    desk = build_desk(Settings(data_dir=WORK / "index"))
    report = desk.ingest([str(corpus)])
    if report.failures:
        print(report.summary())
    return desk


def bench_ingest(corpus: Path, settings: Settings, articles: int | None = None) -> None:
    """Time a fresh ingest of corpus.json (or its first N articles) beside raw encode of the
    same chunks and their sentences."""
    shutil.rmtree(settings.data_dir, ignore_errors=True)
    if articles:
        records = json.loads(corpus.read_text(encoding="utf-8"))[:articles]
        corpus = WORK / f"corpus-first-{articles}.json"
        WORK.mkdir(exist_ok=True)
        corpus.write_text(json.dumps(records), encoding="utf-8")
    desk = build_desk(settings, bulk=True)
    desk.index.embedder.encode(["warm up"])
    start = time.perf_counter()
    report = desk.ingest([str(corpus)])
    pipeline = time.perf_counter() - start
    texts, sentences = _indexed_embed_texts(desk)
    raw_chunks, raw_sentences = (_raw_encode(desk, t) for t in (texts, sentences))
    raw = raw_chunks + raw_sentences
    articles = report.added + report.updated + report.unchanged
    print(f"\n== Ingest: MultiHop-RAG {corpus.name} ==")
    print(f"articles {articles}, chunks {report.chunks}, failed {len(report.failures)}")
    print(
        f"pipeline   {pipeline:8.1f} s  {articles / pipeline:7.2f} articles/s  "
        f"{report.chunks / pipeline:7.1f} chunks/s"
    )
    print(
        f"raw encode {raw:8.1f} s  {'':19}{len(texts) / raw:7.1f} chunks/s  ({raw_chunks:.1f} s "
        f"for the chunks, {raw_sentences:.1f} s for their {len(sentences)} sentences)"
    )
    print(f"ratio (raw encode time / pipeline time): {raw / pipeline:.3f}  (goal >= 0.9)")


def _raw_encode(desk, texts: list[str]) -> float:
    """Seconds SentenceTransformer.encode takes for the texts, as the pipeline batches them."""
    start = time.perf_counter()
    desk.index.embedder.model.encode(texts, batch_size=64, normalize_embeddings=True)
    return time.perf_counter() - start


def _indexed_embed_texts(desk) -> tuple[list[str], list[str]]:
    """The exact strings the pipeline embedded, rebuilt from the catalogue: the chunks', and
    their sentences'."""
    from ingest.store.index import as_chunk

    chunker = desk.index.chunker()
    keyword: KeywordIndex = desk.index.keyword
    stored = keyword.chunks(keyword.chunk_ids()).values()
    sentences = [meaning_text(s) for chunk in stored for s in split_sentences(chunk.text)]
    return [as_chunk(s, chunker).embed_text for s in stored], sentences


def bench_retrieval(desk, queries: list[dict], corpus: Path) -> None:
    """MultiHop-RAG metrics for our retriever and two naive baselines, and answer figures."""
    from bench.baselines import TutorialBaseline

    rows = [
        (name, {"hits@4": h4, "hits@10": h10, "mrr@10": mrr, "article_recall@10": None})
        for name, h4, h10, mrr in PAPER_ROWS
    ]
    baseline = TutorialBaseline.build(desk.index.embedder, corpus, WORK / "tutorial")
    rows.append(
        (
            "naive dense: LangChain tutorial (1000/200, MiniLM, k=10)",
            score_retrieval(queries, baseline.dense).summary(),
        )
    )
    rows.append(
        ("naive BM25 over the same chunks", score_retrieval(queries, baseline.bm25).summary())
    )

    def ours(question: str) -> list[tuple[str, str]]:
        return [(p.text, evidence_key(p.title, p.url)) for p in desk.search(question, k=10)]

    rows.append(
        ("newsdesk hybrid (MiniLM + BM25, fused)", score_retrieval(queries, ours).summary())
    )
    print(
        f"\n== Retrieval: MultiHop-RAG dev, {sum(bool(q['evidence_list']) for q in queries)} "
        "non-null questions (paper protocol) =="
    )
    print(f"{'retriever':58} {'Hits@4':>7} {'Hits@10':>7} {'MRR@10':>7} {'ArtR@10':>7}")
    for name, s in rows:
        cells = [s["hits@4"], s["hits@10"], s["mrr@10"], s["article_recall@10"]]
        print(
            f"{name:58} " + " ".join(f"{c:7.4f}" if c is not None else f"{'-':>7}" for c in cells)
        )
    print("goals: Hits@4 >= 0.90, Hits@10 >= 0.95, MRR@10 >= 0.80, ArtR@10 >= 0.90")
    bench_answers(desk, queries)


def bench_answers(desk, queries: list[dict]) -> None:
    """Answer figures of the extractive answerer over every question, null ones included."""
    scores = AnswerScores()
    for q in queries:
        answer = desk.ask(q["query"])
        scores.add(q["answer"], answer.text, answer.found)
    s = scores.summary()
    print(f"\n== Answers: extractive, {len(queries)} questions ==")
    print(
        f"gold answer in reply (non yes/no, n={s['n_gold']}): {s['gold_in_reply']:.3f}  "
        "(goal >= 0.80)"
    )
    print(f"null questions answered 'not found' (n={s['n_null']}): {s['null_not_found']:.3f}")
    print(
        f"answerable questions wrongly 'not found' (n={s['n_answerable']}): "
        f"{s['wrongly_not_found']:.3f}  (goal <= 0.05)"
    )


def bench_latency(desk, queries: list[dict], corpus: Path, n: int = 200) -> None:
    """p50/p95 per question for search and ask beside plain Chroma similarity_search."""
    from langchain_chroma import Chroma

    questions = [q["query"] for q in queries[:n]]
    plain = Chroma(
        client=desk.index.vectors.client,
        collection_name=desk.index.vectors.name,
        embedding_function=desk.index.embedder,
    )
    for q in questions[:5]:
        plain.similarity_search(q, k=10)
        desk.ask(q)
    timings = {
        "plain Chroma.similarity_search(k=10)": lambda q: plain.similarity_search(q, k=10),
        "newsdesk search (k=10)": lambda q: desk.search(q, k=10),
        "newsdesk ask (extractive)": lambda q: desk.ask(q),
    }
    print(f"\n== Latency: {len(questions)} MultiHop-RAG questions, in process ==")
    samples: dict[str, list[float]] = {name: [] for name in timings}
    for q in questions:  # the three calls take turns, so a busy spell slows each alike
        for name, call in timings.items():
            start = time.perf_counter()
            call(q)
            samples[name].append((time.perf_counter() - start) * 1000)
    medians = {}
    for name, times in samples.items():
        p50, p95 = statistics.median(times), statistics.quantiles(times, n=20)[18]
        medians[name] = p50
        print(f"{name:40} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
    base = medians["plain Chroma.similarity_search(k=10)"]
    print(f"search p50 / plain p50: {medians['newsdesk search (k=10)'] / base:.2f}  (goal <= 2)")
    print(f"ask p50: {medians['newsdesk ask (extractive)']:.1f} ms  (goal <= 150 ms)")
