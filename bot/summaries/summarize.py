"""Channel summaries without Discord: conversations first, then topics made of whole ones.

The messages are separated into conversations (bot.summaries.conversations), and a conversation
is cut where a learned link joins two stretches that talk about different things; conversations
that talk about the same thing are grouped into topics, never split; each topic gets a title
and a recap (bot.summaries.recap). Message text is only held in memory for the length of a
call; nothing here stores or logs it.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np

from bot.summaries.conversations import Disentangler, components
from bot.summaries.messages import ChatMessage, is_usable, usable_messages
from bot.summaries.recap import RecapLine, quote, recap_lines
from ingest.text.words import STOPWORDS, stem

if TYPE_CHECKING:
    from ingest.embed import Embedder

log = logging.getLogger(__name__)

MIN_MESSAGES = 5
MIN_TOPIC_SIZE = 3  # messages from people a topic needs
MAX_TOPICS = 10
SAME_TOPIC = 0.4  # similarity above which two conversations are one topic
SPLIT_BELOW = 0.14  # similarity of a learned link's two sides below which the link is cut
SIDE_STEPS = 2  # links walked from each end of a link to read what its side talks about
TITLE_WORDS = 3
CORE_SHARE = 0.5  # of a topic's messages, those most about it open and answer its recap
_WORD = re.compile(r"[^\W\d_][\w'’-]*\w")
_CHAT_WORDS = frozenset(  # chat filler that says nothing about a topic
    "lol lmao haha yeah yes yep nah okay ok just like really actually honestly literally "  # noqa: SIM905
    "gonna wanna got get thing things think know said says say way pretty kind sure "
    "anyone someone everyone btw tbh imo idk thanks thank morning evening hey hi "
    "good great nice cool wait right probably maybe still also though".split()
)


@dataclass
class TopicSummary:
    """One topic: its title, its recap, who took part (most messages first) and its messages."""

    title: str
    recap: list[RecapLine]
    participants: list[str]
    messages: list[ChatMessage] = field(default_factory=list)

    @property
    def key_messages(self) -> list[ChatMessage]:
        """The messages the recap draws on, each once, in the order it cites them."""
        seen: dict[str, ChatMessage] = {}
        for line in self.recap:
            for message in line.sources:
                seen.setdefault(message.id, message)
        return list(seen.values())


@dataclass
class ChannelSummary:
    """The topics of a stretch of channel history, largest first, and its overall figures.

    `conversations` holds every message read, each in exactly one conversation (bots and
    commands alone), as lists of message ids by first message; `people_conversations` counts
    those with a message written by a person.
    """

    topics: list[TopicSummary]
    message_count: int
    participants: int
    first: datetime
    last: datetime
    conversations: list[list[str]] = field(default_factory=list)
    people_conversations: int = 0


def words_of(text: str, names: frozenset[str]) -> list[str]:
    """The stems of the words of text that can name a topic (no stop words, filler or names)."""
    found = (w.replace("’", "'") for w in _WORD.findall(text.lower()))
    return [
        stem(w)
        for w in found
        if len(w) > 2
        and "'" not in w
        and w not in STOPWORDS
        and w not in _CHAT_WORDS
        and w not in names
    ]


def name_words(messages: list[ChatMessage]) -> frozenset[str]:
    """Every author's name and the parts of it, lower-cased: names do not make a topic."""
    names = set()
    for m in messages:
        name = m.author.lower()
        names.add(name)
        names.update(part for part in re.split(r"[^a-z0-9]+", name) if part)
        names.update(mention.lower() for mention in m.mentions)
    return frozenset(names)


def stem_counts(groups: list[list[str]]) -> np.ndarray:
    """(groups, terms) stem counts of each group."""
    vocab: dict[str, int] = {}
    for stems in groups:
        for term in stems:
            vocab.setdefault(term, len(vocab))
    counts = np.zeros((len(groups), max(len(vocab), 1)), np.float32)
    for row, stems in enumerate(groups):
        for term in stems:
            counts[row, vocab[term]] += 1
    return counts


def inverse_frequency(counts: np.ndarray) -> np.ndarray:
    """The terms' inverse document frequency over the rows of (rows, terms) counts."""
    df = (counts > 0).sum(0)
    return np.log((1 + len(counts)) / (1 + df)) + 1


def keyword_rows(counts: np.ndarray, idf: np.ndarray) -> np.ndarray:
    """Unit TF-IDF rows (log-scaled counts) of stem counts."""
    rows = np.log1p(counts) * idf
    return rows / np.maximum(np.linalg.norm(rows, axis=-1, keepdims=True), 1e-9)


