"""End to end: chatting with the bot by mention or reply, in threads, with follow-ups."""

from __future__ import annotations

import asyncio

from tests.bot.chat.helpers import StartBot
from tests.fake_discord import FakeDiscord, Perm

QUESTION = "What did Putin say about the Geneva summit?"


def in_channel(channel_id: str):
    """A predicate for bot messages in one channel (a thread's id is its first message's)."""
    return lambda message: message["channel_id"] == channel_id


def replied_to(message) -> str | None:
    """The id of the message a message replies to."""
    reference = message.get("message_reference")
    return str(reference["message_id"]) if reference else None


async def test_mention_is_answered_in_a_thread(fake_discord: FakeDiscord, newsbot):
    """A mention with a question opens a thread on that message, answered there."""
    world = fake_discord.world
    asked = fake_discord.user_message(
        world.general, world.member, f"{newsbot.user.mention} {QUESTION}"
    )
    answer = await fake_discord.wait_for_bot_message(in_channel(asked["id"]), timeout=10)

    thread = fake_discord.channel(asked["id"])
    assert thread.is_thread and thread.parent is world.general
    assert thread.name == QUESTION
    assert answer["embeds"][0]["title"] == QUESTION
    assert "Putin" in answer["embeds"][0]["description"]
    assert [c["custom_id"] for c in answer["components"][0]["components"]] == [
        "newsdesk:vote:up",
        "newsdesk:vote:down",
    ]


async def test_follow_up_in_thread_uses_the_history(fake_discord: FakeDiscord, newsbot):
    """A follow-up in the bot's thread needs no mention and is made standalone first."""
    world = fake_discord.world
    asked = fake_discord.user_message(
        world.general, world.member, f"{newsbot.user.mention} {QUESTION}"
    )
    await fake_discord.wait_for_bot_message(in_channel(asked["id"]), timeout=10)
    thread = fake_discord.channel(asked["id"])

    follow = fake_discord.user_message(thread, world.member, "and what about China?")
    answer = await fake_discord.wait_for_bot_message(
        lambda m: replied_to(m) == follow["id"], timeout=10
    )

    assert answer["channel_id"] == str(thread.id)
    assert answer["embeds"][0]["title"] == "What did Putin say about China?"
    assert "China" in answer["embeds"][0]["description"]


async def test_reply_to_an_answer_continues_it(fake_discord: FakeDiscord, newsbot):
    """Replying to a /ask answer opens a thread on the reply, reading it with that answer."""
    world = fake_discord.world
    answer = await fake_discord.slash("ask", {"question": QUESTION}).message(timeout=10)

    reply = fake_discord.user_message(
        world.general, world.admin, "and what about China?", reply_to=answer
    )
    threaded = await fake_discord.wait_for_bot_message(in_channel(reply["id"]), timeout=10)

    assert threaded["embeds"][0]["title"] == "What did Putin say about China?"


async def test_messages_not_addressed_to_the_bot_are_ignored(fake_discord: FakeDiscord, newsbot):
    """Plain channel messages, other users' mentions and bare mentions open no thread."""
    world = fake_discord.world
    fake_discord.user_message(world.general, world.member, QUESTION)
    fake_discord.user_message(world.general, world.member, f"{world.admin.mention} {QUESTION}")
    bare = fake_discord.user_message(world.general, world.member, newsbot.user.mention)

    hint = await fake_discord.wait_for_bot_message(channel=world.general)
    await asyncio.sleep(0.3)

    assert replied_to(hint) == bare["id"]
    assert hint["content"].startswith("Ask me something about the news")
    assert world.guild.threads == []


async def test_only_listened_channels_are_answered(fake_discord: FakeDiscord, start_bot: StartBot):
    """With listen_channels set, mentions elsewhere are ignored."""
    world = fake_discord.world
    bot = await start_bot(listen_channels=[world.news.id])

    fake_discord.user_message(world.general, world.member, f"{bot.user.mention} {QUESTION}")
    asked = fake_discord.user_message(world.news, world.member, f"{bot.user.mention} {QUESTION}")
    await fake_discord.wait_for_bot_message(in_channel(asked["id"]), timeout=10)
    await asyncio.sleep(0.3)

    assert [t.parent for t in world.guild.threads] == [world.news]


async def test_without_thread_permission_it_answers_in_place(fake_discord: FakeDiscord, newsbot):
    """Where the bot may not create threads, it answers the mention as a reply in the channel."""
    world = fake_discord.world
    fake_discord.set_permissions(world.news, world.bot, deny=Perm.CREATE_PUBLIC_THREADS)
    await asyncio.sleep(0.1)  # let the bot see the new overwrite
    asked = fake_discord.user_message(
        world.news, world.member, f"{newsbot.user.mention} {QUESTION}"
    )

    answer = await fake_discord.wait_for_bot_message(channel=world.news, timeout=10)

    assert replied_to(answer) == asked["id"]
    assert answer["embeds"][0]["title"] == QUESTION
    assert world.guild.threads == []
