"""/ask and /search: questions answered with cited sources, and the passages behind them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.chat.autocomplete import outlet_autocomplete
from bot.chat.checks import check_question
from bot.chat.errors import InputError
from bot.chat.format import (
    FIELDS_PER_EMBED,
    batched,
    new_embed,
    numbered_item,
    one_line,
    page_footer,
)
from bot.chat.permissions import scopes_of
from bot.chat.views import AnswerView, Paginator, send_paged
from bot.qa.service import MAX_QUESTION_CHARS
from bot.qa.types import Passage

if TYPE_CHECKING:
    from bot.chat.bot import NewsBot

log = logging.getLogger(__name__)

RESULTS_PER_PAGE = 5
SNIPPET_LIMIT = 500


class DayOption(app_commands.Transformer):
    """A day typed as YYYY-MM-DD."""

    async def transform(self, interaction: discord.Interaction, value: str) -> date:
        return parse_day(value)


def parse_day(text: str) -> date:
    """The date in text (YYYY-MM-DD), or an InputError saying how to write one."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        msg = f"“{text[:40]}” is not a date: write it as YYYY-MM-DD, for example 2024-05-01."
        raise InputError(msg) from None


def check_window(since: date | None, until: date | None) -> None:
    """Refuse a date window that ends before it starts."""
    if since and until and since > until:
        msg = f"`since` ({since}) is after `until` ({until}): swap them."
        raise InputError(msg)


def ask_cooldown(interaction: discord.Interaction[NewsBot]) -> app_commands.Cooldown | None:
    """One /ask per user every `ask_cooldown_seconds` (none when the setting is 0)."""
    seconds = interaction.client.settings.ask_cooldown_seconds
    return app_commands.Cooldown(1, seconds) if seconds > 0 else None


Question = app_commands.Range[str, 1, MAX_QUESTION_CHARS]
Day = app_commands.Transform[date, DayOption]


class AskCog(commands.Cog):
    """Answers questions and searches the archive."""

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    @app_commands.command(description="Ask about the news; the answer cites its sources.")
    @app_commands.describe(
        question="What you want to know",
        since="Only articles published on or after this day (YYYY-MM-DD)",
        until="Only articles published on or before this day (YYYY-MM-DD)",
        source="Only articles from this outlet",
        private="Show the answer only to you",
    )
    @app_commands.checks.dynamic_cooldown(ask_cooldown)
    async def ask(
        self,
        interaction: discord.Interaction,
        question: Question,
        since: Day | None = None,
        until: Day | None = None,
        source: app_commands.Range[str, 1, 100] | None = None,
        private: bool = False,
    ) -> None:
        check_question(question)
        check_window(since, until)
        await interaction.response.defer(thinking=True, ephemeral=private)
        answer = await asyncio.to_thread(
            self.bot.desk.ask,
            question,
            since=since,
            until=until,
            source=source,
            scopes=scopes_of(interaction),
        )
        view = AnswerView.for_answer(answer, interaction.user.id, self.bot)
        await send_paged(interaction, view, ephemeral=private)

    @ask.autocomplete("source")
    async def source_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await outlet_autocomplete(self.bot.desk, current, scopes_of(interaction))

    @app_commands.command(description="Find the passages of the archive that match your words.")
    @app_commands.describe(query="Words, names or a question")
    async def search(self, interaction: discord.Interaction, query: Question) -> None:
        check_question(query, "query")
        await interaction.response.defer(thinking=True)
        passages = await asyncio.to_thread(
            self.bot.desk.search, query, scopes=scopes_of(interaction)
        )
        pages = search_pages(query, passages)
        timeout = self.bot.settings.view_timeout_seconds
        await send_paged(interaction, Paginator(pages, interaction.user.id, timeout=timeout))


def search_pages(
    query: str, passages: Sequence[Passage], per_page: int = RESULTS_PER_PAGE
) -> list[list[discord.Embed]]:
    """Pages of passages matching a query, numbered, each with its source."""
    title = f"Results for “{one_line(query)}”"
    if not passages:
        return [[new_embed(title, "No passage matches. Try other words, or see `/sources`.")]]
    pages = batched(list(enumerate(passages, 1)), min(per_page, FIELDS_PER_EMBED))
    result = []
    for index, page in enumerate(pages):
        embed = new_embed(title)
        for number, p in page:
            name, value = numbered_item(
                number, p.title, p.outlet, p.published, p.url, p.text, SNIPPET_LIMIT
            )
            embed.add_field(name=name, value=value, inline=False)
        embed.set_footer(text=page_footer(index, len(pages), f"{len(passages)} passages"))
        result.append([embed])
    return result


async def setup(bot: NewsBot) -> None:
    """Load the extension."""
    await bot.add_cog(AskCog(bot))
