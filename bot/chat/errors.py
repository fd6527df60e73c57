"""The one place errors become friendly replies: the command tree's error handler.

Commands and views raise; `explain` turns any exception into what the user is told, and
`NewsCommandTree.on_error` sends it privately. Only unexpected errors are logged with a trace.
"""

from __future__ import annotations

import logging
import math

import discord
from discord import app_commands

from bot.chat.format import CONTENT_LIMIT, NO_MENTIONS, trim
from bot.qa.llm import AnswerBackendError
from ingest.store.errors import IndexNotReady, IndexUnavailable

log = logging.getLogger(__name__)

UNEXPECTED = "Something went wrong on my side; it has been logged. Please try again later."
PERMISSION_NAMES = {"manage_guild": "Manage Server"}


class InputError(app_commands.AppCommandError):
    """The user's input cannot be used as given; the message says why and what to do."""


def explain(error: BaseException) -> tuple[str, bool]:
    """(what to tell the user, whether the error was expected) for any exception."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    message = _message(error)
    return (message, True) if message else (UNEXPECTED, False)


def _message(error: BaseException) -> str | None:
    """The friendly message for an expected error, or None."""
    match error:
        case InputError():
            return str(error)
        case app_commands.CommandOnCooldown():
            return f"Slow down: you can ask again in {math.ceil(error.retry_after)} s."
        case app_commands.MissingPermissions():
            needed = ", ".join(PERMISSION_NAMES.get(p, p) for p in error.missing_permissions)
            return f"You need the {needed} permission to use this command."
        case app_commands.NoPrivateMessage():
            return "This command only works in a server."
        case app_commands.TransformerError():
            return f"“{trim(str(error.value), 100)}” is not a valid {error.type.name} here."
        case app_commands.CheckFailure():
            return "You cannot use this command here."
        case app_commands.CommandNotFound() | app_commands.CommandSignatureMismatch():
            return "That command is out of date; it will be refreshed soon."
        case IndexNotReady():
            return "The archive is empty: an admin can add articles with `/ingest`."
        case IndexUnavailable():
            return "The archive cannot be reached right now. Please try again in a minute."
        case AnswerBackendError():
            return (
                "The answering service is not responding right now. Please try again "
                "shortly; `/search` still shows the matching passages."
            )
    return None


async def reply_privately(interaction: discord.Interaction, text: str) -> None:
    """An ephemeral reply, replacing a public "thinking…" message if the command deferred."""
    text = trim(text, CONTENT_LIMIT)
    if not interaction.response.is_done():
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        return
    if interaction.type is discord.InteractionType.application_command:
        # The first follow-up after a deferral keeps the deferral's visibility: remove the
        # "thinking" message first, so the reply can be ephemeral.
        original = await interaction.original_response()
        if original.flags.loading:
            await interaction.delete_original_response()
    await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)


class NewsCommandTree(app_commands.CommandTree):
    """The bot's command tree: every slash-command error ends in one friendly private reply."""

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError, /
    ) -> None:
        text, expected = explain(error)
        name = interaction.command.qualified_name if interaction.command else "?"
        if expected:
            log.info("/%s by %s: %s", name, interaction.user.id, text)
        else:
            log.error("/%s failed", name, exc_info=error)
        try:
            await reply_privately(interaction, text)
        except discord.HTTPException:
            log.warning(
                "could not tell %s about an error in /%s", interaction.user.id, name, exc_info=True
            )
