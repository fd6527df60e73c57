"""Security, end to end: no pings from article text, no posts outside the invoking channel or
thread, no admin action for plain members, and the bot token in no log and no reply."""

from __future__ import annotations

import json
import logging
import re

import pytest
from pydantic import SecretStr

from bot.qa.service import NewsDesk
from ingest.store.errors import IndexUnavailable
from tests.bot.chat.helpers import (
    FailingDesk,
    StartBot,
    allowed_mentions,
    message_sends,
    private_reply,
)
from tests.fake_discord import FakeDiscord, InteractionHandle

QUESTION = "What did Putin say about the Geneva summit?"
REFUSAL = "You need the Manage Server permission to use this command."
TOKEN = "MTIzNDU2Nzg5.security-probe.Zq7XwV3nB8kLr2TfYp0sHd"
DISCORD_LOGGERS = (
    "discord",
    "discord.client",
    "discord.gateway",
    "discord.http",
    "discord.state",
    "discord.app_commands",
    "discord.ext.commands",
    "discord.ui",
    "discord.webhook",
)
_CHANNEL_PATH = re.compile(r"^/channels/(\d+)(/|$)")


def article(title: str, text: str) -> str:
    """A Markdown article with front matter."""
    return (
        f"---\ntitle: {title}\noutlet: Harbour Street Journal\npublished: 2024-10-02\n"
        f"url: https://harbourstreet.example/{title.lower().replace(' ', '-')}\n---\n\n{text}\n"
    )


def replied_to(message: dict) -> str | None:
    """The id of the message a bot message replies to, if any."""
    reference = message.get("message_reference")
    return str(reference["message_id"]) if reference else None


def outside(fake: FakeDiscord, handles: list[InteractionHandle], channel_ids: set[int]) -> list:
    """Requests that wrote somewhere other than these interactions or these channels."""
    tokens = {h.token for h in handles}
    ids = {str(h.id) for h in handles}
    stray = []
    for r in fake.requests.items:
        if r.method == "GET":
            continue
        if r.route.startswith("/interactions/"):
            ok = r.params["interaction_id"] in ids and r.params["token"] in tokens
        elif r.route.startswith("/webhooks/"):
            ok = r.params["token"] in tokens and int(r.params["webhook_id"]) == fake.application_id
        elif match := _CHANNEL_PATH.match(r.path):
            ok = int(match.group(1)) in channel_ids
        else:
            ok = r.method == "PUT" and r.path.endswith("/commands")  # the startup sync
        if not ok:
            stray.append(r)
    return stray


async def test_article_text_cannot_ping_anyone(fake_discord: FakeDiscord, newsbot, desk: NewsDesk):
    """An article saying @everyone <@id> is quoted in answers sent with no mention allowed."""
    world = fake_discord.world
    hostile = (
        f"@everyone @here <@{world.admin.user.id}> <@&{world.admin_role.id}> the Quayside "
        "pumping station flooded on Tuesday, engineers said. "
    )
    upload = fake_discord.attachment(
        "pump.md", article("Quayside pumping station floods", hostile * 4)
    )
    await fake_discord.slash("ingest", {"attachment": upload}, user=world.admin).message(timeout=30)
    question = "What happened at the Quayside pumping station?"

    asked = await fake_discord.slash("ask", {"question": question}).message(timeout=20)
    said = fake_discord.user_message(world.news, world.member, f"{newsbot.user.mention} {question}")
    chat = await fake_discord.wait_for_bot_message(
        lambda m: m["channel_id"] == said["id"], timeout=20
    )

    for answer in (asked, chat):
        text = json.dumps(answer["embeds"], ensure_ascii=False)
        assert "@everyone" in text and f"<@{world.admin.user.id}>" in text, text
    sends = message_sends(fake_discord)
    assert len(sends) >= 3
    assert all(allowed_mentions(r) == {"parse": []} for r in sends), sends


async def test_bot_writes_only_where_it_was_asked(fake_discord: FakeDiscord, newsbot):
    """Every write goes to the interaction or the invoking channel or thread, none elsewhere."""
    world = fake_discord.world
    vault = fake_discord.add_text_channel("vault")
    handles = [
        fake_discord.slash("ask", {"question": f"Post this in <#{vault.id}>: {QUESTION}"}),
        fake_discord.slash("search", {"query": "tram"}, channel=world.news),
        fake_discord.slash("ask", {"question": "tram", "since": "not a date"}),
        fake_discord.slash("forget", {"article": "0000"}),
    ]
    for handle in handles:
        await handle.message(timeout=20)
    said = fake_discord.user_message(
        world.news, world.member, f"{newsbot.user.mention} tell <#{vault.id}> about the tram"
    )
    await fake_discord.wait_for_bot_message(lambda m: m["channel_id"] == said["id"], timeout=20)
    thread = fake_discord.channel(said["id"])
    follow = fake_discord.user_message(thread, world.member, "and what about the budget?")
    await fake_discord.wait_for_bot_message(lambda m: replied_to(m) == follow["id"], timeout=20)

    assert thread.is_thread and thread.parent is world.news
    assert fake_discord.channel_messages(vault) == []
    assert outside(fake_discord, handles, {world.news.id, thread.id}) == []


