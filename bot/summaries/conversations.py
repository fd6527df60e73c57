"""The conversations of a channel: each message linked to the message it answers, or to none.

For every message the candidates are the message itself (it starts a conversation) and the
WINDOW - 1 messages before it. A small feed-forward network scores each (message, candidate)
pair from what chat carries: who wrote both and who spoke between them, how far apart they are
in messages and in minutes, whom each addresses (Discord mentions, "name: ..."), the words they
share and how close their MiniLM vectors are. The best-scoring candidate is the parent, and a
conversation is a connected component of those links (Kummerfeld et al., ACL 2019, whose Ubuntu
IRC data the weights were learned from: `python -m bench.train_links`).

Two links are rules, not learned: a Discord reply is linked to the message it replies to, and
what no person wrote (bot messages, commands, joins) stands alone and answers nothing. Only
numpy runs here; the weights are the small file links.npz beside this module.
"""

from __future__ import annotations

import itertools
import logging
import math
import re
import string
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

from bot.summaries.messages import ChatMessage, is_usable
from ingest.text.words import STOPWORDS

if TYPE_CHECKING:
    from ingest.embed import Embedder

log = logging.getLogger(__name__)

WINDOW = 101  # candidates per message: itself plus the 100 before it
IDF_BUCKETS = 1 << 17  # hashed vocabulary of the inverse-document-frequency table
MAX_TOKENS = 32  # word pieces of each message that MiniLM reads, as in training
LINKS_FILE = Path(__file__).with_name("links.npz")
_TOKEN = re.compile(r"[a-z0-9_'./-]*[a-z0-9]")
_URL = re.compile(r"https?://|www\.", re.IGNORECASE)
_THANKS = re.compile(r"\b(thanks?|thx|ty|cheers)\b", re.IGNORECASE)
_GREETING = re.compile(
    r"""
    ^\W*                                # any leading emoji or punctuation
    (hi|hello|hey|yo|morning|evening)   # a greeting word
    \b
    """,
    re.IGNORECASE | re.VERBOSE,
)
_PUNCTUATION = string.punctuation


@dataclass(frozen=True)
class Line:
    """One message as the linker reads it; `author` and `addressed` name people the same way."""

    id: str
    author: str
    text: str
    minutes: float  # whole minutes, as IRC logs stamp them
    addressed: frozenset[str] = frozenset()
    reply_to: str | None = None  # the message it explicitly replies to
    is_system: bool = False  # written by no person: stands alone


# --- what each message knows of the others ----------------------------------------------------


@dataclass
class Context:
    """Per-message facts the pair features are built from."""

    author: np.ndarray  # (n,) name index of the author
    minutes: np.ndarray  # (n,) time in minutes
    system: np.ndarray  # (n,) bool
    addresses: np.ndarray  # (n, names) bool: the message addresses that name
    prev_same: np.ndarray  # (n,) index of the author's previous message, -1 if none
    next_same: np.ndarray  # (n,) index of the author's next message, n if none
    tokens: list[set[str]]  # word sets
    texts: list[str]


def build_context(lines: list[Line]) -> Context:
    """Index authors and addressed names, and find each author's previous and next message."""
    names: dict[str, int] = {}
    author = np.array([names.setdefault(m.author.lower(), len(names)) for m in lines], np.int64)
    targets = [[names.setdefault(a.lower(), len(names)) for a in m.addressed] for m in lines]
    n = len(lines)
    addresses = np.zeros((n, len(names)), bool)
    for i, row in enumerate(targets):
        addresses[i, row] = True
    addresses[np.arange(n), author] = False  # talking to oneself is not addressing
    prev_same, next_same = np.full(n, -1), np.full(n, n)
    last: dict[int, int] = {}
    for i, a in enumerate(author.tolist()):
        if lines[i].is_system:
            continue
        if a in last:
            prev_same[i] = last[a]
            next_same[last[a]] = i
        last[a] = i
    return Context(
        author=author,
        minutes=np.array([m.minutes for m in lines], np.float64),
        system=np.array([m.is_system for m in lines], bool),
        addresses=addresses,
        prev_same=prev_same,
        next_same=next_same,
        tokens=[words(m.text) for m in lines],
        texts=[m.text for m in lines],
    )


