"""`make bench` (section "disentangle"): conversations found in the Ubuntu IRC benchmark's dev
split, scored beside the paper's rows and the previous-message baseline; the scorer checked
against the benchmark's own tools on one sample; and the time to disentangle 1,000 messages.

    python -m bench.disentangle [--links FILE] [--crosscheck-all]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from bench import cluster_scores, ircdata
from bench.text_vectors import sample_vectors
from bot.summaries.conversations import LINKS_FILE, LinkModel, link, load_links, text_vectors
from ingest.embed import Embedder

PAPER = [  # Kummerfeld et al. 2019, Table 4: the Ubuntu test split, which dev cannot be compared to
    ("paper: previous message (test)", 66.1, 27.6, 0.0, 0.0, 0.0),
    ("paper: linear (test)", 88.9, 69.5, 19.3, 24.9, 21.8),
    ("paper: feed-forward (test)", 91.3, 75.6, 34.6, 38.0, 36.2),
    ("paper: 10 feed-forward, vote (test)", 91.5, 76.0, 36.3, 39.7, 38.0),
]
GOALS = {"VI": 91.5, "1-1": 76.0, "F": 38.0}  # the paper's best, to reach on test
TIMED_MESSAGES = 1000
TIMING_RUNS = 5
GOAL_SECONDS = 5.0
CROSSCHECK_SAMPLE = "2009-03-03_10"
TOOLS = ircdata.DATA / "reference-tools"
ENABLE_ORTOOLS = ".tools/bin/uv pip install --python .venv ortools"
# conversation-eval.py imports ortools.graph.pywrapgraph, which ortools 9.8 and later no longer
# have; this runs it unchanged with that module mapped onto ortools.graph.python.min_cost_flow.
SHIM = """
import runpy, sys, types
import ortools.graph
from ortools.graph.python import min_cost_flow

Flow = min_cost_flow.SimpleMinCostFlow
class SimpleMinCostFlow(Flow):
    AddArcWithCapacityAndUnitCost = Flow.add_arc_with_capacity_and_unit_cost
    SetNodeSupply = Flow.set_node_supply
    Solve = Flow.solve
    NumArcs = Flow.num_arcs
    Tail = Flow.tail
    Head = Flow.head
    Flow = Flow.flow

module = types.SimpleNamespace(SimpleMinCostFlow=SimpleMinCostFlow)
sys.modules["ortools.graph.pywrapgraph"] = ortools.graph.pywrapgraph = module
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""
Parents = Callable[[ircdata.Sample], list[int]]


def gold_clusters(samples: list[ircdata.Sample]) -> cluster_scores.Clusters:
    """The gold conversations of the annotated lines of each sample."""
    return {
        s.name: cluster_scores.clusters_from_links(s.gold, ircdata.FIRST_ANNOTATED) for s in samples
    }


def predicted_links(sample: ircdata.Sample, parents: list[int]) -> dict[int, list[int]]:
    """The predicted links of the annotated lines of a sample, as child -> [parent]."""
    return {i: [p] for i, p in enumerate(parents) if i >= ircdata.FIRST_ANNOTATED}


def auto_clusters(samples: list[ircdata.Sample], parents_of: Parents) -> cluster_scores.Clusters:
    """The conversations that parents_of(sample) links make, for each sample."""
    return {
        s.name: cluster_scores.clusters_from_links(
            predicted_links(s, parents_of(s)), ircdata.FIRST_ANNOTATED
        )
        for s in samples
    }


def previous_message(sample: ircdata.Sample) -> list[int]:
    """The baseline: each line linked to the last non-system line before it."""
    parents, last = [], None
    for i, m in enumerate(sample.lines):
        parents.append(i if m.is_system or last is None else last)
        last = last if m.is_system else i
    return parents


def model_parents(model: LinkModel, vectors: dict[str, np.ndarray]) -> Parents:
    """The link model's parents of a sample's lines, as the bot links chat messages."""
    return lambda s: link(s.lines, model, vectors[s.name])


def row(label: str, figures, decimals: int = 1) -> str:
    """One Markdown table row."""
    return f"| {label} | " + " | ".join(f"{v:.{decimals}f}" for v in figures) + " |"


def dev_table(model: LinkModel, samples, vectors) -> dict[str, float]:
    """Print the dev table beside the paper's rows; the model's dev figures."""
    gold = gold_clusters(samples)
    ours = cluster_scores.score(gold, auto_clusters(samples, model_parents(model, vectors)))
    baseline = cluster_scores.score(gold, auto_clusters(samples, previous_message))
    annotated = sum(len(s.gold) for s in samples)
    print(f"dev: {len(samples)} samples, {annotated:,} annotated messages\n")
    print("| system | VI | 1-1 | P | R | F |\n| --- | --- | --- | --- | --- | --- |")
    for label, *figures in PAPER:
        print(row(label, figures))
    print(row("previous message (dev)", baseline.values()))
    nets = len(model.networks)
    label = f"**newsdesk: {nets} network{'s' if nets > 1 else ''} + MiniLM (dev)**"
    print(row(label, ours.values()))
    print(
        "goals on test (the paper's best): "
        + ", ".join(f"{k} >= {v}" for k, v in GOALS.items())
        + "; dev: "
        + ", ".join(f"{k} {ours[k]:.1f}" for k in GOALS)
    )
    return ours


def link_lines(name: str, links: dict[int, list[int]]) -> list[str]:
    """Links in the annotation format ("parent child -"), prefixed by the sample name."""
    return [f"{name}:{p} {c} -" for c, parents in sorted(links.items()) for p in parents]


