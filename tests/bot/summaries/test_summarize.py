"""Tests for bot.summaries.summarize and the summary metrics, with the real embedding model."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from scipy.sparse import csr_matrix

from bench.summaries import (
    CHATLOG,
    link_precision,
    load_labels,
    majority_label,
    topic_recall,
)
from bot.summaries.chat_export import load_chat_export
from bot.summaries.summarize import (
    ChannelSummarizer,
    ChannelSummary,
    ChatMessage,
    TopicSummary,
    assign_rest,
    format_summary,
    llm_bullets,
    usable_messages,
)
from ingest.embed import Embedder

START = datetime(2025, 6, 10, 9, 0, tzinfo=UTC)
BIKES = [
    ("alice", "the council approved the protected bike lane on Elm street"),
    ("carol", "did you see the volcano in Iceland erupted again overnight"),
    ("bob", "about time, cycling on Elm street next to the buses is terrifying"),
    ("alice", "the bike lane takes out forty parking spaces, shop owners are furious"),
    ("carol", "lava is flowing towards the fishing town, they evacuated everyone"),
    ("dan", "flights from Reykjavik are cancelled because of the volcanic ash cloud"),
    ("alice", "construction of the cycle lane starts in april and lasts three months"),
    ("bob", "the parking argument is silly, most cyclists shop locally anyway"),
    ("dan", "geologists say the eruption could go on for weeks, magma is still rising"),
    ("carol", "the fishing town's harbour might be cut off by the lava flow"),
    ("alice", "cyclists want the bike lane extended to the university campus too"),
    ("dan", "ash from the eruption reached Norway, air quality warnings there"),
]


def chat(rows, start=START) -> list[ChatMessage]:
    """ChatMessages for (author, text) rows, a minute apart."""
    return [
        ChatMessage(str(n), author, text, start + timedelta(minutes=n))
        for n, (author, text) in enumerate(rows, 1)
    ]


@pytest.fixture(scope="module")
def summarizer() -> ChannelSummarizer:
    """A summarizer over the real bundled embedding model."""
    return ChannelSummarizer(Embedder())


@pytest.fixture(scope="module")
def log_summary(summarizer) -> ChannelSummary:
    """The summary of the labelled chat log."""
    return summarizer.summarize(load_chat_export(CHATLOG))


def test_labelled_log_topic_recall(log_summary):
    """The summary names at least 90% of the labelled topics of the chat log."""
    assert topic_recall(log_summary, load_labels()) >= 0.9


def test_labelled_log_link_precision(log_summary):
    """At least 90% of the summary's links point at messages of their bullet's topic."""
    assert link_precision(log_summary, load_labels()) >= 0.9


def test_bots_and_commands_are_skipped(log_summary):
    """Bot messages and / or ! commands are neither counted nor linked nor credited."""
    messages = load_chat_export(CHATLOG)
    people = [m for m in messages if not m.is_bot and m.content[0] not in "/!"]
    assert log_summary.message_count == len(people) < len(messages)
    linked = [m for t in log_summary.topics for m in t.key_messages]
    assert not [m for m in linked if m.is_bot or m.content[0] in "/!"]
    assert "Dispatch" not in {p for t in log_summary.topics for p in t.participants}


def test_usable_messages_filter():
    """usable_messages drops bot messages, commands (after leading spaces) and blank text."""
    rows = chat(
        [("a", "fares are going up"), ("b", " /summarize"), ("c", "!remind 6pm"), ("d", "  ")]
    )
    rows.append(ChatMessage("9", "Dispatch", "Top story: fares up", START, is_bot=True))
    assert [m.author for m in usable_messages(rows)] == ["a"]


def test_too_few_usable_messages_is_a_clear_error(summarizer):
    """Fewer than 5 messages from people raises ValueError saying so, however many bots spoke."""
    rows = chat(BIKES[:4]) + [
        ChatMessage(f"b{n}", "Dispatch", "Top story: bike lane approved", START, is_bot=True)
        for n in range(10)
    ]
    with pytest.raises(
        ValueError, match="at least 5 messages written by people to summarize; found 4"
    ):
        summarizer.summarize(rows)


def test_participants_are_the_authors_of_their_topic(summarizer):
    """Two interleaved conversations give bullets credited only to their own speakers."""
    summary = summarizer.summarize(chat(BIKES))
    groups = [{"alice", "bob"}, {"carol", "dan"}]
    for topic in summary.topics:
        assert {m.author for m in topic.key_messages} <= set(topic.participants)
        assert any(set(topic.participants) <= group for group in groups)
    bikes = next(t for t in summary.topics if "alice" in t.participants)
    assert bikes.participants == ["alice", "bob"]
    assert (summary.message_count, summary.participants) == (12, 4)


def test_labelled_log_participants_wrote_in_the_channel(log_summary):
    """Every credited participant wrote a usable message, and key messages' authors are credited."""
    authors = {m.author for m in usable_messages(load_chat_export(CHATLOG))}
    for topic in log_summary.topics:
        assert set(topic.participants) <= authors
        assert {m.author for m in topic.key_messages} <= set(topic.participants)


