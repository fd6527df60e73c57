"""/sources and /article: what the archive holds, as a paged list and one article at a time."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.chat.autocomplete import ArticleKey, article_autocomplete, find_article, no_article
from bot.chat.errors import InputError
from bot.chat.format import (
    FIELD_VALUE_LIMIT,
    NO_MENTIONS,
    batched,
    day_label,
    headline,
    markdown_link,
    new_embed,
    one_line,
    page_footer,
    trim,
)
from bot.chat.permissions import scopes_of
from bot.chat.views import Paginator, send_paged
from ingest.store.keyword import StoredArticle

if TYPE_CHECKING:
    from bot.chat.bot import NewsBot

log = logging.getLogger(__name__)


ARTICLES_PER_PAGE = 10


class LibraryCog(commands.Cog):
    """Lists the archive's articles and shows one in detail."""

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    @app_commands.command(description="List the articles this server sees, newest first.")
    @app_commands.describe(text="Only articles whose title, outlet or address contains this")
    @app_commands.rename(text="filter")
    async def sources(
        self, interaction: discord.Interaction, text: app_commands.Range[str, 1, 100] = ""
    ) -> None:
        await interaction.response.defer(thinking=True)
        articles = await asyncio.to_thread(
            self.bot.desk.articles, text.strip(), None, scopes_of(interaction)
        )
        pages = article_list_pages(articles, text.strip())
        timeout = self.bot.settings.view_timeout_seconds
        await send_paged(interaction, Paginator(pages, interaction.user.id, timeout=timeout))

    @app_commands.command(description="Show the details of one indexed article.")
    @app_commands.describe(article="Start typing a title, then pick the article")
    @app_commands.autocomplete(article=article_autocomplete)
    async def article(self, interaction: discord.Interaction, article: ArticleKey) -> None:
        await interaction.response.defer(thinking=True)
        found = await asyncio.to_thread(
            find_article, self.bot.desk, article, scopes_of(interaction)
        )
        if found is None:
            raise InputError(no_article(article))
        await interaction.followup.send(embed=article_embed(found), allowed_mentions=NO_MENTIONS)


def article_line(article: StoredArticle) -> str:
    """One line of the article list: title, outlet, date and id."""
    return f"{headline(article)} · `{article.article_id}`"


def article_list_pages(
    articles: Sequence[StoredArticle], text: str = "", per_page: int = ARTICLES_PER_PAGE
) -> list[list[discord.Embed]]:
    """Pages listing indexed articles, newest first."""
    title = f"Articles matching “{one_line(text)}”" if text else "Indexed articles"
    if not articles:
        hint = "No article matches." if text else "The archive is empty: add articles with /ingest."
        return [[new_embed(title, hint)]]
    pages = batched(articles, per_page)
    result = []
    for index, page in enumerate(pages):
        embed = new_embed(title, "\n".join(article_line(a) for a in page))
        embed.set_footer(text=page_footer(index, len(pages), f"{len(articles)} articles"))
        result.append([embed])
    return result


def article_embed(article: StoredArticle) -> discord.Embed:
    """Everything the catalogue knows about one article."""
    embed = new_embed(one_line(article.title) or "Untitled")
    if markdown_link(article.url):
        embed.url = article.url
    fields = [
        ("Outlet", article.outlet or "unknown"),
        ("Published", day_label(article.published)),
        ("Author", article.author or "unknown"),
        ("Chunks", str(article.chunk_count)),
        ("Added", f"<t:{int(article.ingested_at)}:R>"),
        ("ID", f"`{article.article_id}`"),
        ("Origin", article.origin or "unknown"),
    ]
    for name, value in fields:
        embed.add_field(name=name, value=trim(value, FIELD_VALUE_LIMIT), inline=name != "Origin")
    return embed


async def setup(bot: NewsBot) -> None:
    """Load the extension."""
    await bot.add_cog(LibraryCog(bot))
