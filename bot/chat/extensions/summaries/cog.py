"""/summarize and "Summarize from here": the topics of a channel's or thread's recent messages.

Only channels that both the member asking and the bot can read are summarized. The messages are
read from Discord for the call, summarized in a worker thread and then dropped: no message text
is stored or logged.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands
from langchain_core.messages import AIMessage, HumanMessage

from bot.chat.errors import InputError
from bot.chat.extensions.summaries.embeds import summary_embed
from bot.chat.format import NO_MENTIONS, trim
from bot.summaries.messages import ChatMessage, usable_messages
from bot.summaries.summarize import MIN_MESSAGES, ChannelSummarizer, ChannelSummary, llm_recaps

if TYPE_CHECKING:
    from bot.chat.bot import NewsBot
    from bot.qa.llm import LLMAnswerer

log = logging.getLogger(__name__)

DEFAULT_MESSAGES = 200
MAX_MESSAGES = 1000
EARLIEST = datetime(2015, 1, 1, tzinfo=UTC)  # Discord's epoch: no message is older
SECONDS = {"m": 60, "h": 3600, "d": 86_400, "w": 604_800}
_SPAN = re.compile(r"(\d{1,4})\s*(m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?)")
_CHAT_TYPES = (discord.MessageType.default, discord.MessageType.reply)
SINCE_HINT = 'Write it as "30m", "2h", "3d", "1w", "today", "yesterday" or a date like 2024-05-01.'
MEMBER_CANNOT_READ = (
    "I only summarize channels that both you and I can read, and you cannot read the history "
    "of that one."
)
PRIVATE_THREAD = (
    "Only the person who started a private thread, or members who can manage threads, can "
    "summarize it."
)
NOT_A_CHANNEL = "I can summarize text channels and threads only."

Summarizable = discord.TextChannel | discord.VoiceChannel | discord.Thread


def parse_since(text: str, now: datetime) -> datetime:
    """The moment `since` names, in UTC; an InputError saying how to write it otherwise.

    "30m", "2h", "3d", "1w" count back from now; "today" and "yesterday" start at midnight
    UTC; a date YYYY-MM-DD starts at its midnight UTC.
    """
    value = text.strip().lower()
    midnight = datetime.combine(now.astimezone(UTC).date(), time(), tzinfo=UTC)
    if value == "today":
        start = midnight
    elif value == "yesterday":
        start = midnight - timedelta(days=1)
    elif span := _SPAN.fullmatch(value):
        start = now - timedelta(seconds=int(span.group(1)) * SECONDS[span.group(2)[0]])
    else:
        try:
            start = datetime.combine(date.fromisoformat(value), time(), tzinfo=UTC)
        except ValueError:
            msg = f"“{trim(text, 40)}” is not a time I understand for `since`. {SINCE_HINT}"
            raise InputError(msg) from None
    if start >= now:
        msg = f"`since` ({start:%Y-%m-%d %H:%M} UTC) is not in the past. {SINCE_HINT}"
        raise InputError(msg)
    return max(start, EARLIEST)


def can_read(channel: Summarizable, member: discord.Member) -> bool:
    """Whether member may see the channel and read its history."""
    permissions = channel.permissions_for(member)
    return permissions.view_channel and permissions.read_message_history


def check_access(channel: object, member: discord.Member, me: discord.Member) -> Summarizable:
    """The channel, if the member and the bot may both read its history; else an InputError."""
    if not isinstance(channel, Summarizable):
        raise InputError(NOT_A_CHANNEL)
    if not can_read(channel, member):
        raise InputError(MEMBER_CANNOT_READ)
    if (
        isinstance(channel, discord.Thread)
        and channel.type is discord.ChannelType.private_thread
        and channel.owner_id != member.id
        and not channel.permissions_for(member).manage_threads
    ):
        raise InputError(PRIVATE_THREAD)
    if not can_read(channel, me):
        raise InputError(bot_cannot_read(channel))
    return channel


def bot_cannot_read(channel: Summarizable) -> str:
    return (
        f"I cannot read the history of {channel.mention}: give me the View Channel and Read "
        "Message History permissions there."
    )


def too_few(found: int) -> str:
    """What to say when there are not enough messages to summarize."""
    return (
        f"There is not enough to summarize: I found {found} message{'s' if found != 1 else ''} "
        f"written by people (I need at least {MIN_MESSAGES}; bot messages and commands are "
        "skipped). Try a larger `messages` or an earlier `since`."
    )


def place(channel: Summarizable) -> str:
    """How a summary names where it comes from."""
    if isinstance(channel, discord.Thread):
        return f"thread “{channel.name}”"
    return f"#{channel.name}"


def chat_message(message: discord.Message) -> ChatMessage:
    """The summarizer's view of a message: people by display name, in the text (mentions
    spelled out as @names), in its mentions and as its author alike; the message it replies to.
    """
    reference = message.reference
    return ChatMessage(
        id=str(message.id),
        author=message.author.display_name,
        content=message.clean_content,
        timestamp=message.created_at,
        jump_url=message.jump_url,
        is_bot=message.author.bot or message.webhook_id is not None,
        reply_to=str(reference.message_id) if reference and reference.message_id else None,
        mentions=tuple(user.display_name for user in message.mentions),
    )


class AnswererChat:
    """The LLM answerer's chat model as `llm_recaps` calls it (`invoke(prompt).content`),
    within the answerer's time limit and turn-taking (one call at a time for llama.cpp)."""

    def __init__(self, answerer: LLMAnswerer) -> None:
        self.answerer = answerer

    def invoke(self, prompt: str) -> AIMessage:
        return AIMessage(content=self.answerer._complete([HumanMessage(content=prompt)]))


