"""NewsBot: the discord.py bot, with its cogs, over one NewsDesk and one FeedbackStore."""

from __future__ import annotations

import logging
import os
from concurrent.futures import ThreadPoolExecutor

import discord
from discord import app_commands
from discord.ext import commands

from bot.chat.errors import NewsCommandTree
from bot.chat.format import NO_MENTIONS
from bot.feedback import FeedbackStore
from bot.qa.service import NewsDesk
from bot.settings import Settings

log = logging.getLogger(__name__)

# One per feature, loaded by name; each has its own setup().
EXTENSIONS = (
    "bot.chat.extensions.ask",
    "bot.chat.extensions.library",
    "bot.chat.extensions.admin",
    "bot.chat.extensions.info",
    "bot.chat.extensions.mentions",
    "bot.chat.extensions.owner",
    "bot.chat.extensions.summaries",
    "bot.chat.extensions.feeds",
)


def intents() -> discord.Intents:
    """Guilds and messages, with message content (for mentions and thread follow-ups)."""
    wanted = discord.Intents.default()
    wanted.message_content = True
    return wanted


class NewsBot(commands.Bot):
    """Slash commands and chat over a news archive; it never pings anyone."""

    def __init__(self, desk: NewsDesk, settings: Settings, feedback: FeedbackStore) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents(),
            allowed_mentions=NO_MENTIONS,
            help_command=None,
            tree_cls=NewsCommandTree,
        )
        self.desk = desk
        self.settings = settings
        self.feedback = feedback

    async def setup_hook(self) -> None:
        # Model and index calls run in threads (asyncio.to_thread). As many threads as cores
        # keep the CPU busy without starving the event loop's own thread of the GIL.
        self.loop.set_default_executor(
            ThreadPoolExecutor(max_workers=os.cpu_count() or 2, thread_name_prefix="newsdesk")
        )
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        if self.settings.sync_commands:
            guild_id = self.settings.dev_guild_id
            synced = await self.sync_app_commands(discord.Object(guild_id) if guild_id else None)
            log.info(
                "synced %d commands %s",
                len(synced),
                f"to guild {guild_id}" if guild_id else "globally",
            )

    async def sync_app_commands(
        self, guild: discord.abc.Snowflake | None = None
    ) -> list[app_commands.AppCommand]:
        """Publish the slash commands to one guild (at once) or globally (within the hour)."""
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        return await self.tree.sync(guild=guild)

    async def on_command_error(self, ctx: commands.Context, error: Exception, /) -> None:
        if isinstance(error, commands.CommandNotFound):
            return  # a mention that is a question, for the chat cog
        await super().on_command_error(ctx, error)

    async def on_ready(self) -> None:
        log.info("logged in as %s (%s) in %d servers", self.user, self.user.id, len(self.guilds))