def unit(v: np.ndarray) -> np.ndarray:
    """v scaled to unit length (zero stays zero)."""
    norm = np.linalg.norm(v)
    return v / norm if norm else v


def likeness(
    centroids: np.ndarray,
    keywords: np.ndarray,
    other_centroids: np.ndarray,
    other_keywords: np.ndarray,
) -> np.ndarray:
    """How alike groups of messages are: the mean of their MiniLM centroids' cosine and of
    their keywords' TF-IDF cosine (rows or single vectors of unit length)."""
    return 0.5 * (centroids @ other_centroids.T) + 0.5 * (keywords @ other_keywords.T)


def is_explicit(ordered: list[ChatMessage], child: int, parent: int) -> bool:
    """Whether people made the link: a Discord reply, or a mention of the parent's author."""
    message, target = ordered[child], ordered[parent]
    mentioned = {name.lower() for name in message.mentions}
    return message.reply_to == target.id or target.author.lower() in mentioned


def side(start: int, across: int, neighbours: list[list[int]]) -> list[int]:
    """The messages within SIDE_STEPS links of start, not reached through across."""
    seen, frontier = {start}, [start]
    for _ in range(SIDE_STEPS):
        frontier = [j for i in frontier for j in neighbours[i] if j != across and j not in seen]
        seen.update(frontier)
    return list(seen)


def topic_parents(
    ordered: list[ChatMessage],
    parents: list[int],
    vectors: np.ndarray,
    stems: list[list[str]],
    conversations: list[list[int]],
) -> list[int]:
    """parents without the learned links whose two sides talk about different things.

    Each side of a link is what lies within SIDE_STEPS links of one end, and the sides are
    compared as conversations are (likeness, keywords weighed over the conversations); below
    SPLIT_BELOW the link is cut, the message then starting a conversation. Links people made
    (is_explicit) are kept whatever their sides say.
    """
    neighbours: list[list[int]] = [[] for _ in parents]
    for child, parent in enumerate(parents):
        if child != parent:
            neighbours[child].append(parent)
            neighbours[parent].append(child)
    counts = stem_counts(stems)
    idf = inverse_frequency(np.stack([counts[c].sum(0) for c in conversations]))
    cut = list(parents)
    for child, parent in enumerate(parents):
        if child == parent or is_explicit(ordered, child, parent):
            continue
        ends = side(child, parent, neighbours), side(parent, child, neighbours)
        centroids = [unit(vectors[e].sum(0)) for e in ends]
        keywords = [keyword_rows(counts[e].sum(0), idf) for e in ends]
        if likeness(centroids[0], keywords[0], centroids[1], keywords[1]) < SPLIT_BELOW:
            cut[child] = child
    return cut


def group_conversations(
    conversations: list[list[int]], vectors: np.ndarray, stems: list[list[str]]
) -> list[list[int]]:
    """Conversations (lists of message indices) that talk about the same thing, together.

    The closest two groups (likeness) join while they are at least SAME_TOPIC alike, a group's
    centroid and keywords then being those of all its messages.
    """
    groups = [list(c) for c in conversations]
    counts = stem_counts([[s for i in c for s in stems[i]] for c in groups])
    idf = inverse_frequency(counts)
    centroids = np.stack([unit(vectors[c].sum(0)) for c in groups]) if groups else vectors[:0]
    keywords = keyword_rows(counts, idf)
    sim = likeness(centroids, keywords, centroids, keywords)
    np.fill_diagonal(sim, -np.inf)
    alive = np.ones(len(groups), bool)
    while alive.sum() > 1:
        a, b = sorted(np.unravel_index(int(np.argmax(sim)), sim.shape))
        if sim[a, b] < SAME_TOPIC:
            break
        groups[a] = sorted(groups[a] + groups[b])
        counts[a] += counts[b]
        centroids[a] = unit(vectors[groups[a]].sum(0))
        keywords[a] = keyword_rows(counts[a], idf)
        alive[b] = False
        sim[b, :] = sim[:, b] = -np.inf
        row = likeness(centroids, keywords, centroids[a], keywords[a])
        row[~alive] = -np.inf
        row[a] = -np.inf
        sim[a, :] = sim[:, a] = row
    return [g for g, keep in zip(groups, alive, strict=True) if keep]


