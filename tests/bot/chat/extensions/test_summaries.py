"""End to end: /summarize and "Summarize from here" over channel history read through the
loopback Discord's REST routes, with replies and mentions between its messages, the real
embedding model and the bundled link weights; and `since` parsing."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from bot.chat.errors import InputError
from bot.chat.extensions.summaries.cog import MEMBER_CANNOT_READ, parse_since
from bot.chat.extensions.summaries.embeds import LLM_NOTE, summary_embed
from bot.qa.llm import LLMAnswerer
from bot.qa.service import NewsDesk
from bot.summaries.messages import ChatMessage
from bot.summaries.recap import RecapLine
from bot.summaries.summarize import ChannelSummary, TopicSummary
from tests.bot.chat.helpers import DEFERRED, EPHEMERAL, StartBot, allowed_mentions, private_reply
from tests.fake_discord import FakeDiscord, Perm
from tests.fake_discord.state import Channel, Member

JUMP = re.compile(r"\(https://discord\.com/channels/(\d+)/(\d+)/(\d+)\)")
MARKER = "zanzibarquokka"  # a word only the chat holds, to look for where it must not be
NOW = datetime(2025, 6, 10, 12, 0, tzinfo=UTC)

TRAMS = [
    ("alice", "the city council voted to raise tram fares by twenty percent from march"),
    ("bob", "twenty percent on tram fares is outrageous, my monthly pass already costs a fortune"),
    ("carol", "the tram drivers union says they will strike if the fare rise goes ahead"),
    ("alice", "a tram strike during the marathon weekend would be chaos for the whole city"),
    ("bob", "the council claims the fare increase pays for new trams on the eastern line"),
    ("dan", "new trams are nice but the eastern line timetable is the real problem"),
    ("alice", f"students get no discount on tram fares anymore, {MARKER} that is the worst part"),
    ("carol", "the union vote on the tram strike closes on friday evening"),
    ("bob", "if the drivers strike I will cycle to work, the trams are packed anyway"),
    ("dan", "the mayor said the tram fare rise could be phased in over two years"),
    ("carol", "petition against the tram fare increase already has ten thousand signatures"),
    ("alice", "I signed the fare petition this morning, the council meeting is next tuesday"),
]
VOLCANO = [
    ("dan", "the volcano in iceland erupted again last night, lava is heading for the coast"),
    ("carol", "flights from reykjavik are cancelled because of the volcanic ash cloud"),
    ("reader", "my cousin lives near the eruption site, they were evacuated before midnight"),
    ("dan", "geologists say the magma chamber is still filling so the eruption may last weeks"),
    ("bob", "the ash cloud reached scotland this morning, air quality warnings everywhere"),
    ("carol", "the fishing harbour could be cut off if the lava flow keeps moving west"),
    ("reader", "they are building earth barriers to divert the lava away from the town"),
    ("dan", "satellite images show the lava field has doubled in size since monday"),
    ("alice", "airlines say the volcanic ash will disrupt flights across europe until sunday"),
    ("reader", "the evacuated families are staying in a school gym near the volcano"),
    ("carol", "scientists measured record sulphur dioxide from the eruption fissure"),
    ("bob", "seeing the lava glow of the eruption from the plane window must be incredible"),
]
FOOTBALL = [
    ("bob", "what a cup final, the harriers scored twice in the last ten minutes"),
    ("reader", "that second goal from the free kick was the best goal of the season"),
    ("alice", "the referee should have sent off their keeper for the handball outside the box"),
    ("bob", "the harriers manager said the penalty decision changed the whole match"),
    ("dan", "the striker has now scored a goal in every round of the cup this season"),
    ("reader", "tickets for the harriers victory parade on saturday sold out within an hour"),
    ("alice", "their goalkeeper saved two penalties in the cup shootout last year as well"),
    ("bob", "harriers fans were singing outside the stadium until three after the final"),
    ("dan", "the harriers will play in europe next season thanks to the cup win"),
    ("reader", "the replay of the winning goal in the cup final has two million views"),
    ("carol", "the harriers midfield pressed so high in the second half of the match"),
    ("bob", "the cup parade route goes down the high street past the old stadium"),
]
TOPICS = {"trams": TRAMS, "volcano": VOLCANO, "football": FOOTBALL}
KEYWORDS = {
    "trams": ("tram", "fare", "strike"),
    "volcano": ("volcan", "lava", "eruption", "ash"),
    "football": ("harriers", "cup", "goal", "match"),
}
THREAD_CHAT = [
    ("alice", "the summer ferry timetable adds a late sailing to the island on fridays"),
    ("bob", "a late ferry sailing on fridays is great for weekend trips to the island"),
    ("carol", "the ferry company says the new timetable starts on the first of july"),
    ("dan", "will the late ferry sailing also run on saturdays in august"),
    ("alice", "the ferry timetable page says saturday sailings are still being planned"),
    ("bob", "ferry tickets for the new friday sailing go on sale next week"),
]


@dataclass
class Room:
    """The chat history the tests summarize, and which message ids are which."""

    topic_of: dict[str, str] = field(default_factory=dict)  # human message id -> topic
    excluded: set[str] = field(default_factory=set)  # bot messages and commands
    at: dict[str, datetime] = field(default_factory=dict)  # message id -> time
    ordered: list[dict[str, Any]] = field(default_factory=list)
    thread: Channel | None = None
    thread_ids: set[str] = field(default_factory=set)


def interleaved() -> list[tuple[str, str, str]]:
    """(topic, author, text) in blocks of four per topic, as a busy channel reads."""
    rows = []
    for start in range(0, 12, 4):
        for topic, chat in TOPICS.items():
            rows.extend((topic, author, text) for author, text in chat[start : start + 4])
    return rows


def reply_fields(target: dict[str, Any]) -> dict[str, Any]:
    """The fields that make a message a Discord reply to target."""
    return {
        "type": 19,
        "referenced_message": target,
        "message_reference": {
            "type": 0,
            "message_id": target["id"],
            "channel_id": target["channel_id"],
        },
    }


@pytest.fixture
def room(fake_discord: FakeDiscord) -> Room:
    """#general holds 36 messages on three topics from five people, two bot messages, two
    commands and a mention (two minutes apart, ending 41 minutes ago); a thread holds six.

    The topics take turns in blocks of four, as in a busy channel; each message replies to the
    previous one of its topic, but for the first of each topic and the mention."""
    world = fake_discord.world
    people: dict[str, Member] = {"reader": world.member}
    for name in ("alice", "bob", "carol", "dan"):
        people[name] = fake_discord.add_member(name)
    rows = interleaved()
    extras = {
        2: (fake_discord.bot, "Here are the sources for tram fares in the archive"),
        5: (people["bob"], "/ask what did the council say about tram fares"),
        9: (fake_discord.bot, "The volcano eruption articles are listed below"),
        12: (people["carol"], "!remind me to sign the tram fare petition"),
    }
    room = Room()
    latest: dict[str, dict[str, Any]] = {}  # topic -> its latest message
    start = datetime.now(UTC) - timedelta(minutes=121)
    mention = f"{people['alice'].mention} did you sign the tram fare petition yet"
    rows.insert(20, ("trams", "carol", mention))
    for index in range(len(rows) + len(extras)):
        at = start + timedelta(minutes=2 * index)
        if index in extras:
            author, text = extras[index]
            message = fake_discord.add_past_message(world.general, author, text, at=at)
            room.excluded.add(message["id"])
        else:
            topic, author, text = rows.pop(0)
            reply = {} if text == mention or topic not in latest else reply_fields(latest[topic])
            message = fake_discord.add_past_message(
                world.general, people[author], text, at=at, **reply
            )
            room.topic_of[message["id"]] = topic
            latest[topic] = message
        room.at[message["id"]] = at
        room.ordered.append(message)
    room.thread = fake_discord.add_thread(world.general, "Ferry timetable", owner=people["alice"])
    for index, (author, text) in enumerate(THREAD_CHAT):
        at = start + timedelta(minutes=2 * index + 1)
        message = fake_discord.add_past_message(room.thread, people[author], text, at=at)
        room.thread_ids.add(message["id"])
    return room


@pytest.fixture
async def summarybot(start_bot: StartBot, room: Room):
    """A NewsBot without the summary cooldown, started once the history is in place."""
    return await start_bot(summarize_cooldown_seconds=0)


def links(embed: dict[str, Any]) -> list[tuple[int, int, str]]:
    """(guild id, channel id, message id) of every jump link in an embed's fields."""
    return [
        (int(g), int(c), m) for f in embed.get("fields", []) for g, c, m in JUMP.findall(f["value"])
    ]