def words(text: str) -> set[str]:
    """The lower-cased words of a text, as a set."""
    return set(_TOKEN.findall(text.lower()))


def token_bucket(token: str) -> int:
    """A word's stable hash bucket in the IDF table."""
    return zlib.crc32(token.encode("utf-8")) % IDF_BUCKETS


def named_in(text: str, known: set[str]) -> set[str]:
    """The known names (lower case, three letters or more) a text writes, as "@name", "name:"
    or plainly."""
    found = set()
    for token in text.split():
        word = token.lower()
        for candidate in (word, word.rstrip(_PUNCTUATION), word.strip(_PUNCTUATION)):
            if len(candidate) > 2 and candidate in known:
                found.add(candidate)
                break
    return found


# --- features ---------------------------------------------------------------------------------


def one_hot(x: np.ndarray, edges: list[float]) -> list[np.ndarray]:
    """Indicators of edges[k] <= x < edges[k + 1]."""
    return [(low <= x) & (x < high) for low, high in itertools.pairwise(edges)]


def message_features(ctx: Context) -> tuple[np.ndarray, list[str]]:
    """(n, Fm) features of each message alone, read for the message and for a candidate."""
    n = len(ctx.author)
    idx = np.arange(n)
    has_prev = ctx.prev_same >= 0
    prev = np.maximum(ctx.prev_same, 0)
    prev_dist = np.where(has_prev, idx - prev, -1)
    prev_gap = np.where(has_prev, ctx.minutes - ctx.minutes[prev], -1)
    next_dist = np.where(ctx.next_same < n, ctx.next_same - idx, 10**6)
    n_words = np.array([len(t.split()) for t in ctx.texts])
    recent = idx - np.searchsorted(ctx.minutes, ctx.minutes - 5.0, side="left")  # in 5 minutes
    cols = {
        "system": ctx.system,
        "addresses_someone": ctx.addresses.any(1),
        "addresses_many": ctx.addresses.sum(1) > 1,
        "has_prev_same": has_prev,
        "prev_same_addressed": has_prev & ctx.addresses[prev].any(1),
        "prev_neighbour_same": np.r_[False, ctx.author[1:] == ctx.author[:-1]],
        "next_neighbour_same": np.r_[ctx.author[:-1] == ctx.author[1:], False],
        "question": np.array(["?" in t for t in ctx.texts], bool),
        "url": np.array([bool(_URL.search(t)) for t in ctx.texts], bool),
        "thanks": np.array([bool(_THANKS.search(t)) for t in ctx.texts], bool),
        "greeting": np.array([bool(_GREETING.search(t)) for t in ctx.texts], bool),
    }
    buckets = {
        "prev_same_dist": (prev_dist, [1, 2, 5, 20, 10**9]),
        "prev_same_gap": (prev_gap, [0, 1, 2, 10, 10**9]),
        "next_same_dist": (next_dist, [1, 2, 5, 20, 10**9]),
        "words": (n_words, [0, 3, 6, 11, 21, 10**9]),
        "rate": (recent, [0, 3, 10, 25, 10**9]),
    }
    for name, (values, edges) in buckets.items():
        for k, column in enumerate(one_hot(values, edges)):
            cols[f"{name}{k}"] = column
    return np.stack([np.asarray(v, np.float32) for v in cols.values()], 1), list(cols)


def candidate_index(n: int) -> tuple[np.ndarray, np.ndarray]:
    """(n, WINDOW) candidate indices j = i - d (clipped at 0), and whether each exists."""
    j = np.arange(n)[:, None] - np.arange(WINDOW)[None, :]
    return np.maximum(j, 0), j >= 0


