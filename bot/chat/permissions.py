"""Who may change which archive, and which archives a place sees; decided here, from Discord.

The operator's archive is the shared one: the application's owner (or team), members with
Manage Server in the servers named in `operator_guild_ids`, and members holding a role named in
`operator_role_ids` may add to it and forget from it. In any other server, members with Manage
Server may change that server's own archive only. Everyone in a server reads the shared archive
and that server's; a direct message reads the shared archive only. The qa and feeds layers take
the scopes decided here and know nothing of Discord.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from ingest.article import SHARED
from ingest.store.audit import Actor

if TYPE_CHECKING:
    from bot.chat.bot import NewsBot


@dataclass(frozen=True)
class Editor:
    """A member who may change an archive from Discord, and which."""

    actor: Actor  # for the audit log
    scope: int  # where what they add goes: SHARED (the operator), or their server's id
    guild_id: int

    @property
    def is_operator(self) -> bool:
        """Whether they change the shared archive (and so are not limited)."""
        return self.scope == SHARED

    @property
    def may_forget(self) -> tuple[int, ...]:
        """The archives whose articles they may forget: an operator those they see too."""
        return (SHARED, self.guild_id) if self.is_operator else (self.guild_id,)

    @property
    def sees(self) -> tuple[int, ...]:
        """The archives they see."""
        return visible_scopes(self.guild_id)


def visible_scopes(guild_id: int | None) -> tuple[int, ...]:
    """The archives read in a server (the shared one and the server's), or in a direct message
    (guild_id None: the shared one)."""
    return (SHARED,) if guild_id is None else (SHARED, guild_id)


def scopes_of(interaction: discord.Interaction) -> tuple[int, ...]:
    """The archives an interaction reads."""
    return visible_scopes(interaction.guild_id)


async def is_operator(
    bot: NewsBot, user: discord.User | discord.Member, guild_id: int | None, manages: bool
) -> bool:
    """Whether a user acts for the operator: the application's owner or team, a manager of an
    operator's server, or the holder of an operator's role."""
    settings = bot.settings
    if manages and guild_id is not None and guild_id in settings.operator_guild_ids:
        return True
    roles: Sequence[discord.Role] = getattr(user, "roles", ())
    if any(role.id in settings.operator_role_ids for role in roles):
        return True
    return await bot.is_owner(user)


async def editor_of(interaction: discord.Interaction[NewsBot]) -> Editor | None:
    """Who the member behind an interaction is as an editor, or None (they may change nothing)."""
    guild_id = interaction.guild_id
    if guild_id is None:
        return None
    user = interaction.user
    manages = interaction.permissions.manage_guild
    actor = Actor(user.name, user.id, guild_id)
    if await is_operator(interaction.client, user, guild_id, manages):
        return Editor(actor, SHARED, guild_id)
    return Editor(actor, guild_id, guild_id) if manages else None


async def require_editor(interaction: discord.Interaction[NewsBot]) -> Editor:
    """The member's Editor; refused, as Discord would, when they may change nothing."""
    editor = await editor_of(interaction)
    if editor is None:
        raise app_commands.MissingPermissions(["manage_guild"])
    return editor


def editors_only():
    """A command check: only operators and server managers may run the command."""

    async def predicate(interaction: discord.Interaction[NewsBot]) -> bool:
        await require_editor(interaction)
        return True

    return app_commands.check(predicate)
