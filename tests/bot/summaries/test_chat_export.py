"""Tests for bot.summaries.chat_export: both export shapes, and every malformed file."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bench.summaries import CHATLOG, OPS_CHATLOG
from bot.summaries.chat_export import ChatExportError, load_chat_export

DCE_EXPORT = {
    "guild": {"id": "111", "name": "Newsroom"},
    "channel": {"id": "222", "name": "general", "type": "GuildTextChat"},
    "messages": [
        {
            "id": "901",
            "type": "Default",
            "timestamp": "2025-06-10T08:33:00.123+00:00",
            "content": "The council votes on the fare hike tonight",
            "author": {"id": "5", "name": "maya_r", "nickname": "Maya", "isBot": False},
        },
        {
            "id": "902",
            "type": "GuildMemberJoin",
            "timestamp": "2025-06-10T08:34:00+00:00",
            "content": "",
            "author": {"id": "6", "name": "newbie", "nickname": None, "isBot": False},
        },
        {
            "id": "903",
            "type": "Reply",
            "timestamp": "2025-06-10T08:35:00+00:00",
            "content": "Headline: council delays fare vote",
            "author": {"id": "7", "name": "Dispatch", "nickname": None, "isBot": True},
        },
        {
            "id": "904",
            "type": "Reply",
            "timestamp": "2025-06-10T08:36:00+00:00",
            "content": "@Maya it was delayed, see above",
            "author": {"id": "8", "name": "devraj", "nickname": "Dev", "isBot": False},
            "mentions": [{"id": "5", "name": "maya_r", "nickname": "Maya", "isBot": False}],
            "reference": {"messageId": "901", "channelId": "222", "guildId": "111"},
        },
    ],
}


def write(tmp_path, text: str):
    """A file holding text."""
    path = tmp_path / "chat.json"
    path.write_text(text, encoding="utf-8")
    return path


def test_plain_list_loads_with_utc_for_naive_times(tmp_path):
    """A plain list gives ChatMessages in file order; naive timestamps are read as UTC."""
    rows = [
        {"id": 1, "author": "maya", "content": "fares up again", "timestamp": "2025-06-10T08:00"},
        {
            "id": "2",
            "author": "bot",
            "content": "hi",
            "timestamp": "2025-06-10T08:01Z",
            "is_bot": 1,
        },
    ]
    messages = load_chat_export(write(tmp_path, json.dumps(rows)))
    assert [(m.id, m.author, m.is_bot) for m in messages] == [
        ("1", "maya", False),
        ("2", "bot", True),
    ]
    assert messages[0].timestamp == datetime(2025, 6, 10, 8, 0, tzinfo=UTC)
    assert messages[0].jump_url is None


def test_labelled_logs_load():
    """The project's labelled chat logs load whole, with bot messages flagged and the second
    one's replies and mentions read."""
    messages = load_chat_export(CHATLOG)
    assert len(messages) >= 300
    assert sum(m.is_bot for m in messages) == 2
    ops = load_chat_export(OPS_CHATLOG)
    assert len(ops) >= 300 and sum(m.is_bot for m in ops) == 7
    assert sum(m.reply_to is not None for m in ops) == 75
    assert sum(bool(m.mentions) for m in ops) >= 30


def test_discord_chat_exporter_shape(tmp_path):
    """A DiscordChatExporter file gives nicknames, bot flags, jump links, replies and mentions
    (by display name); a join is kept as a system message."""
    messages = load_chat_export(write(tmp_path, json.dumps(DCE_EXPORT)))
    assert [m.id for m in messages] == ["901", "902", "903", "904"]
    assert [m.author for m in messages] == ["Maya", "newbie", "Dispatch", "Dev"]
    assert [m.is_bot for m in messages] == [False, False, True, False]
    assert [m.is_system for m in messages] == [False, True, False, False]
    assert messages[0].jump_url == "https://discord.com/channels/111/222/901"
    assert messages[0].timestamp.microsecond == 123000
    assert (messages[3].reply_to, messages[3].mentions) == ("901", ("Maya",))
    assert messages[0].reply_to is None and messages[0].mentions == ()


def test_plain_list_reads_replies_and_mentions(tmp_path):
    """In the project's chat JSON a reply is "reply_to"; mentions are a "mentions" list and the
    @names written in the text (not e-mail addresses); ids may be any strings."""
    rows = [
        {"id": "a-1", "author": "maya", "content": "fares up", "timestamp": "2025-06-10T08:00"},
        {
            "id": "b/2",
            "author": "devraj",
            "content": "@maya and @tom.k: mail me at dev@example.com",
            "timestamp": "2025-06-10T08:01",
            "reply_to": "a-1",
            "mentions": ["Priya"],
        },
    ]
    first, second = load_chat_export(write(tmp_path, json.dumps(rows)))
    assert (first.reply_to, first.mentions) == (None, ())
    assert second.id == "b/2" and second.reply_to == "a-1"
    assert second.mentions == ("Priya", "maya", "tom.k")


def test_malformed_json_names_line_and_column(tmp_path):
    """Broken JSON is reported with the line and column where parsing failed."""
    path = write(tmp_path, '[\n {"id": "1",\n  "author": }\n]')
    with pytest.raises(ChatExportError, match=r"malformed JSON at line 3, column 13"):
        load_chat_export(path)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"guild": {}, "chats": []}, "not a chat export"),
        (["just a string"], "message 1 is not an object"),
        (
            [{"id": "1", "author": "a", "timestamp": "2025-06-10T08:00"}],
            "message 1 has no 'content'",
        ),
        ([{"id": "1", "author": "a", "content": "x", "timestamp": "yesterday"}], "not ISO 8601"),
    ],
)
def test_wrong_shape_is_explained(tmp_path, data, expected):
    """Valid JSON of the wrong shape says which message is wrong and why."""
    with pytest.raises(ChatExportError, match=expected):
        load_chat_export(write(tmp_path, json.dumps(data)))


def test_missing_file_is_a_chat_export_error(tmp_path):
    """A path that does not exist gives a ChatExportError, not an OSError."""
    with pytest.raises(ChatExportError, match="cannot read"):
        load_chat_export(tmp_path / "nope.json")
