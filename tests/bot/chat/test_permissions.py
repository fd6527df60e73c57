"""End to end, with two servers on the loopback Discord: who may change which archive, and
which archive each server sees.

The default world's guild is the operator's (`operator_guild_ids` in the test settings); the
second guild, added here, is any other server the bot was invited to.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from bot.chat.bot import NewsBot
from bot.chat.permissions import visible_scopes
from bot.qa.service import NewsDesk
from ingest.article import SHARED
from tests.bot.chat.helpers import MESSAGE, StartBot, private_reply
from tests.fake_discord import FakeDiscord, GuildCast

DAY = 86_400.0
REFUSAL = "You need the Manage Server permission to use this command."


def article(title: str, sentence: str) -> str:
    """A Markdown article with front matter, its text one sentence said six times."""
    slug = title.lower().replace(" ", "-")
    head = f"---\ntitle: {title}\noutlet: Harbourside Herald\npublished: 2024-10-02\n"
    return head + f"url: https://herald.example/{slug}\n---\n\n" + f"{sentence} " * 6


GLASS = article(
    "Glassworks guild elects Ottoline Marsh as warden",
    "The Glassworks guild elected Ottoline Marsh as its warden on Monday, after a vote of the "
    "glassblowers who work the old kilns by the quay.",
)
GLASS_TITLE = "Glassworks guild elects Ottoline Marsh as warden"


@pytest.fixture
async def other(fake_discord: FakeDiscord) -> GuildCast:
    """A second server the bot is in, added before the bot starts."""
    return fake_discord.add_guild("Harbourside")


@pytest.fixture
async def bot(start_bot: StartBot, other: GuildCast) -> NewsBot:
    """The bot in both servers, its commands synced globally as in production."""
    return await start_bot(dev_guild_id=None)


async def upload(fake: FakeDiscord, cast: Any, name: str, text: str, user=None) -> dict:
    """/ingest of an uploaded file by the server's admin (or `user`); the reply's embed."""
    handle = fake.slash(
        "ingest",
        {"attachment": fake.attachment(name, text)},
        user=user or cast.admin,
        channel=cast.general,
    )
    (embed,) = (await handle.message(timeout=20))["embeds"]
    return embed


def texts(message: dict) -> str:
    """Everything a message shows: its content and its embeds' titles, texts and fields."""
    parts = [message.get("content") or ""]
    for embed in message.get("embeds", []):
        parts += [embed.get("title", ""), embed.get("description", "")]
        parts += [f"{f['name']} {f['value']}" for f in embed.get("fields", [])]
    return "\n".join(parts)


async def shown(fake: FakeDiscord, name: str, options: dict, cast: Any) -> str:
    """What a slash command run by a reader of the server shows."""
    handle = fake.slash(name, options, user=cast.member, channel=cast.general)
    return texts(await handle.message(timeout=20))


def test_direct_messages_see_the_shared_archive_only():
    """A direct message (no server) reads the shared archive; a server also reads its own."""
    assert visible_scopes(None) == (SHARED,)
    assert visible_scopes(42) == (SHARED, 42)


async def test_second_servers_admin_cannot_forget_a_shared_article(
    fake_discord: FakeDiscord, bot: NewsBot, other: GuildCast, desk: NewsDesk
):
    """An admin of another server is refused /forget of a shared article, which stays; the
    refusal says what they may forget."""
    (lander,) = desk.articles("Lunar lander")
    handle = fake_discord.slash(
        "forget", {"article": lander.article_id}, user=other.admin, channel=other.general
    )

    reply = await private_reply(fake_discord, handle)
    assert reply == (
        f"**{lander.title}** is in the shared archive, which only the bot's operator can "
        "change; `/forget` removes the articles this server added."
    )
    assert desk.article(lander.article_id) is not None
    choices = await fake_discord.autocomplete(
        "forget", {"article": "Lunar"}, focused="article", user=other.admin, channel=other.general
    ).choices()
    assert choices == []  # a server's managers are offered only their server's articles


