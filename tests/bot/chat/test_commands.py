"""End to end: each slash command of the bot, against the loopback Discord and a real index."""

from __future__ import annotations

from bot.chat.bot import NewsBot
from bot.qa.service import NewsDesk
from tests.bot.chat.helpers import DEFERRED, EPHEMERAL, MESSAGE, components, field_names
from tests.fake_discord import FakeDiscord

QUESTION = "What did Putin say about the Geneva summit?"
COMMANDS = {
    "ask",
    "search",
    "sources",
    "article",
    "ingest",
    "forget",
    "stats",
    "help",
    "summarize",
    "feeds",
    "digest",
    "Summarize from here",
}
MANAGE_GUILD = 1 << 5


async def test_commands_are_synced_to_the_dev_guild(fake_discord: FakeDiscord, newsbot: NewsBot):
    """With sync_commands on, setup_hook syncs every command to the dev guild, none globally."""
    synced = {c["name"]: c for c in fake_discord.synced_commands(fake_discord.world.guild)}

    assert set(synced) == COMMANDS
    assert fake_discord.synced_commands() == []
    for admin in ("ingest", "forget"):
        assert int(synced[admin]["default_member_permissions"]) == MANAGE_GUILD
        assert synced[admin]["contexts"] == [0]
    ask_options = {o["name"]: o for o in synced["ask"]["options"]}
    assert list(ask_options) == ["question", "since", "until", "source", "private"]
    assert ask_options["source"]["autocomplete"] is True


async def test_ask_answers_with_numbered_sources(fake_discord: FakeDiscord, newsbot: NewsBot):
    """/ask defers, then answers with the answer embed and numbered sources with links."""
    handle = fake_discord.slash("ask", {"question": QUESTION})
    message = await handle.message(timeout=10)

    assert handle.callback_type == DEFERRED
    answer, sources = message["embeds"]
    assert answer["title"] == QUESTION
    assert "Putin" in answer["description"]
    assert field_names(sources)[0].startswith("[1] Putin says Geneva summit")
    first = sources["fields"][0]["value"]
    assert "Global Affairs Wire · 2021-11-18 · [link](https://globalaffairswire.example/" in first
    assert "newsdesk:vote:up" in components(message)
    assert not message["flags"] & EPHEMERAL


async def test_private_ask_is_ephemeral(fake_discord: FakeDiscord, newsbot: NewsBot):
    """/ask private:true defers ephemerally, so only the asker sees the answer."""
    handle = fake_discord.slash("ask", {"question": QUESTION, "private": True})
    message = await handle.message(timeout=10)

    assert handle.callback_data == {"flags": EPHEMERAL}
    assert message["flags"] & EPHEMERAL
    assert message not in fake_discord.channel_messages(fake_discord.world.general)


async def test_ask_filters_by_outlet_and_dates(fake_discord: FakeDiscord, newsbot: NewsBot):
    """/ask source/since/until restrict the sources to that outlet and window."""
    options = {
        "question": "What happened in the cup semi-final?",
        "source": "Touchline Daily",
        "since": "2024-01-01",
        "until": "2024-12-31",
    }
    message = await fake_discord.slash("ask", options).message(timeout=10)

    values = [f["value"] for e in message["embeds"][1:] for f in e["fields"]]
    assert values
    assert all(v.startswith("Touchline Daily · 2024-") for v in values)


async def test_ask_refuses_a_bad_date(fake_discord: FakeDiscord, newsbot: NewsBot):
    """A `since` that is not YYYY-MM-DD gets a private explanation, without deferring."""
    handle = fake_discord.slash("ask", {"question": QUESTION, "since": "last week"})
    message = await handle.message()

    assert handle.callback_type == MESSAGE
    assert message["flags"] & EPHEMERAL
    assert "YYYY-MM-DD" in message["content"]


async def test_source_autocomplete_offers_outlets(fake_discord: FakeDiscord, newsbot: NewsBot):
    """/ask's source option autocompletes the outlets in the index that match what was typed."""
    every = await fake_discord.autocomplete("ask", {"source": ""}, focused="source").choices()
    some = await fake_discord.autocomplete("ask", {"source": "daily"}, focused="source").choices()

    assert len(every) == 10
    assert {c["value"] for c in some} == {"Touchline Daily", "Public Health Bulletin Daily"}


async def test_search_lists_passages_in_pages(fake_discord: FakeDiscord, newsbot: NewsBot):
    """/search shows numbered passages with their sources, five to a page, with page buttons."""
    message = await fake_discord.slash("search", {"query": "tram line"}).message(timeout=10)

    (embed,) = message["embeds"]
    assert embed["title"] == "Results for “tram line”"
    assert len(embed["fields"]) == 5
    assert any("Eastbank tram" in name for name in field_names(embed))
    assert embed["footer"]["text"] == "Page 1/2 · 10 passages"
    assert components(message) == ["newsdesk:page:previous", "newsdesk:page:next"]


async def test_sources_lists_the_articles(fake_discord: FakeDiscord, newsbot: NewsBot):
    """/sources lists every indexed article; its filter narrows the list."""
    everything = await fake_discord.slash("sources").message(timeout=10)
    filtered = await fake_discord.slash("sources", {"filter": "tram"}).message(timeout=10)

    assert everything["embeds"][0]["description"].count("\n") == 9
    assert everything["embeds"][0]["footer"]["text"] == "Page 1/2 · 12 articles"
    (line,) = filtered["embeds"][0]["description"].splitlines()
    assert "Eastbank tram line opens" in line
    assert "Riverton Evening Courier, 2024-02-03" in line


async def test_article_autocompletes_titles_and_shows_details(
    fake_discord: FakeDiscord, newsbot: NewsBot, desk: NewsDesk
):
    """/article autocompletes titles (25 at most) and shows the chosen article's details."""
    every = await fake_discord.autocomplete("article", {"article": ""}, focused="article").choices()
    (tram,) = await fake_discord.autocomplete(
        "article", {"article": "tram"}, focused="article"
    ).choices()
    message = await fake_discord.slash("article", {"article": tram["value"]}).message()

    assert len(every) == 12
    assert tram["name"].startswith("Eastbank tram line opens")
    (embed,) = message["embeds"]
    assert embed["title"] == desk.article(tram["value"]).title
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Outlet"] == "Riverton Evening Courier"
    assert fields["ID"] == f"`{tram['value']}`"


async def test_unknown_article_is_explained_privately(fake_discord: FakeDiscord, newsbot: NewsBot):
    """/article with text matching nothing says so privately, replacing the thinking message."""
    handle = fake_discord.slash("article", {"article": "no such headline"})
    message = await handle.message()

    assert message["flags"] & EPHEMERAL
    assert message["content"].startswith("No article matches “no such headline”")


async def test_stats_reports_the_archive(fake_discord: FakeDiscord, newsbot: NewsBot):
    """/stats shows the numbers of articles and outlets and the date range."""
    message = await fake_discord.slash("stats").message()

    fields = {f["name"]: f["value"] for f in message["embeds"][0]["fields"]}
    assert fields["Articles"] == "12"
    assert fields["Outlets"] == "10"
    assert fields["Published"] == "2021-11-18 to 2024-09-12"


async def test_help_lists_the_commands(fake_discord: FakeDiscord, newsbot: NewsBot):
    """/help privately lists every slash command and how to chat."""
    message = await fake_discord.slash("help").message()

    text = message["embeds"][0]["description"]
    assert message["flags"] & EPHEMERAL
    assert all(f"`/{name}`" in text for name in COMMANDS - {"Summarize from here"})
    assert "(Manage Server only)" in text
    assert "thread" in text