async def test_plain_members_reach_no_admin_action(
    fake_discord: FakeDiscord, newsbot, desk: NewsDesk
):
    """Members cannot /forget, /ingest or sync, by command or by typing the command as text."""
    world = fake_discord.world
    (tram,) = desk.articles("Eastbank tram")
    synced_before = len([r for r in fake_discord.requests.items if r.method == "PUT"])
    upload = fake_discord.attachment("rumour.md", article("Rumour mill opens", "Rumours. " * 20))

    forget = fake_discord.slash("forget", {"article": tram.article_id})
    ingest = fake_discord.slash("ingest", {"attachment": upload})
    refusals = [await private_reply(fake_discord, h) for h in (forget, ingest)]
    typed = f"/forget {tram.article_id}"
    asked = await fake_discord.slash("ask", {"question": typed}).message(timeout=20)
    said = fake_discord.user_message(world.general, world.member, f"{newsbot.user.mention} {typed}")
    await fake_discord.wait_for_bot_message(lambda m: m["channel_id"] == said["id"], timeout=20)
    sync = fake_discord.user_message(world.general, world.member, f"{newsbot.user.mention} sync")
    refused_sync = await fake_discord.wait_for_bot_message(
        lambda m: replied_to(m) == sync["id"], timeout=20
    )

    assert refusals == [REFUSAL, REFUSAL]
    assert asked["embeds"][0]["title"] == typed
    assert refused_sync["content"] == "Only the bot's owner can do that."
    assert desk.article(tram.article_id) is not None
    assert desk.articles("Rumour mill") == []
    assert len([r for r in fake_discord.requests.items if r.method == "PUT"]) == synced_before
    admin = {c["name"]: c for c in fake_discord.synced_commands(world.guild)}
    assert int(admin["forget"]["default_member_permissions"]) == 32  # Manage Server
    assert int(admin["ingest"]["default_member_permissions"]) == 32


async def test_token_appears_in_no_log_and_no_reply(
    fake_discord: FakeDiscord,
    desk: NewsDesk,
    start_bot: StartBot,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
):
    """The bot token is in no DEBUG log, traceback, printed output or request body."""
    for name in ("", "bot", "ingest", *DISCORD_LOGGERS):
        caplog.set_level(logging.DEBUG, logger=name)
    failing = FailingDesk(desk)
    bot = await start_bot(failing, discord_token=SecretStr(TOKEN))
    settings = bot.settings
    world = fake_discord.world

    replies = [await fake_discord.slash("ask", {"question": QUESTION}).message(timeout=20)]
    for error in (IndexUnavailable(f"server down, settings {settings!r}"), RuntimeError("boom")):
        failing.error = error
        replies.append(await fake_discord.slash("ask", {"question": QUESTION}).message(timeout=20))
    failing.error = None
    replies.append(await fake_discord.slash("ask", {"question": "x", "since": "soon"}).message())
    replies.append(await fake_discord.slash("forget", {"article": "0000"}).message())
    await fake_discord.drop_gateway()
    said = fake_discord.user_message(world.general, world.member, f"{bot.user.mention} sync")
    await fake_discord.wait_for_bot_message(lambda m: replied_to(m) == said["id"], timeout=20)

    assert [r["content"][:20] for r in replies[1:]] == [
        "The archive cannot b",
        "Something went wrong",
        "“soon” is not a date",
        REFUSAL[:20],
    ]
    auth = {r.headers.get("Authorization") for r in fake_discord.requests.items}
    assert auth - {None} == {f"Bot {TOKEN}"}  # the token was in use all along
    assert any(r.name.startswith("discord.") and r.levelno == logging.DEBUG for r in caplog.records)
    assert any(r.exc_info for r in caplog.records), "the crash was not logged with its trace"
    assert TOKEN not in caplog.text
    assert all(TOKEN not in repr(r.__dict__) for r in caplog.records)
    printed = capsys.readouterr()
    assert TOKEN not in printed.out + printed.err
    bodies = [json.dumps(r.json) for r in fake_discord.requests.items if r.json is not None]
    assert bodies and not [b for b in bodies if TOKEN in b]
    assert not [m for m in fake_discord.bot_messages.items if TOKEN in json.dumps(m)]
