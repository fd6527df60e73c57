"""End to end: /feeds and /digest through the loopback Discord, with RSS feeds served on
127.0.0.1 and the scheduled work driven by `run_due_work(now)` at chosen times."""

from __future__ import annotations

import asyncio
import itertools
import socket
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from bot.chat.bot import NewsBot
from bot.chat.extensions.feeds.cog import FeedsCog
from bot.chat.extensions.feeds.embeds import feeds_embed
from bot.chat.format import EMBED_TOTAL_LIMIT
from bot.feeds.subscriptions import Digest, Feed
from bot.qa.service import NewsDesk
from tests.bot.chat.helpers import EPHEMERAL, MESSAGE, StartBot, private_reply
from tests.fake_discord import FakeDiscord, Perm

REFUSAL = "You need the Manage Server permission to use this command."
MANAGE_GUILD = 1 << 5
DAY = 86_400.0
POLL = 1800.0  # the default feed_poll_minutes, in seconds
_servers = itertools.count(1)

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>{outlet}</title><link>{base}/</link>
<description>Harbour news</description>{items}</channel></rss>"""
ITEM = """<item><title>{title}</title><link>{base}/articles/{slug}.html</link>
<pubDate>Tue, 0{day} Oct 2024 08:00:00 GMT</pubDate><description>{title}.</description></item>"""
PAGE = """<!doctype html><html><head><title>{title}</title>
<meta property="og:site_name" content="{outlet}"></head><body><article>
<h1>{title}</h1>{paragraphs}</article></body></html>"""
SENTENCE = (
    "<p>The harbour authority confirmed on Tuesday that {what}, after a review of the "
    "timetables, the ferry fleet and the costs of running the quays through the winter.</p>"
)


@dataclass
class FeedServer:
    """RSS feeds and their article pages on 127.0.0.1; counts the requests for each path."""

    token: str
    feeds: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # name -> outlet, titles
    hits: Counter = field(default_factory=Counter)
    slow_seconds: float = 6.0
    port: int = 0
    _runner: web.AppRunner | None = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def add_feed(self, name: str, outlet: str, titles: list[str]) -> str:
        """Serve a feed of articles with these titles (prefixed with the token); its url."""
        self.feeds[name] = (f"{outlet} {self.token}", [f"{self.token} {t}" for t in titles])
        return self.url(f"{name}.xml")

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/{name}.xml", self.feed)
        app.router.add_get("/articles/{slug}.html", self.page)
        app.router.add_get("/page.html", self.plain_page)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        await self._runner.cleanup()

    async def feed(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        self.hits[f"{name}.xml"] += 1
        if name == "slow":
            await asyncio.sleep(self.slow_seconds)
            name = "good"
        if name not in self.feeds:
            raise web.HTTPNotFound()
        outlet, titles = self.feeds[name]
        base = self.url("").rstrip("/")
        items = "".join(
            ITEM.format(title=t, base=base, slug=slug(t), day=1 + n % 9)
            for n, t in enumerate(titles)
        )
        body = RSS.format(outlet=outlet, base=base, items=items)
        return web.Response(text=body, content_type="application/rss+xml")

    async def page(self, request: web.Request) -> web.Response:
        self.hits["page"] += 1
        wanted = request.match_info["slug"]
        found = [(o, t) for o, ts in self.feeds.values() for t in ts if slug(t) == wanted]
        if not found:
            raise web.HTTPNotFound()
        outlet, title = found[0]
        paragraphs = "".join(SENTENCE.format(what=f"{title.lower()} {n}") for n in range(5))
        page = PAGE.format(title=title, outlet=outlet, paragraphs=paragraphs)
        return web.Response(text=page, content_type="text/html")

    async def plain_page(self, request: web.Request) -> web.Response:
        page = PAGE.format(title="Not a feed", outlet="Nobody", paragraphs="<p>Hello.</p>")
        return web.Response(text=page, content_type="text/html")


def slug(title: str) -> str:
    return title.lower().replace(" ", "-")


def closed_port_url() -> str:
    """An address on 127.0.0.1 where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/feed.xml"


