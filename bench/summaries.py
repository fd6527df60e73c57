"""`make bench`: channel summaries scored against two labelled chat logs, and their speed.

A summary topic covers a labelled topic when most of its key messages (the messages its recap
links to) carry that label. Topic recall is the share of labelled topics some summary topic
covers; link precision is the share of all key-message links that carry their own topic's
majority label. chatlog.json (news chat, 6 topics) is the log the summaries were shaped on;
chatlog_ops.json (an open-source project's #general: other people, topics and pace, with
replies, mentions and bots) was written for checking them; the threshold at which a conversation
is cut between topics was chosen on both.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from bot.summaries.chat_export import load_chat_export
from bot.summaries.messages import ChatMessage
from bot.summaries.summarize import ChannelSummarizer, ChannelSummary, TopicSummary
from ingest.embed import Embedder

CHATLOG = Path(__file__).resolve().parent / "data" / "chatlog.json"
OPS_CHATLOG = CHATLOG.with_name("chatlog_ops.json")
SCALE_MESSAGES = 1000
TIMING_RUNS = 3
GOAL_RECALL, GOAL_PRECISION, GOAL_SECONDS = 0.9, 0.9, 5.0
_OPENERS = ("so ", "tbh ", "ok so ", "fwiw ", "honestly ", "wait, ", "hmm ")


def load_labels(path: Path = CHATLOG) -> dict[str, str | None]:
    """Message id -> labelled topic (None for chatter, bots and commands)."""
    return {str(m["id"]): m.get("topic") for m in json.loads(path.read_text(encoding="utf-8"))}


def majority_label(topic: TopicSummary, labels: dict[str, str | None]) -> str | None:
    """The label carried by more than half of a topic's key messages, else None."""
    counts = Counter(labels.get(m.id) for m in topic.key_messages)
    label, count = counts.most_common(1)[0] if counts else (None, 0)
    return label if count * 2 > len(topic.key_messages) else None


def topic_recall(summary: ChannelSummary, labels: dict[str, str | None]) -> float:
    """Share of the labelled topics that some summary topic covers."""
    wanted = {label for label in labels.values() if label}
    covered = {majority_label(t, labels) for t in summary.topics} & wanted
    return len(covered) / len(wanted) if wanted else 1.0


def link_precision(summary: ChannelSummary, labels: dict[str, str | None]) -> float:
    """Share of all key-message links whose label is their topic's majority label."""
    hits = []
    for topic in summary.topics:
        majority = majority_label(topic, labels)
        hits += [majority is not None and labels.get(m.id) == majority for m in topic.key_messages]
    return sum(hits) / len(hits) if hits else 0.0


def varied_copy(message: ChatMessage, copy: int, span: timedelta) -> ChatMessage:
    """The copy-th variant of a message: later in time, a new id and a reworded opening."""
    if not copy:
        return message
    content = message.content
    if not is_plain(message):
        opener = _OPENERS[(copy + len(content)) % len(_OPENERS)]
        content = opener + (content.lower() if copy % 2 else content)
    return replace(
        message,
        id=f"{message.id}{copy:02d}",
        content=content,
        timestamp=message.timestamp + copy * span,
        reply_to=f"{message.reply_to}{copy:02d}" if message.reply_to else None,
    )


def is_plain(message: ChatMessage) -> bool:
    """Bot messages and commands stay as they are in copies, so they are still skipped."""
    return message.is_bot or message.content.startswith(("/", "!"))


def extend_log(
    messages: list[ChatMessage], labels: dict[str, str | None], size: int = SCALE_MESSAGES
) -> tuple[list[ChatMessage], dict[str, str | None]]:
    """size messages made of varied copies of messages, with the copies' labels."""
    span = messages[-1].timestamp - messages[0].timestamp + timedelta(days=1)
    out, out_labels = [], {}
    for n in range(size):
        copy, original = divmod(n, len(messages))
        message = varied_copy(messages[original], copy, span)
        out.append(message)
        out_labels[message.id] = labels[messages[original].id]
    return out, out_labels


def time_summaries(
    summarizer: ChannelSummarizer, messages: list[ChatMessage]
) -> tuple[ChannelSummary, list[float], list[float]]:
    """The summary of messages, and the wall-clock and process CPU seconds of each of
    TIMING_RUNS runs."""
    walls, cpus = [], []
    for _ in range(TIMING_RUNS):
        wall, cpu = time.perf_counter(), time.process_time()
        summary = summarizer.summarize(messages)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return summary, walls, cpus


def score_log(summarizer: ChannelSummarizer, path: Path) -> None:
    """Print a labelled log's size, conversations found, topic recall and link precision."""
    messages, labels = load_chat_export(path), load_labels(path)
    summary = summarizer.summarize(messages)
    topics = len({label for label in labels.values() if label})
    print(
        f"{path.name}: {len(messages)} messages, {topics} labelled topics; "
        f"{len(summary.conversations)} conversations, {len(summary.topics)} summary topics"
    )
    print(f"  topic recall    {topic_recall(summary, labels):.2f}  (goal >= {GOAL_RECALL})")
    print(f"  link precision  {link_precision(summary, labels):.2f}  (goal >= {GOAL_PRECISION})")


def bench_summaries() -> None:
    """Print topic recall and link precision on both labelled logs, and the time to summarize
    1,000 messages."""
    embedder = Embedder(threads=1)  # as the bot runs it
    embedder.encode(["warm up"])
    summarizer = ChannelSummarizer(embedder)
    print("\n== Channel summaries: two labelled chat logs ==")
    for path in (CHATLOG, OPS_CHATLOG):
        score_log(summarizer, path)
    messages, labels = load_chat_export(CHATLOG), load_labels()
    big, big_labels = extend_log(messages, labels)
    big_summary, walls, cpus = time_summaries(summarizer, big)
    print(
        f"summarize {len(big):,} messages: median {statistics.median(walls):.2f} s wall, "
        f"{statistics.median(cpus):.2f} s CPU (best of {TIMING_RUNS}: {min(walls):.2f} s)  "
        f"(goal <= {GOAL_SECONDS:.0f} s on CPU, no LLM, MiniLM on one thread included)"
    )
    print(f"load average while timing: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(
        f"on the {len(big):,}-message log: recall {topic_recall(big_summary, big_labels):.2f}, "
        f"precision {link_precision(big_summary, big_labels):.2f}"
    )