def people(embed: dict[str, Any]) -> set[str]:
    """The display names listed as taking part, over all topics."""
    names = set()
    for f in embed["fields"]:
        (line,) = [p for p in f["value"].split("\n") if p.startswith("**People:** ")]
        line = line.removeprefix("**People:** ")
        names.update(n.strip() for n in re.split(r",| and \d+ more", line) if n.strip())
    return names


def history_reads(fake: FakeDiscord, channel: Channel) -> list:
    """The bot's requests for a channel's message history."""
    path = f"/channels/{channel.id}/messages"
    return [r for r in fake.requests.items if r.method == "GET" and r.path == path]


# --- since ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", NOW - timedelta(minutes=30)),
        ("2h", NOW - timedelta(hours=2)),
        (" 3 days ", NOW - timedelta(days=3)),
        ("1w", NOW - timedelta(weeks=1)),
        ("today", datetime(2025, 6, 10, tzinfo=UTC)),
        ("Yesterday", datetime(2025, 6, 9, tzinfo=UTC)),
        ("2025-06-01", datetime(2025, 6, 1, tzinfo=UTC)),
        ("9999w", datetime(2015, 1, 1, tzinfo=UTC)),
    ],
)
def test_since_is_parsed(text: str, expected: datetime):
    """Spans count back from now, days start at midnight UTC, and nothing predates Discord."""
    assert parse_since(text, NOW) == expected


