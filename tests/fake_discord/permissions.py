"""Discord permission bits and the documented algorithm that computes them for a member."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .state import Channel, Member


class Perm(enum.IntFlag):
    """The permission bits the fake and its tests care about."""

    CREATE_INSTANT_INVITE = 1 << 0
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    MANAGE_GUILD = 1 << 5
    ADD_REACTIONS = 1 << 6
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    SEND_TTS_MESSAGES = 1 << 12
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_EXTERNAL_EMOJIS = 1 << 18
    USE_APPLICATION_COMMANDS = 1 << 31
    MANAGE_THREADS = 1 << 34
    CREATE_PUBLIC_THREADS = 1 << 35
    CREATE_PRIVATE_THREADS = 1 << 36
    SEND_MESSAGES_IN_THREADS = 1 << 38


ALL = (1 << 53) - 1

EVERYONE_DEFAULT = (
    Perm.CREATE_INSTANT_INVITE
    | Perm.ADD_REACTIONS
    | Perm.VIEW_CHANNEL
    | Perm.SEND_MESSAGES
    | Perm.EMBED_LINKS
    | Perm.ATTACH_FILES
    | Perm.READ_MESSAGE_HISTORY
    | Perm.USE_EXTERNAL_EMOJIS
    | Perm.USE_APPLICATION_COMMANDS
    | Perm.CREATE_PUBLIC_THREADS
    | Perm.SEND_MESSAGES_IN_THREADS
)

_NEED_SEND_MESSAGES = (
    Perm.SEND_TTS_MESSAGES | Perm.MENTION_EVERYONE | Perm.EMBED_LINKS | Perm.ATTACH_FILES
)


def guild_permissions(member: Member) -> int:
    """Base permissions: owner and administrators get everything, others the union of roles."""
    guild = member.guild
    if member.id == guild.owner.id:
        return ALL
    perms = guild.everyone.permissions
    for role in member.roles:
        perms |= role.permissions
    return ALL if perms & Perm.ADMINISTRATOR else perms


def channel_permissions(member: Member, channel: Channel) -> int:
    """Base permissions with the channel's overwrites applied (a thread uses its parent's)."""
    perms = guild_permissions(member)
    if perms == ALL:
        return ALL
    overwrites = (channel.parent or channel).overwrites
    everyone = overwrites.get(member.guild.id)
    if everyone is not None:
        perms = (perms & ~everyone.deny) | everyone.allow
    role_ids = {role.id for role in member.roles}
    deny = allow = 0
    for overwrite in overwrites.values():
        if overwrite.type == 0 and overwrite.id in role_ids:
            deny |= overwrite.deny
            allow |= overwrite.allow
    perms = (perms & ~deny) | allow
    own = overwrites.get(member.id)
    if own is not None and own.type == 1:
        perms = (perms & ~own.deny) | own.allow
    if not perms & Perm.VIEW_CHANNEL:
        return 0
    if not perms & Perm.SEND_MESSAGES:
        perms &= ~_NEED_SEND_MESSAGES
    return perms