def test_assign_rest_joins_by_keywords():
    """Messages left out of the embedded sample join the cluster they share keywords with."""
    tfidf = csr_matrix(np.array([[1, 0], [0, 1], [0.6, 0.8], [0.9, 0.1], [0, 0]], dtype=float))
    full = assign_rest(tfidf, labels=np.array([4, 7]), sampled=np.array([0, 1]))
    assert full.tolist() == [4, 7, 7, 4, -1]


def topic(*labels: str, author: str = "x") -> TopicSummary:
    """A topic whose key messages have the given ids (the ids double as labels in tests)."""
    messages = [ChatMessage(f"{lab}{n}", author, lab, START) for n, lab in enumerate(labels)]
    return TopicSummary(f"bullet {labels}", [author], messages)


def summary_of(*topics: TopicSummary) -> ChannelSummary:
    """A ChannelSummary around hand-made topics."""
    return ChannelSummary(list(topics), 10, 1, START, START)


LABELS = {f"{lab}{n}": lab for lab in "abcde" for n in range(3)}


def test_majority_label_needs_more_than_half():
    """A topic takes a label only when more than half of its key messages carry it."""
    assert majority_label(topic("a", "a", "b"), LABELS) == "a"
    assert majority_label(topic("a", "b", "c"), LABELS) is None
    assert majority_label(topic("a", "b"), LABELS) is None


def test_topic_recall_on_hand_made_summaries():
    """Recall is labelled topics covered over labelled topics: here 2 of 5."""
    summary = summary_of(topic("a", "a", "b"), topic("b", "b", "b"), topic("c", "d", "e"))
    assert topic_recall(summary, LABELS) == pytest.approx(2 / 5)


def test_link_precision_on_hand_made_summaries():
    """Precision averages over links; links of a topic with no majority all count as misses."""
    summary = summary_of(topic("a", "a", "b"), topic("c", "d", "e"))
    assert link_precision(summary, LABELS) == pytest.approx(2 / 6)


def test_format_summary_shows_bullets_people_and_links():
    """The terminal form lists each bullet, its people and a link (or id) per key message."""
    linked = topic("a", "b")
    linked.key_messages[0].jump_url = "https://discord.com/channels/1/2/a0"
    text = format_summary(summary_of(linked))
    assert "• bullet ('a', 'b')" in text
    assert "people: x" in text
    assert "https://discord.com/channels/1/2/a0 (x)" in text
    assert "message b1 (x)" in text


class BrokenChatModel(FakeListChatModel):
    """A chat model whose backend always fails."""

    def _call(self, *args, **kwargs) -> str:
        """Fail like an unreachable server."""
        raise ConnectionError("backend down")


def test_llm_bullets_drop_invented_links():
    """An LLM bullet keeps links to the topic's own messages and loses invented ones."""
    real = ChatMessage("1382710000941686509", "maya", "fares up", START)
    real.jump_url = "https://discord.com/channels/1/2/1382710000941686509"
    summary = summary_of(TopicSummary("Fare: fares up", ["maya"], [real]))
    reply = (
        f"- Fares rise to 3.25 [{real.id}] {real.jump_url} "
        "(see [1399999999999999999] and https://discord.com/channels/1/2/1399999999999999999)"
    )
    bullet = llm_bullets(summary, FakeListChatModel(responses=[reply])).topics[0].bullet
    assert bullet.startswith("Fares rise to 3.25")
    assert real.id in bullet and real.jump_url in bullet
    assert "1399999999999999999" not in bullet


@pytest.mark.parametrize(
    "model", [BrokenChatModel(responses=["x"]), FakeListChatModel(responses=[" "])]
)
def test_llm_bullets_fall_back_to_extractive(model):
    """A failing or empty LLM reply leaves the extractive bullet and the key messages in place."""
    summary = summary_of(topic("a", "a"))
    rewritten = llm_bullets(summary, model)
    assert rewritten.topics[0].bullet == summary.topics[0].bullet
    assert rewritten.topics[0].key_messages == summary.topics[0].key_messages