@pytest.mark.parametrize("text", ["last week", "2h ago", "-3d", "2025-13-01", "12345h", ""])
def test_since_refuses_what_it_cannot_read(text: str):
    """Anything else is refused with the forms it accepts."""
    with pytest.raises(InputError, match='"30m", "2h", "3d"'):
        parse_since(text, NOW)


def test_since_refuses_the_future():
    """A date after now cannot start a summary."""
    with pytest.raises(InputError, match="not in the past"):
        parse_since("2025-06-11", NOW)


# --- /summarize ----------------------------------------------------------------------------


async def test_summarize_a_channel(fake_discord: FakeDiscord, summarybot, room: Room):
    """/summarize reads #general's history, follows its replies and mention into three
    conversations, and posts one topic for each: a recap naming people by display name, with
    jump links to real human messages of that topic in #general only."""
    world = fake_discord.world
    handle = fake_discord.slash("summarize", {})
    message = await handle.message(timeout=30)

    assert handle.callback_type == DEFERRED
    assert not message["flags"] & EPHEMERAL
    (embed,) = message["embeds"]
    assert embed["title"] == "Summary of #general"
    assert embed["description"].startswith("**37** messages from **5** people")
    assert embed["description"].endswith(": 3 conversations.")
    assert len(embed["fields"]) == 3
    found = links(embed)
    assert found, embed
    assert {(g, c) for g, c, _ in found} == {(world.guild.id, world.general.id)}
    assert {m for _, _, m in found} <= set(room.topic_of), "links to bot messages or commands"
    topics_linked = []
    for f in embed["fields"]:
        topics = {room.topic_of[m] for _, _, m in JUMP.findall(f["value"])}
        assert len(topics) == 1, f"a topic links messages of several topics: {f}"
        topic = topics.pop()
        assert any(word in f["name"].lower() for word in KEYWORDS[topic]), f["name"]
        topics_linked.append(topic)
    assert sorted(topics_linked) == sorted(TOPICS)
    assert people(embed) == {"Alice", "Bob", "Carol", "Dan", "Reader"}
    recaps = [f["value"].split("\n")[0] for f in embed["fields"]]
    assert all(
        re.match(r"(Alice|Bob|Carol|Dan|Reader) (asked|proposed|said): “", r) for r in recaps
    )
    assert "<@" not in str(embed)
    assert history_reads(fake_discord, world.general)


