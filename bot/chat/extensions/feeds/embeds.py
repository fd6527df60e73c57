"""How feeds and digests look: each feed's state, a guild's digest, and the digest post."""

from __future__ import annotations

from collections.abc import Sequence

import discord
from discord import app_commands
from discord.utils import escape_markdown

from bot.chat.format import (
    CHOICE_LIMIT,
    CHOICES_LIMIT,
    DESCRIPTION_LIMIT,
    EMBED_TOTAL_LIMIT,
    FIELD_VALUE_LIMIT,
    FIELDS_PER_EMBED,
    headline,
    new_embed,
    one_line,
    trim,
)
from bot.feeds.subscriptions import DAILY, WEEKLY, Digest, Feed, feed_wait
from ingest.store.keyword import StoredArticle

DIGEST_ARTICLES = 20
FEED_NAME_LIMIT = 120
DIGEST_TITLES = {DAILY: "Daily news digest", WEEKLY: "Weekly news digest"}


def feed_status(feed: Feed, interval: float) -> str:
    """How a feed's polls went: not yet, fine, or failing (why, and when it is tried again)."""
    added = f"added <t:{int(feed.added_at)}:R> by <@{feed.added_by}>"
    if feed.last_polled is None:
        return f"⏳ not checked yet · {added}"
    last = f"<t:{int(feed.last_polled)}:R>"
    if not feed.failures:
        return f"✅ checked {last} · {added}"
    retry = int(feed.last_polled + feed_wait(feed.failures, interval))
    times = "once" if feed.failures == 1 else f"{feed.failures} times in a row"
    error = escape_markdown(trim(one_line(feed.last_error or "unknown error"), 300))
    return f"⚠️ failed {times}, last {last}: {error}\nNext try <t:{retry}:R> · {added}"


def feeds_embed(feeds: Sequence[Feed], digest: Digest | None, interval: float) -> discord.Embed:
    """A guild's feeds with how their polls went (polled every `interval` s), and its digest.

    Each feed's status is cut to its share of the 6000 characters an embed may hold.
    """
    head = f"Polled every {interval / 60:g} minutes; a failing feed waits longer each time."
    if not feeds:
        head += "\nNo feeds yet: add one with `/feeds add`."
    embed = new_embed(f"Feeds ({len(feeds)})", head)
    shown = list(feeds[: FIELDS_PER_EMBED - 1])
    names = [trim(feed.url, FEED_NAME_LIMIT) for feed in shown]
    room = EMBED_TOTAL_LIMIT - 400 - len(embed) - sum(len(n) for n in names)
    share = max(min(room // max(len(shown), 1), FIELD_VALUE_LIMIT), 60)
    for feed, name in zip(shown, names, strict=True):
        embed.add_field(name=name, value=trim(feed_status(feed, interval), share))
    embed.add_field(name="Digest", value=digest_line(digest), inline=False)
    return embed


def digest_line(digest: Digest | None) -> str:
    """What a guild's digest does, in one line."""
    if digest is None:
        return "None: start one with `/digest set`."
    only = f", only {escape_markdown(trim(digest.source, 100))}" if digest.source else ""
    return (
        f"{digest.every.capitalize()} in <#{digest.channel_id}>{only}; "
        f"last <t:{int(digest.last_sent)}:R>."
    )


def digest_article_line(article: StoredArticle) -> str:
    """One line of a digest: the linked headline, its outlet and its date."""
    return f"• {headline(article)}"


def digest_embed(
    articles: Sequence[StoredArticle], every: str, source: str | None, since: float
) -> discord.Embed:
    """A digest of the articles ingested since `since` (unix time), one line each."""
    title = DIGEST_TITLES.get(every, "News digest")
    if source:
        title += f": {one_line(source)}"
    count = len(articles)
    lines = [f"{count} new article{'s' if count != 1 else ''} since <t:{int(since)}:f>.", ""]
    shown = 0
    budget = DESCRIPTION_LIMIT - len(lines[0]) - 80
    for article in articles[:DIGEST_ARTICLES]:
        line = digest_article_line(article)
        if budget - len(line) - 1 < 0:
            break
        lines.append(line)
        budget -= len(line) + 1
        shown += 1
    if shown < count:
        lines.append(f"…and {count - shown} more: see `/sources`.")
    return new_embed(title, "\n".join(lines))


def feed_choices(urls: Sequence[str], current: str) -> list[app_commands.Choice[str]]:
    """Up to 25 feed addresses containing what was typed (a long one is cut to 100 characters)."""
    typed = current.strip().lower()
    return [
        app_commands.Choice(name=trim(url, CHOICE_LIMIT), value=url[:CHOICE_LIMIT])
        for url in urls
        if typed in url.lower()
    ][:CHOICES_LIMIT]
