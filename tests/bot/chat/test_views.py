"""End to end: paging buttons only the asker may press, removed on timeout; feedback votes."""

from __future__ import annotations

from bot.chat.views import NOT_YOURS
from bot.feedback import DOWN, UP
from tests.bot.chat.helpers import EPHEMERAL, MESSAGE, UPDATE, StartBot, components, field_names
from tests.fake_discord import FakeDiscord

QUESTION = "What did Putin say about the Geneva summit?"


async def test_asker_turns_the_pages(fake_discord: FakeDiscord, newsbot):
    """The asker's Next and Previous swap the page of results in place."""
    message = await fake_discord.slash("search", {"query": "tram line"}).message(timeout=10)
    first = field_names(message["embeds"][0])

    turn = fake_discord.click(message, "newsdesk:page:next")
    kind, page_two = await turn.response()
    back = fake_discord.click(message, "newsdesk:page:previous")
    _, page_one = await back.response()

    assert kind == UPDATE
    assert field_names(page_two["embeds"][0])[0].startswith("[6] ")
    assert page_two["embeds"][0]["footer"]["text"] == "Page 2/2 · 10 passages"
    next_button = page_two["components"][0]["components"][1]
    assert next_button["disabled"] is True
    assert field_names(page_one["embeds"][0]) == first


async def test_others_cannot_turn_the_pages(fake_discord: FakeDiscord, newsbot):
    """Another member pressing Next gets a private refusal; the page stays."""
    message = await fake_discord.slash("search", {"query": "tram line"}).message(timeout=10)

    handle = fake_discord.click(message, "newsdesk:page:next", user=fake_discord.world.admin)
    kind, data = await handle.response()

    assert kind == MESSAGE
    assert data["flags"] == EPHEMERAL
    assert data["content"] == NOT_YOURS
    assert message["embeds"][0]["footer"]["text"] == "Page 1/2 · 10 passages"


async def test_buttons_are_removed_on_timeout(fake_discord: FakeDiscord, start_bot: StartBot):
    """When the view times out, the bot edits the message to remove its buttons."""
    await start_bot(view_timeout_seconds=0.5)
    handle = fake_discord.slash("search", {"query": "tram line"})
    message = await handle.message(timeout=10)
    assert components(message) == ["newsdesk:page:previous", "newsdesk:page:next"]

    edit = await fake_discord.wait_for(
        lambda r: r.method == "PATCH" and r.path.endswith(f"/messages/{message['id']}")
    )

    assert edit.json["components"] == []
    assert message["components"] == []
    assert message["embeds"][0]["footer"]["text"] == "Page 1/2 · 10 passages"


async def test_votes_are_stored_with_the_answer(fake_discord: FakeDiscord, newsbot):
    """👍 and 👎 store each user's vote with the question and answer; a new vote replaces."""
    world = fake_discord.world
    message = await fake_discord.slash("ask", {"question": QUESTION}).message(timeout=10)
    answer_text = message["embeds"][0]["description"]

    kind, thanks = await fake_discord.click(message, "newsdesk:vote:up").response()
    first = [v.vote for v in newsbot.feedback.list()]
    await fake_discord.click(message, "newsdesk:vote:down", user=world.admin).response()
    await fake_discord.click(message, "newsdesk:vote:down").response()

    assert kind == MESSAGE
    assert thanks["flags"] == EPHEMERAL
    assert first == [UP]
    votes = {v.user_id: v for v in newsbot.feedback.list()}
    assert {user: v.vote for user, v in votes.items()} == {
        world.member.id: DOWN,
        world.admin.id: DOWN,
    }
    vote = votes[world.member.id]
    assert (vote.question, vote.message_id) == (QUESTION, int(message["id"]))
    assert vote.answer.startswith(answer_text.rstrip("…")[:80])


async def test_chat_answer_buttons_are_removed_on_timeout(
    fake_discord: FakeDiscord, start_bot: StartBot
):
    """An answer in a thread loses its buttons on timeout, through a channel message edit."""
    world = fake_discord.world
    bot = await start_bot(view_timeout_seconds=0.5)
    asked = fake_discord.user_message(world.news, world.member, f"{bot.user.mention} {QUESTION}")
    answer = await fake_discord.wait_for_bot_message(
        lambda m: m["channel_id"] == asked["id"], timeout=10
    )

    edit = await fake_discord.wait_for(
        lambda r: (
            r.method == "PATCH" and r.path == f"/channels/{asked['id']}/messages/{answer['id']}"
        )
    )

    assert edit.json["components"] == []
    assert answer["components"] == []