async def test_summary_pings_nobody_and_stores_no_text(
    fake_discord: FakeDiscord, summarybot, room: Room, desk: NewsDesk, tmp_path: Path, caplog
):
    """The summary is sent with no allowed mentions, and no message text reaches the logs or
    any file of the bot's data folders."""
    caplog.set_level(logging.DEBUG, logger="bot")
    handle = fake_discord.slash("summarize", {})
    await handle.message(timeout=30)

    sends = [r for r in fake_discord.requests.items if r.path.startswith("/webhooks/")]
    assert sends and all(allowed_mentions(r) == {"parse": []} for r in sends if r.json)
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("bot")]
    assert any("summarized 37 messages" in line for line in ours)
    assert not any(MARKER in line for line in ours)
    for folder in (tmp_path, desk.index.data_dir):
        for path in Path(folder).rglob("*"):
            if path.is_file():
                assert MARKER.encode() not in path.read_bytes(), path


async def test_summarize_since(fake_discord: FakeDiscord, summarybot, room: Room):
    """`since: 1h` reads only the last hour: its ten messages, all linked ones inside it."""
    handle = fake_discord.slash("summarize", {"since": "1h"})
    (embed,) = (await handle.message(timeout=30))["embeds"]

    cut = datetime.now(UTC) - timedelta(hours=1)
    inside = [m for m, at in room.at.items() if at >= cut]
    assert len(inside) == 10
    assert embed["description"].startswith("**10** messages")
    assert all(room.at[m] >= cut for _, _, m in links(embed))


async def test_private_summary_is_ephemeral(fake_discord: FakeDiscord, summarybot, room: Room):
    """`private: true` defers ephemerally: only the asker sees the summary."""
    handle = fake_discord.slash("summarize", {"private": True})
    message = await handle.message(timeout=30)

    assert handle.callback_data == {"flags": EPHEMERAL}
    assert message["flags"] & EPHEMERAL
    assert message["embeds"][0]["title"] == "Summary of #general"
    assert all(m["id"] != message["id"] for m in fake_discord.channel_messages(room.thread.parent))


async def test_summarize_a_thread(fake_discord: FakeDiscord, summarybot, room: Room):
    """Run in a thread, or pointed at one, /summarize reads that thread and links only to it."""
    in_thread = fake_discord.slash("summarize", {}, channel=room.thread)
    pointed = fake_discord.slash("summarize", {"channel": room.thread})

    for handle in (in_thread, pointed):
        (embed,) = (await handle.message(timeout=30))["embeds"]
        assert embed["title"] == "Summary of thread “Ferry timetable”"
        assert embed["description"].startswith("**6** messages from **4** people")
        found = links(embed)
        assert found
        assert {c for _, c, _ in found} == {room.thread.id}
        assert {m for _, _, m in found} <= room.thread_ids
    assert history_reads(fake_discord, room.thread)


async def test_summarize_from_here(fake_discord: FakeDiscord, summarybot, room: Room):
    """The message menu's "Summarize from here" summarizes that message and the ones after
    it, privately."""
    target = room.ordered[30]
    handle = fake_discord.message_command("Summarize from here", target)
    message = await handle.message(timeout=30)

    assert message["flags"] & EPHEMERAL
    (embed,) = message["embeds"]
    after = [m for m in room.topic_of if int(m) >= int(target["id"])]
    assert embed["description"].startswith(f"**{len(after)}** messages")
    found = links(embed)
    assert found and all(int(m) >= int(target["id"]) for _, _, m in found)
    for f in embed["fields"]:
        assert len({room.topic_of[m] for _, _, m in JUMP.findall(f["value"])}) == 1, f


async def test_refused_when_the_member_cannot_read(
    fake_discord: FakeDiscord, start_bot: StartBot, room: Room
):
    """A member who may not read #news's history is refused, and the bot never reads it."""
    world = fake_discord.world
    fake_discord.add_past_message(world.news, world.admin, "secret plans", at=datetime.now(UTC))
    fake_discord.set_permissions(world.news, world.member, deny=Perm.READ_MESSAGE_HISTORY)
    await start_bot(summarize_cooldown_seconds=0)

    handle = fake_discord.slash("summarize", {"channel": world.news})

    assert await private_reply(fake_discord, handle) == MEMBER_CANNOT_READ
    assert history_reads(fake_discord, world.news) == []