async def test_second_servers_upload_goes_to_its_own_archive(
    fake_discord: FakeDiscord, bot: NewsBot, other: GuildCast, desk: NewsDesk
):
    """An admin of another server cannot add to the shared archive: the upload is stored in
    that server's archive, and the audit log says who did it and from where."""
    embed = await upload(fake_discord, other, "glass.md", GLASS)

    assert embed["title"] == "Ingested"
    assert desk.articles("Glassworks") == []  # not in the shared archive
    [stored] = desk.articles("Glassworks", scopes=(other.guild.id,))
    assert stored.scope == other.guild.id
    entries = [e for e in desk.audit_entries(other.guild.id) if e.action != "ingest"]
    assert [
        (e.action, e.actor, e.user_id, e.server_id, e.scope, e.article_id) for e in entries
    ] == [
        (
            "added",
            "harbourside-admin",
            other.admin.id,
            other.guild.id,
            other.guild.id,
            stored.article_id,
        )
    ]


async def test_an_upload_is_seen_only_in_its_own_server(
    fake_discord: FakeDiscord, bot: NewsBot, other: GuildCast, desk: NewsDesk
):
    """An article uploaded in one server is answered, searched, listed, shown, autocompleted
    and counted there, and never in the other server, whose members cannot fetch it by id."""
    world = fake_discord.world
    before = await shown(fake_discord, "stats", {}, world)
    await upload(fake_discord, other, "glass.md", GLASS)
    [stored] = desk.articles("Glassworks", scopes=(other.guild.id,))
    question = {"question": "Who did the Glassworks guild elect as its warden?"}

    assert "Ottoline Marsh" in await shown(fake_discord, "ask", question, other)
    assert "Ottoline Marsh" not in await shown(fake_discord, "ask", question, world)
    assert GLASS_TITLE in await shown(fake_discord, "search", {"query": "Ottoline Marsh"}, other)
    assert GLASS_TITLE not in await shown(
        fake_discord, "search", {"query": "Ottoline Marsh"}, world
    )
    assert GLASS_TITLE in await shown(fake_discord, "sources", {"filter": "Glassworks"}, other)
    listed = await shown(fake_discord, "sources", {"filter": "Glassworks"}, world)
    assert "No article matches." in listed and GLASS_TITLE not in listed
    assert GLASS_TITLE in await shown(
        fake_discord, "article", {"article": stored.article_id}, other
    )
    refused = fake_discord.slash(
        "article", {"article": stored.article_id}, user=world.member, channel=world.general
    )
    assert (await private_reply(fake_discord, refused)).startswith("No article matches")

    for cast, expected in ((other, [stored.article_id]), (world, [])):
        choices = await fake_discord.autocomplete(
            "article", {"article": "Glassworks"}, focused="article", user=cast.member,
            channel=cast.general,
        ).choices()  # fmt: skip
        assert [c["value"] for c in choices] == expected
    outlets = await fake_discord.autocomplete(
        "ask", {"question": "x", "source": "Harbourside"}, focused="source", user=world.member
    ).choices()
    assert outlets == []
    assert await shown(fake_discord, "stats", {}, world) == before


async def test_a_mention_in_another_server_does_not_see_the_upload(
    fake_discord: FakeDiscord, bot: NewsBot, other: GuildCast
):
    """A question asked by mention is answered from the server's own view of the archive."""
    await upload(fake_discord, other, "glass.md", GLASS)
    question = f"{bot.user.mention} Who did the Glassworks guild elect as its warden?"
    answers = {}
    for cast in (other, fake_discord.world):
        asked = fake_discord.user_message(cast.general, cast.member, question)
        answers[cast.guild.id] = await fake_discord.wait_for_bot_message(
            lambda m, asked=asked: m["channel_id"] == asked["id"], timeout=20
        )

    assert "Ottoline Marsh" in texts(answers[other.guild.id])
    assert "Ottoline Marsh" not in texts(answers[fake_discord.world.guild.id])


