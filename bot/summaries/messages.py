"""Chat messages as the summaries see them, whatever they were read from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass
class ChatMessage:
    """One chat message: who wrote it, when, what it says, and what it answers or names.

    `reply_to` is the id of the message it explicitly replies to (a Discord reply); `mentions`
    holds the display names (or ids) of the people it mentions. `is_system` marks what no person
    wrote (a join, a pin), kept so that every message of an export is accounted for.
    """

    id: str
    author: str
    content: str
    timestamp: datetime
    jump_url: str | None = None
    is_bot: bool = False
    reply_to: str | None = None
    mentions: tuple[str, ...] = ()
    is_system: bool = False


def is_command(text: str) -> bool:
    """True for slash or bang commands ("/summarize", "!remind")."""
    return text.lstrip().startswith(("/", "!"))


def is_usable(message: ChatMessage) -> bool:
    """Written by a person, not a command, not empty."""
    return (
        not message.is_bot
        and not message.is_system
        and bool(message.content.strip())
        and not is_command(message.content)
    )


def usable_messages(messages: list[ChatMessage]) -> list[ChatMessage]:
    """Messages written by people: no bots, no commands, no empty text."""
    return [m for m in messages if is_usable(m)]
