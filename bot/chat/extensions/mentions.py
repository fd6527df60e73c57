"""Chat: mention the bot (or reply to it) with a question; it answers in a thread of its own,
where follow-ups need no mention and are read in the light of the questions before them.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.chat.answers import answered_question
from bot.chat.checks import check_question
from bot.chat.errors import explain
from bot.chat.format import (
    CONTENT_LIMIT,
    NO_MENTIONS,
    thread_name,
    trim,
)
from bot.chat.permissions import visible_scopes
from bot.chat.views import AnswerView
from bot.qa.service import MAX_QUESTION_CHARS

if TYPE_CHECKING:
    from bot.chat.bot import NewsBot

log = logging.getLogger(__name__)

HISTORY_MESSAGES = 50
THREAD_ARCHIVE_MINUTES = 1440
HINT = "Ask me something about the news after the mention, for example: what did Putin say?"
_CHAT_TYPES = (discord.MessageType.default, discord.MessageType.reply)


class MentionsCog(commands.Cog):
    """Answers mentions and replies in threads, and follow-ups in those threads."""

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or message.guild is None or message.type not in _CHAT_TYPES:
            return
        if not self.listens_in(message.channel):
            return
        in_own_thread = (
            isinstance(message.channel, discord.Thread)
            and message.channel.owner_id == self.bot.user.id
        )
        addressed = self.addressed(message)
        if addressed and (await self.bot.get_context(message)).valid:
            return  # a text command such as `@newsdesk sync`
        if in_own_thread:
            await self.follow_up(message)
        elif addressed:
            await self.start_conversation(message)

    def listens_in(self, channel: discord.abc.MessageableChannel) -> bool:
        """Whether the settings let the bot chat in this channel (or this thread's parent)."""
        wanted = self.bot.settings.listen_channels
        return not wanted or channel.id in wanted or getattr(channel, "parent_id", None) in wanted

    def addressed(self, message: discord.Message) -> bool:
        """Whether the message mentions the bot or replies to one of its messages."""
        replied = message.reference.resolved if message.reference else None
        to_bot = isinstance(replied, discord.Message) and replied.author.id == self.bot.user.id
        return to_bot or self.bot.user in message.mentions

    def question_in(self, message: discord.Message) -> str:
        """The message's text without mentions of the bot."""
        me = re.compile(rf"<@!?{self.bot.user.id}>")
        return me.sub("", message.content).strip()

    async def start_conversation(self, message: discord.Message) -> None:
        """Answer in a new thread on the message (in place if it is already in a thread)."""
        question = self.question_in(message)
        if not question:
            await message.reply(HINT, allowed_mentions=NO_MENTIONS)
            return
        replied = message.reference.resolved if message.reference else None
        earlier = (
            answered_question(replied.embeds) if isinstance(replied, discord.Message) else None
        )
        history = [earlier] if earlier else []
        channel: discord.abc.Messageable = message.channel
        if not isinstance(channel, discord.Thread):
            channel = await self.open_thread(message, question)
        await self.answer(channel, message, question, history)

    async def open_thread(self, message: discord.Message, question: str):
        """A thread on the message for the conversation, or its channel if none can be made."""
        try:
            return await message.create_thread(
                name=thread_name(question), auto_archive_duration=THREAD_ARCHIVE_MINUTES
            )
        except discord.HTTPException as exc:
            log.warning("cannot open a thread in %s (%s); answering there", message.channel, exc)
            return message.channel

    async def follow_up(self, message: discord.Message) -> None:
        """Answer a message in one of the bot's threads, with the thread's earlier questions."""
        question = self.question_in(message)
        if not question:
            return
        history = []
        async for earlier in message.channel.history(limit=HISTORY_MESSAGES, before=message):
            answered = answered_question(earlier.embeds)
            if earlier.author.id == self.bot.user.id and answered:
                history.append(answered)
        await self.answer(message.channel, message, question, history[::-1])

    async def answer(
        self,
        channel: discord.abc.Messageable,
        message: discord.Message,
        question: str,
        history: list[str],
    ) -> None:
        """Answer the question in channel (replying to message when it is there)."""
        reference = message if message.channel.id == getattr(channel, "id", None) else None
        try:
            async with channel.typing():
                check_question(question)
                if history:
                    rewritten = await asyncio.to_thread(
                        self.bot.desk.rewrite_followup, question, history
                    )
                    question = trim(rewritten, MAX_QUESTION_CHARS)
                scopes = visible_scopes(message.guild.id if message.guild else None)
                answer = await asyncio.to_thread(self.bot.desk.ask, question, scopes=scopes)
        except Exception as exc:  # every failure becomes a friendly reply; the bot stays up
            text, expected = explain(exc)
            if not expected:
                log.error("could not answer message %s", message.id, exc_info=exc)
            await channel.send(
                trim(text, CONTENT_LIMIT), reference=reference, allowed_mentions=NO_MENTIONS
            )
            return
        view = AnswerView.for_answer(answer, message.author.id, self.bot)
        view.message = await channel.send(
            embeds=view.embeds, view=view, reference=reference, allowed_mentions=NO_MENTIONS
        )


async def setup(bot: NewsBot) -> None:
    """Load the extension."""
    await bot.add_cog(MentionsCog(bot))
