"""Autocomplete and article lookup shared by several commands."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.chat.format import CHOICE_LIMIT, CHOICES_LIMIT, day_label, one_line, trim
from bot.chat.permissions import scopes_of
from ingest.errors import NewsdeskError
from ingest.store.keyword import StoredArticle

if TYPE_CHECKING:
    from bot.chat.bot import NewsBot
    from bot.qa.service import NewsDesk

log = logging.getLogger(__name__)

ArticleKey = app_commands.Range[str, 1, 200]


async def outlet_autocomplete(
    desk: NewsDesk, current: str, scopes: Sequence[int]
) -> list[app_commands.Choice[str]]:
    """Outlets in the archives of scopes matching what the user typed; none when the archive
    is down."""
    try:
        outlets = await asyncio.to_thread(desk.outlets, scopes)
    except NewsdeskError as exc:
        log.info("no outlets to offer: %s", exc)
        return []
    return outlet_choices(outlets, current)


async def article_autocomplete(
    interaction: discord.Interaction[NewsBot], current: str
) -> list[app_commands.Choice[str]]:
    """Up to 25 articles seen here whose title, outlet or address contains what was typed."""
    return await articles_matching(interaction.client.desk, current, scopes_of(interaction))


async def articles_matching(
    desk: NewsDesk, current: str, scopes: Sequence[int]
) -> list[app_commands.Choice[str]]:
    """Up to 25 articles of the archives of scopes whose title, outlet or address contains
    what was typed; none when the archive is down."""
    try:
        articles = await asyncio.to_thread(desk.articles, current.strip(), 25, scopes)
    except NewsdeskError as exc:
        log.info("no articles to offer: %s", exc)
        return []
    return article_choices(articles)


def find_article(desk: NewsDesk, key: str, scopes: Sequence[int]) -> StoredArticle | None:
    """The article with this id (as autocomplete sends), else the first whose title matches,
    among the archives of scopes."""
    found = desk.article(key.strip(), scopes)
    if found is None:
        found = next(iter(desk.articles(key.strip(), 1, scopes)), None)
    return found


def no_article(key: str) -> str:
    """What to say when no article matches what the user gave."""
    return f"No article matches “{trim(key, 100)}”; pick one from the list as you type."


def outlet_choices(outlets: Sequence[str], current: str) -> list[app_commands.Choice[str]]:
    """Up to 25 outlets containing what was typed (outlets over 100 characters cannot be sent)."""
    typed = current.strip().lower()
    return [
        app_commands.Choice(name=outlet, value=outlet)
        for outlet in outlets
        if typed in outlet.lower() and 0 < len(outlet) <= CHOICE_LIMIT
    ][:CHOICES_LIMIT]


def article_choices(articles: Sequence[StoredArticle]) -> list[app_commands.Choice[str]]:
    """Up to 25 articles as choices: "title — outlet, date", valued by article id."""
    return [
        app_commands.Choice(
            name=trim(
                f"{one_line(a.title) or 'Untitled'} — {a.outlet}, {day_label(a.published)}",
                CHOICE_LIMIT,
            ),
            value=a.article_id,
        )
        for a in articles[:CHOICES_LIMIT]
    ]