def banded_dot(x, y=None) -> np.ndarray:
    """(n, WINDOW): out[i, d] = x[i] . y[i - d], zero where i - d < 0; y defaults to x.

    x and y are numpy arrays or scipy sparse matrices (rows of words)."""
    y = x if y is None else y
    n = x.shape[0]
    out = np.zeros((n, WINDOW), np.float32)
    for start in range(0, n, WINDOW):
        end, low = min(start + WINDOW, n), max(0, start - WINDOW + 1)
        block = x[start:end] @ y[low:end].T
        block = block.toarray() if sparse.issparse(block) else block
        col = np.arange(start, end)[:, None] - np.arange(WINDOW)[None, :] - low
        rows = np.arange(end - start)[:, None]
        out[start:end] = np.where(col >= 0, block[rows, np.maximum(col, 0)], 0.0)
    return out


def address_history(
    ctx: Context, j: np.ndarray, src: np.ndarray, dst: np.ndarray
) -> list[np.ndarray]:
    """Whether author src[i, d] addressed dst[i, d] before j, between j and i, and after i."""
    n, names = ctx.addresses.shape
    event_msg, event_dst = np.nonzero(ctx.addresses)
    event_code = ctx.author[event_msg] * names + event_dst
    keys = np.unique(event_code)
    counts = np.zeros((n + 1, max(len(keys), 1)), np.int32)
    np.add.at(counts, (event_msg + 1, np.searchsorted(keys, event_code)), 1)
    counts = np.cumsum(counts, 0)
    code = src * names + dst
    k = np.minimum(np.searchsorted(keys, code), max(len(keys) - 1, 0))
    found = (keys[k] == code) if len(keys) else np.zeros_like(code, bool)
    i = np.arange(n)[:, None]
    before = counts[j, k] > 0
    between = counts[i, k] - counts[j + 1, k] > 0
    after = counts[n, k] - counts[i + 1, k] > 0
    return [found & before, found & between, found & after]


def word_overlap(ctx: Context, idf: np.ndarray) -> dict[str, np.ndarray]:
    """Shared-word counts and fractions, and IDF-weighted similarity, of each pair."""
    vocab: dict[str, int] = {}
    rows = [[vocab.setdefault(w, len(vocab)) for w in tokens] for tokens in ctx.tokens]
    n = len(rows)
    weights = np.zeros(max(len(vocab), 1), np.float32)
    for word, k in vocab.items():
        weights[k] = idf[token_bucket(word)]
    columns = np.array([k for row in rows for k in row], np.int64)
    starts = np.cumsum([0] + [len(row) for row in rows])
    shape = (n, max(len(vocab), 1))
    bag = sparse.csr_matrix((np.ones(len(columns), np.float32), columns, starts), shape=shape)
    weighted = sparse.csr_matrix((weights[columns], columns, starts), shape=shape)
    sizes = np.diff(starts).astype(np.float32)
    norm = np.sqrt(np.asarray(weighted.multiply(weighted).sum(1)).ravel()) + 1e-6
    shared = banded_dot(bag)
    j, _ = candidate_index(n)
    return {
        "shared_frac_q": shared / np.maximum(sizes, 1)[:, None],
        "shared_frac_c": shared / np.maximum(sizes[j], 1),
        "shared0": shared == 0,
        "shared1": shared == 1,
        "shared2": shared > 1,
        "shared5": shared > 5,
        "shared_idf": np.minimum(banded_dot(weighted, bag), 30.0) / 30.0,
        "tfidf_cosine": banded_dot(sparse.diags(1 / norm) @ weighted),
    }


