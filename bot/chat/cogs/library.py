"""/sources and /article: what the archive holds, as a paged list and one article at a time."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.chat.errors import InputError
from bot.chat.format import NO_MENTIONS, article_choices, article_embed, article_list_pages, trim
from bot.chat.views import Paginator, send_paged
from ingest.errors import NewsdeskError
from ingest.keyword import StoredArticle

if TYPE_CHECKING:
    from bot.chat.bot import NewsBot
    from bot.qa.service import NewsDesk

log = logging.getLogger(__name__)


async def article_autocomplete(
    interaction: discord.Interaction[NewsBot], current: str
) -> list[app_commands.Choice[str]]:
    """Up to 25 articles whose title, outlet or address contains what was typed."""
    try:
        articles = await asyncio.to_thread(interaction.client.desk.articles, current.strip(), 25)
    except NewsdeskError as exc:
        log.info("no articles to offer: %s", exc)
        return []
    return article_choices(articles)


def find_article(desk: NewsDesk, key: str) -> StoredArticle | None:
    """The article with this id (as autocomplete sends), else the first whose title matches."""
    found = desk.article(key.strip())
    if found is None:
        found = next(iter(desk.articles(key.strip(), limit=1)), None)
    return found


def not_found(key: str) -> str:
    """What to say when no article matches what the user gave."""
    return f"No article matches “{trim(key, 100)}”; pick one from the list as you type."


ArticleKey = app_commands.Range[str, 1, 200]


class LibraryCog(commands.Cog):
    """Lists the archive's articles and shows one in detail."""

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    @app_commands.command(description="List the indexed articles, newest first.")
    @app_commands.describe(text="Only articles whose title, outlet or address contains this")
    @app_commands.rename(text="filter")
    async def sources(
        self, interaction: discord.Interaction, text: app_commands.Range[str, 1, 100] = ""
    ) -> None:
        await interaction.response.defer(thinking=True)
        articles = await asyncio.to_thread(self.bot.desk.articles, text.strip())
        pages = article_list_pages(articles, text.strip())
        timeout = self.bot.settings.view_timeout_seconds
        await send_paged(interaction, Paginator(pages, interaction.user.id, timeout=timeout))

    @app_commands.command(description="Show the details of one indexed article.")
    @app_commands.describe(article="Start typing a title, then pick the article")
    @app_commands.autocomplete(article=article_autocomplete)
    async def article(self, interaction: discord.Interaction, article: ArticleKey) -> None:
        await interaction.response.defer(thinking=True)
        found = await asyncio.to_thread(find_article, self.bot.desk, article)
        if found is None:
            raise InputError(not_found(article))
        await interaction.followup.send(embed=article_embed(found), allowed_mentions=NO_MENTIONS)
