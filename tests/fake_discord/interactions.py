"""Interactions: the data of each kind the fake dispatches, and the bot's replies to one."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from . import payloads
from .ids import snowflake
from .permissions import channel_permissions
from .state import Channel, Member, Role, User

T = TypeVar("T")

# Interaction types, application command types and option types.
APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE = 2, 3, 4
CHAT_INPUT, MESSAGE_COMMAND = 1, 3
SUB_COMMAND, SUB_COMMAND_GROUP, STRING, INTEGER, BOOLEAN = 1, 2, 3, 4, 5
USER, CHANNEL, ROLE, NUMBER, ATTACHMENT = 6, 7, 8, 10, 11
# Interaction callback types.
CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, UPDATE_MESSAGE, AUTOCOMPLETE_RESULT = 4, 5, 7, 8
# Message flags.
EPHEMERAL, LOADING = 1 << 6, 1 << 7

RESPONSE_WINDOW = 3.0  # seconds Discord waits for the first response


class InteractionHandle:
    """One dispatched interaction and everything the bot answered to it.

    `original` is the response message (kept up to date through edits), `followups` the
    follow-up messages; the first follow-up after a deferral replaces the "thinking" original,
    as on Discord.
    """

    def __init__(self, payload: dict[str, Any]) -> None:
        self.payload = payload
        self.id = int(payload["id"])
        self.token: str = payload["token"]
        self.dispatched_at = time.monotonic()
        self.callback_type: int | None = None
        self.callback_data: dict[str, Any] | None = None
        self.original: dict[str, Any] | None = None
        self.followups: list[dict[str, Any]] = []
        self.edits: list[dict[str, Any]] = []
        self._changed = asyncio.Event()

    def __repr__(self) -> str:
        name = self.payload["data"].get("name") or self.payload["data"].get("custom_id")
        return f"<interaction {self.id} type={self.payload['type']} {name!r}>"

    @property
    def ephemeral(self) -> bool:
        return bool(self.original and self.original["flags"] & EPHEMERAL)

    def record_callback(self, type: int, data: dict[str, Any]) -> None:
        self.callback_type, self.callback_data = type, data
        self._notify()

    def record_original(self, message: dict[str, Any]) -> None:
        self.original = message
        self._notify()

    def record_followup(self, message: dict[str, Any]) -> None:
        self.followups.append(message)
        self._notify()

    def record_edit(self, body: dict[str, Any]) -> None:
        self.edits.append(body)
        self._notify()

    async def response(self, timeout: float = 5.0) -> tuple[int, dict[str, Any]]:
        """The interaction callback: (callback type, its data)."""
        return await self._until(
            lambda: (self.callback_type, self.callback_data or {}) if self.callback_type else None,
            "interaction response",
            timeout,
        )

    async def message(self, timeout: float = 5.0) -> dict[str, Any]:
        """The answer: the response message once it is no longer a deferred "thinking" one."""
        return await self._until(
            lambda: (
                self.original if self.original and not self.original["flags"] & LOADING else None
            ),
            "response message",
            timeout,
        )

    async def followup(self, index: int = 0, timeout: float = 5.0) -> dict[str, Any]:
        return await self._until(
            lambda: self.followups[index] if len(self.followups) > index else None,
            f"follow-up #{index}",
            timeout,
        )

    async def choices(self, timeout: float = 5.0) -> list[dict[str, Any]]:
        """The autocomplete choices the bot returned."""
        return await self._until(
            lambda: (
                (self.callback_data or {}).get("choices")
                if self.callback_type == AUTOCOMPLETE_RESULT
                else None
            ),
            "autocomplete result",
            timeout,
        )

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _until(self, check: Callable[[], T | None], what: str, timeout: float) -> T:
        try:
            async with asyncio.timeout(timeout):
                while (result := check()) is None:
                    await self._changed.wait()
                return result
        except TimeoutError:
            msg = (
                f"{self!r}: no {what} within {timeout}s (callback type {self.callback_type}, "
                f"original {self.original}, {len(self.followups)} follow-ups)"
            )
            raise TimeoutError(msg) from None


class Resolved:
    """The `resolved` map of an interaction, filled while option values are encoded."""

    def __init__(self, invoker: Member, channel: Channel) -> None:
        self.invoker = invoker
        self.channel = channel
        self.data: dict[str, dict[str, Any]] = {}

    def encode(self, value: Any, declared: int | None) -> tuple[int, Any]:
        """(option type, option value) for a Python value; synced declarations win."""
        if isinstance(value, Member):
            self._add("users", value.id, payloads.user(value.user))
            permissions = channel_permissions(value, self.channel)
            member = payloads.member(value, permissions=permissions, with_user=False)
            self._add("members", value.id, member)
            return USER, str(value.id)
        if isinstance(value, User):
            self._add("users", value.id, payloads.user(value))
            return USER, str(value.id)
        if isinstance(value, Role):
            self._add("roles", value.id, payloads.role(value))
            return ROLE, str(value.id)
        if isinstance(value, Channel):
            permissions = channel_permissions(self.invoker, value)
            self._add("channels", value.id, payloads.channel(value, permissions=permissions))
            return CHANNEL, str(value.id)
        if isinstance(value, dict) and "filename" in value:
            self._add("attachments", int(value["id"]), value)
            return ATTACHMENT, value["id"]
        if isinstance(value, bool):
            return BOOLEAN, value
        if isinstance(value, int | float):
            return declared or (INTEGER if isinstance(value, int) else NUMBER), value
        return declared or STRING, value

    def _add(self, kind: str, id: int, payload: dict[str, Any]) -> None:
        self.data.setdefault(kind, {})[str(id)] = payload


def command_data(
    commands: Mapping[int | None, list[dict[str, Any]]], name: str, type: int, guild_id: int
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Interaction data naming a command, and the command's synced definition if any.

    A command synced to the guild wins over a global one; its data then carries `guild_id`,
    which discord.py uses to find it in the tree.
    """
    synced = [*commands.get(guild_id, []), *commands.get(None, [])]
    command = next((c for c in synced if c["name"] == name and c["type"] == type), None)
    command_id = command["id"] if command else str(snowflake())
    data: dict[str, Any] = {"id": command_id, "name": name, "type": type}
    if command is not None and "guild_id" in command:
        data["guild_id"] = command["guild_id"]
    return data, command