def pair_features(
    ctx: Context, idf: np.ndarray, vectors: np.ndarray | None
) -> tuple[np.ndarray, list[str]]:
    """(n, WINDOW, Fp) features of each (message, candidate) pair, and their names."""
    n = len(ctx.author)
    j, valid = candidate_index(n)
    i = np.arange(n)[:, None]
    d = np.broadcast_to(np.arange(WINDOW)[None, :], (n, WINDOW))
    other = d > 0
    qa, ca = np.broadcast_to(ctx.author[:, None], j.shape), ctx.author[j]
    gap = np.abs(ctx.minutes[:, None] - ctx.minutes[j])
    q_to_c = ctx.addresses[i, ca] & other
    c_to_q = ctx.addresses[j, qa] & other
    prev = np.maximum(ctx.prev_same, 0)[:, None]
    has_prev = (ctx.prev_same >= 0)[:, None]
    cols = {
        "self": ~other,
        "dist": np.minimum(d, 100) / 100.0,
        "time": np.minimum(gap, 100.0) / 100.0,
        "same_author": (qa == ca) & other,
        "q_addresses_c": q_to_c,
        "c_addresses_q": c_to_q,
        "q_addresses_c_latest": q_to_c & (ctx.next_same[j] > i),
        "same_target": (ctx.addresses[i] & ctx.addresses[j]).any(-1) & other,
        "q_prev_addressed_c": has_prev & ctx.addresses[prev, ca] & other,
        "c_is_q_prev": (j == ctx.prev_same[:, None]) & other,
        "q_silent_since_c": (ctx.prev_same[:, None] < j) & other,
        "c_silent_since": (ctx.next_same[j] > i) & other,
    }
    for k, column in enumerate(one_hot(d, [1, 2, 3, 4, 6, 11, 21, 51, 10**9])):
        cols[f"dist{k}"] = column
    for k, column in enumerate(one_hot(np.where(other, gap, -1), [0, 1, 2, 5, 15, 60, 10**9])):
        cols[f"time{k}"] = column
    whens = ("before", "between", "after")
    for when, column in zip(whens, address_history(ctx, j, qa, ca), strict=True):
        cols[f"q_addressed_c_{when}"] = column & other
    for when, column in zip(whens, address_history(ctx, j, ca, qa), strict=True):
        cols[f"c_addressed_q_{when}"] = column & other
    for name, value in word_overlap(ctx, idf).items():
        cols[name] = value * other
    if vectors is not None:
        cols["vector_cosine"] = banded_dot(vectors) * other
    features = np.stack([np.asarray(v, np.float32) for v in cols.values()], -1)
    return features * valid[:, :, None], list(cols)


@dataclass
class Features:
    """Everything a network reads for one list of messages."""

    pairs: np.ndarray  # (n, WINDOW, Fp)
    messages: np.ndarray  # (n, Fm)
    vectors: np.ndarray | None  # (n, dim) unit text vectors
    candidates: np.ndarray  # (n, WINDOW) candidate index (clipped)
    valid: np.ndarray  # (n, WINDOW) the candidate exists
    names: list[str]  # pair feature names, then message feature names


def featurize(lines: list[Line], idf: np.ndarray, vectors: np.ndarray | None = None) -> Features:
    """All the features of a list of messages, oldest first."""
    ctx = build_context(lines)
    unit = None if vectors is None else unit_rows(np.asarray(vectors, np.float32))
    pairs, pair_names = pair_features(ctx, idf, unit)
    messages, message_names = message_features(ctx)
    j, valid = candidate_index(len(lines))
    return Features(pairs, messages, unit, j, valid, pair_names + message_names)


def unit_rows(v: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-6)


# --- the learned scorer -----------------------------------------------------------------------


@dataclass
class Network:
    """One scorer: a first layer split by input part, then tanh layers and a linear output.

    The message's and the candidate's parts are projected once per message, not once per pair,
    which keeps the 101,000 pairs of 1,000 messages cheap.
    """

    w_pair: np.ndarray  # (Fp, H)
    w_query: np.ndarray  # (Fm, H) features of the message being linked
    w_cand: np.ndarray  # (Fm, H) features of the candidate (none for the self-link)
    b1: np.ndarray  # (H,)
    hidden: list[tuple[np.ndarray, np.ndarray]]  # further (W, b) tanh layers
    w_out: np.ndarray  # (H_last,)
    v_query: np.ndarray | None = None  # (dim, H) text vector of the message
    v_cand: np.ndarray | None = None  # (dim, H) text vector of the candidate

    def scores(self, f: Features) -> np.ndarray:
        """(n, WINDOW) raw link scores."""
        n = len(f.messages)
        q = f.messages @ self.w_query
        c = f.messages @ self.w_cand
        if self.v_query is not None:
            q = q + f.vectors @ self.v_query
            c = c + f.vectors @ self.v_cand
        c_at = c[f.candidates]
        c_at[:, 0] = 0.0  # the self-link has no separate candidate
        h = f.pairs.reshape(n * WINDOW, -1) @ self.w_pair
        h = np.tanh(h.reshape(n, WINDOW, -1) + q[:, None, :] + c_at + self.b1)
        for w, b in self.hidden:
            h = np.tanh(h @ w + b)
        return h @ self.w_out


