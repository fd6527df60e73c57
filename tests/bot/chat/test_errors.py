"""End to end: failures become one friendly private reply, and the bot keeps answering."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.compose import build_desk
from bot.qa.llm import AnswerBackendError
from bot.qa.service import MAX_QUESTION_CHARS, NewsDesk
from ingest.store.errors import IndexUnavailable
from tests.bot.chat.helpers import (
    DEFERRED,
    MESSAGE,
    FailingDesk,
    StartBot,
    allowed_mentions,
    desk_settings,
    message_sends,
    private_reply,
)
from tests.fake_discord import FakeDiscord

QUESTION = "What did Putin say about the Geneva summit?"


async def test_empty_index_is_explained(
    fake_discord: FakeDiscord, start_bot: StartBot, tmp_path: Path
):
    """/ask on an empty index says how to add articles; /stats still answers afterwards."""
    empty = build_desk(desk_settings(tmp_path / "empty"))
    await start_bot(desk=empty)

    text = await private_reply(fake_discord, fake_discord.slash("ask", {"question": QUESTION}))
    stats = await fake_discord.slash("stats").message()

    assert text == "The archive is empty: an admin can add articles with `/ingest`."
    assert stats["embeds"][0]["fields"][0] == {"name": "Articles", "value": "0", "inline": True}
    empty.index.close()


async def test_index_unavailable_is_explained(
    fake_discord: FakeDiscord, start_bot: StartBot, desk: NewsDesk
):
    """An unreachable index gives a try-again reply; once it is back, /ask answers again."""
    failing = FailingDesk(desk, IndexUnavailable("chroma server down"))
    await start_bot(desk=failing)

    text = await private_reply(fake_discord, fake_discord.slash("search", {"query": "tram"}))
    failing.error = None
    answer = await fake_discord.slash("ask", {"question": QUESTION}).message(timeout=10)

    assert text == "The archive cannot be reached right now. Please try again in a minute."
    assert answer["embeds"][0]["title"] == QUESTION


async def test_backend_failure_is_explained(
    fake_discord: FakeDiscord, start_bot: StartBot, desk: NewsDesk
):
    """A failing answer backend gives a friendly reply pointing to /search; /search works."""
    await start_bot(desk=FailingDesk(desk, AnswerBackendError("LLM timed out")))

    ask = fake_discord.slash("ask", {"question": QUESTION})
    text = await private_reply(fake_discord, ask)
    stats = await fake_discord.slash("stats").message()

    assert ask.callback_type == DEFERRED
    assert text.startswith("The answering service is not responding right now.")
    assert "`/search`" in text
    assert stats["embeds"][0]["title"] == "Archive statistics"


async def test_unexpected_error_is_logged_and_hidden(
    fake_discord: FakeDiscord,
    start_bot: StartBot,
    desk: NewsDesk,
    caplog: pytest.LogCaptureFixture,
):
    """A bug gives a generic private reply and a logged trace, not the exception's text."""
    await start_bot(desk=FailingDesk(desk, RuntimeError("secret internals")))

    with caplog.at_level(logging.ERROR, logger="bot.chat.errors"):
        text = await private_reply(fake_discord, fake_discord.slash("ask", {"question": QUESTION}))

    assert "secret" not in text
    assert text.startswith("Something went wrong on my side")
    assert any(r.exc_info and "secret internals" in str(r.exc_info[1]) for r in caplog.records)


async def test_too_long_question_is_refused(fake_discord: FakeDiscord, newsbot):
    """A question over the limit is refused privately at once, without deferring."""
    handle = fake_discord.slash("ask", {"question": "why " * (MAX_QUESTION_CHARS // 4 + 1)})
    text = await private_reply(fake_discord, handle)

    assert handle.callback_type == MESSAGE
    assert f"keep it under {MAX_QUESTION_CHARS}" in text


async def test_ask_cooldown_is_per_user(fake_discord: FakeDiscord, start_bot: StartBot):
    """A second /ask within the cooldown is refused for that user only."""
    await start_bot(ask_cooldown_seconds=30)
    world = fake_discord.world

    first = await fake_discord.slash("ask", {"question": QUESTION}).message(timeout=10)
    again = fake_discord.slash("ask", {"question": "And the tram?"})
    text = await private_reply(fake_discord, again)
    other = fake_discord.slash("ask", {"question": QUESTION}, user=world.admin)

    assert first["embeds"][0]["title"] == QUESTION
    assert again.callback_type == MESSAGE
    assert text.startswith("Slow down: you can ask again in ")
    assert (await other.message(timeout=10))["embeds"][0]["title"] == QUESTION


async def test_replies_never_ping(fake_discord: FakeDiscord, newsbot):
    """Replies echoing @everyone or a user mention are sent with no mention allowed."""
    world = fake_discord.world
    sneaky = f"@everyone {world.admin.mention} what about the tram?"

    await fake_discord.slash("ask", {"question": sneaky}).message(timeout=10)
    echoed = await private_reply(fake_discord, fake_discord.slash("article", {"article": sneaky}))
    asked = fake_discord.user_message(
        world.general, world.member, f"{newsbot.user.mention} {sneaky}"
    )
    await fake_discord.wait_for_bot_message(lambda m: m["channel_id"] == asked["id"], timeout=10)

    assert "@everyone" in echoed and world.admin.mention in echoed
    sends = message_sends(fake_discord)
    assert len(sends) >= 3
    assert all(allowed_mentions(r) == {"parse": []} for r in sends), sends
    assert newsbot.allowed_mentions.to_dict() == {"parse": []}
