"""`python -m bench` (make bench): every benchmark section, or those named with --only."""

from __future__ import annotations

import argparse
import sys

from bench.multihop import (
    WORK,
    bench_ingest,
    bench_latency,
    bench_retrieval,
    corpus_desk,
    multihop_data,
)
from bot.compose import configure_logging
from bot.settings import Settings

SECTIONS = (
    "ingest",
    "retrieval",
    "natural",
    "answer-features",
    "latency",
    "keyword",
    "disentangle",
    "summaries",
    "load",
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The benchmark options."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", choices=SECTIONS, action="append", help="run only these")
    parser.add_argument("--limit", type=int, help="use only the first N benchmark questions")
    parser.add_argument("--articles", type=int, help="ingest only the first N corpus articles")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen sections in order and print their figures."""
    args = parse_args(argv)
    configure_logging()
    only = set(args.only or SECTIONS)
    corpus, queries = multihop_data(args.limit)
    if "ingest" in only:
        bench_ingest(corpus, Settings(data_dir=WORK / "ingest-run"), args.articles)
    if only & {"retrieval", "natural", "answer-features", "latency", "keyword"}:
        desk = corpus_desk(corpus)
        if "retrieval" in only:
            bench_retrieval(desk, queries, corpus)
        if "natural" in only:
            from bench.natural import bench_natural

            bench_natural(desk)
        if "answer-features" in only:
            from bench.fit_answers import bench_features

            bench_features(desk)
        if "latency" in only:
            bench_latency(desk, queries, corpus)
        if "keyword" in only:
            from bench.keyword import bench_keyword

            bench_keyword(desk, queries)
    if "disentangle" in only:
        from bench.disentangle import bench_disentangle

        bench_disentangle()
    if "summaries" in only:
        from bench.summaries import bench_summaries

        bench_summaries()
    if "load" in only:
        from bench import load

        return load.main([])
    return 0


if __name__ == "__main__":
    sys.exit(main())