def summarize_cooldown(interaction: discord.Interaction[NewsBot]) -> app_commands.Cooldown | None:
    """One summary per user every `summarize_cooldown_seconds` (none when the setting is 0)."""
    seconds = interaction.client.settings.summarize_cooldown_seconds
    return app_commands.Cooldown(1, seconds) if seconds > 0 else None


class SummariesCog(commands.Cog):
    """Summarizes channels and threads, on command or from a chosen message onwards."""

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot
        self.summarizer = ChannelSummarizer(bot.desk.index.embedder)
        self.from_here = app_commands.ContextMenu(
            name="Summarize from here", callback=self.summarize_from_here
        )

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.from_here)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.from_here.name, type=self.from_here.type)

    @app_commands.command(description="Summarize the recent messages of a channel or thread.")
    @app_commands.describe(
        messages=f"How many of the latest messages to read (5–{MAX_MESSAGES})",
        since='Only messages since then: "2h", "30m", "3d", "yesterday" or YYYY-MM-DD (UTC)',
        channel="The channel or thread to summarize (this one if left out)",
        private="Show the summary only to you",
    )
    @app_commands.guild_only()
    @app_commands.checks.dynamic_cooldown(summarize_cooldown)
    async def summarize(
        self,
        interaction: discord.Interaction,
        messages: app_commands.Range[int, MIN_MESSAGES, MAX_MESSAGES] = DEFAULT_MESSAGES,
        since: app_commands.Range[str, 1, 40] | None = None,
        channel: discord.TextChannel | discord.Thread | None = None,
        private: bool = False,
    ) -> None:
        after = parse_since(since, discord.utils.utcnow()) if since else None
        where = check_access(channel or interaction.channel, interaction.user, interaction.guild.me)
        await interaction.response.defer(thinking=True, ephemeral=private)
        history = await read_history(where, limit=messages, after=after, oldest_first=False)
        await self.send_summary(interaction, where, history, private=private)

    @app_commands.guild_only()
    @app_commands.checks.dynamic_cooldown(summarize_cooldown)
    async def summarize_from_here(
        self, interaction: discord.Interaction, message: discord.Message
    ) -> None:
        """Summarize a message and the ones after it (up to 200), privately."""
        where = check_access(
            interaction.channel or message.channel, interaction.user, interaction.guild.me
        )
        await interaction.response.defer(thinking=True, ephemeral=True)
        start = discord.Object(id=message.id - 1)  # `after` is exclusive: include the message
        history = await read_history(where, limit=DEFAULT_MESSAGES, after=start, oldest_first=True)
        await self.send_summary(interaction, where, history, private=True)

    async def send_summary(
        self,
        interaction: discord.Interaction,
        where: Summarizable,
        history: list[discord.Message],
        *,
        private: bool,
    ) -> None:
        """Summarize the messages read and reply with the summary embed."""
        chat = [chat_message(m) for m in history if m.type in _CHAT_TYPES]
        found = len(usable_messages(chat))
        if found < MIN_MESSAGES:
            raise InputError(too_few(found))
        summary, by_llm = await asyncio.to_thread(self.summarize_chat, chat)
        log.info(
            "summarized %d messages of channel %s into %d topics for %s",
            summary.message_count,
            where.id,
            len(summary.topics),
            interaction.user.id,
        )
        links = {str(m.id): m.jump_url for m in history}
        embed = summary_embed(summary, place(where), links, by_llm=by_llm)
        await interaction.followup.send(
            embed=embed, ephemeral=private, allowed_mentions=NO_MENTIONS
        )

    def summarize_chat(self, chat: list[ChatMessage]) -> tuple[ChannelSummary, bool]:
        """(the summary, whether a language model wrote its recaps); runs in a thread."""
        try:
            summary = self.summarizer.summarize(chat)
        except ValueError as exc:  # too few usable messages
            raise InputError(too_few(len(usable_messages(chat)))) from exc
        answerer = self.bot.desk.llm_answerer
        if answerer is None or not summary.topics:
            return summary, False
        written = llm_recaps(summary, AnswererChat(answerer))
        pairs = zip(summary.topics, written.topics, strict=True)
        return written, any(before.recap != after.recap for before, after in pairs)


async def read_history(
    channel: Summarizable,
    *,
    limit: int,
    after: datetime | discord.abc.Snowflake | None,
    oldest_first: bool,
) -> list[discord.Message]:
    """Up to limit messages of the channel after a point; an InputError if Discord refuses."""
    try:
        return [
            message
            async for message in channel.history(
                limit=limit, after=after, oldest_first=oldest_first
            )
        ]
    except discord.Forbidden:
        raise InputError(bot_cannot_read(channel)) from None