@pytest.fixture
async def server():
    """A feed server for one test, with a token unique to it in every title and outlet."""
    server = FeedServer(token=f"fx{next(_servers)}q{int(time.time()) % 100000}")
    await server.start()
    yield server
    await server.stop()


@pytest.fixture(scope="module")
def desk(desk: NewsDesk) -> NewsDesk:
    """The sample desk, fetching from private networks as an intranet archive may: the feeds
    here are served on 127.0.0.1."""
    return NewsDesk(desk.index, desk.retriever, desk.answerer, allow_private_urls=True)


@pytest.fixture
async def feedbot(start_bot: StartBot) -> NewsBot:
    """A NewsBot that gives up reading a feed after 1 s, so a slow feed costs little."""
    return await start_bot(feed_timeout_seconds=1.0)


def cog(bot: NewsBot) -> FeedsCog:
    return bot.get_cog("FeedsCog")


def titles(desk: NewsDesk, token: str) -> list[str]:
    return sorted(a.title for a in desk.articles(token))


def bot_posts(fake: FakeDiscord, channel) -> list[dict[str, Any]]:
    """The bot's messages in a channel."""
    return [m for m in fake.channel_messages(channel) if m["author"]["id"] == str(fake.bot.id)]


# --- /feeds --------------------------------------------------------------------------------


async def test_feed_commands_are_for_managers(fake_discord: FakeDiscord, feedbot):
    """/feeds and /digest are synced for Manage Server only, in servers only."""
    synced = {c["name"]: c for c in fake_discord.synced_commands(fake_discord.world.guild)}

    for name in ("feeds", "digest"):
        assert int(synced[name]["default_member_permissions"]) == MANAGE_GUILD
        assert synced[name]["contexts"] == [0]
    assert {o["name"] for o in synced["feeds"]["options"]} == {"add", "remove", "list"}
    assert {o["name"] for o in synced["digest"]["options"]} == {"set", "off"}


async def test_admin_adds_lists_and_removes_a_feed(
    fake_discord: FakeDiscord, feedbot, server: FeedServer
):
    """An admin follows a feed (checked to be one), sees it listed, picks it by autocomplete
    and removes it."""
    admin = fake_discord.world.admin
    url = server.add_feed("good", "Loopback Wire", ["Night ferry returns"])

    added = await fake_discord.slash("feeds add", {"url": url}, user=admin).message(timeout=10)
    assert added["flags"] & EPHEMERAL
    assert added["content"].startswith(f"Following <{url}>")
    (embed,) = (await fake_discord.slash("feeds list", user=admin).message(timeout=10))["embeds"]
    assert embed["title"] == "Feeds (1)"
    assert embed["fields"][0]["name"] == url
    assert embed["fields"][0]["value"].startswith("⏳ not checked yet")

    choices = await fake_discord.autocomplete(
        "feeds remove", {"url": "good"}, focused="url", user=admin
    ).choices()
    assert [c["value"] for c in choices] == [url]
    removed = await fake_discord.slash("feeds remove", {"url": url}, user=admin).message(timeout=10)
    assert removed["content"].startswith(f"Stopped following <{url}>")
    (embed,) = (await fake_discord.slash("feeds list", user=admin).message(timeout=10))["embeds"]
    assert embed["title"] == "Feeds (0)"
    assert cog(feedbot).store.feeds() == []


async def test_adding_something_that_is_not_a_feed_is_refused(
    fake_discord: FakeDiscord, feedbot, server: FeedServer
):
    """A missing feed or a web page is refused with the reason, and nothing is followed."""
    admin = fake_discord.world.admin
    missing = fake_discord.slash("feeds add", {"url": server.url("missing.xml")}, user=admin)
    page = fake_discord.slash("feeds add", {"url": server.url("page.html")}, user=admin)

    assert "HTTP 404" in await private_reply(fake_discord, missing)
    assert "is not an RSS or Atom feed" in await private_reply(fake_discord, page)
    assert cog(feedbot).store.feeds() == []