@dataclass
class LinkModel:
    """One or more networks (their log-probabilities averaged), and the IDF table they use."""

    networks: list[Network]
    idf: np.ndarray  # (IDF_BUCKETS,) float32
    feature_names: list[str]

    @property
    def uses_vectors(self) -> bool:
        """Whether it reads MiniLM text vectors."""
        return self.networks[0].v_query is not None


def save_links(model: LinkModel, path: str | Path) -> None:
    """Write a link model as one compressed .npz file of float16 weights."""
    arrays = {"idf": model.idf.astype(np.float16), "feature_names": np.array(model.feature_names)}
    for k, net in enumerate(model.networks):
        parts = {
            "w_pair": net.w_pair,
            "w_query": net.w_query,
            "w_cand": net.w_cand,
            "b1": net.b1,
            "w_out": net.w_out,
        }
        if net.v_query is not None:
            parts.update(v_query=net.v_query, v_cand=net.v_cand)
        for layer, (w, b) in enumerate(net.hidden, 2):
            parts.update({f"w{layer}": w, f"b{layer}": b})
        arrays.update({f"net{k}.{name}": v.astype(np.float16) for name, v in parts.items()})
    np.savez_compressed(path, **arrays)


def load_links(path: str | Path = LINKS_FILE) -> LinkModel:
    """A link model written by save_links (the bundled one by default)."""
    with np.load(path) as data:
        arrays = {key: data[key] for key in data.files}
    count = 1 + max(int(key.split(".")[0][3:]) for key in arrays if key.startswith("net"))
    networks = []
    for k in range(count):
        get = {
            key.split(".", 1)[1]: value.astype(np.float32)
            for key, value in arrays.items()
            if key.startswith(f"net{k}.")
        }
        hidden, layer = [], 2
        while f"w{layer}" in get:
            hidden.append((get[f"w{layer}"], get[f"b{layer}"]))
            layer += 1
        networks.append(
            Network(
                get["w_pair"],
                get["w_query"],
                get["w_cand"],
                get["b1"],
                hidden,
                get["w_out"],
                get.get("v_query"),
                get.get("v_cand"),
            )
        )
    names = [str(s) for s in arrays["feature_names"]]
    return LinkModel(networks, arrays["idf"].astype(np.float32), names)


def log_probs(model: LinkModel, features: Features) -> np.ndarray:
    """(n, WINDOW) the networks' mean log-softmax over each message's candidates."""
    if features.names != model.feature_names:
        msg = "the link weights were learned on other features: python -m bench.train_links"
        raise ValueError(msg)
    total = np.zeros(features.valid.shape, np.float64)
    for net in model.networks:
        s = np.where(features.valid, net.scores(features), -np.inf)
        s = s - s.max(1, keepdims=True)
        total += s - np.log(np.exp(s).sum(1, keepdims=True))
    return total / len(model.networks)


