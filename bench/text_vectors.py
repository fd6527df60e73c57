"""MiniLM vectors of the IRC benchmark's messages, cached on disk under .bench/.

The vectors are the ones the bot computes (bot.summaries.conversations.text_vectors: the bundled
all-MiniLM-L6-v2 on one thread, each text cut to MAX_TOKENS word pieces, zeros for system
lines). The cache maps each distinct text to its vector, so a text is embedded once: the dev
split takes about a minute, train about half an hour.
"""

from __future__ import annotations

import logging

import numpy as np

from bench.ircdata import Sample
from bench.multihop import WORK
from bot.summaries.conversations import MAX_TOKENS
from ingest.embed import Embedder

log = logging.getLogger(__name__)

CACHE = WORK / "disentangle" / f"minilm{MAX_TOKENS}.npz"
_SEP = "\x00"  # separates the cached texts, stored as one string


def cached_vectors(texts_per_sample: list[list[str]], embedder: Embedder) -> list[np.ndarray]:
    """The vectors of each sample's texts, embedding only the texts not cached yet."""
    known: dict[str, np.ndarray] = {}
    if CACHE.exists():
        with np.load(CACHE) as stored:
            known = dict(zip(str(stored["texts"]).split(_SEP), stored["vectors"], strict=True))
    missing = sorted({t for texts in texts_per_sample for t in texts} - known.keys())
    if missing:
        log.info("embedding %d texts not in %s", len(missing), CACHE)
        vectors = embedder.encode(missing, max_tokens=MAX_TOKENS).astype(np.float16)
        known.update(zip(missing, vectors, strict=True))
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        np.savez(CACHE, texts=np.array(_SEP.join(known)), vectors=np.stack(list(known.values())))
    return [np.stack([known[t] for t in texts]).astype(np.float32) for texts in texts_per_sample]


def sample_vectors(samples: list[Sample], embedder: Embedder) -> list[np.ndarray]:
    """(n, 384) vectors of the lines of each sample; zeros for system lines."""
    texts = [[m.text for m in s.lines if not m.is_system] for s in samples]
    out = []
    for sample, vectors in zip(samples, cached_vectors(texts, embedder), strict=True):
        full = np.zeros((len(sample.lines), vectors.shape[1]), np.float32)
        full[[i for i, m in enumerate(sample.lines) if not m.is_system]] = vectors
        out.append(full)
    return out