async def test_members_cannot_manage_feeds_or_digests(
    fake_discord: FakeDiscord, feedbot, server: FeedServer
):
    """Without Manage Server every /feeds and /digest command is refused by the bot's own check."""
    world = fake_discord.world
    url = server.add_feed("good", "Loopback Wire", ["Rumour mill"])
    handles = [
        fake_discord.slash("feeds add", {"url": url}),
        fake_discord.slash("feeds list"),
        fake_discord.slash("feeds remove", {"url": url}),
        fake_discord.slash("digest set", {"channel": world.news, "every": "daily"}),
        fake_discord.slash("digest off"),
    ]

    for handle in handles:
        assert await private_reply(fake_discord, handle) == REFUSAL
        assert handle.callback_type == MESSAGE
    assert cog(feedbot).store.feeds() == []
    assert cog(feedbot).store.digest(world.guild.id) is None
    assert server.hits == Counter()


# --- polling -------------------------------------------------------------------------------


async def test_due_feed_is_ingested_and_an_unchanged_one_skipped(
    fake_discord: FakeDiscord, feedbot, server: FeedServer, desk: NewsDesk
):
    """run_due_work ingests a followed feed's entries; a poll of an unchanged feed ingests
    nothing; a new entry is ingested at the next poll."""
    url = server.add_feed("good", "Loopback Wire", ["Night ferry returns", "Quay repairs begin"])
    admin = fake_discord.world.admin
    await fake_discord.slash("feeds add", {"url": url}, user=admin).message(timeout=10)
    work, now = cog(feedbot), time.time()

    report = await work.run_due_work(now)
    assert report.ingested == [url] and not report.failed
    assert titles(desk, server.token) == [
        f"{server.token} Night ferry returns",
        f"{server.token} Quay repairs begin",
    ]
    assert (await work.run_due_work(now + 60)).ingested == []  # not due yet

    pages = server.hits["page"]
    assert (await work.run_due_work(now + POLL)).unchanged == [url]
    assert server.hits["page"] == pages  # nothing fetched beyond the feed itself

    server.feeds["good"][1].append(f"{server.token} Lighthouse reopens")
    assert (await work.run_due_work(now + 2 * POLL)).ingested == [url]
    assert f"{server.token} Lighthouse reopens" in titles(desk, server.token)


async def test_failing_feeds_are_recorded_and_backed_off(
    fake_discord: FakeDiscord, feedbot, server: FeedServer, desk: NewsDesk
):
    """A 404 feed, a closed port and a feed slower than the time limit fail with their reasons
    and wait 2, then 4 polls; a good feed in the same rounds is ingested every time."""
    good = server.add_feed("good", "Loopback Wire", ["Ferry strike ends"])
    missing, slow, closed = server.url("missing.xml"), server.url("slow.xml"), closed_port_url()
    work, guild = cog(feedbot), fake_discord.world.guild
    for url in (good, missing, slow, closed):
        work.store.add_feed(guild.id, url, fake_discord.world.admin.id, time.time())
    now = time.time()

    started = time.monotonic()
    report = await work.run_due_work(now)
    assert time.monotonic() - started < server.slow_seconds - 1  # it did not wait for slow
    assert report.ingested == [good]
    assert set(report.failed) == {missing, slow, closed}
    assert "HTTP 404" in report.failed[missing]
    assert "could not connect" in report.failed[closed]
    assert report.failed[slow] == "no answer within 1 s"
    assert titles(desk, server.token) == [f"{server.token} Ferry strike ends"]

    (embed,) = (
        await fake_discord.slash("feeds list", user=fake_discord.world.admin).message(timeout=10)
    )["embeds"]
    status = {f["name"]: f["value"] for f in embed["fields"]}
    assert status[good].startswith("✅ checked")
    assert status[missing].startswith("⚠️ failed once") and "HTTP 404" in status[missing]

    server.feeds["good"][1].append(f"{server.token} Ferry fares frozen")
    second = await work.run_due_work(now + POLL)
    assert second.ingested == [good] and second.failed == {}
    assert server.hits["missing.xml"] == 1

    third = await work.run_due_work(now + 2 * POLL)
    assert set(third.failed) == {missing, slow, closed}
    assert {f.url: f.failures for f in work.store.feeds()} == {
        good: 0,
        missing: 2,
        slow: 2,
        closed: 2,
    }
    assert (await work.run_due_work(now + 5 * POLL)).failed == {}  # 2 failures: wait 4 polls
    assert set((await work.run_due_work(now + 6 * POLL)).failed) == {missing, slow, closed}