def core_of(members: list[int], vectors: np.ndarray) -> set[int]:
    """The members closest to the topic's MiniLM centroid: the share of it most about it."""
    centroid = unit(vectors[members].sum(0))
    closeness = vectors[members] @ centroid
    keep = max(MIN_TOPIC_SIZE, math.ceil(CORE_SHARE * len(members)))
    return {members[k] for k in np.argsort(-closeness, kind="stable")[:keep]}


def title_terms(
    members: list[int], stems: list[list[str]], texts: list[str], everywhere: Counter[str]
) -> list[str]:
    """The words that set a topic apart from the rest of the channel (everywhere: how many
    messages hold each stem), as written, most telling first: frequent in the topic, rarer
    elsewhere."""
    inside = Counter(s for i in members for s in set(stems[i]))
    total, size = len(stems), len(members)
    scored = {
        term: n / size * math.log((1 + total) / (1 + everywhere[term] - n + 1))
        for term, n in inside.items()
        if n >= 2 or size < 4
    }
    best = sorted(scored, key=lambda t: (-scored[t], t))[:TITLE_WORDS]
    written = surface_forms([texts[i] for i in members])
    return [written[term].most_common(1)[0][0] if written[term] else term for term in best]


def surface_forms(texts: list[str]) -> defaultdict[str, Counter[str]]:
    """For each stem, how often the texts write each of its forms (of three letters or more)."""
    forms: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for text in texts:
        for w in _WORD.findall(text.lower()):
            if len(w) > 2:
                forms[stem(w)][w] += 1
    return forms


def people_conversations(ordered: list[ChatMessage], parents: list[int]) -> list[list[int]]:
    """The conversations of the links that people wrote: bot messages, commands and system
    messages are never linked, so a conversation's first message says whose it is."""
    return [c for c in components(parents) if is_usable(ordered[c[0]])]


def rank_participants(messages: list[ChatMessage]) -> list[str]:
    """Authors by messages written, most first; ties keep the order they first spoke in."""
    return [author for author, _ in Counter(m.author for m in messages).most_common()]


class ChannelSummarizer:
    """Separates a channel's messages into conversations and recaps the topics they form."""

    def __init__(self, embedder: Embedder) -> None:
        self.disentangler = Disentangler(embedder)

    def summarize(self, messages: list[ChatMessage]) -> ChannelSummary:
        """Topics of messages, largest first; ValueError when fewer than 5 are usable."""
        ordered = sorted(messages, key=lambda m: m.timestamp)
        usable = usable_messages(ordered)
        if len(usable) < MIN_MESSAGES:
            msg = (
                f"need at least {MIN_MESSAGES} messages written by people to summarize; "
                f"found {len(usable)} (bot messages and commands are skipped)"
            )
            raise ValueError(msg)
        threads = self.disentangler.threads(ordered)
        names = name_words(ordered)
        stems = [words_of(m.content, names) if is_usable(m) else [] for m in ordered]
        human = people_conversations(ordered, threads.parents)
        parents = topic_parents(ordered, threads.parents, threads.vectors, stems, human)
        conversations = components(parents)
        people = people_conversations(ordered, parents)
        topics = self._topics(ordered, parents, threads.vectors, stems, people)
        log.info(
            "summarize: %d messages, %d conversations, %d topics",
            len(ordered),
            len(conversations),
            len(topics),
        )
        return ChannelSummary(
            topics=topics,
            message_count=len(usable),
            participants=len({m.author for m in usable}),
            first=usable[0].timestamp,
            last=usable[-1].timestamp,
            conversations=[[ordered[i].id for i in c] for c in conversations],
            people_conversations=len(people),
        )

    def _topics(
        self,
        ordered: list[ChatMessage],
        parents: list[int],
        vectors: np.ndarray,
        stems: list[list[str]],
        people: list[list[int]],
    ) -> list[TopicSummary]:
        """Group the conversations people wrote into topics and describe each big enough to be
        one."""
        groups = group_conversations(people, vectors, stems)
        kept = [g for g in groups if len(g) >= MIN_TOPIC_SIZE]
        kept.sort(key=lambda g: (-len(g), g[0]))
        texts = [m.content for m in ordered]
        everywhere = Counter(s for row in stems for s in set(row))
        topics = []
        for members in kept[:MAX_TOPICS]:
            messages = [ordered[i] for i in members]
            terms = title_terms(members, stems, texts, everywhere)
            topics.append(
                TopicSummary(
                    title=", ".join(terms).capitalize() or quote(messages[0].content, 60),
                    recap=recap_lines(ordered, parents, members, core_of(members, vectors)),
                    participants=rank_participants(messages),
                    messages=messages,
                )
            )
        return topics


