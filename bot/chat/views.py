"""Buttons under the bot's messages: a paginator only its asker may turn, and feedback votes."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord

from bot.chat.answers import answer_pages
from bot.chat.errors import explain, reply_privately
from bot.chat.format import NO_MENTIONS
from bot.feedback import DOWN, UP, FeedbackStore
from bot.qa.types import Answer

if TYPE_CHECKING:
    from discord.ui import Item

log = logging.getLogger(__name__)

NOT_YOURS = "Only the person who asked can turn these pages; run the command yourself to browse."
VOTE_PREFIX = "newsdesk:vote:"
VOTES = {f"{VOTE_PREFIX}up": UP, f"{VOTE_PREFIX}down": DOWN}


class Paginator(discord.ui.View):
    """Pages of embeds that only their owner may turn; the buttons are removed on timeout.

    Set `message` to the sent message, so the timeout can edit it.
    """

    def __init__(self, pages: list[list[discord.Embed]], owner_id: int, *, timeout: float):
        super().__init__(timeout=timeout)
        self.pages = pages
        self.owner_id = owner_id
        self.index = 0
        self.message: discord.Message | discord.WebhookMessage | None = None
        if len(pages) < 2:
            self.remove_item(self.previous_page)
            self.remove_item(self.next_page)
        self._update_buttons()

    @property
    def embeds(self) -> list[discord.Embed]:
        """The embeds of the page shown now."""
        return self.pages[self.index]

    def may_press(self, interaction: discord.Interaction) -> bool:
        """Whether this user may press the button of this interaction."""
        return interaction.user.id == self.owner_id

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if self.may_press(interaction):
            return True
        await interaction.response.send_message(
            NOT_YOURS, ephemeral=True, allowed_mentions=NO_MENTIONS
        )
        return False

    @discord.ui.button(label="Previous", emoji="◀️", custom_id="newsdesk:page:previous")
    async def previous_page(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self._show(interaction, self.index - 1)

    @discord.ui.button(label="Next", emoji="▶️", custom_id="newsdesk:page:next")
    async def next_page(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self._show(interaction, self.index + 1)

    async def _show(self, interaction: discord.Interaction, index: int) -> None:
        self.index = max(0, min(index, len(self.pages) - 1))
        self._update_buttons()
        await interaction.response.edit_message(
            embeds=self.embeds, view=self, allowed_mentions=NO_MENTIONS
        )

    def _update_buttons(self) -> None:
        self.previous_page.disabled = self.index == 0
        self.next_page.disabled = self.index == len(self.pages) - 1

    async def on_timeout(self) -> None:
        """Remove the buttons: they would no longer answer."""
        if self.message is None or not self.children:
            return
        try:
            await self.message.edit(view=None, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as exc:
            log.info("could not remove the buttons of message %s: %s", self.message.id, exc)

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: Item
    ) -> None:
        text, expected = explain(error)
        if not expected:
            log.error("button %s failed", getattr(item, "custom_id", item), exc_info=error)
        try:
            await reply_privately(interaction, text)
        except discord.HTTPException:
            log.warning("could not report a button error", exc_info=True)


class AnswerView(Paginator):
    """An answer's pages of sources, plus 👍/👎 buttons anyone may press to rate the answer."""

    def __init__(
        self,
        answer: Answer,
        pages: list[list[discord.Embed]],
        owner_id: int,
        feedback: FeedbackStore,
        *,
        timeout: float,
    ):
        super().__init__(pages, owner_id, timeout=timeout)
        self.answer = answer
        self.feedback = feedback

    @classmethod
    def for_answer(cls, answer: Answer, owner_id: int, bot) -> AnswerView:
        """The view under an answer sent by the bot, with its feedback store and timeout."""
        return cls(
            answer,
            answer_pages(answer),
            owner_id,
            bot.feedback,
            timeout=bot.settings.view_timeout_seconds,
        )

    def may_press(self, interaction: discord.Interaction) -> bool:
        custom_id = (interaction.data or {}).get("custom_id", "")
        return custom_id in VOTES or super().may_press(interaction)

    @discord.ui.button(emoji="👍", custom_id=f"{VOTE_PREFIX}up", row=1)
    async def vote_up(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self._vote(interaction, UP)

    @discord.ui.button(emoji="👎", custom_id=f"{VOTE_PREFIX}down", row=1)
    async def vote_down(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self._vote(interaction, DOWN)

    async def _vote(self, interaction: discord.Interaction, vote: int) -> None:
        message_id = interaction.message.id if interaction.message else 0
        await asyncio.to_thread(
            self.feedback.record,
            interaction.user.id,
            self.answer.question,
            self.answer.text,
            vote,
            message_id,
        )
        thanks = "Thanks, noted: 👍" if vote == UP else "Thanks, noted: 👎. Sorry it missed."
        await interaction.response.send_message(
            thanks, ephemeral=True, allowed_mentions=NO_MENTIONS
        )


async def send_paged(
    interaction: discord.Interaction, view: Paginator, *, ephemeral: bool = False
) -> None:
    """Send the view's first page as the command's reply (without buttons if it has none)."""
    buttons = {"view": view} if view.children else {}
    view.message = await interaction.followup.send(
        embeds=view.embeds, ephemeral=ephemeral, wait=True, allowed_mentions=NO_MENTIONS, **buttons
    )