async def test_the_schedule_runs_the_due_work(
    fake_discord: FakeDiscord, start_bot: StartBot, server: FeedServer, desk: NewsDesk
):
    """The bot's own loop polls due feeds every feed_poll_minutes, with no command."""
    url = server.add_feed("good", "Loopback Wire", ["Tide tables published"])
    bot = await start_bot(feed_poll_minutes=0.01)
    await asyncio.to_thread(
        cog(bot).store.add_feed, fake_discord.world.guild.id, url, 1, time.time()
    )

    async with asyncio.timeout(20):
        while cog(bot).store.feeds()[0].last_polled is None:
            await asyncio.sleep(0.1)
    assert titles(desk, server.token) == [f"{server.token} Tide tables published"]


# --- digests -------------------------------------------------------------------------------


async def test_digest_posts_new_articles_once(
    fake_discord: FakeDiscord, feedbot, server: FeedServer, desk: NewsDesk
):
    """A daily digest, once due, posts the articles ingested since it was set (headline, link)
    in its channel; right after, nothing new means no post."""
    world = fake_discord.world
    url = server.add_feed("good", "Loopback Wire", ["Harbour bridge opens", "Pier fire out"])
    await fake_discord.slash("feeds add", {"url": url}, user=world.admin).message(timeout=10)
    reply = await fake_discord.slash(
        "digest set", {"channel": world.news, "every": "daily"}, user=world.admin
    ).message(timeout=10)
    assert reply["content"].startswith("Every day I will post the articles")
    work, now = cog(feedbot), time.time()

    first = await work.run_due_work(now)
    assert first.ingested == [url] and first.digests == []
    assert bot_posts(fake_discord, world.news) == []

    due = await work.run_due_work(now + DAY)
    assert due.digests == [world.guild.id]
    (post,) = bot_posts(fake_discord, world.news)
    (embed,) = post["embeds"]
    assert embed["title"] == "Daily news digest"
    assert embed["description"].startswith("2 new articles since")
    for title in (f"{server.token} Harbour bridge opens", f"{server.token} Pier fire out"):
        link = f"[{title}]({server.url('articles/')}{slug(title)}.html)"
        assert link in embed["description"]
    assert "Geneva" not in embed["description"]  # the sample articles predate the digest

    again = await work.run_due_work(now + DAY + 60)
    assert again.digests == []
    assert len(bot_posts(fake_discord, world.news)) == 1


async def test_digest_of_one_source(
    fake_discord: FakeDiscord, feedbot, server: FeedServer, desk: NewsDesk
):
    """A digest with a source lists only that outlet's new articles (any case)."""
    world = fake_discord.world
    wire = server.add_feed("good", "Loopback Wire", ["Dredging starts"])
    other = server.add_feed("other", "Other Gazette", ["Gazette prize"])
    source = f"loopback wire {server.token}"
    options = {"channel": world.news, "every": "weekly", "source": source}
    await fake_discord.slash("digest set", options, user=world.admin).message(timeout=10)
    work = cog(feedbot)
    for url in (wire, other):
        work.store.add_feed(world.guild.id, url, world.admin.id, time.time())
    now = time.time()

    await work.run_due_work(now)
    assert (await work.run_due_work(now + 6 * DAY)).digests == []  # weekly: not yet
    assert (await work.run_due_work(now + 7 * DAY)).digests == [world.guild.id]

    (post,) = bot_posts(fake_discord, world.news)
    (embed,) = post["embeds"]
    assert embed["title"] == f"Weekly news digest: {source}"
    assert "Dredging starts" in embed["description"]
    assert "Gazette prize" not in embed["description"]


async def test_digest_needs_a_channel_the_bot_can_post_in(
    fake_discord: FakeDiscord, start_bot: StartBot
):
    """/digest set refuses a channel where the bot may not send messages."""
    world = fake_discord.world
    fake_discord.set_permissions(world.news, world.bot, deny=Perm.SEND_MESSAGES)
    bot = await start_bot()

    handle = fake_discord.slash(
        "digest set", {"channel": world.news, "every": "daily"}, user=world.admin
    )

    assert (await private_reply(fake_discord, handle)).startswith(
        f"I cannot post in <#{world.news.id}>"
    )
    assert cog(bot).store.digest(world.guild.id) is None


