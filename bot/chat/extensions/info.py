"""/stats and /help: what the archive holds and what the bot can do."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import escape_markdown

from bot.chat.format import FIELD_VALUE_LIMIT, NO_MENTIONS, new_embed, trim
from bot.chat.permissions import scopes_of

if TYPE_CHECKING:
    from bot.chat.bot import NewsBot


class InfoCog(commands.Cog):
    """Statistics of the archive, and help."""

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    @app_commands.command(description="How many articles, outlets and passages this server sees.")
    async def stats(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        stats = await asyncio.to_thread(self.bot.desk.stats, scopes_of(interaction))
        await interaction.followup.send(embed=stats_embed(stats), allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="help", description="What this bot can do, and how to ask it.")
    async def help_command(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        commands_ = sorted(
            (c.name, c.description + (" (Manage Server only)" if c.default_permissions else ""))
            for c in self.bot.tree.get_commands()
            if isinstance(c, app_commands.Command | app_commands.Group)
        )
        await interaction.followup.send(
            embed=help_embed(commands_), ephemeral=True, allowed_mentions=NO_MENTIONS
        )


def stats_embed(stats: dict[str, object]) -> discord.Embed:
    """The archive's size, date range and embedding model."""
    first, last = stats.get("first_published"), stats.get("last_published")
    embed = new_embed("Archive statistics")
    for name, value in [
        ("Articles", stats.get("articles")),
        ("Outlets", stats.get("outlets")),
        ("Chunks", stats.get("chunks")),
        ("Vectors", stats.get("vectors")),
        ("Published", f"{first} to {last}" if first else "no dates"),
        ("Embedding model", stats.get("model")),
    ]:
        if value is None:  # vectors are counted for the whole index only
            continue
        embed.add_field(name=name, value=trim(str(value), FIELD_VALUE_LIMIT))
    if stats.get("pending"):
        embed.set_footer(text=f"{stats['pending']} articles are being stored")
    return embed


def help_embed(commands: Sequence[tuple[str, str]]) -> discord.Embed:
    """What the bot does: its slash commands (name, description), then how to chat with it."""
    lines = [f"`/{name}` — {escape_markdown(description)}" for name, description in commands]
    chat = (
        "**Chat**: mention me with a question, or reply to one of my answers; I answer in a "
        "thread, and follow-ups in that thread need no mention."
    )
    return new_embed("newsdesk help", "\n".join([*lines, "", chat]))


async def setup(bot: NewsBot) -> None:
    """Load the extension."""
    await bot.add_cog(InfoCog(bot))