async def test_digests_list_the_shared_and_their_own_servers_articles(
    fake_discord: FakeDiscord, bot: NewsBot, other: GuildCast
):
    """A server's digest lists its own new articles and the shared archive's, never another
    server's."""
    world = fake_discord.world
    for cast, channel in ((world, world.news), (other, other.general)):
        options = {"channel": channel, "every": "daily"}
        fake_discord.slash("digest set", options, user=cast.admin, channel=cast.general)
        await fake_discord.wait_for_bot_message(
            lambda m: m["content"].startswith("Every day"), timeout=10
        )
    await upload(fake_discord, other, "glass.md", GLASS)
    shared = article("Lighthouse keeper retires", "The lighthouse keeper retired on Friday.")
    await upload(fake_discord, world, "lighthouse.md", shared)

    report = await bot.get_cog("FeedsCog").run_due_work(time.time() + DAY)

    assert sorted(report.digests) == sorted([world.guild.id, other.guild.id])
    posts = {
        cast.guild.id: "\n".join(
            texts(m) for m in fake_discord.channel_messages(channel) if m["embeds"]
        )
        for cast, channel in ((world, world.news), (other, other.general))
    }
    assert "Lighthouse keeper retires" in posts[world.guild.id]
    assert GLASS_TITLE not in posts[world.guild.id]
    assert "Lighthouse keeper retires" in posts[other.guild.id]
    assert GLASS_TITLE in posts[other.guild.id]


async def test_operators_server_changes_the_shared_archive(
    fake_discord: FakeDiscord, bot: NewsBot, other: GuildCast, desk: NewsDesk
):
    """In the operator's server an admin's upload goes to the shared archive, seen by the
    other server too, and the admin may forget a shared article."""
    world = fake_discord.world
    text = article("Ferry pier reopens", "The ferry pier reopened after the winter storms.")
    assert (await upload(fake_discord, world, "pier.md", text))["title"] == "Ingested"

    [pier] = desk.articles("Ferry pier reopens")
    assert pier.scope == SHARED
    assert "Ferry pier reopens" in await shown(fake_discord, "sources", {"filter": "pier"}, other)
    handle = fake_discord.slash("forget", {"article": pier.article_id}, user=world.admin)
    assert (await handle.message(timeout=10))["content"].startswith("Forgot **Ferry pier")
    assert desk.article(pier.article_id) is None
    assert [e.action for e in desk.audit_entries(world.guild.id, 2)] == ["forgotten", "added"]


async def test_another_servers_article_cannot_be_forgotten(
    fake_discord: FakeDiscord, bot: NewsBot, other: GuildCast, desk: NewsDesk
):
    """Not even the operator's server can forget another server's article from Discord: it
    does not see it."""
    await upload(fake_discord, other, "glass.md", GLASS)
    [stored] = desk.articles("Glassworks", scopes=(other.guild.id,))
    world = fake_discord.world

    handle = fake_discord.slash("forget", {"article": stored.article_id}, user=world.admin)

    assert (await private_reply(fake_discord, handle)).startswith("No article matches")
    assert desk.article(stored.article_id, None) is not None


async def test_second_servers_admin_forgets_its_own_article(
    fake_discord: FakeDiscord, bot: NewsBot, other: GuildCast, desk: NewsDesk
):
    """A server's admin forgets an article their server added."""
    await upload(fake_discord, other, "glass.md", GLASS)
    [stored] = desk.articles("Glassworks", scopes=(other.guild.id,))

    handle = fake_discord.slash(
        "forget", {"article": stored.article_id}, user=other.admin, channel=other.general
    )

    assert (await handle.message(timeout=10))["content"].startswith("Forgot **Glassworks")
    assert desk.article(stored.article_id, None) is None


async def test_readers_cannot_ingest_in_any_server(
    fake_discord: FakeDiscord, bot: NewsBot, other: GuildCast, desk: NewsDesk
):
    """A member without Manage Server is refused /ingest in the second server too."""
    handle = fake_discord.slash(
        "ingest",
        {"attachment": fake_discord.attachment("glass.md", GLASS)},
        user=other.member,
        channel=other.general,
    )

    assert await private_reply(fake_discord, handle) == REFUSAL
    assert handle.callback_type == MESSAGE
    assert desk.articles("Glassworks", scopes=(other.guild.id,)) == []