def reference_clusters(lines: list[str], out: Path) -> None:
    """Run graph-to-cluster.py on link lines, writing its conversations to out."""
    result = subprocess.run(
        [sys.executable, str(TOOLS / "graph-to-cluster.py")],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    out.write_text(result.stdout, encoding="utf-8")


def reference_scores(gold: Path, auto: Path, shim: Path) -> dict[str, float]:
    """VI, 1-1, P, R and F as conversation-eval.py prints them."""
    result = subprocess.run(
        [
            sys.executable,
            str(shim),
            str(TOOLS / "conversation-eval.py"),
            str(gold),
            str(auto),
            "--metric",
            "vi",
            "ex",
            "1-1",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    labels = {
        "1 - Scaled VI": "VI",
        "one-to-one": "1-1",
        "Matched clusters precision": "P",
        "Matched clusters recall": "R",
        "Matched clusters f-score": "F",
    }
    figures = {}
    for line in result.stdout.splitlines():
        value, _, label = line.strip().partition("   ")
        if label.strip() in labels:
            figures[labels[label.strip()]] = float(value)
    return figures


def crosscheck(samples, parents_of: Parents, names: list[str]) -> bool:
    """Print the reference tools' figures beside ours for the named samples (and pooled when
    several); True when every figure agrees to 0.01. Skipped, saying how to enable it, without
    ortools."""
    if importlib.util.find_spec("ortools") is None:
        print(f"scorer cross-check skipped: the reference tools need ortools ({ENABLE_ORTOOLS})")
        return True
    chosen = [s for s in samples if s.name in names]
    cases = [(s.name, [s]) for s in chosen] + ([("pooled", chosen)] if len(chosen) > 1 else [])
    agree = True
    print("| sample | scorer | VI | 1-1 | P | R | F |\n| --- | --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shim = work / "shim.py"
        shim.write_text(SHIM, encoding="utf-8")
        for label, group in cases:
            gold_file, auto_file = work / f"{label}.gold", work / f"{label}.auto"
            gold = [x for s in group for x in link_lines(s.name, s.gold)]
            auto = [x for s in group for x in link_lines(s.name, predicted_links(s, parents_of(s)))]
            reference_clusters(gold, gold_file)
            reference_clusters(auto, auto_file)
            theirs = reference_scores(gold_file, auto_file, shim)
            ours = cluster_scores.score(
                cluster_scores.read_cluster_file(gold_file),
                cluster_scores.read_cluster_file(auto_file),
            )
            agree &= all(abs(theirs[k] - ours[k]) < 0.01 for k in theirs) and len(theirs) == 5
            print(row(f"{label} | reference tools", [theirs.get(k, 0.0) for k in ours], 2))
            print(row(f"{label} | bench.cluster_scores", ours.values(), 2))
    print("scorer agrees with the reference tools" if agree else "SCORER DISAGREES")
    return agree


def timing(model: LinkModel, embedder: Embedder, sample: ircdata.Sample) -> None:
    """Print the time to disentangle the last 1,000 lines of a sample, MiniLM included."""
    lines = sample.lines[-TIMED_MESSAGES:]
    walls, cpus, embeds = [], [], []
    for _ in range(TIMING_RUNS):
        wall, cpu = time.perf_counter(), time.process_time()
        vectors = text_vectors(embedder, lines)
        embedded = time.perf_counter()
        link(lines, model, vectors)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        embeds.append(embedded - wall)
    print(
        f"disentangle {len(lines):,} messages (last of dev/{sample.name}), MiniLM on 1 thread: "
        f"median {statistics.median(walls):.2f} s wall ({statistics.median(embeds):.2f} s of it "
        f"MiniLM), {statistics.median(cpus):.2f} s CPU; best of {TIMING_RUNS} "
        f"{min(walls):.2f} s  (goal < {GOAL_SECONDS:.0f} s)"
    )
    print(f"load average while timing: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


def bench_disentangle(links: Path = LINKS_FILE, crosscheck_all: bool = False) -> None:
    """Print the dev table, the scorer cross-check and the timing."""
    print("\n== Conversation disentanglement: Ubuntu IRC (Kummerfeld et al. 2019) ==")
    if not ircdata.DATA.exists():
        print(f"skipped: {ircdata.DATA} is absent")
        return
    model = load_links(links)
    embedder = Embedder(threads=1)  # as the bot runs it
    samples = ircdata.load_split("dev")
    vectors = dict(zip([s.name for s in samples], sample_vectors(samples, embedder), strict=True))
    dev_table(model, samples, vectors)
    names = [s.name for s in samples] if crosscheck_all else [CROSSCHECK_SAMPLE]
    print()
    crosscheck(samples, model_parents(model, vectors), names)
    embedder.encode(["warm up"])
    timing(model, embedder, samples[-1])


def main(argv: list[str] | None = None) -> int:
    """The disentanglement section alone."""
    parser = argparse.ArgumentParser(prog="python -m bench.disentangle", description=__doc__)
    parser.add_argument("--links", type=Path, default=LINKS_FILE, help="a link-weights file")
    parser.add_argument(
        "--crosscheck-all", action="store_true", help="check the scorer on every dev sample"
    )
    args = parser.parse_args(argv)
    bench_disentangle(args.links, args.crosscheck_all)
    return 0


if __name__ == "__main__":
    sys.exit(main())
