"""Tests for bot.summaries.conversations: the linker's rules, its chat adapter and weights
file, and conversations found by the bundled model (and on an IRC excerpt when ../shared is
here)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from bot.summaries.conversations import (
    LINKS_FILE,
    Disentangler,
    chat_lines,
    components,
    link,
    load_links,
    save_links,
    text_vectors,
)
from bot.summaries.messages import ChatMessage
from ingest.embed import Embedder
from tests.paths import SHARED, shared_file

START = datetime(2025, 6, 10, 9, 0, 30, tzinfo=UTC)
TWO_PAIRS = [  # two conversations between two pairs, interleaved message by message
    ("alice", "@bob did you get the ferry timetable for the island trip", ()),
    ("carol", "@dan the printer on floor two is jammed again", ()),
    ("bob", "@alice yes, the late sailing leaves at nine on fridays", ()),
    ("dan", "@carol I'll call facilities about the printer", ()),
    ("alice", "@bob great, then we book the nine o'clock ferry", ()),
    ("carol", "@dan thanks, it has been jammed since monday", ()),
    ("bob", "@alice booked two tickets on the ferry just now", ()),
    ("dan", "@carol facilities say the printer gets fixed tomorrow", ()),
]


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    """The bundled MiniLM on one thread, as the bot runs it."""
    return Embedder(threads=1)


@pytest.fixture(scope="module")
def disentangler(embedder) -> Disentangler:
    """The linker with the bundled weights."""
    return Disentangler(embedder)


def chat(rows, start=START, step=timedelta(minutes=1)) -> list[ChatMessage]:
    """ChatMessages for (author, text, mentions) rows, one step apart; "@name" is a mention."""
    return [
        ChatMessage(
            id=f"m{n}",
            author=author,
            content=text,
            timestamp=start + n * step,
            mentions=tuple(w[1:] for w in text.split() if w.startswith("@")) + tuple(extra),
        )
        for n, (author, text, extra) in enumerate(rows)
    ]


def test_interleaved_pairs_are_two_conversations(disentangler):
    """Two pairs talking at once, each addressing the other by mention, are two conversations."""
    messages = chat(TWO_PAIRS)
    groups = [[messages[i].author for i in c] for c in disentangler.conversations(messages)]
    assert sorted(map(sorted, groups)) == [
        ["alice", "alice", "bob", "bob"],
        ["carol", "carol", "dan", "dan"],
    ]


def test_a_reply_is_linked_to_what_it_replies_to(disentangler):
    """A Discord reply is linked to its message, however far back and whatever it says."""
    messages = chat(TWO_PAIRS)
    messages.append(
        ChatMessage("late", "erin", "agreed!", messages[-1].timestamp + timedelta(hours=3))
    )
    messages[-1].reply_to = "m1"
    assert disentangler.threads(messages).parents[-1] == 1


def test_bots_and_commands_stand_alone(disentangler):
    """Bot messages, commands and joins are conversations of their own: nothing is linked to
    them, even by a reply."""
    messages = chat(TWO_PAIRS)
    bot = ChatMessage("bot", "Dispatch", "Ferry timetable: 9pm", START, is_bot=True)
    command = ChatMessage("cmd", "alice", "/ask ferry times", START)
    join = ChatMessage("join", "erin", "joined the server", START, is_system=True)
    for message, at in ((bot, 2), (command, 4), (join, 6)):
        message.timestamp = messages[at - 1].timestamp + timedelta(seconds=10)
        messages.insert(at, message)
    messages[-1].reply_to = "bot"
    threads = disentangler.threads(messages)
    alone = {messages.index(m) for m in (bot, command, join)}
    assert all(threads.parents[i] == i for i in alone)
    assert not [i for i, p in enumerate(threads.parents) if p in alone and p != i]
    assert not threads.vectors[sorted(alone)].any()


def test_chat_lines_name_people_as_authors_are_named():
    """Authors, mentions and names written in the text are one lower-cased identity; times are
    whole minutes; a name that is a common word is not read in the text."""
    messages = chat(
        [
            ("Maya", "hi all", ()),
            ("will", "Maya: the fares go up in march", ()),
            ("Devraj", "I will ask @Will and maya about it", ("Will",)),
        ]
    )
    lines = chat_lines(messages)
    assert [m.author for m in lines] == ["maya", "will", "devraj"]
    assert lines[1].addressed == {"maya"}
    assert lines[2].addressed == {"will", "maya"}
    assert lines[0].minutes == int(START.timestamp() // 60)
    assert not any(m.is_system for m in lines)


def test_components_are_the_linked_groups():
    """Conversations are the connected components of the links, by first message."""
    assert components([0, 0, 2, 1, 2, 5]) == [[0, 1, 3], [2, 4], [5]]
    assert components([]) == []


def test_weights_file_round_trips_and_refuses_other_features(tmp_path):
    """The weights file saves and loads unchanged; weights learned on other features refuse to
    run rather than link at random."""
    model = load_links()
    assert LINKS_FILE.stat().st_size < 400_000
    copy = tmp_path / "links.npz"
    save_links(model, copy)
    again = load_links(copy)
    assert np.array_equal(again.networks[0].w_pair, model.networks[0].w_pair)
    assert np.array_equal(again.idf, model.idf)
    again.feature_names = [*again.feature_names[:-1], "something_else"]
    lines = chat_lines(chat(TWO_PAIRS))
    with pytest.raises(ValueError, match="other features"):
        link(lines, again, np.zeros((len(lines), 384), np.float32))


def test_text_vectors_embed_each_text_once(embedder):
    """Repeated texts share one MiniLM vector; system lines get zeros."""
    messages = chat([("a", "the ferry is late", ()), ("b", "the ferry is late", ())])
    messages.append(ChatMessage("x", "Dispatch", "the ferry is late", START, is_bot=True))
    vectors = text_vectors(embedder, chat_lines(messages))
    assert np.allclose(vectors[0], vectors[1]) and np.isclose(np.linalg.norm(vectors[0]), 1.0)
    assert not vectors[2].any()


def test_irc_excerpt_beats_the_previous_message_baseline(embedder):
    """On 350 lines of an IRC dev log the bundled model's conversations match the annotators'
    far better than linking each line to the one before."""
    shared_file(SHARED / "bench" / "irc_disentanglement" / "dev" / "2009-03-03_10.raw.txt")
    from bench import cluster_scores, ircdata
    from bench.disentangle import previous_message

    sample = ircdata.load_sample("dev", "2009-03-03_10")
    lines = sample.lines[800:1150]
    excerpt = ircdata.Sample(sample.name, lines, {})
    gold_links = {c - 800: [p - 800 for p in ps] for c, ps in sample.gold.items() if c < 1150}
    first = ircdata.FIRST_ANNOTATED - 800

    def clusters(parents):
        links = {i: [p] for i, p in enumerate(parents) if i >= first}
        return {sample.name: cluster_scores.clusters_from_links(links, first)}

    gold = {sample.name: cluster_scores.clusters_from_links(gold_links, first)}
    ours = cluster_scores.score(
        gold, clusters(link(lines, load_links(), text_vectors(embedder, lines)))
    )
    baseline = cluster_scores.score(gold, clusters(previous_message(excerpt)))
    assert ours["1-1"] > baseline["1-1"] + 30
    assert ours["VI"] > 85 and ours["F"] > 30
