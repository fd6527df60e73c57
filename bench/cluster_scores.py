"""The disentanglement benchmark's metrics, pooled over samples as its conversation-eval.py does.

- VI: 100 × (1 − VI / log n), VI = H(gold | auto) + H(auto | gold) over all scored messages;
- 1-1: the share of messages in the best one-to-one matching of auto to gold conversations;
- P / R / F: exact match of whole conversations, singletons left out on both sides.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

Clusters = dict[str, list[frozenset[int]]]  # sample name -> conversations (sets of line ids)


def clusters_from_links(links: dict[int, list[int]], first: int) -> list[frozenset[int]]:
    """The connected components of child -> parents links, keeping ids >= first."""
    root: dict[int, int] = {}

    def find(x: int) -> int:
        root.setdefault(x, x)
        while root[x] != x:
            root[x] = root[root[x]]
            x = root[x]
        return x

    for child, parents in links.items():
        for parent in parents:
            root[find(child)] = find(parent)
    groups: dict[int, set[int]] = {}
    for node in list(root):
        groups.setdefault(find(node), set()).add(node)
    kept = (frozenset(v for v in group if v >= first) for group in groups.values())
    return [group for group in kept if group]


def vi_score(gold: Clusters, auto: Clusters) -> float:
    """100 × (1 − VI / log n) over the pooled contingency table."""
    joint, gold_sizes, auto_sizes = Counter(), Counter(), Counter()
    for name in gold:
        label = {v: k for k, cluster in enumerate(gold[name]) for v in cluster}
        for a, cluster in enumerate(auto[name]):
            auto_sizes[name, a] = len(cluster)
            for v in cluster:
                joint[name, a, label[v]] += 1
        for g, cluster in enumerate(gold[name]):
            gold_sizes[name, g] = len(cluster)
    total = sum(gold_sizes.values())

    def entropy(counts) -> float:
        return -sum(c / total * math.log(c / total) for c in counts)

    vi = 2 * entropy(joint.values()) - entropy(gold_sizes.values()) - entropy(auto_sizes.values())
    return 100 * (1 - vi / math.log(total))


def one_to_one(gold: Clusters, auto: Clusters) -> float:
    """100 × the share of messages covered by the best one-to-one matching of conversations."""
    matched = total = 0
    for name in gold:
        overlap = np.array([[len(a & g) for g in gold[name]] for a in auto[name]])
        rows, cols = linear_sum_assignment(overlap, maximize=True)
        matched += overlap[rows, cols].sum()
        total += sum(len(g) for g in gold[name])
    return 100 * matched / total


def exact_match(gold: Clusters, auto: Clusters) -> tuple[float, float, float]:
    """Precision, recall and F (percent) of conversations of two or more messages matched
    exactly."""
    hits = n_gold = n_auto = 0
    for name in gold:
        gold_set = {c for c in gold[name] if len(c) > 1}
        auto_set = {c for c in auto[name] if len(c) > 1}
        hits += len(gold_set & auto_set)
        n_gold += len(gold_set)
        n_auto += len(auto_set)
    p = 100 * hits / n_auto if n_auto else 0.0
    r = 100 * hits / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if hits else 0.0)


def score(gold: Clusters, auto: Clusters) -> dict[str, float]:
    """Every reported figure: VI, 1-1, P, R and F."""
    differ = [n for n in gold if set().union(*gold[n]) != set().union(*auto[n])]
    if differ:
        msg = f"auto and gold conversations cover different messages in {sorted(differ)}"
        raise ValueError(msg)
    p, r, f = exact_match(gold, auto)
    return {"VI": vi_score(gold, auto), "1-1": one_to_one(gold, auto), "P": p, "R": r, "F": f}


def read_cluster_file(path: Path) -> Clusters:
    """Conversations from "sample:id id ..." lines (what graph-to-cluster.py writes)."""
    out: Clusters = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        name, _, ids = line.rpartition(":")
        out.setdefault(name.split("/")[-1], []).append(frozenset(int(v) for v in ids.split()))
    return out