async def test_refused_when_the_bot_cannot_read(
    fake_discord: FakeDiscord, start_bot: StartBot, room: Room
):
    """Where the bot may not read the history, the member is told which permissions it needs."""
    world = fake_discord.world
    fake_discord.set_permissions(world.news, world.bot, deny=Perm.READ_MESSAGE_HISTORY)
    await start_bot(summarize_cooldown_seconds=0)

    handle = fake_discord.slash("summarize", {"channel": world.news})

    reply = await private_reply(fake_discord, handle)
    assert reply.startswith(f"I cannot read the history of <#{world.news.id}>")
    assert "Read Message History" in reply
    assert history_reads(fake_discord, world.news) == []


async def test_too_few_messages(fake_discord: FakeDiscord, start_bot: StartBot, room: Room):
    """A channel with three human messages (plus bot messages and commands) gets a clear reply."""
    world = fake_discord.world
    at = datetime.now(UTC) - timedelta(minutes=30)
    for n, (author, text) in enumerate(
        [
            (world.member, "morning all, the ferry is late again"),
            (fake_discord.bot, "Here is what the archive says about ferries"),
            (world.admin, "/ask ferry delays"),
            (world.admin, "the ferry was late yesterday too"),
            (fake_discord.bot, "Another bot message about the ferry"),
            (world.member, "!remind me about the ferry"),
            (world.admin, "they blame the new engines on the ferry"),
        ]
    ):
        fake_discord.add_past_message(world.news, author, text, at=at + timedelta(minutes=n))
    await start_bot(summarize_cooldown_seconds=0)

    handle = fake_discord.slash("summarize", {}, channel=world.news)

    reply = await private_reply(fake_discord, handle)
    assert reply.startswith("There is not enough to summarize: I found 3 messages")
    assert "bot messages and commands are skipped" in reply


async def test_llm_writes_the_recaps(
    fake_discord: FakeDiscord, start_bot: StartBot, room: Room, desk: NewsDesk
):
    """With an LLM configured it writes the recap lines; a link or message id it invents is
    dropped, and the only links are to real messages of the channel."""
    invented = "[123456789012345678] about the tram fare row https://discord.com/channels/1/2/3"
    model = FakeListChatModel(responses=[f"- Riders argue {invented}"])
    llm_desk = NewsDesk(desk.index, desk.retriever, desk.answerer, LLMAnswerer(model, 10))
    await start_bot(desk=llm_desk, summarize_cooldown_seconds=0)

    (embed,) = (await fake_discord.slash("summarize", {}).message(timeout=30))["embeds"]

    recaps = [f["value"].split("\n")[0] for f in embed["fields"]]
    assert recaps and all(r.startswith("Riders argue about the tram fare row (") for r in recaps)
    assert LLM_NOTE in embed["footer"]["text"]
    assert "123456789012345678" not in str(embed) and "/channels/1/2/3" not in str(embed)
    found = links(embed)
    assert found and {m for _, _, m in found} <= set(room.topic_of)


def test_summary_embed_fits_and_links_only_what_was_read():
    """However long the topics, the summary fits one embed, a recap pings nobody, and a message
    that was not read from the channel is not linked."""
    when = datetime(2025, 6, 10, 9, 0, tzinfo=UTC)
    read = {str(n): f"https://discord.com/channels/1/2/{n}" for n in range(0, 75, 2)}
    topics = []
    for t in range(25):
        sources = [
            ChatMessage(str(3 * t + k), f"[Mallory]({k})", "x", when, f"https://evil/{k}")
            for k in range(3)
        ]
        line = RecapLine("**Loud** @everyone asked: " + "word " * 80, sources)
        topics.append(
            TopicSummary(
                title="**Loud** @everyone " + "word " * 80,
                recap=[line],
                participants=[f"person_{k}" for k in range(12)],
                messages=sources,
            )
        )
    summary = ChannelSummary(topics, 400, 12, when, when + timedelta(hours=1))

    embed = summary_embed(summary, "#general", read)

    assert len(embed) <= 6000
    linked = [
        url for f in embed.fields for _, url in re.findall(r"\[([^\]]*)\]\(([^)]+)\)", f.value)
    ]
    assert linked and set(linked) <= set(read.values())
    assert "https://evil" not in str(embed.to_dict())
    assert all("@everyone" not in f.name + f.value for f in embed.fields)
    assert "and 4 more" in embed.fields[0].value
