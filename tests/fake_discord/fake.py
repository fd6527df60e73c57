"""FakeDiscord: the loopback Discord a test builds, drives and inspects."""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from . import payloads
from .app_routes import AppRoutes
from .channel_routes import ChannelRoutes
from .gateway import RESUMABLE_CLOSE, Event, Gateway
from .ids import now, snowflake
from .interaction_routes import InteractionRoutes
from .interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    EPHEMERAL,
    LOADING,
    MESSAGE_COMMAND,
    MESSAGE_COMPONENT,
    InteractionHandle,
    chat_input_data,
    command_data,
    has_component,
)
from .messages import MessageWriter
from .permissions import EVERYONE_DEFAULT, Perm, channel_permissions
from .recorder import Recorder
from .rest import RestRequest
from .server import LoopbackServer, build_app
from .state import (
    MEMBER,
    PRIVATE_THREAD,
    PUBLIC_THREAD,
    ROLE,
    Channel,
    Guild,
    Member,
    Overwrite,
    Role,
    State,
    User,
)

log = logging.getLogger(__name__)

MESSAGE_CONTENT_INTENT = 1 << 15
BOT_PERMISSIONS = EVERYONE_DEFAULT | Perm.MANAGE_THREADS
_MENTION = re.compile(r"<@!?(\d+)>")


@dataclass
class World:
    """The default cast: a guild, two text channels, the bot, its owner, an admin, a reader."""

    guild: Guild
    general: Channel
    news: Channel
    bot: Member
    owner: Member
    admin: Member
    member: Member
    admin_role: Role


@dataclass
class GuildCast:
    """A further guild the bot is in: its #general, the bot, its owner, an admin, a reader."""

    guild: Guild
    general: Channel
    bot: Member
    owner: Member
    admin: Member
    member: Member
    admin_role: Role


