"""End to end: /ingest and /forget for Manage Server members, refused for everyone else."""

from __future__ import annotations

from bot.chat.extensions import admin
from bot.qa.service import NewsDesk
from ingest.pipeline import IngestReport
from ingest.sources import Failure
from tests.bot.chat.helpers import DEFERRED, EPHEMERAL, MESSAGE, check_limits, private_reply
from tests.fake_discord import FakeDiscord

REFUSAL = "You need the Manage Server permission to use this command."


def article(title: str, outlet: str = "Harbour Street Journal") -> str:
    """A Markdown article with front matter."""
    return (
        f"---\ntitle: {title}\noutlet: {outlet}\npublished: 2024-10-01\n"
        f"url: https://harbourstreet.example/{title.lower().replace(' ', '-')}\n---\n\n"
        + f"The harbour authority said on Tuesday that {title.lower()} after a long review. "
        * 6
    )


async def test_admin_ingests_an_attachment(fake_discord: FakeDiscord, newsbot, desk: NewsDesk):
    """An admin's uploaded Markdown file is ingested and reported privately."""
    upload = fake_discord.attachment("ferry.md", article("Night ferry service returns"))
    handle = fake_discord.slash("ingest", {"attachment": upload}, user=fake_discord.world.admin)
    message = await handle.message(timeout=20)

    assert handle.callback_type == DEFERRED
    assert message["flags"] & EPHEMERAL
    (embed,) = message["embeds"]
    assert embed["title"] == "Ingested"
    assert "Added 1, updated 0, unchanged 0, failed 0." in embed["description"]
    assert [a.title for a in desk.articles("Night ferry")] == ["Night ferry service returns"]


def intranet(desk: NewsDesk) -> NewsDesk:
    """The same archive, fetching from private networks too (NEWSDESK_ALLOW_PRIVATE_URLS)."""
    return NewsDesk(desk.index, desk.retriever, desk.answerer, allow_private_urls=True)


async def test_admin_ingests_a_url(fake_discord: FakeDiscord, start_bot, desk: NewsDesk):
    """With private networks allowed, an admin's URL on the loopback is fetched and ingested."""
    await start_bot(desk=intranet(desk))
    page = fake_discord.attachment("dock.md", article("Dry dock reopens"), "text/markdown")
    handle = fake_discord.slash("ingest", {"url": page["url"]}, user=fake_discord.world.admin)
    message = await handle.message(timeout=20)

    assert message["embeds"][0]["title"] == "Ingested"
    assert [a.title for a in desk.articles("Dry dock")] == ["Dry dock reopens"]


async def test_ingest_refuses_a_loopback_url(fake_discord: FakeDiscord, newsbot, desk: NewsDesk):
    """By default /ingest url:http://127.0.0.1:… gets the one-line refusal and stores nothing."""
    page = fake_discord.attachment("key.md", article("Secret access key"), "text/markdown")
    before = desk.stats()["articles"]
    handle = fake_discord.slash("ingest", {"url": page["url"]}, user=fake_discord.world.admin)
    (embed,) = (await handle.message(timeout=20))["embeds"]

    assert embed["title"] == "Nothing ingested"
    assert "Added 0, updated 0, unchanged 0, failed 1." in embed["description"]
    [field] = embed["fields"]
    assert field["name"] == page["url"]
    assert field["value"].startswith(f"refused {page['url']}: 127.0.0.1 is a loopback address")
    assert desk.articles("Secret access key") == []
    assert desk.stats()["articles"] == before


async def test_ingest_reports_failures(fake_discord: FakeDiscord, start_bot, desk: NewsDesk):
    """A URL that cannot be fetched is reported with its reason, not as an error."""
    await start_bot(desk=intranet(desk))
    url = f"{fake_discord.base_url}/attachments/1/missing.md"
    handle = fake_discord.slash("ingest", {"url": url}, user=fake_discord.world.admin)
    (embed,) = (await handle.message(timeout=20))["embeds"]

    assert embed["title"] == "Nothing ingested"
    assert embed["fields"][0]["name"] == url
    assert "HTTP 404" in embed["fields"][0]["value"]


