"""Learn the link weights (bot/summaries/links.npz) from the IRC benchmark's train/ split.

    python -m bench.train_links [--out FILE] [--networks N] [--epochs N] [--no-vectors]

For each annotated message the candidates are itself and the 100 messages before it; training
maximises the probability the network gives its gold parents (a message may have several).
Messages whose gold parent lies further back (0.7%) are left out. The features come from
bot.summaries.conversations.featurize, the code the bot runs, so training and use cannot drift
apart. Deterministic: fixed seeds and one torch thread; about 25 s an epoch once the MiniLM
vectors of train/ are cached under .bench/ (embedding them takes about half an hour, once).
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from bench import ircdata
from bench.text_vectors import sample_vectors
from bot.summaries import conversations as links
from ingest.embed import Embedder

HIDDEN = (128, 64)
EPOCHS = 8
LEARNING_RATE = 2e-3
BATCH = 256


@dataclass
class Data:
    """The training arrays: one row per annotated message."""

    pairs: torch.Tensor  # (q, WINDOW, Fp) float16
    messages: torch.Tensor  # (m, Fm) message features of every line of every sample
    vectors: torch.Tensor | None  # (m, dim)
    query: torch.Tensor  # (q,) row of the annotated message in `messages`
    candidates: torch.Tensor  # (q, WINDOW) rows of its candidates in `messages`
    valid: torch.Tensor  # (q, WINDOW) bool
    gold: torch.Tensor  # (q, WINDOW) bool
    names: list[str]


def compute_idf(samples: list[ircdata.Sample]) -> np.ndarray:
    """The hashed log inverse document frequency of words, each message a document."""
    seen: Counter[int] = Counter()
    count = 0
    for sample in samples:
        for line in sample.lines:
            seen.update({links.token_bucket(w) for w in links.words(line.text)})
            count += 1
    idf = np.full(links.IDF_BUCKETS, math.log(count), np.float32)
    for bucket, c in seen.items():
        idf[bucket] = math.log(count / (1 + c))
    return idf


def build_data(samples: list[ircdata.Sample], idf: np.ndarray, vectors=None) -> Data:
    """Featurize every sample; keep the annotated messages with a gold parent in the window."""
    parts: dict[str, list[np.ndarray]] = {
        k: [] for k in ("pairs", "messages", "vectors", "query", "candidates", "valid", "gold")
    }
    offset, names = 0, []
    for k, sample in enumerate(samples):
        f = links.featurize(sample.lines, idf, None if vectors is None else vectors[k])
        names = f.names
        rows = np.array(sorted(c for c in sample.gold if c >= ircdata.FIRST_ANNOTATED))
        gold = np.zeros((len(rows), links.WINDOW), bool)
        for r, child in enumerate(rows):
            for parent in sample.gold[child]:
                if child - parent < links.WINDOW:
                    gold[r, child - parent] = True
        keep = gold.any(1)
        rows = rows[keep]
        parts["pairs"].append(f.pairs[rows].astype(np.float16))
        parts["messages"].append(f.messages)
        parts["vectors"].append(f.vectors)
        parts["query"].append(rows + offset)
        parts["candidates"].append(f.candidates[rows] + offset)
        parts["valid"].append(f.valid[rows])
        parts["gold"].append(gold[keep])
        offset += len(sample.lines)

    def joined(key: str) -> torch.Tensor:
        return torch.from_numpy(np.concatenate(parts[key]))

    return Data(
        pairs=joined("pairs"),
        messages=joined("messages"),
        vectors=None if vectors is None else joined("vectors"),
        query=joined("query"),
        candidates=joined("candidates"),
        valid=joined("valid"),
        gold=joined("gold"),
        names=names,
    )


class Net(torch.nn.Module):
    """The torch twin of bot.summaries.conversations.Network."""

    def __init__(self, n_pair: int, n_message: int, dim: int | None, hidden: list[int]) -> None:
        super().__init__()
        h = hidden[0]
        self.pair = torch.nn.Linear(n_pair, h)
        self.query = torch.nn.Linear(n_message, h, bias=False)
        self.cand = torch.nn.Linear(n_message, h, bias=False)
        self.v_query = torch.nn.Linear(dim, h, bias=False) if dim else None
        self.v_cand = torch.nn.Linear(dim, h, bias=False) if dim else None
        self.hidden = torch.nn.ModuleList(
            torch.nn.Linear(a, b) for a, b in itertools.pairwise(hidden)
        )
        self.out = torch.nn.Linear(hidden[-1], 1, bias=False)

    def forward(self, data: Data, idx: torch.Tensor) -> torch.Tensor:
        """(batch, WINDOW) scores of the annotated messages idx."""
        q = self.query(data.messages[data.query[idx]])
        c = self.cand(data.messages[data.candidates[idx]])
        if self.v_query is not None:
            q = q + self.v_query(data.vectors[data.query[idx]])
            c = c + self.v_cand(data.vectors[data.candidates[idx]])
        c = torch.cat([torch.zeros_like(c[:, :1]), c[:, 1:]], 1)  # no candidate part for self
        h = torch.tanh(self.pair(data.pairs[idx].float()) + q[:, None, :] + c)
        for layer in self.hidden:
            h = torch.tanh(layer(h))
        return self.out(h).squeeze(-1)


def link_loss(scores: torch.Tensor, valid: torch.Tensor, gold: torch.Tensor) -> torch.Tensor:
    """The negative log of the probability mass on the gold parents, summed."""
    scores = scores.masked_fill(~valid, -1e9)
    gold_mass = torch.logsumexp(scores.masked_fill(~gold, -1e9), 1)
    return (torch.logsumexp(scores, 1) - gold_mass).sum()


def train_net(data: Data, seed: int, hidden: list[int], epochs: int, lr: float) -> Net:
    """One network, trained with Adam and a cosine learning-rate decay."""
    torch.manual_seed(seed)
    dim = None if data.vectors is None else data.vectors.shape[1]
    net = Net(data.pairs.shape[-1], data.messages.shape[1], dim, hidden)
    optimizer = torch.optim.Adam(net.parameters(), lr=lr)
    steps = epochs * math.ceil(len(data.query) / BATCH)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: 0.5 * (1 + math.cos(math.pi * s / steps))
    )
    generator = torch.Generator().manual_seed(seed)
    for epoch in range(epochs):
        order = torch.randperm(len(data.query), generator=generator)
        total, start = 0.0, time.time()
        for b in range(0, len(order), BATCH):
            idx = order[b : b + BATCH]
            loss = link_loss(net(data, idx), data.valid[idx], data.gold[idx])
            optimizer.zero_grad()
            (loss / len(idx)).backward()
            optimizer.step()
            schedule.step()
            total += loss.item()
        print(
            f"  seed {seed} epoch {epoch}: loss {total / len(order):.4f} "
            f"({time.time() - start:.0f} s)"
        )
    return net


def to_numpy(net: Net) -> links.Network:
    """A trained Net as the numpy Network the bot runs."""

    def weights(layer: torch.nn.Linear) -> np.ndarray:
        return layer.weight.detach().numpy().T.copy()

    hidden = [(weights(layer), layer.bias.detach().numpy().copy()) for layer in net.hidden]
    return links.Network(
        w_pair=weights(net.pair),
        w_query=weights(net.query),
        w_cand=weights(net.cand),
        b1=net.pair.bias.detach().numpy().copy(),
        hidden=hidden,
        w_out=weights(net.out)[:, 0],
        v_query=None if net.v_query is None else weights(net.v_query),
        v_cand=None if net.v_cand is None else weights(net.v_cand),
    )


def train_links(
    samples: list[ircdata.Sample],
    vectors: list[np.ndarray] | None,
    networks: int = 1,
    epochs: int = EPOCHS,
) -> links.LinkModel:
    """A link model of `networks` networks, seeds 0, 1, ..."""
    torch.set_num_threads(1)  # deterministic, and the fastest on a busy 2-core machine
    torch.use_deterministic_algorithms(True)
    idf = compute_idf(samples)
    data = build_data(samples, idf, vectors)
    nets = [
        to_numpy(train_net(data, seed, list(HIDDEN), epochs, LEARNING_RATE))
        for seed in range(networks)
    ]
    return links.LinkModel(nets, idf, data.names)


def main(argv: list[str] | None = None) -> int:
    """Train on train/ and write the weights file."""
    parser = argparse.ArgumentParser(prog="python -m bench.train_links", description=__doc__)
    parser.add_argument("--out", type=Path, default=links.LINKS_FILE)
    parser.add_argument("--networks", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--no-vectors", action="store_true", help="train without MiniLM")
    args = parser.parse_args(argv)
    if not ircdata.DATA.exists():
        print(f"{ircdata.DATA} is absent: nothing to train on", file=sys.stderr)
        return 1
    samples = ircdata.load_split("train")
    vectors = None if args.no_vectors else sample_vectors(samples, Embedder(threads=1))
    model = train_links(samples, vectors, args.networks, args.epochs)
    links.save_links(model, args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