def message_ref(message: ChatMessage) -> str:
    """A jump link when the message has one, else its id."""
    return message.jump_url or f"message {message.id}"


def format_summary(summary: ChannelSummary) -> str:
    """The summary for the terminal: per topic its title, recap, people and sources."""
    span = f"{summary.first:%Y-%m-%d %H:%M} to {summary.last:%Y-%m-%d %H:%M}"
    lines = [
        f"{summary.message_count} messages from {summary.participants} people, {span}; "
        f"{summary.people_conversations} conversations, {len(summary.topics)} topics:"
    ]
    for topic in summary.topics:
        lines.append(f"• {topic.title}")
        for line in topic.recap:
            lines.append(f"  {line.text}")
            lines.extend(f"    - {message_ref(m)} ({m.author})" for m in line.sources)
        lines.append(f"  people: {', '.join(topic.participants)}")
    return "\n".join(lines)


def summary_json(summary: ChannelSummary) -> dict:
    """The summary as one JSON object: its figures, topics and every conversation found."""
    return {
        "messages": summary.message_count,
        "participants": summary.participants,
        "first": summary.first.isoformat(),
        "last": summary.last.isoformat(),
        "topics": [
            {
                "title": topic.title,
                "recap": [
                    {"text": line.text, "messages": [m.id for m in line.sources]}
                    for line in topic.recap
                ],
                "people": topic.participants,
                "messages": [m.id for m in topic.messages],
            }
            for topic in summary.topics
        ],
        "conversations": summary.conversations,
    }


_LLM_PROMPT = (
    "Here is one conversation from a chat channel, one message a line as [id] name: text.\n"
    "In one or two short lines (at most 50 words in all), say who asked or proposed what, what "
    "answer or decision came, and whether a question was left open. Name people as the chat "
    "names them, without @. Cite the messages you draw on by their id in square brackets. "
    "Reply with the lines only.\n\n{chat}"
)
_LLM_MESSAGES = 40
_REF = re.compile(r"https?://\S*discord(?:app)?\.com/channels/\S+|\b\d{15,22}\b|\[([^\]\s]+)\]")


def strip_unknown_refs(text: str, topic: TopicSummary) -> tuple[str, list[ChatMessage]]:
    """text without any jump link or message id that is not one of the topic's messages; and
    the topic's messages it cites, in order."""
    known = {ref: m for m in topic.messages for ref in (m.id, m.jump_url) if ref}
    cited: dict[str, ChatMessage] = {}

    def check(match: re.Match) -> str:
        ref = (match.group(1) or match.group(0)).rstrip(").,;:!?>]")
        if ref in known:
            cited.setdefault(known[ref].id, known[ref])
            return match.group(0)
        if match.group(1) and not any(ch.isdigit() for ch in match.group(1)):
            return match.group(0)  # a bracketed word, not a reference
        log.warning("llm recap cited a message outside its topic; dropped the reference")
        return ""

    cleaned = _REF.sub(check, text)
    return " ".join(re.sub(r"\[\s*\]|\(\s*\)", "", cleaned).split()), list(cited.values())


def llm_recap(topic: TopicSummary, chat_model) -> list[RecapLine]:
    """The chat model's recap of a topic, with invented links removed; its sources are the
    messages it cites, else those of the offline recap."""
    shown = topic.messages[:_LLM_MESSAGES]
    chat = "\n".join(f"[{m.id}] {m.author}: {quote(m.content, 300)}" for m in shown)
    reply = chat_model.invoke(_LLM_PROMPT.format(chat=chat))
    text = str(reply.content).strip()
    lines = []
    for raw in text.splitlines()[:2]:
        line, cited = strip_unknown_refs(raw.strip().lstrip("-•* "), topic)
        if line:
            lines.append(RecapLine(line, cited))
    if not lines:
        msg = "empty recap"
        raise ValueError(msg)
    if not any(line.sources for line in lines):
        lines[0] = replace(lines[0], sources=topic.key_messages)
    return lines


def llm_recaps(summary: ChannelSummary, chat_model) -> ChannelSummary:
    """summary with recaps written by a LangChain chat model; offline ones on any failure."""
    topics = []
    for topic in summary.topics:
        try:
            recap = llm_recap(topic, chat_model)
        except Exception as exc:  # any backend failure keeps the offline recap
            log.warning("llm recap failed (%s); keeping the offline one", exc)
            recap = topic.recap
        topics.append(replace(topic, recap=recap))
    return replace(summary, topics=topics)
