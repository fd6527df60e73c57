"""Tests for `newsdesk summarize`: the text summary and the --json output for tools, on the
project's chat JSON and on a Discord export, with the real models."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from bench.summaries import OPS_CHATLOG, extend_log, load_labels
from bot.cli import main
from bot.summaries.chat_export import load_chat_export


def summarize(capsys, *args) -> tuple[int, str, str]:
    """Run `newsdesk summarize ARGS` in this process: exit code, stdout, stderr."""
    code = main(["summarize", *(str(a) for a in args)])
    out, err = capsys.readouterr()
    return code, out, err


def chat_rows(count: int) -> list[dict]:
    """count messages of the project-channel log (copied on where it is shorter), as the
    project's chat JSON, with replies kept."""
    messages = load_chat_export(OPS_CHATLOG)
    big, _ = extend_log(messages, load_labels(OPS_CHATLOG), count)
    rows = []
    for m in big:
        row = asdict(m) | {"timestamp": m.timestamp.isoformat(), "mentions": list(m.mentions)}
        rows.append({k: v for k, v in row.items() if v not in (None, False, [])})
    return rows


def test_json_lists_every_message_in_exactly_one_conversation(capsys, tmp_path):
    """--json prints one object whose conversations hold each of 1,500 input ids exactly once,
    as written in the input; a reply shares its conversation with the message it answers."""
    rows = chat_rows(1500)
    new_id = {row["id"]: f"msg-{n}" for n, row in enumerate(rows)}
    for row in rows:  # ids are any strings, not only Discord snowflakes
        row["id"] = new_id[row["id"]]
        if "reply_to" in row:
            row["reply_to"] = new_id[row["reply_to"]]
    assert any("reply_to" in row for row in rows)
    path = tmp_path / "chat.json"
    path.write_text(json.dumps(rows), encoding="utf-8")

    code, out, _ = summarize(capsys, path, "--json")

    assert code == 0
    data = json.loads(out)
    found = [m for conversation in data["conversations"] for m in conversation]
    assert sorted(found) == sorted(row["id"] for row in rows)
    conversation_of = {m: n for n, c in enumerate(data["conversations"]) for m in c}
    bots = {row["id"] for row in rows if row.get("is_bot")}
    assert bots and all(len(data["conversations"][conversation_of[b]]) == 1 for b in bots)
    for row in rows:
        if "reply_to" in row and row["reply_to"] not in bots:
            assert conversation_of[row["id"]] == conversation_of[row["reply_to"]]
    assert data["topics"] and all(t["recap"] and t["people"] for t in data["topics"])


def test_json_reads_a_discord_export(capsys, tmp_path):
    """A DiscordChatExporter file gives conversations of its ids, joins and bots alone, and a
    reply in the conversation of the message it answers."""
    author = {"id": "5", "name": "maya_r", "nickname": "Maya", "isBot": False}
    other = {"id": "8", "name": "devraj", "nickname": "Dev", "isBot": False}
    texts = [
        (author, "does the tram fare rise start in march or in april this year?"),
        (other, "it starts in march, the council confirmed it last night"),
        (author, "and students lose their tram fare discount as well?"),
        (other, "yes, the student discount on tram fares ends with the rise"),
        (author, "thanks, I will sign the petition against the tram fare rise"),
    ]
    messages = [
        {
            "id": str(900 + n),
            "type": "Reply" if n else "Default",
            "timestamp": f"2025-06-10T08:{30 + n:02d}:00+00:00",
            "content": text,
            "author": who,
            **({"reference": {"messageId": str(899 + n)}} if n else {}),
        }
        for n, (who, text) in enumerate(texts)
    ]
    messages.append(
        {
            "id": "990",
            "type": "GuildMemberJoin",
            "timestamp": "2025-06-10T08:40:00+00:00",
            "content": "",
            "author": {"id": "6", "name": "newbie", "nickname": None, "isBot": False},
        }
    )
    export = {"guild": {"id": "111"}, "channel": {"id": "222"}, "messages": messages}
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export), encoding="utf-8")

    code, out, _ = summarize(capsys, path, "--json")

    assert code == 0
    data = json.loads(out)
    assert sorted(data["conversations"]) == [["900", "901", "902", "903", "904"], ["990"]]
    (topic,) = data["topics"]
    assert topic["people"] == ["Maya", "Dev"]
    assert all("@" not in line["text"] for line in topic["recap"])


def test_text_summary_names_conversations_and_recaps(capsys):
    """Without --json the summary is text: its counts, then per topic a title and a recap line
    naming who said what, with the ids of the messages it draws on."""
    code, out, _ = summarize(capsys, OPS_CHATLOG)

    assert code == 0
    head, *rest = out.splitlines()
    assert "conversations" in head and "topics:" in head
    assert any(line.startswith("• ") for line in rest)
    assert any(" asked: “" in line or " proposed: “" in line for line in rest)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[", "malformed JSON"),
        ('[{"id": "1", "author": "maya"}]', "message 1"),
    ],
)
def test_bad_chat_file_is_a_clear_error(capsys, tmp_path, content, message):
    """A malformed chat file exits 2 with a message saying what is wrong."""
    path = tmp_path / "chat.json"
    path.write_text(content, encoding="utf-8")

    code, out, err = summarize(capsys, path, "--json")

    assert code == 2 and not out
    assert err.startswith("error: ") and message in err
