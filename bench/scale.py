"""`make bench-scale`: search and ask latency, build time, disk and memory at 1M chunks.

The archive is generated. Text draws words from the embedding model's own word list, which is
ordered by frequency, with Zipf weights and each topic's words mixed in, plus people, outlets and
dates over three years. Vectors are generated around topic centroids that are real embeddings of
each topic's words, so building spends no model time while real (model-embedded) questions land
among the chunks. Everything is written through KeywordIndex and VectorStore, and questions go
through a real NewsDesk.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import shutil
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import wraps
from pathlib import Path

import numpy as np

from bot.compose import build_desk, configure_logging
from bot.qa.service import NewsDesk
from bot.settings import Settings
from ingest.article import Article
from ingest.chunk import Chunk, titled
from ingest.store.index import KEYWORD_FILE, ArticleIndex
from ingest.store.keyword import Filters

log = logging.getLogger(__name__)

DEFAULT_CHUNKS = 1_000_000
DEFAULT_DIR = Path(".bench/scale")
DEFAULT_QUESTIONS = 100
MARKER = "scale-bench.json"
SEED = 20240601
GOAL_SEARCH_MS, GOAL_ASK_MS, GOAL_RSS_GIB = 150.0, 250.0, 8.0
GIB = 1024**3

CHUNKS_PER_ARTICLE = 10
VOCABULARY = 5000
TOPICS = 300
TOPIC_WORDS = 40
TOPIC_SHARE = 0.15  # share of a chunk's words drawn from its article's topic
WORDS_PER_CHUNK = (80, 110)
WORDS_PER_SENTENCE = (10, 22)
ARTICLE_SPREAD, CHUNK_SPREAD = 0.6, 0.5  # noise norms around the topic centroid
FIRST_DAY, DAYS = date(2021, 1, 1), 3 * 365
WARMUP = 3

OUTLETS = (
    "Reuters", "Associated Press", "BBC News", "The Guardian", "Bloomberg", "Financial Times",
    "Al Jazeera", "NPR", "Politico", "The Verge", "TechCrunch", "Wired", "CNBC", "Axios",
    "Deutsche Welle", "The Hill", "Sky News", "Fortune", "The Atlantic", "South China Morning Post",
)  # fmt: skip
FIRST_NAMES = (
    "Maria", "James", "Aisha", "Chen", "Olga", "Rahul", "Fatima", "Lucas", "Emma", "Kwame",
    "Sofia", "Daniel", "Yuki", "Omar", "Elena", "Tomas", "Priya", "Samuel", "Ingrid", "Mateo",
)  # fmt: skip
LAST_NAMES = (
    "Okafor", "Lindqvist", "Moreau", "Nakamura", "Haddad", "Kowalski", "Mensah", "Ferreira",
    "Ivanova", "Gallagher", "Sato", "Abernathy", "Castillo", "Novak", "Whitfield", "Bergstrom",
    "Osei", "Delacroix", "Ramirez", "Petrov", "Hargreaves", "Tanaka", "Quinlan", "Adeyemi",
)  # fmt: skip
QUESTIONS = (
    "What happened with the {a} {b}?",
    "Why did the {a} {b} {c}?",
    "What is known about {a} and {b}?",
    "How did the {a} affect {b} {c}?",
    "What are the latest developments on {a} {b}?",
    "What did {person} say about the {a} {b}?",
)


def zipf(n: int) -> np.ndarray:
    """Zipf shares of n ranked items: the r-th is drawn in proportion to 1/r."""
    weights = 1.0 / np.arange(1, n + 1)
    return weights / weights.sum()


@dataclass(frozen=True)
class Corpus:
    """What generated text is made of: ranked words and topics."""

    words: np.ndarray  # object array of str, most frequent first
    cdf: np.ndarray  # cumulative Zipf weights over words
    topics: np.ndarray  # TOPICS x TOPIC_WORDS word indexes

    @classmethod
    def make(cls, tokenizer, rng: np.random.Generator) -> Corpus:
        """Words from the model's vocabulary, which lists them most frequent first."""
        ranked = sorted(tokenizer.get_vocab().items(), key=lambda kv: kv[1])
        words = [w for w, _ in ranked if w.isascii() and w.isalpha() and len(w) > 1][:VOCABULARY]
        topics = np.stack(
            [
                rng.choice(np.arange(200, len(words)), TOPIC_WORDS, replace=False)
                for _ in range(TOPICS)
            ]
        )
        return cls(np.array(words, dtype=object), np.cumsum(zipf(len(words))), topics)

    def centroids(self, embedder) -> np.ndarray:
        """Each topic's centre: the model's unit vector for its first words."""
        labels = [" ".join(self.words[topic[:12]]) for topic in self.topics]
        return np.asarray(embedder.encode(labels), dtype=np.float32)

    def zipf_words(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """n words drawn with Zipf weights."""
        return self.words[np.minimum(np.searchsorted(self.cdf, rng.random(n)), len(self.cdf) - 1)]

    def topic_words(self, rng: np.random.Generator, topic: int, n: int) -> np.ndarray:
        """n words of one topic."""
        return self.words[rng.choice(self.topics[topic], n)]

    def common_word(self, rng: np.random.Generator) -> str:
        """A frequent word that is not a function word."""
        return self.words[int(rng.integers(100, 1000))]


# --- generating articles ----------------------------------------------------------------


def person(rng: np.random.Generator) -> str:
    """A generated person's name."""
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def chunk_text(corpus: Corpus, rng: np.random.Generator, topic: int, people: list[str]) -> str:
    """About a hundred words in sentences, some of them quoting the article's people."""
    n = int(rng.integers(*WORDS_PER_CHUNK))
    words = corpus.zipf_words(rng, n)
    own = rng.random(n) < TOPIC_SHARE
    words[own] = corpus.topic_words(rng, topic, int(own.sum()))
    sentences, start = [], 0
    while start < n:
        end = min(n, start + int(rng.integers(*WORDS_PER_SENTENCE)))
        body = " ".join(words[start:end])
        if rng.random() < 0.3:
            body = f"{rng.choice(people)} said {body}"
        sentences.append(body[0].upper() + body[1:] + ".")
        start = end
    return " ".join(sentences)


def make_article(
    corpus: Corpus, centroids: np.ndarray, rng: np.random.Generator, number: int, n_chunks: int
) -> tuple[Article, list[Chunk], np.ndarray]:
    """One generated article, its chunks (ids as the Chunker makes them) and their vectors."""
    topic = int(rng.integers(TOPICS))
    people = [person(rng) for _ in range(int(rng.integers(1, 4)))]
    outlet = str(rng.choice(OUTLETS, p=zipf(len(OUTLETS))))
    published = FIRST_DAY + timedelta(days=int(rng.integers(DAYS)))
    title_words = corpus.topic_words(rng, topic, int(rng.integers(4, 8)))
    title = " ".join(title_words).capitalize()
    if rng.random() < 0.4:
        title = f"{people[0]}: {title}"
    texts = [chunk_text(corpus, rng, topic, people) for _ in range(n_chunks)]
    texts[0] = f"{published:%B} {published.day}, {published.year} - {texts[0]}"
    slug = "-".join(title_words[:4])
    article = Article(
        title=title,
        text="\n\n".join(texts),
        outlet=outlet,
        published=published,
        url=f"https://news.example/{outlet.lower().replace(' ', '-')}/"
        f"{published:%Y/%m/%d}/{slug}-{number}",
        author=person(rng),
    )
    prefix = f"{article.article_id}-{article.content_hash}"
    chunks = [
        Chunk(f"{prefix}-{i}", article.article_id, i, text, titled(title, text), article)
        for i, text in enumerate(texts)
    ]
    return article, chunks, chunk_vectors(centroids[topic], rng, n_chunks)


def chunk_vectors(centroid: np.ndarray, rng: np.random.Generator, n: int) -> np.ndarray:
    """Unit float32 vectors near a topic centroid, closer still to their own article."""
    dim = len(centroid)
    centre = centroid + rng.normal(0, ARTICLE_SPREAD / dim**0.5, dim)
    vectors = centre + rng.normal(0, CHUNK_SPREAD / dim**0.5, (n, dim))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def chunk_counts(total: int) -> list[int]:
    """Chunks per article: CHUNKS_PER_ARTICLE each, the last article taking the rest."""
    full, rest = divmod(total, CHUNKS_PER_ARTICLE)
    return [CHUNKS_PER_ARTICLE] * full + ([rest] if rest else [])


# --- building the index -----------------------------------------------------------------


@dataclass
class BuildTimes:
    """Seconds spent building, by part."""

    generate: float = 0.0
    keyword: float = 0.0
    vectors: float = 0.0
    total: float = 0.0


def batches(counts: list[int], limit: int) -> Iterator[list[tuple[int, int]]]:
    """(article number, chunk count) groups holding at most limit chunks each."""
    group: list[tuple[int, int]] = []
    size = 0
    for number, count in enumerate(counts):
        if group and size + count > limit:
            yield group
            group, size = [], 0
        group.append((number, count))
        size += count
    if group:
        yield group


def build(index: ArticleIndex, corpus: Corpus, total: int, rng: np.random.Generator) -> BuildTimes:
    """Write generated articles through KeywordIndex and VectorStore, one upsert per batch."""
    times = BuildTimes()
    start = time.perf_counter()
    centroids = corpus.centroids(index.embedder)
    times.generate = time.perf_counter() - start
    done = 0
    for group in batches(chunk_counts(total), index.vectors.client.get_max_batch_size()):
        tick = time.perf_counter()
        made = [make_article(corpus, centroids, rng, n, count) for n, count in group]
        times.generate += time.perf_counter() - tick
        tick = time.perf_counter()
        for article, chunks, _ in made:
            index.keyword.put_pending(article, chunks)
        times.keyword += time.perf_counter() - tick
        tick = time.perf_counter()
        index.vectors.upsert(
            [c for _, chunks, _ in made for c in chunks], np.vstack([v for *_, v in made])
        )
        times.vectors += time.perf_counter() - tick
        tick = time.perf_counter()
        for article, _, _ in made:
            index.keyword.mark_stored(article.article_id)
        times.keyword += time.perf_counter() - tick
        done += sum(count for _, count in group)
        log.info("built %d/%d chunks in %.0f s", done, total, time.perf_counter() - start)
    times.total = time.perf_counter() - start
    return times


# --- questions and timing ---------------------------------------------------------------


def make_questions(corpus: Corpus, rng: np.random.Generator, n: int) -> list[str]:
    """Questions from topic and common words; some name a person, an outlet or a date."""
    questions = []
    for i in range(n):
        topic = int(rng.integers(TOPICS))
        a, b = corpus.topic_words(rng, topic, 2)
        c = corpus.common_word(rng) if i % 2 else corpus.topic_words(rng, topic, 1)[0]
        text = QUESTIONS[i % len(QUESTIONS)].format(a=a, b=b, c=c, person=person(rng))
        if i % 7 == 3:
            text = text[:-1] + f" according to {rng.choice(OUTLETS)}?"
        if i % 8 == 5:
            day = FIRST_DAY + timedelta(days=int(rng.integers(DAYS)))
            when = f"on {day:%B} {day.day}, {day.year}" if i % 16 == 5 else f"in {day:%B %Y}"
            text = text[:-1] + f" {when}?"
        questions.append(text)
    return questions


@dataclass
class Profile:
    """Time spent in each instrumented part of the retrieval path."""

    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    calls: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def wrap(self, owner: object, attr: str, part: str) -> None:
        """Time every call of owner.attr; filtered calls count under their own name."""
        inner = getattr(owner, attr)

        @wraps(inner)
        def timed(*args, **kwargs):
            filtered = any(isinstance(a, Filters) and a for a in (*args, *kwargs.values()))
            name = f"{part}, filtered" if filtered else part
            start = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - start
                self.calls[name] += 1

        setattr(owner, attr, timed)

    def reset(self) -> tuple[dict[str, float], dict[str, int]]:
        """The figures so far, and start again."""
        figures = (dict(self.seconds), dict(self.calls))
        self.seconds.clear()
        self.calls.clear()
        return figures


def instrument(desk: NewsDesk) -> Profile:
    """A Profile over the parts a search and an ask spend their time in."""
    profile = Profile()
    index = desk.index
    profile.wrap(index.embedder, "encode", "embedding (model)")
    profile.wrap(index, "dense_search", "dense: Chroma query")
    profile.wrap(index, "keyword_search", "keyword: FTS5 MATCH")
    profile.wrap(index.keyword, "chunks", "chunk fetch (SQLite)")
    profile.wrap(index.keyword, "counts", "catalogue counts (SQLite)")
    profile.wrap(desk.answerer, "answer", "extractive answer")
    return profile


def latencies(call: Callable[[str], object], questions: list[str]) -> list[float]:
    """Milliseconds per question."""
    samples = []
    for question in questions:
        start = time.perf_counter()
        call(question)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def p50_p95(samples: list[float]) -> tuple[float, float]:
    """Median and 95th percentile."""
    return statistics.median(samples), statistics.quantiles(samples, n=20)[18]


# --- the run ----------------------------------------------------------------------------


def peak_rss() -> int:
    """Peak resident memory of this process so far, in bytes (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def disk_usage(path: Path, prefix: str = "") -> int:
    """Bytes on disk under path, in files whose path there starts with prefix."""
    return sum(
        os.stat(Path(root) / name).st_blocks * 512
        for root, _, names in os.walk(path)
        for name in names
        if str((Path(root) / name).relative_to(path)).startswith(prefix)
    )


def read_marker(data_dir: Path) -> dict:
    """What an earlier run recorded about the index in data_dir, if anything."""
    path = data_dir / MARKER
    return json.loads(path.read_text()) if path.exists() else {}


def clear(data_dir: Path) -> None:
    """Remove an earlier benchmark index; refuse to remove anything else."""
    if data_dir.exists() and any(data_dir.iterdir()) and not (data_dir / MARKER).exists():
        msg = f"{data_dir} is not empty and holds no benchmark index; choose another --dir"
        raise SystemExit(msg)
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)


def stored_counts(index: ArticleIndex) -> tuple[int, int, int]:
    """Chunks in the keyword index, vectors, and pending articles."""
    counts = index.keyword.counts()
    return counts["chunks"], index.vectors.count(), counts["pending"]


def goal(value: float, limit: float) -> str:
    """'met' or 'MISSED'."""
    return "met" if value <= limit else "MISSED"


@dataclass
class Run:
    """Everything the report prints."""

    chunks: int
    data_dir: Path
    reused: bool
    times: BuildTimes
    stored: tuple[int, int, int]
    open_rss: int
    first_ms: float = 0.0
    samples: dict[str, list[float]] = field(default_factory=dict)
    parts: dict[str, tuple[dict[str, float], dict[str, int]]] = field(default_factory=dict)


def open_or_build(args: argparse.Namespace) -> tuple[NewsDesk, Corpus, Run]:
    """A desk over the benchmark index: reused when an earlier run left one of the right size."""
    marker = read_marker(args.dir)
    reuse = not args.rebuild and marker.get("chunks") == args.chunks and marker.get("complete")
    if not reuse:
        clear(args.dir)
    desk = build_desk(Settings(data_dir=args.dir, chroma_host=None, llm_backend="none"))
    corpus = Corpus.make(desk.index.embedder.tokenizer, np.random.default_rng((SEED, 0)))
    if reuse:
        times = BuildTimes(**marker["build"])
    else:
        (args.dir / MARKER).write_text(json.dumps({"chunks": args.chunks, "complete": False}))
        times = build(desk.index, corpus, args.chunks, np.random.default_rng((SEED, 1)))
        record = {"chunks": args.chunks, "complete": True, "build": vars(times)}
        (args.dir / MARKER).write_text(json.dumps(record))
    stored = stored_counts(desk.index)
    if not stored[0] == stored[1] == args.chunks or stored[2]:
        msg = (
            f"{args.dir} holds {stored[0]} chunks, {stored[1]} vectors and {stored[2]} pending "
            "articles; run again with --rebuild"
        )
        raise SystemExit(msg)
    return desk, corpus, Run(args.chunks, args.dir, bool(reuse), times, stored, peak_rss())


def measure(desk: NewsDesk, questions: list[str], run: Run) -> None:
    """Time search and ask over the questions, after a short warm-up, part by part."""
    start = time.perf_counter()
    desk.search(questions[0], k=10)
    run.first_ms = (time.perf_counter() - start) * 1000
    for question in questions[1:WARMUP]:
        desk.ask(question)
    profile = instrument(desk)
    run.samples["search"] = latencies(lambda q: desk.search(q, k=10), questions)
    run.parts["search (k=10)"] = profile.reset()
    run.samples["ask"] = latencies(desk.ask, questions)
    run.parts["ask (extractive)"] = profile.reset()


def report(run: Run) -> None:
    """Print every figure, with the goals beside them."""
    import torch

    chunks, vectors, _ = run.stored
    whole_rss = peak_rss()
    print(
        f"\n== Scale benchmark: {run.chunks:,} chunks, "
        f"{len(chunk_counts(run.chunks)):,} articles, {run.data_dir} =="
    )
    how = "reused from an earlier run (--rebuild to build again)" if run.reused else "built now"
    print(f"index       {how}")
    print(f"chunks      keyword index {chunks:,}, vectors {vectors:,}")
    times = run.times
    print(
        f"build time  {times.total:.1f} s  (generate {times.generate:.1f} s, "
        f"keyword index {times.keyword:.1f} s, vectors {times.vectors:.1f} s)"
    )
    print(
        f"disk        {disk_usage(run.data_dir) / GIB:.2f} GiB  "
        f"(keyword {disk_usage(run.data_dir, KEYWORD_FILE) / GIB:.2f} GiB, "
        f"chroma {disk_usage(run.data_dir, 'chroma') / GIB:.2f} GiB)"
    )
    print(
        f"machine     {os.cpu_count()} CPUs, torch threads {torch.get_num_threads()}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(f"first query {run.first_ms:.0f} ms (search, opening the vector index if reused)")
    for name, limit in (("search", GOAL_SEARCH_MS), ("ask", GOAL_ASK_MS)):
        p50, p95 = p50_p95(run.samples[name])
        print(
            f"{name:11} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  over {len(run.samples[name])} "
            f"questions   goal p50 <= {limit:.0f} ms: {goal(p50, limit)}"
        )
    print(
        f"peak RSS    {'open' if run.reused else 'build'} {run.open_rss / GIB:.2f} GiB, "
        f"whole run {whole_rss / GIB:.2f} GiB   goal <= {GOAL_RSS_GIB:.0f} GiB: "
        f"{goal(whole_rss / GIB, GOAL_RSS_GIB)}"
    )
    print_profile(run.parts, len(run.samples["search"]))


def print_profile(parts: dict[str, tuple[dict[str, float], dict[str, int]]], n: int) -> None:
    """Calls per question and milliseconds per call and per question, for each part."""
    names = sorted({name for seconds, _ in parts.values() for name in seconds})
    print("where the time goes (calls per question, ms per call, ms per question):")
    print(f"  {'part':34}" + "".join(f"{op:>30}" for op in parts))
    for name in names:
        cells = []
        for seconds, calls in parts.values():
            count, spent = calls.get(name, 0), seconds.get(name, 0.0) * 1000
            per_call = spent / count if count else 0.0
            cells.append(f"{count / n:4.1f} x {per_call:7.1f} = {spent / n:7.1f} ms")
        print(f"  {name:34}" + "".join(f"{c:>30}" for c in cells))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__)
    parser.add_argument("--chunks", type=int, default=DEFAULT_CHUNKS, help="chunks to index")
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="index folder")
    parser.add_argument("--questions", type=int, default=DEFAULT_QUESTIONS, help="questions")
    parser.add_argument("--rebuild", action="store_true", help="build even if an index exists")
    args = parser.parse_args(argv)
    if args.chunks < 1 or args.questions < 2:
        parser.error("--chunks must be >= 1 and --questions >= 2")
    return args


def main(argv: list[str] | None = None) -> int:
    """Build (or reuse) the generated index, time search and ask, and print every figure."""
    args = parse_args(argv)
    configure_logging()
    desk, corpus, run = open_or_build(args)
    measure(desk, make_questions(corpus, np.random.default_rng((SEED, 2)), args.questions), run)
    report(run)
    return 0


if __name__ == "__main__":
    sys.exit(main())