async def test_ingest_needs_one_source(fake_discord: FakeDiscord, newsbot):
    """/ingest with neither a url nor an attachment explains what it needs."""
    handle = fake_discord.slash("ingest", {}, user=fake_discord.world.admin)

    assert "either a `url` or an `attachment`" in await private_reply(fake_discord, handle)


async def test_ingest_refuses_an_unreadable_file(fake_discord: FakeDiscord, newsbot):
    """An upload of a kind the archive cannot read is refused before downloading it."""
    upload = fake_discord.attachment("photo.png", b"\x89PNG", "image/png")
    handle = fake_discord.slash("ingest", {"attachment": upload}, user=fake_discord.world.admin)

    assert "I cannot read .png" in await private_reply(fake_discord, handle)


async def test_member_cannot_ingest(fake_discord: FakeDiscord, newsbot, desk: NewsDesk):
    """A member without Manage Server is refused by the bot's own check: nothing is ingested."""
    upload = fake_discord.attachment("rumour.md", article("Rumour mill opens"))
    handle = fake_discord.slash("ingest", {"attachment": upload}, user=fake_discord.world.member)

    assert await private_reply(fake_discord, handle) == REFUSAL
    assert handle.callback_type == MESSAGE
    assert desk.articles("Rumour mill") == []


async def test_admin_forgets_an_article(fake_discord: FakeDiscord, newsbot, desk: NewsDesk):
    """An admin's /forget removes the article and names it in a private reply."""
    (lander,) = desk.articles("Lunar lander")
    handle = fake_discord.slash(
        "forget", {"article": lander.article_id}, user=fake_discord.world.admin
    )
    message = await handle.message(timeout=10)

    assert message["flags"] & EPHEMERAL
    assert message["content"].startswith("Forgot **Lunar lander confirms water ice")
    assert desk.article(lander.article_id) is None


async def test_forget_unknown_article(fake_discord: FakeDiscord, newsbot):
    """/forget of an id that is not in the index is explained privately."""
    handle = fake_discord.slash("forget", {"article": "0000"}, user=fake_discord.world.admin)

    assert (await private_reply(fake_discord, handle)).startswith("No article matches “0000”")


async def test_member_cannot_forget(fake_discord: FakeDiscord, newsbot, desk: NewsDesk):
    """A member without Manage Server cannot /forget: the article stays."""
    (tram,) = desk.articles("Eastbank tram")
    handle = fake_discord.slash("forget", {"article": tram.article_id})

    assert await private_reply(fake_discord, handle) == REFUSAL
    assert desk.article(tram.article_id) is not None


async def test_owner_syncs_commands_globally(fake_discord: FakeDiscord, newsbot):
    """`@newsdesk sync` from the owner syncs globally; from anyone else it is refused."""
    world, mention = fake_discord.world, newsbot.user.mention
    fake_discord.user_message(world.general, world.admin, f"{mention} sync")
    refused = await fake_discord.wait_for_bot_message(channel=world.general)
    fake_discord.user_message(world.general, world.owner, f"{mention} sync")
    done = await fake_discord.wait_for_bot_message(
        lambda m: m["content"].startswith("Synced"), channel=world.general
    )

    assert refused["content"] == "Only the bot's owner can do that."
    assert done["content"] == "Synced 12 commands globally (may take a while to appear)."
    assert len(fake_discord.synced_commands()) == 12


def test_ingest_embed_lists_some_failures():
    """An ingest report shows its counts and the first ten failures, and fits a message."""
    failures = [Failure("o" * 500, "r" * 2000) for _ in range(30)]
    report = IngestReport(added=2, failures=failures)

    embed = admin.ingest_embed(report, "https://feed.example/rss")

    assert embed.title == "Ingested"
    assert "Added 2, updated 0, unchanged 0, failed 30." in embed.description
    assert len(embed.fields) == admin.FAILURES_SHOWN
    assert embed.footer.text == "and 20 more failures"
    check_limits([embed])
