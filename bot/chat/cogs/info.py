"""/stats and /help: what the archive holds and what the bot can do."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.chat.format import NO_MENTIONS, help_embed, stats_embed

if TYPE_CHECKING:
    from bot.chat.bot import NewsBot


class InfoCog(commands.Cog):
    """Statistics of the archive, and help."""

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    @app_commands.command(description="How many articles, outlets and passages the archive holds.")
    async def stats(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        stats = await asyncio.to_thread(self.bot.desk.stats)
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