def link(lines: list[Line], model: LinkModel, vectors: np.ndarray | None = None) -> list[int]:
    """For each message (oldest first), the index of the earlier message it answers, or its own.

    A reply to an earlier message of the list is linked to it; a system message stands alone
    and no message is linked to one. `vectors` (n, dim) are the MiniLM vectors the model was
    trained with (zeros for system messages), required when model.uses_vectors.
    """
    if not lines:
        return []
    if model.uses_vectors and vectors is None:
        msg = "this link model needs one text vector per message"
        raise ValueError(msg)
    features = featurize(lines, model.idf, vectors if model.uses_vectors else None)
    scores = log_probs(model, features)
    system = np.array([m.is_system for m in lines], bool)
    scores[:, 1:][system[features.candidates[:, 1:]]] = -np.inf
    parents = (np.arange(len(lines)) - scores.argmax(1)).tolist()
    position = {m.id: i for i, m in enumerate(lines)}
    for i, m in enumerate(lines):
        if m.is_system:
            parents[i] = i
        elif position.get(m.reply_to, i) < i and not lines[position[m.reply_to]].is_system:
            parents[i] = position[m.reply_to]
    return parents


def components(parents: list[int]) -> list[list[int]]:
    """The connected components of the links, each a sorted list of indices, by first index."""
    root = list(range(len(parents)))

    def find(x: int) -> int:
        while root[x] != x:
            root[x] = root[root[x]]
            x = root[x]
        return x

    for child, parent in enumerate(parents):
        root[find(child)] = find(parent)
    groups: dict[int, list[int]] = {}
    for i in range(len(parents)):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values(), key=lambda group: group[0])


# --- chat messages ----------------------------------------------------------------------------


def chat_lines(messages: list[ChatMessage]) -> list[Line]:
    """The linker's view of chat messages (oldest first): people named by their lower-cased
    display names, in mentions and in the text alike; bots, commands and joins as system lines.
    """
    known = {m.author.lower() for m in messages} - STOPWORDS
    return [
        Line(
            id=m.id,
            author=m.author.lower(),
            text=m.content,
            minutes=float(math.floor(m.timestamp.timestamp() / 60)),
            addressed=frozenset({name.lower() for name in m.mentions} | named_in(m.content, known)),
            reply_to=m.reply_to,
            is_system=not is_usable(m),
        )
        for m in messages
    ]


def text_vectors(embedder: Embedder, lines: list[Line]) -> np.ndarray:
    """(n, 384) MiniLM unit vectors of the lines cut to MAX_TOKENS word pieces, each distinct
    text embedded once; zeros for system lines."""
    keep = [i for i, m in enumerate(lines) if not m.is_system]
    texts = sorted({lines[i].text for i in keep})
    found = dict(zip(texts, embedder.encode(texts, max_tokens=MAX_TOKENS), strict=True))
    dim = len(next(iter(found.values()))) if found else 384
    vectors = np.zeros((len(lines), dim), np.float32)
    for i in keep:
        vectors[i] = found[lines[i].text]
    return vectors


@dataclass
class Threads:
    """What the linker found in a list of chat messages (oldest first)."""

    parents: list[int]  # for each message, the index of the message it answers, or its own
    vectors: np.ndarray  # (n, 384) the MiniLM vectors it read; zeros for system lines

    @property
    def conversations(self) -> list[list[int]]:
        """The conversations, as lists of indices, by first index."""
        return components(self.parents)


class Disentangler:
    """Separates chat messages into conversations with the bundled link model and MiniLM."""

    def __init__(self, embedder: Embedder) -> None:
        from ingest.embed import DEFAULT_MODEL, Embedder

        if embedder.model_name != DEFAULT_MODEL:  # the weights were learned with MiniLM's vectors
            embedder = Embedder(DEFAULT_MODEL, threads=embedder.threads or 1)
        self.embedder = embedder
        self.model = load_links()

    def threads(self, messages: list[ChatMessage]) -> Threads:
        """The links between messages (oldest first) and the text vectors they were found with."""
        lines = chat_lines(messages)
        vectors = text_vectors(self.embedder, lines)
        return Threads(
            link(lines, self.model, vectors if self.model.uses_vectors else None), vectors
        )

    def conversations(self, messages: list[ChatMessage]) -> list[list[int]]:
        """The conversations of messages (oldest first), as lists of indices, by first index."""
        return self.threads(messages).conversations