async def test_digest_off(fake_discord: FakeDiscord, feedbot, server: FeedServer, desk):
    """/digest off stops the digest: nothing is posted when it would have been due."""
    world = fake_discord.world
    url = server.add_feed("good", "Loopback Wire", ["Canal lock fixed"])
    options = {"channel": world.news, "every": "daily"}
    await fake_discord.slash("digest set", options, user=world.admin).message(timeout=10)
    work = cog(feedbot)
    work.store.add_feed(world.guild.id, url, world.admin.id, time.time())
    await work.run_due_work(time.time())

    off = await fake_discord.slash("digest off", user=world.admin).message(timeout=10)
    again = await fake_discord.slash("digest off", user=world.admin).message(timeout=10)

    assert off["content"] == "Stopped the digest."
    assert again["content"] == "This server has no digest to stop."
    assert (await work.run_due_work(time.time() + DAY)).digests == []
    assert bot_posts(fake_discord, world.news) == []


async def test_feeds_and_digest_survive_a_restart(
    fake_discord: FakeDiscord, start_bot: StartBot, server: FeedServer
):
    """After a restart on the same data folder, the feed and the digest are still there."""
    world = fake_discord.world
    url = server.add_feed("good", "Loopback Wire", ["Ferry museum opens"])
    first = await start_bot()
    await fake_discord.slash("feeds add", {"url": url}, user=world.admin).message(timeout=10)
    options = {"channel": world.news, "every": "weekly"}
    await fake_discord.slash("digest set", options, user=world.admin).message(timeout=10)
    await first.close()

    second = await start_bot()
    (embed,) = (await fake_discord.slash("feeds list", user=world.admin).message(timeout=10))[
        "embeds"
    ]

    assert second is not first
    assert [f["name"] for f in embed["fields"]] == [url, "Digest"]
    assert embed["fields"][1]["value"].startswith(f"Weekly in <#{world.news.id}>")


def test_feed_list_fits_discord_limits():
    """24 failing feeds with long addresses and errors still make one embed Discord accepts."""
    feeds = [
        Feed(f"https://feeds.example/{'x' * 300}{n}", 1, 2, 1.7e9, 1.7e9, 3, "E" * 400, None)
        for n in range(24)
    ]
    embed = feeds_embed(feeds, Digest(1, 3, "weekly", "S" * 100, 1.7e9), POLL)

    assert len(embed.fields) == 25
    assert len(embed) <= EMBED_TOTAL_LIMIT
    assert all(len(f.value) <= 1024 and len(f.name) <= 256 for f in embed.fields)
    assert embed.fields[0].value.startswith("⚠️ failed 3 times in a row")


# --- servers and their archives ------------------------------------------------------------


async def test_a_feed_on_a_private_address_is_refused_by_default(
    fake_discord: FakeDiscord, start_bot: StartBot, server: FeedServer, desk: NewsDesk
):
    """Without NEWSDESK_ALLOW_PRIVATE_URLS, /feeds add of a feed on 127.0.0.1 is refused with
    the reason, nothing is followed and the feed server is never asked."""
    public_only = NewsDesk(desk.index, desk.retriever, desk.answerer)
    bot = await start_bot(desk=public_only)
    url = server.add_feed("good", "Loopback Wire", ["Night ferry returns"])

    handle = fake_discord.slash("feeds add", {"url": url}, user=fake_discord.world.admin)

    reply = await private_reply(fake_discord, handle)
    assert reply.startswith(f"I cannot follow that: refused {url}: 127.0.0.1 is a loopback")
    assert cog(bot).store.feeds() == []
    assert server.hits == Counter()