async def test_the_owner_and_operator_roles_change_the_shared_archive(
    fake_discord: FakeDiscord, start_bot: StartBot, other: GuildCast, desk: NewsDesk
):
    """In any server, the application's owner and holders of an operator role add to the
    shared archive."""
    role = fake_discord.state.add_role(other.guild, "Archivists")
    archivist = fake_discord.state.add_member(
        other.guild, fake_discord.state.add_user("archivist"), [role]
    )
    owner = fake_discord.state.add_member(other.guild, fake_discord.owner)
    await start_bot(dev_guild_id=None, operator_role_ids=[role.id])

    for user, name in ((owner, "owner"), (archivist, "archivist")):
        text = article(f"Tide gauge report {name}", f"The tide gauge report by the {name}.")
        assert (await upload(fake_discord, other, f"{name}.md", text, user))["title"] == "Ingested"
        [stored] = desk.articles(f"Tide gauge report {name}")
        assert stored.scope == SHARED


async def test_a_team_owned_application_makes_its_members_operators(
    fake_discord: FakeDiscord, start_bot: StartBot, other: GuildCast, desk: NewsDesk
):
    """When a team owns the application, its developers act for the operator anywhere."""
    developer = fake_discord.state.add_user("developer")
    fake_discord.team = [fake_discord.owner, developer]
    member = fake_discord.state.add_member(other.guild, developer)
    await start_bot(dev_guild_id=None)

    text = article("Harbour crane restored", "The harbour crane was restored by volunteers.")
    assert (await upload(fake_discord, other, "crane.md", text, member))["title"] == "Ingested"
    [stored] = desk.articles("Harbour crane restored")
    assert stored.scope == SHARED


async def test_servers_are_limited_in_ingests_per_hour(
    fake_discord: FakeDiscord, start_bot: StartBot, other: GuildCast, desk: NewsDesk
):
    """Past ingests_per_server_per_hour a server's ingest is refused with when the next is
    allowed; the operator's server is not limited."""
    await start_bot(dev_guild_id=None, ingests_per_server_per_hour=2)
    for n in range(2):
        text = article(f"Quay notice {n}", f"Quay notice number {n} was posted.")
        assert (await upload(fake_discord, other, f"q{n}.md", text))["title"] == "Ingested"

    third = fake_discord.slash(
        "ingest",
        {"attachment": fake_discord.attachment("q2.md", article("Quay notice 2", "Third."))},
        user=other.admin,
        channel=other.general,
    )
    reply = await private_reply(fake_discord, third)

    assert reply.startswith("This server has used its 2 ingests for this hour; the next is ")
    assert desk.articles("Quay notice 2", scopes=(other.guild.id,)) == []
    [asked_first, _] = desk.ingests_within_hour(other.guild.id)
    assert f"<t:{int(asked_first + 3600)}:R>" in reply
    world = fake_discord.world
    for n in range(3):
        text = article(f"Operator notice {n}", f"Operator notice number {n} was posted.")
        assert (await upload(fake_discord, world, f"o{n}.md", text))["title"] == "Ingested"


async def test_a_servers_archive_goes_when_the_bot_leaves_it(
    fake_discord: FakeDiscord, bot: NewsBot, other: GuildCast, desk: NewsDesk
):
    """When the bot is removed from a server, the server's articles, feeds and digest go with
    it (recorded in the audit log); the shared archive stays."""
    await upload(fake_discord, other, "glass.md", GLASS)
    [stored] = desk.articles("Glassworks", scopes=(other.guild.id,))
    store = bot.get_cog("FeedsCog").store
    store.add_feed(
        other.guild.id, "https://feeds.example/glass.xml", 1, time.time(), other.guild.id
    )
    store.set_digest(other.guild.id, other.general.id, "daily", None, time.time())
    shared = desk.stats()["articles"]

    fake_discord.remove_bot(other.guild)
    async with asyncio.timeout(10):
        while desk.article(stored.article_id, None) is not None or store.feeds(other.guild.id):
            await asyncio.sleep(0.05)

    assert store.digest(other.guild.id) is None
    assert desk.stats()["articles"] == shared
    [last] = desk.audit_entries(other.guild.id, 1)
    assert (last.action, last.actor, last.article_id) == (
        "forgotten",
        "bot left the server",
        stored.article_id,
    )
