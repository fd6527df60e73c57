"""Tests for bot.summaries.summarize and the summary metrics, with the real embedding model and
the bundled link weights."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from bench.summaries import (
    CHATLOG,
    OPS_CHATLOG,
    link_precision,
    load_labels,
    majority_label,
    topic_recall,
)
from bot.summaries.chat_export import load_chat_export
from bot.summaries.messages import ChatMessage, usable_messages
from bot.summaries.recap import RecapLine
from bot.summaries.summarize import (
    ChannelSummarizer,
    ChannelSummary,
    TopicSummary,
    format_summary,
    group_conversations,
    llm_recaps,
    summary_json,
    topic_parents,
)
from ingest.embed import Embedder

FIVE_TOPICS = Path(__file__).parent / "data" / "five_topics.json"
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
    """A summarizer over the real bundled embedding model, on one thread as the bot runs it."""
    return ChannelSummarizer(Embedder(threads=1))


@pytest.fixture(scope="module")
def log_summary(summarizer) -> ChannelSummary:
    """The summary of the labelled chat log."""
    return summarizer.summarize(load_chat_export(CHATLOG))


@pytest.fixture(scope="module")
def ops_summary(summarizer) -> ChannelSummary:
    """The summary of the second labelled chat log (replies, mentions and bots)."""
    return summarizer.summarize(load_chat_export(OPS_CHATLOG))


def test_labelled_log_topics(log_summary):
    """On the news log every labelled topic is covered and at least 9 in 10 recap links point at
    messages of their topic (the figures make bench prints; these floors guard its goals)."""
    assert topic_recall(log_summary, load_labels()) >= 0.9
    assert link_precision(log_summary, load_labels()) >= 0.9


def test_second_labelled_log_topics(ops_summary):
    """On the project-channel log at least 8 of its 10 topics are covered (make bench gives 9
    at a narrow cut; the floor leaves one topic to the model's rounding on other CPUs) and 9
    in 10 recap links point at messages of their topic."""
    labels = load_labels(OPS_CHATLOG)
    assert topic_recall(ops_summary, labels) >= 0.8
    assert link_precision(ops_summary, labels) >= 0.9


@pytest.mark.xfail(
    strict=True,
    reason="the linker joins the five round-robin threads; cut, they make three topics (README)",
)
def test_five_interleaved_topics_are_five(summarizer):
    """The 40-message chat of five interleaved news topics gives five topics, one per label."""
    summary = summarizer.summarize(load_chat_export(FIVE_TOPICS))
    labels = load_labels(FIVE_TOPICS)
    assert len(summary.topics) == 5
    assert topic_recall(summary, labels) == 1.0


def test_every_message_is_in_exactly_one_conversation(ops_summary):
    """The conversations hold every message read, each once, bot messages and commands alone,
    and a topic never splits one: its messages are whole conversations."""
    messages = load_chat_export(OPS_CHATLOG)
    found = [m for c in ops_summary.conversations for m in c]
    assert sorted(found) == sorted(m.id for m in messages)
    skipped = {m.id for m in messages if m not in usable_messages(messages)}
    assert skipped and all(len(c) == 1 for c in ops_summary.conversations if set(c) & skipped)
    assert ops_summary.people_conversations == len(ops_summary.conversations) - len(skipped)
    conversation_of = {m: tuple(c) for c in ops_summary.conversations for m in c}
    for topic in ops_summary.topics:
        ids = {m.id for m in topic.messages}
        assert all(set(conversation_of[m]) <= ids for m in ids)


def test_replies_hold_their_conversation_together(ops_summary):
    """A reply is always in the conversation of the message it replies to (bots aside)."""
    messages = {m.id: m for m in load_chat_export(OPS_CHATLOG)}
    conversation_of = {m: i for i, c in enumerate(ops_summary.conversations) for m in c}
    for message in messages.values():
        target = messages.get(message.reply_to)
        if target is not None and not target.is_bot:
            assert conversation_of[message.id] == conversation_of[target.id]


def test_bots_and_commands_are_skipped(log_summary):
    """Bot messages and / or ! commands are neither counted nor linked nor credited."""
    messages = load_chat_export(CHATLOG)
    people = [m for m in messages if not m.is_bot and m.content[0] not in "/!"]
    assert log_summary.message_count == len(people) < len(messages)
    linked = [m for t in log_summary.topics for m in t.key_messages]
    assert linked and not [m for m in linked if m.is_bot or m.content[0] in "/!"]
    assert "Dispatch" not in {p for t in log_summary.topics for p in t.participants}


def test_recaps_name_people_and_link_their_topic(ops_summary):
    """Each topic has a title and one or two recap lines that name their sources' authors by
    display name (no pings), and link only messages of the topic."""
    for topic in ops_summary.topics:
        assert topic.title and 1 <= len(topic.recap) <= 2
        ids = {m.id for m in topic.messages}
        for line in topic.recap:
            assert line.sources and {m.id for m in line.sources} <= ids
            assert all(m.author in line.text for m in line.sources)
            assert "<@" not in line.text


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
    """Two interleaved conversations give topics credited only to their own speakers."""
    summary = summarizer.summarize(chat(BIKES))
    groups = [{"alice", "bob"}, {"carol", "dan"}]
    assert summary.topics
    for topic in summary.topics:
        assert {m.author for m in topic.key_messages} <= set(topic.participants)
        assert any(set(topic.participants) <= group for group in groups)
    assert (summary.message_count, summary.participants) == (12, 4)


def test_conversations_about_one_thing_are_one_topic():
    """Conversations whose words and vectors agree are grouped; an unrelated one stays apart."""
    vectors = [[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]]
    stems = [["fare", "tram"], ["fare", "tram", "strike"], ["lava", "ash"]]
    groups = group_conversations([[0], [1], [2]], np.array(vectors), stems)
    assert sorted(groups) == [[0, 1], [2]]


def test_links_between_different_things_are_cut_unless_people_made_them():
    """A learned link whose two sides share neither words nor direction is cut, the others kept;
    a reply or a mention across the same link keeps it."""
    rows = [("a", "tram fares"), ("b", "tram strike"), ("a", "fares rise")]
    rows += [("c", "lava flow"), ("d", "ash cloud"), ("c", "lava ash")]
    messages = chat(rows)
    vectors = np.array([[1.0, 0.0]] * 3 + [[0.0, 1.0]] * 3)
    stems = [text.split() for _, text in rows]
    parents = [0, 0, 1, 2, 3, 4]
    assert topic_parents(messages, parents, vectors, stems, [list(range(6))]) == [0, 0, 1, 3, 3, 4]
    messages[3].reply_to = messages[2].id
    assert topic_parents(messages, parents, vectors, stems, [list(range(6))]) == parents
    messages[3].reply_to, messages[3].mentions = None, ("A",)
    assert topic_parents(messages, parents, vectors, stems, [list(range(6))]) == parents


def topic(*labels: str, author: str = "x") -> TopicSummary:
    """A topic whose recap cites messages with the given ids (the ids double as labels)."""
    messages = [ChatMessage(f"{lab}{n}", author, lab, START) for n, lab in enumerate(labels)]
    return TopicSummary(f"title {labels}", [RecapLine(f"{author} said", messages)], [author])


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


def test_format_summary_shows_titles_recaps_people_and_links():
    """The terminal form lists each title, its recap lines, a link (or id) per source, and
    its people."""
    linked = topic("a", "b")
    linked.recap[0].sources[0].jump_url = "https://discord.com/channels/1/2/a0"
    text = format_summary(summary_of(linked))
    assert "• title ('a', 'b')" in text
    assert "  x said" in text
    assert "https://discord.com/channels/1/2/a0 (x)" in text
    assert "message b1 (x)" in text
    assert "people: x" in text


def test_summary_json_lists_every_conversation():
    """The JSON form is one object with the topics and every conversation as message ids."""
    summary = summary_of(topic("a", "b"))
    summary.conversations = [["a0", "b1"], ["c9"]]
    data = json.loads(json.dumps(summary_json(summary)))
    assert data["conversations"] == [["a0", "b1"], ["c9"]]
    assert data["topics"][0]["recap"] == [{"text": "x said", "messages": ["a0", "b1"]}]
    assert data["messages"] == 10


class BrokenChatModel(FakeListChatModel):
    """A chat model whose backend always fails."""

    def _call(self, *args, **kwargs) -> str:
        """Fail like an unreachable server."""
        raise ConnectionError("backend down")


def test_llm_recaps_drop_invented_links():
    """An LLM recap keeps links to the topic's own messages, loses invented ones, and links the
    messages it cites."""
    real = ChatMessage("1382710000941686509", "maya", "fares up?", START)
    real.jump_url = "https://discord.com/channels/1/2/1382710000941686509"
    other = ChatMessage("m-2", "devraj", "yes, to 3.25", START)
    summary = summary_of(
        TopicSummary("Fare", [RecapLine("maya asked", [real])], ["maya"], [real, other])
    )
    reply = (
        f"- maya asked about fares [{real.id}] {real.jump_url}; devraj answered [m-2] "
        "(see [1399999999999999999] and https://discord.com/channels/1/2/1399999999999999999)"
    )
    (line,) = llm_recaps(summary, FakeListChatModel(responses=[reply])).topics[0].recap
    assert line.text.startswith("maya asked about fares")
    assert real.id in line.text and real.jump_url in line.text
    assert "1399999999999999999" not in line.text
    assert [m.id for m in line.sources] == [real.id, "m-2"]


@pytest.mark.parametrize(
    "model", [BrokenChatModel(responses=["x"]), FakeListChatModel(responses=[" "])]
)
def test_llm_recaps_fall_back_to_offline(model):
    """A failing or empty LLM reply leaves the offline recap and its links in place."""
    summary = summary_of(topic("a", "a"))
    rewritten = llm_recaps(summary, model)
    assert rewritten.topics[0].recap == summary.topics[0].recap