async def test_another_servers_feed_feeds_its_own_archive(
    fake_discord: FakeDiscord, start_bot: StartBot, server: FeedServer, desk: NewsDesk
):
    """A feed an admin of another server follows is read into that server's archive, not the
    shared one; the audit log records who followed it and what the feed added."""
    other = fake_discord.add_guild("Harbourside")
    bot = await start_bot(dev_guild_id=None)
    url = server.add_feed("good", "Loopback Wire", ["Night ferry returns"])
    options = {"url": url}
    added = await fake_discord.slash(
        "feeds add", options, user=other.admin, channel=other.general
    ).message(timeout=10)
    assert added["content"].startswith(f"Following <{url}>")

    report = await cog(bot).run_due_work(time.time())

    assert report.ingested == [url]
    assert [f.scope for f in cog(bot).store.feeds(other.guild.id)] == [other.guild.id]
    assert titles(desk, server.token) == []
    [stored] = desk.articles(server.token, scopes=(other.guild.id,))
    assert stored.scope == other.guild.id
    entries = desk.audit_entries(other.guild.id)
    assert [(e.action, e.actor, e.scope) for e in entries if e.action != "ingest"] == [
        ("added", "feed", other.guild.id),
        ("feed added", "harbourside-admin", other.guild.id),
    ]


async def test_one_feed_followed_for_two_archives_feeds_both(
    fake_discord: FakeDiscord, start_bot: StartBot, server: FeedServer, desk: NewsDesk
):
    """A feed followed by the operator's server and by another server is read once for each
    archive: each holds the articles, under its own ids."""
    other = fake_discord.add_guild("Harbourside")
    bot = await start_bot(dev_guild_id=None)
    url = server.add_feed("good", "Loopback Wire", ["Quay lights fixed"])
    for cast in (fake_discord.world, other):
        handle = fake_discord.slash(
            "feeds add", {"url": url}, user=cast.admin, channel=cast.general
        )
        await handle.message(timeout=10)

    report = await cog(bot).run_due_work(time.time())

    assert report.ingested == [url, url]
    [shared] = desk.articles(server.token)
    [own] = desk.articles(server.token, scopes=(other.guild.id,))
    assert {shared.scope, own.scope} == {0, other.guild.id}
    assert shared.article_id != own.article_id and shared.url == own.url


async def test_a_servers_admin_cannot_remove_a_shared_feed(
    fake_discord: FakeDiscord, start_bot: StartBot, server: FeedServer
):
    """A feed that adds to the shared archive (followed in another server by an operator)
    cannot be removed by that server's admin."""
    other = fake_discord.add_guild("Harbourside")
    bot = await start_bot(dev_guild_id=None)
    url = server.add_feed("good", "Loopback Wire", ["Buoy replaced"])
    cog(bot).store.add_feed(other.guild.id, url, fake_discord.owner.id, time.time())

    handle = fake_discord.slash(
        "feeds remove", {"url": url}, user=other.admin, channel=other.general
    )

    assert (await private_reply(fake_discord, handle)).startswith(
        "That feed adds to the shared archive, which only the bot's operator can change"
    )
    assert [f.url for f in cog(bot).store.feeds(other.guild.id)] == [url]


async def test_servers_are_limited_in_feeds(
    fake_discord: FakeDiscord, start_bot: StartBot, server: FeedServer
):
    """Past max_feeds_per_server another server's /feeds add is refused, saying so; the
    operator's server is not limited."""
    other = fake_discord.add_guild("Harbourside")
    bot = await start_bot(dev_guild_id=None, max_feeds_per_server=1)
    first, second = (server.add_feed(n, "Loopback Wire", [f"{n} story"]) for n in ("a", "b"))
    await fake_discord.slash(
        "feeds add", {"url": first}, user=other.admin, channel=other.general
    ).message(timeout=10)

    refused = fake_discord.slash(
        "feeds add", {"url": second}, user=other.admin, channel=other.general
    )

    assert await private_reply(fake_discord, refused) == (
        "This server follows 1 feed of its own, the most it may: remove one first with "
        "`/feeds remove`."
    )
    assert [f.url for f in cog(bot).store.feeds(other.guild.id)] == [first]
    admin = fake_discord.world.admin
    for url in (first, second):
        await fake_discord.slash("feeds add", {"url": url}, user=admin).message(timeout=10)
    assert len(cog(bot).store.feeds(fake_discord.world.guild.id)) == 2
