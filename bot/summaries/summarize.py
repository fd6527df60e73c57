"""Channel summaries without Discord: topics found by clustering message embeddings.

Message text is only held in memory for the length of a call; nothing here stores or logs it.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_limits

log = logging.getLogger(__name__)

MIN_MESSAGES = 5
MIN_TOPIC_SIZE = 3
MIN_CONTENT_WORDS = 3
KEY_MESSAGES = 3
EMBED_BUDGET = 300
CONTEXT_WINDOW = 15
CONTEXT_NEIGHBOURS = 3
QUOTE_CHARS = 160
_WORD = re.compile(r"[a-z][a-z']+")
_CHAT_WORDS = frozenset(  # chat filler that says nothing about a topic
    "lol lmao yeah yes yep nah okay ok just like really actually honestly literally "  # noqa: SIM905
    "gonna wanna got get thing things think know said says say way pretty kind sure "
    "don't it's that's i'm can't didn't doesn't isn't they're we're you're he's she's "
    "there's what's let's i've i'll i'd".split()
)
STOP_WORDS = ENGLISH_STOP_WORDS | _CHAT_WORDS


@dataclass
class ChatMessage:
    """One chat message, as the summarizer sees it."""

    id: str
    author: str
    content: str
    timestamp: datetime
    jump_url: str | None = None
    is_bot: bool = False


@dataclass
class TopicSummary:
    """One topic: its bullet, who took part (most messages first) and its key messages."""

    bullet: str
    participants: list[str]
    key_messages: list[ChatMessage]


@dataclass
class ChannelSummary:
    """The topics of a stretch of channel history, largest first, and its overall figures."""

    topics: list[TopicSummary]
    message_count: int
    participants: int
    first: datetime
    last: datetime


def is_command(text: str) -> bool:
    """True for slash or bang commands ("/summarize", "!remind")."""
    return text.lstrip().startswith(("/", "!"))


def usable_messages(messages: list[ChatMessage]) -> list[ChatMessage]:
    """Messages written by people: no bots, no commands, no empty text."""
    return [m for m in messages if not m.is_bot and m.content.strip() and not is_command(m.content)]


def content_words(text: str) -> list[str]:
    """Lower-cased words of text that carry meaning (no stop words or chat filler)."""
    return [w for w in _WORD.findall(text.lower()) if w not in STOP_WORDS]


def index_terms(text: str) -> list[str]:
    """Terms for the keyword index: content words, else any words, else the text itself."""
    return content_words(text) or _WORD.findall(text.lower()) or [text.strip()]


def topical_messages(messages: list[ChatMessage]) -> list[ChatMessage]:
    """Messages long enough to say what they are about ("lol" and "morning all" are not);
    all of messages when fewer than MIN_MESSAGES are."""
    topical = [m for m in messages if len(content_words(m.content)) >= MIN_CONTENT_WORDS]
    return topical if len(topical) >= MIN_MESSAGES else messages


def spread_sample(count: int, budget: int) -> np.ndarray:
    """At most budget indices of range(count), evenly spread so every stretch of time is seen."""
    if count <= budget:
        return np.arange(count)
    return np.unique(np.linspace(0, count - 1, budget).round().astype(int))


def in_context(vectors: np.ndarray) -> np.ndarray:
    """Each unit vector plus the mean of its most similar neighbours among the messages
    CONTEXT_WINDOW either side, renormalised: messages of one thread lend each other their topic."""
    count = min(CONTEXT_NEIGHBOURS, len(vectors) - 1)
    if count < 1:
        return vectors
    sims = vectors @ vectors.T
    offsets = np.abs(np.subtract.outer(np.arange(len(vectors)), np.arange(len(vectors))))
    sims[(offsets > CONTEXT_WINDOW) | (offsets == 0)] = -np.inf
    nearest = np.argsort(-sims, axis=1)[:, :count]
    mixed = vectors + vectors[nearest].mean(axis=1)
    return mixed / np.linalg.norm(mixed, axis=1, keepdims=True)


def choose_clusters(vectors: np.ndarray, max_topics: int) -> np.ndarray:
    """K-means labels for unit vectors, with k in 2..max_topics chosen by cosine silhouette."""
    top_k = min(max_topics, len(vectors) // MIN_TOPIC_SIZE)
    if top_k < 2:
        return np.zeros(len(vectors), dtype=int)
    best, best_score = None, -1.0
    with threadpool_limits(limits=1):  # OpenMP threads spin badly on a busy CPU
        for k in range(2, top_k + 1):
            labels = KMeans(n_clusters=k, n_init=4, random_state=0).fit_predict(vectors)
            score = silhouette_score(vectors, labels, metric="cosine")
            log.debug("k=%d silhouette %.4f", k, score)
            if score > best_score:
                best, best_score = labels, score
    return best


def assign_rest(tfidf, labels: np.ndarray, sampled: np.ndarray) -> np.ndarray:
    """Labels for every row of tfidf: sampled rows keep theirs, the rest join the nearest
    cluster by keyword overlap, or -1 when they share no keyword with any cluster."""
    full = np.full(tfidf.shape[0], -1)
    full[sampled] = labels
    rest = np.setdiff1d(np.arange(tfidf.shape[0]), sampled)
    if not len(rest):
        return full
    clusters = np.unique(labels)
    centroids = np.vstack([np.asarray(tfidf[sampled[labels == c]].mean(axis=0)) for c in clusters])
    sims = np.asarray(tfidf[rest] @ centroids.T)
    best = sims.argmax(axis=1)
    full[rest] = np.where(sims.max(axis=1) > 0, clusters[best], -1)
    return full


def nearest_to_centroid(vectors: np.ndarray, count: int) -> np.ndarray:
    """Indices of the count rows nearest (by cosine) the mean direction of vectors."""
    centroid = vectors.mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    return np.argsort(-(vectors @ centroid), kind="stable")[:count]


def key_terms(tfidf, members: np.ndarray, terms: np.ndarray, count: int = 3) -> list[str]:
    """Words that set a cluster apart (mean TF-IDF weight above the channel's), one per stem."""
    lift = np.asarray(tfidf[members].mean(axis=0) - tfidf.mean(axis=0)).ravel()
    chosen: dict[str, str] = {}
    for i in np.argsort(-lift, kind="stable"):
        if lift[i] <= 0 or len(chosen) == count:
            break
        chosen.setdefault(str(terms[i]).removesuffix("s"), str(terms[i]))
    return list(chosen.values())


def rank_participants(messages: list[ChatMessage]) -> list[str]:
    """Authors by messages written, most first; ties keep the order they first spoke in."""
    return [author for author, _ in Counter(m.author for m in messages).most_common()]


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    """text on one line, cut at a word boundary to at most limit characters."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    return line[:limit].rsplit(" ", 1)[0] + "…"


def extractive_bullet(terms: list[str], representative: ChatMessage) -> str:
    """The topic's key terms, then its most representative message: "Fare, route: ..."."""
    label = ", ".join(terms).capitalize()
    line = quote(representative.content)
    return f"{label}: {line}" if label else line


def describe_topic(
    messages: list[ChatMessage], members: np.ndarray, keys: np.ndarray, terms: list[str]
) -> TopicSummary:
    """The topic made of messages[members], shown by messages[keys] and its key terms."""
    key_messages = [messages[i] for i in keys]
    return TopicSummary(
        bullet=extractive_bullet(terms, key_messages[0]),
        participants=rank_participants([messages[i] for i in members]),
        key_messages=key_messages,
    )


class ChannelSummarizer:
    """Groups a channel's messages into topics and describes each from its own messages.

    At most embed_budget messages are embedded, spread evenly over time; the others join the
    topic they share most keywords with, so long histories stay within seconds on a CPU.
    """

    def __init__(self, embedder, max_topics: int = 6, embed_budget: int = EMBED_BUDGET) -> None:
        self.embedder = embedder
        self.max_topics = max_topics
        self.embed_budget = embed_budget

    def summarize(self, messages: list[ChatMessage]) -> ChannelSummary:
        """Topics of messages, largest first; ValueError when fewer than 5 are usable."""
        usable = sorted(usable_messages(messages), key=lambda m: m.timestamp)
        if len(usable) < MIN_MESSAGES:
            msg = (
                f"need at least {MIN_MESSAGES} messages written by people to summarize; "
                f"found {len(usable)} (bot messages and commands are skipped)"
            )
            raise ValueError(msg)
        topics = self._topics(topical_messages(usable))
        return ChannelSummary(
            topics=topics,
            message_count=len(usable),
            participants=len({m.author for m in usable}),
            first=usable[0].timestamp,
            last=usable[-1].timestamp,
        )

    def _topics(self, topical: list[ChatMessage]) -> list[TopicSummary]:
        """Cluster topical messages and describe each cluster big enough to be a topic."""
        texts = [m.content for m in topical]
        vectorizer = TfidfVectorizer(analyzer=index_terms)
        tfidf = vectorizer.fit_transform(texts)
        sampled = spread_sample(len(topical), self.embed_budget)
        vectors = np.asarray(self.embedder.encode([texts[i] for i in sampled]))
        labels = choose_clusters(in_context(vectors), self.max_topics)
        full = assign_rest(tfidf, labels, sampled)
        log.info("summarize: %d topical messages, %d embedded", len(topical), len(sampled))
        terms = vectorizer.get_feature_names_out()
        found = []
        for cluster in np.unique(labels):
            members = np.flatnonzero(full == cluster)
            if len(members) < MIN_TOPIC_SIZE:
                continue
            keys = sampled[labels == cluster][
                nearest_to_centroid(vectors[labels == cluster], KEY_MESSAGES)
            ]
            topic = describe_topic(topical, members, keys, key_terms(tfidf, members, terms))
            found.append((len(members), topic))
        found.sort(key=lambda pair: -pair[0])
        return [topic for _, topic in found]


def message_ref(message: ChatMessage) -> str:
    """A jump link when the message has one, else its id."""
    return message.jump_url or f"message {message.id}"


def format_summary(summary: ChannelSummary) -> str:
    """The summary for the terminal: one bullet per topic, its people and key messages."""
    span = f"{summary.first:%Y-%m-%d %H:%M} to {summary.last:%Y-%m-%d %H:%M}"
    lines = [
        f"{summary.message_count} messages from {summary.participants} people, {span}; "
        f"{len(summary.topics)} topics:"
    ]
    for topic in summary.topics:
        lines.append(f"• {topic.bullet}")
        lines.append(f"  people: {', '.join(topic.participants)}")
        lines.extend(f"  - {message_ref(m)} ({m.author})" for m in topic.key_messages)
    return "\n".join(lines)


_LLM_PROMPT = (
    "Summarize this chat discussion in one short bullet point (at most 30 words). "
    "You may cite a message by its id in square brackets. Reply with the bullet only.\n\n{chat}"
)
_REF = re.compile(r"https?://\S*discord(?:app)?\.com/channels/\S+|\b\d{15,22}\b")


def strip_unknown_refs(text: str, topic: TopicSummary) -> str:
    """text without any jump link or message id that is not one of the topic's key messages."""
    known = {ref for m in topic.key_messages for ref in (m.id, m.jump_url) if ref}

    def check(match: re.Match) -> str:
        ref = match.group(0).rstrip(").,>]")
        if ref in known:
            return match.group(0)
        log.warning("llm bullet cited a message outside its topic; dropped the reference")
        return ""

    cleaned = _REF.sub(check, text)
    return " ".join(re.sub(r"\[\s*\]|\(\s*\)", "", cleaned).split())


def llm_bullet(topic: TopicSummary, chat_model) -> str:
    """The chat model's bullet for a topic, with invented links removed."""
    chat = "\n".join(f"[{m.id}] {m.author}: {quote(m.content, 300)}" for m in topic.key_messages)
    reply = chat_model.invoke(_LLM_PROMPT.format(chat=chat))
    text = strip_unknown_refs(str(reply.content).strip().lstrip("-•* "), topic)
    if not text:
        msg = "empty bullet"
        raise ValueError(msg)
    return text


def llm_bullets(summary: ChannelSummary, chat_model) -> ChannelSummary:
    """summary with bullets written by a LangChain chat model; extractive ones on any failure."""
    topics = []
    for topic in summary.topics:
        try:
            bullet = llm_bullet(topic, chat_model)
        except Exception as exc:  # any backend failure keeps the extractive bullet
            log.warning("llm bullet failed (%s); keeping the extractive one", exc)
            bullet = topic.bullet
        topics.append(replace(topic, bullet=bullet))
    return replace(summary, topics=topics)
