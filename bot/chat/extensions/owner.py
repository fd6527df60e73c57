"""`@newsdesk sync`: the owner publishes the slash commands (globally, or to one server)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Literal

from discord.ext import commands

from bot.chat.format import NO_MENTIONS

if TYPE_CHECKING:
    from bot.chat.bot import NewsBot

log = logging.getLogger(__name__)


class OwnerCog(commands.Cog):
    """Commands for the bot's owner only."""

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    async def cog_check(self, ctx: commands.Context) -> bool:
        if await self.bot.is_owner(ctx.author):
            return True
        raise commands.NotOwner("Only the bot's owner can do that.")

    async def cog_command_error(self, ctx: commands.Context, error: Exception) -> None:
        if isinstance(error, commands.NotOwner | commands.BadArgument | commands.NoPrivateMessage):
            await ctx.reply(str(error), allowed_mentions=NO_MENTIONS)
            return
        log.error("owner command %s failed", ctx.command, exc_info=error)
        await ctx.reply("That failed; see the log.", allowed_mentions=NO_MENTIONS)

    @commands.command()
    async def sync(
        self, ctx: commands.Context, scope: Literal["global", "here", "clear"] = "global"
    ) -> None:
        """Publish the slash commands: everywhere, to this server only, or clear this server's."""
        if scope != "global" and ctx.guild is None:
            raise commands.NoPrivateMessage("`here` and `clear` work in a server.")
        if scope == "clear":
            self.bot.tree.clear_commands(guild=ctx.guild)
            await self.bot.tree.sync(guild=ctx.guild)
            await ctx.reply("Cleared this server's commands.", allowed_mentions=NO_MENTIONS)
            return
        synced = await self.bot.sync_app_commands(ctx.guild if scope == "here" else None)
        where = "to this server" if scope == "here" else "globally (may take a while to appear)"
        await ctx.reply(f"Synced {len(synced)} commands {where}.", allowed_mentions=NO_MENTIONS)


async def setup(bot: NewsBot) -> None:
    """Load the extension."""
    await bot.add_cog(OwnerCog(bot))
