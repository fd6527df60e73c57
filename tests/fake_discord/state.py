"""The fake's world: users, guilds, roles, members, channels and threads, and their messages."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import datetime

from .ids import now, snowflake
from .permissions import EVERYONE_DEFAULT

GUILD_TEXT = 0
PUBLIC_THREAD = 11
PRIVATE_THREAD = 12
THREAD_TYPES = frozenset({10, PUBLIC_THREAD, PRIVATE_THREAD})
ROLE, MEMBER = 0, 1  # permission overwrite target types


@dataclass(eq=False)
class User:
    """A Discord user (or bot account)."""

    id: int
    username: str
    bot: bool = False

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"


@dataclass(eq=False)
class Role:
    """A guild role; the @everyone role has the guild's id."""

    id: int
    name: str
    permissions: int = 0
    position: int = 0
    bot_id: int | None = None


@dataclass(eq=False)
class Member:
    """A user's membership in a guild."""

    user: User
    guild: Guild
    roles: list[Role] = field(default_factory=list)
    joined_at: datetime = field(default_factory=now)
    nick: str | None = None

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def mention(self) -> str:
        return self.user.mention


@dataclass
class Overwrite:
    """A channel permission overwrite for a role (type 0) or a member (type 1)."""

    id: int
    type: int
    allow: int = 0
    deny: int = 0


@dataclass(eq=False)
class Channel:
    """A guild text channel or thread, with its messages kept in id order."""

    id: int
    guild: Guild
    name: str
    type: int = GUILD_TEXT
    position: int = 0
    topic: str | None = None
    parent: Channel | None = None
    owner_id: int | None = None
    overwrites: dict[int, Overwrite] = field(default_factory=dict)
    messages: list[dict] = field(default_factory=list)
    created_at: datetime = field(default_factory=now)

    @property
    def is_thread(self) -> bool:
        return self.type in THREAD_TYPES

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    def add_message(self, message: dict) -> None:
        bisect.insort(self.messages, message, key=_message_id)

    def remove_message(self, message: dict) -> None:
        self.messages.remove(message)

    def find_message(self, message_id: int) -> dict | None:
        return next((m for m in self.messages if _message_id(m) == message_id), None)

    def page(
        self,
        limit: int = 50,
        before: int | None = None,
        after: int | None = None,
        around: int | None = None,
    ) -> list[dict]:
        """Messages as `GET /channels/{id}/messages` returns them: newest first."""
        ids = [_message_id(m) for m in self.messages]
        if around is not None:
            start = max(bisect.bisect_left(ids, around) - limit // 2, 0)
            chosen = self.messages[start : start + limit]
        elif after is not None:
            start = bisect.bisect_right(ids, after)
            chosen = self.messages[start : start + limit]
        else:
            end = bisect.bisect_left(ids, before) if before is not None else len(ids)
            chosen = self.messages[max(end - limit, 0) : end]
        return chosen[::-1]


@dataclass(eq=False)
class Guild:
    """A guild with its roles, members and channels (threads included)."""

    id: int
    name: str
    owner: User
    roles: dict[int, Role] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    @property
    def threads(self) -> list[Channel]:
        return [c for c in self.channels.values() if c.is_thread]


class State:
    """Everything the fake knows, indexed by id."""

    def __init__(self) -> None:
        self.users: dict[int, User] = {}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}

    def add_user(self, username: str, *, bot: bool = False) -> User:
        user = User(snowflake(), username, bot=bot)
        self.users[user.id] = user
        return user

    def add_guild(self, name: str, owner: User) -> Guild:
        guild = Guild(snowflake(), name, owner)
        guild.roles[guild.id] = Role(guild.id, "@everyone", EVERYONE_DEFAULT)
        self.guilds[guild.id] = guild
        self.add_member(guild, owner)
        return guild

    def add_role(
        self, guild: Guild, name: str, permissions: int = 0, *, bot_id: int | None = None
    ) -> Role:
        role = Role(snowflake(), name, int(permissions), len(guild.roles), bot_id)
        guild.roles[role.id] = role
        return role

    def add_member(self, guild: Guild, user: User, roles: list[Role] | None = None) -> Member:
        member = Member(user, guild, list(roles or []))
        guild.members[user.id] = member
        return member

    def add_channel(
        self,
        guild: Guild,
        name: str,
        *,
        type: int = GUILD_TEXT,
        parent: Channel | None = None,
        owner_id: int | None = None,
        id: int | None = None,
    ) -> Channel:
        position = sum(1 for c in guild.channels.values() if not c.is_thread)
        channel = Channel(
            id or snowflake(), guild, name, type, position, parent=parent, owner_id=owner_id
        )
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        return channel


def _message_id(message: dict) -> int:
    return int(message["id"])