class FakeDiscord:
    """A Discord on 127.0.0.1 for a real discord.py client.

    Build the world (`add_*`, `set_permissions`, `add_past_message`), drive the bot (`slash`,
    `autocomplete`, `message_command`, `click`, `user_message`) and inspect what it did
    (`requests`, `wait_for`, `wait_for_bot_message`, `channel_messages`, `synced_commands`,
    heartbeats). Requests that Discord would reject, or that hit a route the fake lacks,
    land in `failures`.
    """

    def __init__(self, *, heartbeat_interval_ms: int = 1000) -> None:
        self.state = State()
        self.owner = self.state.add_user("owner")
        self.bot = self.state.add_user("newsdesk", bot=True)
        self.application_id = self.bot.id
        self.gateway = Gateway(self._ready_events, self._member_chunk, heartbeat_interval_ms)
        self.requests: Recorder[RestRequest] = Recorder("REST request")
        self.bot_messages: Recorder[dict[str, Any]] = Recorder("bot message")
        self.failures: list[str] = []
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self.interactions: dict[str, InteractionHandle] = {}
        self.world: World | None = None
        self.team: list[User] | None = None  # set before login: the application's team
        self._files: dict[int, tuple[bytes, str]] = {}
        self._cleanups: list[Callable[[], Awaitable[None]]] = []
        writer = MessageWriter(self)
        routes = [
            *AppRoutes(self).routes(),
            *ChannelRoutes(self, writer).routes(),
            *InteractionRoutes(self, writer).routes(),
        ]
        self._server = LoopbackServer(build_app(self.gateway, routes, self._record, self._files))

    # --- lifecycle

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self._server.port}/"

    async def start(self) -> None:
        await self._server.start()
        log.debug("fake Discord on %s", self.base_url)

    async def stop(self) -> None:
        """Run the cleanups (clients first), then close sockets and the server."""
        for cleanup in reversed(self._cleanups):
            await cleanup()
        await self.gateway.close()
        await self._server.stop()

    def add_cleanup(self, cleanup: Callable[[], Awaitable[None]]) -> None:
        self._cleanups.append(cleanup)

    # --- building the world

    def create_default_world(self) -> World:
        guild = self.state.add_guild("Newsroom", self.owner)
        bot_role = self.state.add_role(guild, "newsdesk", BOT_PERMISSIONS, bot_id=self.bot.id)
        admin_role = self.state.add_role(guild, "Editors", Perm.MANAGE_GUILD)
        self.world = World(
            guild=guild,
            general=self.state.add_channel(guild, "general"),
            news=self.state.add_channel(guild, "news"),
            bot=self.state.add_member(guild, self.bot, [bot_role]),
            owner=guild.members[self.owner.id],
            admin=self.state.add_member(guild, self.state.add_user("admin"), [admin_role]),
            member=self.state.add_member(guild, self.state.add_user("reader")),
            admin_role=admin_role,
        )
        return self.world

    def add_guild(self, name: str) -> GuildCast:
        """Another guild the bot is in, owned by a new user, with an admin (Manage Server), a
        reader and a #general channel; announced with GUILD_CREATE if a client is live."""
        guild = self.state.add_guild(name, self.state.add_user(f"{name.lower()}-owner"))
        bot_role = self.state.add_role(guild, "newsdesk", BOT_PERMISSIONS, bot_id=self.bot.id)
        admin_role = self.state.add_role(guild, "Moderators", Perm.MANAGE_GUILD)
        admin = self.state.add_user(f"{name.lower()}-admin")
        reader = self.state.add_user(f"{name.lower()}-reader")
        cast = GuildCast(
            guild=guild,
            general=self.state.add_channel(guild, "general"),
            bot=self.state.add_member(guild, self.bot, [bot_role]),
            owner=guild.members[guild.owner.id],
            admin=self.state.add_member(guild, admin, [admin_role]),
            member=self.state.add_member(guild, reader),
            admin_role=admin_role,
        )
        self._dispatch_if_live("GUILD_CREATE", payloads.guild_create(guild))
        return cast

    def remove_bot(self, guild: Guild) -> None:
        """The bot is removed from a guild (kicked, or the guild deleted): GUILD_DELETE."""
        del guild.members[self.bot.id]
        self._dispatch_if_live("GUILD_DELETE", {"id": str(guild.id)})

    def add_member(
        self, username: str, *, roles: list[Role] | None = None, guild: Guild | None = None
    ) -> Member:
        guild = guild or self._world().guild
        member = self.state.add_member(guild, self.state.add_user(username), roles)
        self._dispatch_if_live(
            "GUILD_MEMBER_ADD", {**payloads.member(member), "guild_id": str(guild.id)}
        )
        return member

    def add_role(self, name: str, permissions: int = 0, *, guild: Guild | None = None) -> Role:
        guild = guild or self._world().guild
        role = self.state.add_role(guild, name, permissions)
        self._dispatch_if_live(
            "GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": payloads.role(role)}
        )
        return role

    def add_text_channel(self, name: str, *, guild: Guild | None = None) -> Channel:
        channel = self.state.add_channel(guild or self._world().guild, name)
        self._dispatch_if_live("CHANNEL_CREATE", payloads.channel(channel))
        return channel

    def add_thread(
        self,
        parent: Channel,
        name: str,
        *,
        owner: User | None = None,
        id: int | None = None,
        private: bool = False,
    ) -> Channel:
        """A thread under `parent` (with `id` = a message's id for a thread from a message)."""
        thread = self.state.add_channel(
            parent.guild,
            name,
            type=PRIVATE_THREAD if private else PUBLIC_THREAD,
            parent=parent,
            owner_id=(owner or self.bot).id,
            id=id,
        )
        self._dispatch_if_live("THREAD_CREATE", {**payloads.channel(thread), "newly_created": True})
        return thread

    def set_permissions(
        self, channel: Channel, target: Role | Member, *, allow: int = 0, deny: int = 0
    ) -> None:
        """Set the channel's overwrite for a role or member, replacing any previous one."""
        kind = ROLE if isinstance(target, Role) else MEMBER
        channel.overwrites[target.id] = Overwrite(target.id, kind, int(allow), int(deny))
        self._dispatch_if_live("CHANNEL_UPDATE", payloads.channel(channel))

    def attachment(
        self, filename: str, data: bytes | str, content_type: str = "text/plain"
    ) -> dict[str, Any]:
        """An uploaded file, downloadable from the fake; usable as an attachment option value."""
        content = data.encode() if isinstance(data, str) else data
        id = snowflake()
        self._files[id] = (content, content_type)
        url = f"{self.base_url}/attachments/{id}/{filename}"
        return payloads.attachment(id, filename, len(content), url, content_type)

    def add_past_message(
        self, channel: Channel, author: Member | User, content: str, *, at: datetime, **fields: Any
    ) -> dict[str, Any]:
        """A message already in the channel's history (no event is dispatched)."""
        user = author.user if isinstance(author, Member) else author
        mentions = [payloads.user(u) for u in self.mentioned(content)]
        message = self.new_message(
            channel, user, at=at, content=content, mentions=mentions, **fields
        )
        channel.add_message(message)
        return message

    def channel(self, id: int | str) -> Channel:
        return self.state.channels[int(id)]

    # --- driving the bot

    def slash(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        user: Member | None = None,
        channel: Channel | None = None,
    ) -> InteractionHandle:
        """Run a slash command; `name` may include subcommands ("news latest")."""
        member = user or self._world().member
        channel = channel or self._world().general
        data = chat_input_data(self.commands, name, options or {}, member, channel)
        return self._interact(APPLICATION_COMMAND, data, member, channel)

    def autocomplete(
        self,
        name: str,
        options: dict[str, Any],
        *,
        focused: str,
        user: Member | None = None,
        channel: Channel | None = None,
    ) -> InteractionHandle:
        """Ask for choices while the user types option `focused`; read them with `.choices()`."""
        member = user or self._world().member
        channel = channel or self._world().general
        data = chat_input_data(self.commands, name, options, member, channel, focused)
        return self._interact(AUTOCOMPLETE, data, member, channel)

    def message_command(
        self, name: str, target: dict[str, Any], *, user: Member | None = None
    ) -> InteractionHandle:
        """Run a message context-menu command on `target` (a message dict)."""
        channel = self.channel(target["channel_id"])
        data, _ = command_data(self.commands, name, MESSAGE_COMMAND, channel.guild.id)
        data.update(target_id=target["id"], resolved={"messages": {target["id"]: target}})
        return self._interact(APPLICATION_COMMAND, data, user or self._world().member, channel)

    def click(
        self,
        message: dict[str, Any],
        custom_id: str,
        *,
        user: Member | None = None,
        values: list[str] | None = None,
    ) -> InteractionHandle:
        """Press a button (or pick `values` in a select) on one of the bot's messages."""
        if not has_component(message.get("components", []), custom_id):
            msg = f"message {message['id']} has no component {custom_id!r}"
            raise ValueError(msg)
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": 2}
        if values is not None:
            data.update(component_type=3, values=values)
        channel = self.channel(message["channel_id"])
        member = user or self._world().member
        return self._interact(MESSAGE_COMPONENT, data, member, channel, message)

    def user_message(
        self,
        channel: Channel,
        author: Member,
        content: str,
        *,
        reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A member posts a message (mention the bot with `fake.bot.mention` in `content`)."""
        fields: dict[str, Any] = {
            "content": content,
            "mentions": [payloads.user(u) for u in self.mentioned(content)],
        }
        if reply_to is not None:
            fields.update(
                type=19,
                referenced_message=reply_to,
                message_reference={
                    "type": 0,
                    "message_id": reply_to["id"],
                    "channel_id": reply_to["channel_id"],
                    "guild_id": str(channel.guild.id),
                },
            )
        message = self.new_message(channel, author.user, **fields)
        channel.add_message(message)
        self.gateway.dispatch("MESSAGE_CREATE", self._message_event(channel, message))
        return message

    # --- inspecting what the bot did

    async def wait_for(
        self, predicate: Callable[[RestRequest], bool], timeout: float = 5.0
    ) -> RestRequest:
        """The first REST request (already sent or still to come) matching `predicate`."""
        return await self.requests.wait_for(predicate, timeout)

    async def wait_for_bot_message(
        self,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
        *,
        channel: Channel | None = None,
        timeout: float = 5.0,
    ) -> dict[str, Any]:
        """The first finished (not "thinking") message the bot created matching the filters."""

        def matches(message: dict[str, Any]) -> bool:
            return (
                not message["flags"] & LOADING
                and (channel is None or message["channel_id"] == str(channel.id))
                and (predicate is None or predicate(message))
            )

        return await self.bot_messages.wait_for(matches, timeout)

    def channel_messages(self, channel: Channel) -> list[dict[str, Any]]:
        """The channel's history, oldest first."""
        return list(channel.messages)

    def synced_commands(self, guild: Guild | None = None) -> list[dict[str, Any]]:
        """Commands the bot synced globally, or to `guild`."""
        return self.commands.get(guild.id if guild else None, [])

    def max_heartbeat_gap(self) -> float:
        return max(self.gateway.heartbeat_gaps(), default=0.0)

    def missed_heartbeats(self, tolerance: float = 0.5) -> list[float]:
        """Gaps between heartbeats longer than the interval plus `tolerance` (a fraction of it)."""
        limit = self.gateway.heartbeat_interval_ms / 1000 * (1 + tolerance)
        return [gap for gap in self.gateway.heartbeat_gaps() if gap > limit]

    async def drop_gateway(self, code: int = RESUMABLE_CLOSE, timeout: float = 5.0) -> None:
        """Close the gateway socket with a resumable code; return once the client resumed."""
        await self.gateway.drop(code, timeout)

    def take_failures(self) -> list[str]:
        """The invalid or unknown requests so far; clears the list."""
        failures, self.failures = self.failures, []
        return failures

    # --- what the REST side builds on

    def new_message(
        self, channel: Channel, author: User, *, at: datetime | None = None, **fields: Any
    ) -> dict[str, Any]:
        at = at or now()
        return payloads.message(channel, author, id=snowflake(at), timestamp=at, **fields)

    def publish(self, channel: Channel, message: dict[str, Any]) -> None:
        """Store a bot message and dispatch MESSAGE_CREATE (ephemeral ones are neither)."""
        if not message["flags"] & EPHEMERAL:
            channel.add_message(message)
            self._dispatch_if_live("MESSAGE_CREATE", self._message_event(channel, message))
        self.bot_messages.add(message)

    def publish_edit(self, message: dict[str, Any]) -> None:
        channel = self.channel(message["channel_id"])
        if any(m is message for m in channel.messages):
            self._dispatch_if_live("MESSAGE_UPDATE", self._message_event(channel, message))
        self.bot_messages.touch(message)

    def unpublish(self, message: dict[str, Any]) -> None:
        channel = self.channel(message["channel_id"])
        if any(m is message for m in channel.messages):
            channel.remove_message(message)
            event = {
                "id": message["id"],
                "channel_id": str(channel.id),
                "guild_id": str(channel.guild.id),
            }
            self._dispatch_if_live("MESSAGE_DELETE", event)

    def mentioned(self, content: str) -> list[User]:
        ids = dict.fromkeys(int(i) for i in _MENTION.findall(content))
        return [self.state.users[i] for i in ids if i in self.state.users]

    # --- internals

    def _world(self) -> World:
        if self.world is None:
            msg = "no default world: call create_default_world() or pass user/channel/guild"
            raise RuntimeError(msg)
        return self.world

    def _dispatch_if_live(self, event: str, data: dict[str, Any]) -> None:
        """Dispatch when a client has identified; before that, READY/GUILD_CREATE carry state."""
        if self.gateway.session is not None:
            self.gateway.dispatch(event, data)

    def _ready_events(self, session_id: str) -> list[Event]:
        guilds = [g for g in self.state.guilds.values() if self.bot.id in g.members]
        ready = payloads.ready(self.bot, self.application_id, guilds, session_id, self.gateway_url)
        return [("READY", ready), *(("GUILD_CREATE", payloads.guild_create(g)) for g in guilds)]

    def _member_chunk(self, request: dict[str, Any]) -> dict[str, Any]:
        return payloads.member_chunk(self.state.guilds[int(request["guild_id"])], request)

    def _message_event(self, channel: Channel, message: dict[str, Any]) -> dict[str, Any]:
        return payloads.message_event(channel, message, hide_content=self._content_hidden(message))

    def _content_hidden(self, message: dict[str, Any]) -> bool:
        """Without the message content intent, Discord blanks messages not mentioning the bot."""
        session = self.gateway.session
        return (
            session is not None
            and not session.intents & MESSAGE_CONTENT_INTENT
            and message["author"]["id"] != str(self.bot.id)
            and all(m["id"] != str(self.bot.id) for m in message["mentions"])
        )

    def _record(self, request: RestRequest) -> None:
        if request.errors:
            self.failures.append(f"{request.method} {request.path}: {'; '.join(request.errors)}")
        self.requests.add(request)

    def _interact(
        self,
        kind: int,
        data: dict[str, Any],
        member: Member,
        channel: Channel,
        message: dict[str, Any] | None = None,
    ) -> InteractionHandle:
        bot = channel.guild.members[self.bot.id]
        payload = payloads.interaction(
            id=snowflake(),
            type=kind,
            token=secrets.token_urlsafe(48),
            application_id=self.application_id,
            data=data,
            in_channel=channel,
            member_payload=payloads.member(member),
            member_permissions=channel_permissions(member, channel),
            app_permissions=channel_permissions(bot, channel),
            source_message=message,
        )
        handle = InteractionHandle(payload)
        self.interactions[handle.token] = handle
        self.gateway.dispatch("INTERACTION_CREATE", payload)
        return handle