def chat_input_data(
    commands: Mapping[int | None, list[dict[str, Any]]],
    name: str,
    options: Mapping[str, Any],
    invoker: Member,
    channel: Channel,
    focused: str | None = None,
) -> dict[str, Any]:
    """Data of a slash command (or its autocomplete); `name` may hold subcommands."""
    top, *path = name.split()
    data, command = command_data(commands, top, CHAT_INPUT, channel.guild.id)
    resolved = Resolved(invoker, channel)
    leaf = command_options(options, declared_options(command, path), resolved, focused)
    data["options"] = nest_subcommands(path, leaf)
    if resolved.data:
        data["resolved"] = resolved.data
    return data


def command_options(
    values: Mapping[str, Any],
    declared: list[dict[str, Any]],
    resolved: Resolved,
    focused: str | None = None,
) -> list[dict[str, Any]]:
    """Option objects for the leaf command; `focused` marks the one being autocompleted."""
    types = {option["name"]: option.get("type") for option in declared}
    options = []
    for name, value in values.items():
        type, encoded = resolved.encode(value, types.get(name))
        option: dict[str, Any] = {"name": name, "type": type, "value": encoded}
        if name == focused:
            option.update(type=types.get(name) or STRING, value=str(value), focused=True)
        options.append(option)
    return options


def declared_options(command: dict[str, Any] | None, path: list[str]) -> list[dict[str, Any]]:
    """The synced option declarations of the subcommand at `path` (empty if not synced)."""
    options = (command or {}).get("options") or []
    for name in path:
        options = next((o.get("options") or [] for o in options if o["name"] == name), [])
    return options


def nest_subcommands(path: list[str], options: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Wrap leaf options in their subcommand (and group) options: ["group", "sub"]."""
    for depth in reversed(range(len(path))):
        type = SUB_COMMAND if depth == len(path) - 1 else SUB_COMMAND_GROUP
        options = [{"type": type, "name": path[depth], "options": options}]
    return options


def has_component(components: list[dict[str, Any]], custom_id: str) -> bool:
    """Whether a message's (possibly nested) components include `custom_id`."""
    return any(
        c.get("custom_id") == custom_id
        or has_component(c.get("components", []), custom_id)
        or has_component([c["accessory"]] if "accessory" in c else [], custom_id)
        for c in components
    )
