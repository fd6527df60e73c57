"""Exported chats as ChatMessages: a plain JSON list, or a DiscordChatExporter JSON file."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from pathlib import Path

from bot.summaries.messages import ChatMessage
from ingest.errors import NewsdeskError

log = logging.getLogger(__name__)

JUMP_URL = "https://discord.com/channels/{guild}/{channel}/{message}"
SHAPES = (
    'a JSON list of {"id", "author", "content", "timestamp"} objects, '
    'or a DiscordChatExporter JSON export with a "messages" list'
)
USER_MESSAGE_TYPES = frozenset({"Default", "Reply"})
_MENTION = re.compile(
    r"""
    (?<![\w.@])        # not inside a word or an e-mail address
    @([A-Za-z][\w.-]*[\w]|[A-Za-z])  # @name: letters, digits, "_", "." and "-" inside
    """,
    re.VERBOSE,
)


class ChatExportError(NewsdeskError):
    """An exported chat could not be read; the message says where and why."""


def load_chat_export(path: str | Path) -> list[ChatMessage]:
    """The messages of an exported chat file, in file order."""
    path = Path(path)
    data = read_json(path)
    if isinstance(data, list):
        return [plain_message(path, n, item) for n, item in enumerate(data, 1)]
    if isinstance(data, dict) and isinstance(data.get("messages"), list):
        return discord_export_messages(path, data)
    msg = f"{path}: not a chat export; expected {SHAPES}"
    raise ChatExportError(msg)


def read_json(path: Path):
    """The parsed JSON of path, or a ChatExportError naming the line and column at fault."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"{path}: cannot read the chat export ({exc})"
        raise ChatExportError(msg) from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        msg = f"{path}: malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        raise ChatExportError(msg) from None


def field(path: Path, n: int, item: dict, name: str):
    """item[name], or a ChatExportError saying which message lacks it."""
    if name not in item or (item[name] is None and name != "content"):
        msg = f"{path}: message {n} has no {name!r}; expected {SHAPES}"
        raise ChatExportError(msg)
    return item[name]


def parse_time(path: Path, n: int, value) -> datetime:
    """An ISO 8601 timestamp as an aware datetime (UTC when no offset is given)."""
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        msg = f"{path}: message {n} has timestamp {value!r}, which is not ISO 8601"
        raise ChatExportError(msg) from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def author_name(author) -> str:
    """A display name from a plain string or an exporter's author object."""
    if isinstance(author, dict):
        return str(author.get("nickname") or author.get("name") or author.get("id") or "unknown")
    return str(author)


def mentioned(item: dict, content: str) -> tuple[str, ...]:
    """The display names a message mentions: its "mentions" list (names, or an exporter's user
    objects) and the @names in its text, each once."""
    names = [author_name(m) for m in item.get("mentions") or [] if m]
    names += _MENTION.findall(content)
    return tuple(dict.fromkeys(names))


def replied_to(item: dict) -> str | None:
    """The id of the message this one replies to: "reply_to", or an exporter's reference."""
    reference = item.get("reference")
    target = item.get("reply_to") or (
        reference.get("messageId") if isinstance(reference, dict) else None
    )
    return str(target) if target else None


def plain_message(path: Path, n: int, item) -> ChatMessage:
    """One object of a plain JSON list."""
    if not isinstance(item, dict):
        msg = f"{path}: message {n} is not an object; expected {SHAPES}"
        raise ChatExportError(msg)
    author = field(path, n, item, "author")
    content = str(field(path, n, item, "content") or "")
    return ChatMessage(
        id=str(field(path, n, item, "id")),
        author=author_name(author),
        content=content,
        timestamp=parse_time(path, n, field(path, n, item, "timestamp")),
        jump_url=item.get("jump_url"),
        is_bot=bool(item.get("is_bot") or (isinstance(author, dict) and author.get("isBot"))),
        reply_to=replied_to(item),
        mentions=mentioned(item, content),
    )


def discord_export_messages(path: Path, data: dict) -> list[ChatMessage]:
    """The messages of a DiscordChatExporter export, with jump links; joins, pins and other
    messages no person wrote are kept, marked as system messages."""
    guild = str((data.get("guild") or {}).get("id") or "@me")
    channel = (data.get("channel") or {}).get("id")
    messages = []
    for n, item in enumerate(data["messages"], 1):
        message = plain_message(path, n, item)
        message.is_system = item.get("type", "Default") not in USER_MESSAGE_TYPES
        if channel:
            message.jump_url = JUMP_URL.format(
                guild="@me" if guild == "0" else guild, channel=channel, message=message.id
            )
        messages.append(message)
    system = sum(m.is_system for m in messages)
    log.info("chat export %s: %d messages, %d of them system messages", path, len(messages), system)
    return messages
