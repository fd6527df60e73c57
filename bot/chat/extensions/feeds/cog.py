"""/feeds and /digest: RSS/Atom feeds read on a schedule, and digests of the new articles.

Manage Server only: hidden from others by default permissions, and checked here as well
(bot.chat.permissions). A feed the operator's members add feeds the shared archive; one a
server's managers add feeds that server's own, and a server may follow `max_feeds_per_server`
of those. A digest lists what the server sees: the shared archive's new articles and its own.
Feeds and digests live in `Subscriptions` in the data directory, so they survive a restart.
`run_due_work(now)` does one round of the scheduled work; the loop calls it every
`feed_poll_minutes`, and tests call it with any `now`.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, TypeVar

import discord
from discord import app_commands
from discord.ext import commands, tasks
from discord.utils import escape_markdown

from bot.chat.autocomplete import outlet_autocomplete
from bot.chat.checks import check_url
from bot.chat.errors import InputError
from bot.chat.extensions.feeds.embeds import digest_embed, feed_choices, feeds_embed
from bot.chat.format import CHOICE_LIMIT, NO_MENTIONS, trim
from bot.chat.permissions import editors_only, require_editor, scopes_of, visible_scopes
from bot.feeds.subscriptions import (
    PERIODS,
    SUBSCRIPTIONS_FILE,
    Digest,
    Feed,
    Subscriptions,
    digest_articles,
    feed_error,
    probe_feed,
    short_error,
)
from ingest.errors import NewsdeskError, SourceError
from ingest.store.audit import FEED_ADDED, FEED_REMOVED, feed_actor

if TYPE_CHECKING:
    from bot.chat.bot import NewsBot

log = logging.getLogger(__name__)

T = TypeVar("T")
FEED_SLOTS = 2  # feeds worked on at once (their ingests take turns on the archive anyway)
FEED_THREADS = 4  # room for a timed-out call still finishing while the others go on
MANAGE_SERVER = discord.Permissions(manage_guild=True)
IN_SERVERS = app_commands.AppCommandContext(guild=True)


@dataclass
class WorkReport:
    """What one round of scheduled work did."""

    ingested: list[str] = field(default_factory=list)  # feeds read and ingested
    unchanged: list[str] = field(default_factory=list)  # feeds whose document had not changed
    failed: dict[str, str] = field(default_factory=dict)  # feed -> why it failed
    digests: list[int] = field(default_factory=list)  # guilds whose digest was posted


def find_feed(urls: list[str], given: str) -> str | None:
    """The feed the user means: an exact address, or the one a cut autocomplete value starts."""
    given = given.strip()
    if given in urls:
        return given
    if len(given) == CHOICE_LIMIT:
        matches = [url for url in urls if url.startswith(given)]
        if len(matches) == 1:
            return matches[0]
    return None


def can_post(channel: discord.abc.GuildChannel, me: discord.Member) -> bool:
    """Whether the bot may post embeds in the channel."""
    permissions = channel.permissions_for(me)
    return permissions.view_channel and permissions.send_messages and permissions.embed_links


class FeedsCog(commands.Cog):
    """Follows feeds, posts digests, and runs both on a schedule."""

    feeds = app_commands.Group(
        name="feeds",
        description="RSS/Atom feeds whose new articles are added to the archive on a schedule.",
        guild_only=True,
        allowed_contexts=IN_SERVERS,
        default_permissions=MANAGE_SERVER,
    )
    digest = app_commands.Group(
        name="digest",
        description="A daily or weekly post of the articles added since the last one.",
        guild_only=True,
        allowed_contexts=IN_SERVERS,
        default_permissions=MANAGE_SERVER,
    )

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot
        self.store: Subscriptions | None = None
        self._threads = ThreadPoolExecutor(FEED_THREADS, thread_name_prefix="newsdesk-feed")
        self._slots = asyncio.Semaphore(FEED_SLOTS)
        self._working = asyncio.Lock()

    @property
    def interval(self) -> float:
        """Seconds between scheduled rounds."""
        return self.bot.settings.feed_poll_minutes * 60

    async def cog_load(self) -> None:
        path = self.bot.settings.data_dir / SUBSCRIPTIONS_FILE
        self.store = await asyncio.to_thread(Subscriptions, path)
        self.scheduler.change_interval(seconds=self.interval)
        self.scheduler.start()

    async def cog_unload(self) -> None:
        self.scheduler.cancel()
        async with self._working:
            self._threads.shutdown(wait=False, cancel_futures=True)
            self.store.close()

    # --- the schedule

    @tasks.loop(minutes=30)
    async def scheduler(self) -> None:
        try:
            await self.run_due_work(time.time())
        except Exception:  # the schedule must survive any one bad round
            log.exception("scheduled feed and digest work failed")

    @scheduler.before_loop
    async def before_scheduler(self) -> None:
        await self.bot.wait_until_ready()
        await asyncio.sleep(self.interval)  # the first round one interval after start

    async def run_due_work(self, now: float) -> WorkReport:
        """Poll the feeds due at `now` (each on its own, with a time limit), then post the
        digests due at `now`. Rounds never overlap."""
        async with self._working:
            report = WorkReport()
            due = await asyncio.to_thread(self.store.due_feeds, now, self.interval)
            for url, outcome in await asyncio.gather(*(self.poll(f, now) for f in due)):
                if outcome is None:
                    report.ingested.append(url)
                elif outcome == "unchanged":
                    report.unchanged.append(url)
                else:
                    report.failed[url] = outcome
            for digest in await asyncio.to_thread(self.store.due_digests, now):
                try:
                    if await self.post_digest(digest, now):
                        report.digests.append(digest.guild_id)
                except Exception:  # one guild's digest must not stop the others
                    log.exception("digest of guild %s failed", digest.guild_id)
            if due or report.digests:
                log.info(
                    "scheduled round: %d feeds ingested, %d unchanged, %d failed; %d digests",
                    len(report.ingested),
                    len(report.unchanged),
                    len(report.failed),
                    len(report.digests),
                )
            return report

    async def poll(self, feed: Feed, now: float) -> tuple[str, str | None]:
        """(url, None when ingested, "unchanged", or why it failed); records the outcome.

        The feed document is read first (cheap, within `feed_timeout_seconds`): a dead or
        hanging feed fails there, and an unchanged one is not ingested again. Then its articles
        are ingested (within `feed_ingest_timeout_seconds`). Never raises.
        """
        url, settings, scope = feed.url, self.bot.settings, feed.scope
        read, ingest = settings.feed_timeout_seconds, settings.feed_ingest_timeout_seconds
        problem = f"no answer within {read:g} s"
        try:
            async with self._slots:
                private = self.bot.desk.allow_private_urls
                feed_hash = await self.in_thread(read, probe_feed, url, read, private)
                if feed_hash == feed.feed_hash:
                    await asyncio.to_thread(self.store.record_success, url, now, feed_hash, scope)
                    return url, "unchanged"
                problem = f"its articles were not all ingested within {ingest:g} s"
                ingested = await self.in_thread(ingest, self.ingest_feed, feed)
            problem = feed_error(ingested, url)
            if problem is None:
                log.info("feed %s: %s", url, ingested.summary().splitlines()[0])
                await asyncio.to_thread(self.store.record_success, url, now, feed_hash, scope)
                return url, None
        except TimeoutError:
            pass  # problem says which step ran out of time
        except NewsdeskError as exc:  # SourceError and the index errors
            problem = short_error(str(exc))
        except Exception as exc:  # one feed's bug must not stop the others
            log.exception("feed %s failed unexpectedly", url)
            problem = short_error(f"{type(exc).__name__}: {exc}")
        await asyncio.to_thread(self.store.record_failure, url, now, problem, scope)
        log.warning("feed %s failed (%d in a row): %s", url, feed.failures + 1, problem)
        return url, problem

    def ingest_feed(self, feed: Feed):
        """Ingest a feed's articles into the archive it feeds (blocking)."""
        actor = feed_actor(feed.guild_id)
        return self.bot.desk.ingest([feed.url], scope=feed.scope, actor=actor)

    async def in_thread(self, timeout: float, work: Callable[..., T], *args: object) -> T:
        """work(*args) in a feed thread, off the event loop; TimeoutError past timeout."""
        loop = asyncio.get_running_loop()
        call = loop.run_in_executor(self._threads, functools.partial(work, *args))
        return await asyncio.wait_for(call, timeout)

    async def post_digest(self, digest: Digest, now: float) -> bool:
        """Post a due digest of the articles ingested since the last one; whether it posted.

        Nothing new (of its source), or nowhere to post, posts nothing; either way the period
        is done.
        """
        guild = self.bot.get_guild(digest.guild_id)
        channel = guild.get_channel(digest.channel_id) if guild else None
        posted = False
        if channel is None or not can_post(channel, guild.me):
            log.warning(
                "digest of guild %s: cannot post in channel %s", digest.guild_id, digest.channel_id
            )
        else:
            rows = await asyncio.to_thread(
                self.bot.desk.new_articles, digest.last_sent, visible_scopes(digest.guild_id)
            )
            articles = digest_articles(rows, digest.last_sent, now, digest.source)
            if articles:
                embed = digest_embed(articles, digest.every, digest.source, digest.last_sent)
                try:
                    await channel.send(embed=embed, allowed_mentions=NO_MENTIONS)
                    posted = True
                except discord.HTTPException as exc:
                    log.warning("digest of guild %s not posted: %s", digest.guild_id, exc)
        await asyncio.to_thread(self.store.mark_sent, digest.guild_id, now)
        return posted

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """The bot left a server (or it was deleted): its feeds and digest stop."""
        feeds = await asyncio.to_thread(self.store.remove_guild, guild.id)
        log.info("left guild %s: dropped its %d feeds and its digest", guild.id, feeds)

    # --- /feeds

    @feeds.command(name="add", description="Follow an RSS/Atom feed: add its articles.")
    @app_commands.describe(url="Address of the RSS or Atom feed")
    @editors_only()
    async def feeds_add(
        self, interaction: discord.Interaction, url: app_commands.Range[str, 1, 2000]
    ) -> None:
        editor = await require_editor(interaction)
        url = check_url(url)
        await interaction.response.defer(thinking=True, ephemeral=True)
        followed = await asyncio.to_thread(self.store.feeds, interaction.guild_id)
        if any(feed.url == url for feed in followed):
            msg = "This server already follows that feed; see `/feeds list`."
            raise InputError(msg)
        own = [feed for feed in followed if feed.scope == editor.scope]
        most = self.bot.settings.max_feeds_per_server
        if not editor.is_operator and len(own) >= most:
            feeds = f"{len(own)} feed{'' if len(own) == 1 else 's'}"
            msg = (
                f"This server follows {feeds} of its own, the most it may: remove one first "
                "with `/feeds remove`."
            )
            raise InputError(msg)
        timeout = self.bot.settings.feed_timeout_seconds
        try:
            private = self.bot.desk.allow_private_urls
            await self.in_thread(timeout, probe_feed, url, timeout, private)
        except TimeoutError:
            msg = f"The feed did not answer within {timeout:g} s; check the address."
            raise InputError(msg) from None
        except SourceError as exc:
            msg = f"I cannot follow that: {short_error(str(exc))}"
            raise InputError(msg) from None
        await asyncio.to_thread(
            self.store.add_feed,
            interaction.guild_id,
            url,
            interaction.user.id,
            time.time(),
            editor.scope,
        )
        await asyncio.to_thread(
            self.bot.desk.record_feed, editor.actor, FEED_ADDED, editor.scope, url
        )
        log.info("%s added feed %s in guild %s", interaction.user.id, url, interaction.guild_id)
        await interaction.followup.send(
            f"Following <{url}>: its articles are added within "
            f"{self.bot.settings.feed_poll_minutes:g} minutes. See `/feeds list`.",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @feeds.command(name="remove", description="Stop following a feed (its articles stay).")
    @app_commands.describe(url="The feed: start typing its address, then pick it")
    @editors_only()
    async def feeds_remove(
        self, interaction: discord.Interaction, url: app_commands.Range[str, 1, 2000]
    ) -> None:
        editor = await require_editor(interaction)
        await interaction.response.defer(thinking=True, ephemeral=True)
        followed = await asyncio.to_thread(self.store.feeds, interaction.guild_id)
        found = find_feed([feed.url for feed in followed], url)
        if found is None:
            msg = f"This server does not follow “{trim(url, 100)}”; pick a feed as you type."
            raise InputError(msg)
        scope = next(feed.scope for feed in followed if feed.url == found)
        if scope not in editor.may_forget:
            msg = (
                "That feed adds to the shared archive, which only the bot's operator can "
                "change; `/feeds remove` stops the feeds this server added."
            )
            raise InputError(msg)
        await asyncio.to_thread(self.store.remove_feed, interaction.guild_id, found)
        await asyncio.to_thread(self.bot.desk.record_feed, editor.actor, FEED_REMOVED, scope, found)
        log.info("%s removed feed %s in guild %s", interaction.user.id, found, interaction.guild_id)
        await interaction.followup.send(
            f"Stopped following <{found}>. Its articles stay in the archive (`/forget` removes "
            "one).",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @feeds_remove.autocomplete("url")
    async def feed_url_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        followed = await asyncio.to_thread(self.store.feeds, interaction.guild_id)
        return feed_choices([feed.url for feed in followed], current)

    @feeds.command(name="list", description="The feeds this server follows, and how they fare.")
    @editors_only()
    async def feeds_list(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        followed = await asyncio.to_thread(self.store.feeds, interaction.guild_id)
        digest = await asyncio.to_thread(self.store.digest, interaction.guild_id)
        await interaction.followup.send(
            embed=feeds_embed(followed, digest, self.interval),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    # --- /digest

    @digest.command(name="set", description="Post the newly added articles to a channel regularly.")
    @app_commands.describe(
        channel="Where to post the digest",
        every="How often",
        source="Only articles from this outlet",
    )
    @editors_only()
    async def digest_set(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        every: Literal["daily", "weekly"],
        source: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        if not channel.permissions_for(interaction.user).view_channel:
            msg = "You cannot see that channel; pick one you can."
            raise InputError(msg)
        if not can_post(channel, interaction.guild.me):
            msg = (
                f"I cannot post in {channel.mention}: give me the View Channel, Send Messages "
                "and Embed Links permissions there."
            )
            raise InputError(msg)
        await interaction.response.defer(thinking=True, ephemeral=True)
        now = time.time()
        source = source.strip() if source else None
        await asyncio.to_thread(
            self.store.set_digest, interaction.guild_id, channel.id, every, source, now
        )
        log.info("%s set a %s digest in guild %s", interaction.user.id, every, interaction.guild_id)
        only = f" from {escape_markdown(source)}" if source else ""
        first = int(now + PERIODS[every])
        await interaction.followup.send(
            f"Every {'day' if every == 'daily' else 'week'} I will post the articles{only} added "
            f"since the last digest in {channel.mention}; the first comes <t:{first}:R>. "
            "Nothing new, no post.",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @digest_set.autocomplete("source")
    async def source_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await outlet_autocomplete(self.bot.desk, current, scopes_of(interaction))

    @digest.command(name="off", description="Stop this server's digest.")
    @editors_only()
    async def digest_off(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        stopped = await asyncio.to_thread(self.store.remove_digest, interaction.guild_id)
        if stopped:
            log.info("%s stopped the digest of guild %s", interaction.user.id, interaction.guild_id)
        text = "Stopped the digest." if stopped else "This server has no digest to stop."
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
