"""Builders for Discord objects in their documented JSON shapes (API v10)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .ids import iso, snowflake
from .state import Channel, Guild, Member, Overwrite, Role, User

ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
GUILD_INSTALL = "0"
GUILD_CONTEXT = 0


def user(u: User) -> dict[str, Any]:
    return {
        "id": str(u.id),
        "username": u.username,
        "discriminator": "0",
        "global_name": None if u.bot else u.username.title(),
        "avatar": None,
        "bot": u.bot,
        "system": False,
        "public_flags": 0,
        "flags": 0,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
        "primary_guild": None,
    }


def role(r: Role) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": str(r.id),
        "name": r.name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": r.position,
        "permissions": str(r.permissions),
        "managed": r.bot_id is not None,
        "mentionable": False,
        "flags": 0,
    }
    if r.bot_id is not None:
        body["tags"] = {"bot_id": str(r.bot_id)}
    return body


def overwrite(o: Overwrite) -> dict[str, Any]:
    return {"id": str(o.id), "type": o.type, "allow": str(o.allow), "deny": str(o.deny)}


def member(m: Member, *, permissions: int | None = None, with_user: bool = True) -> dict[str, Any]:
    body: dict[str, Any] = {
        "nick": m.nick,
        "avatar": None,
        "banner": None,
        "roles": [str(r.id) for r in m.roles],
        "joined_at": iso(m.joined_at),
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "communication_disabled_until": None,
        "avatar_decoration_data": None,
    }
    if with_user:
        body["user"] = user(m.user)
    if permissions is not None:
        body["permissions"] = str(permissions)
    return body


def channel(c: Channel, *, permissions: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": str(c.id),
        "type": c.type,
        "guild_id": str(c.guild.id),
        "name": c.name,
        "nsfw": False,
        "last_message_id": c.messages[-1]["id"] if c.messages else None,
        "parent_id": str(c.parent.id) if c.parent else None,
        "rate_limit_per_user": 0,
        "flags": 0,
        "last_pin_timestamp": None,
    }
    if c.is_thread:
        body.update(
            owner_id=str(c.owner_id),
            message_count=len(c.messages),
            total_message_sent=len(c.messages),
            member_count=1,
            thread_metadata={
                "archived": False,
                "auto_archive_duration": 1440,
                "archive_timestamp": iso(c.created_at),
                "locked": False,
                "invitable": True,
                "create_timestamp": iso(c.created_at),
            },
        )
    else:
        body.update(
            position=c.position,
            topic=c.topic,
            permission_overwrites=[overwrite(o) for o in c.overwrites.values()],
            default_auto_archive_duration=1440,
        )
    if permissions is not None:
        body["permissions"] = str(permissions)
    return body


def guild(g: Guild) -> dict[str, Any]:
    """The guild object of `GET /guilds/{id}`."""
    return {
        "id": str(g.id),
        "name": g.name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": str(g.owner.id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "widget_enabled": False,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": [role(r) for r in g.roles.values()],
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "application_id": None,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "safety_alerts_channel_id": None,
        "max_members": 500_000,
        "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50,
        "vanity_url_code": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "incidents_data": None,
    }


def guild_create(g: Guild) -> dict[str, Any]:
    """The GUILD_CREATE event: the guild with its channels, threads and all members."""
    body = guild(g)
    body.update(
        joined_at=iso(g.members[g.owner.id].joined_at),
        large=False,
        unavailable=False,
        member_count=len(g.members),
        members=[member(m) for m in g.members.values()],
        channels=[channel(c) for c in g.channels.values() if not c.is_thread],
        threads=[channel(c) for c in g.threads],
        voice_states=[],
        presences=[],
        stage_instances=[],
        guild_scheduled_events=[],
        soundboard_sounds=[],
    )
    return body


def team(members: list[User]) -> dict[str, Any]:
    """A team owning the application: the first member owns it, every member is a developer."""
    team_id = str(snowflake())
    return {
        "id": team_id,
        "name": "newsroom team",
        "icon": None,
        "owner_user_id": str(members[0].id),
        "members": [
            {
                "membership_state": 2,
                "team_id": team_id,
                "user": {k: user(m)[k] for k in ("id", "username", "discriminator", "avatar")},
                "role": "developer",
            }
            for m in members
        ],
    }


def application(
    application_id: int, bot: User, owner: User, team_members: list[User] | None = None
) -> dict[str, Any]:
    """The application object of `GET /oauth2/applications/@me` (team-owned when given team
    members)."""
    return {
        "id": str(application_id),
        "name": bot.username,
        "icon": None,
        "description": "",
        "summary": "",
        "type": None,
        "bot": user(bot),
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": user(owner),
        "team": team(team_members) if team_members else None,
        "verify_key": "0" * 64,
        "flags": 0,
        "guild_id": None,
        "cover_image": None,
        "tags": [],
        "redirect_uris": [],
        "interactions_endpoint_url": None,
        "event_webhooks_url": None,
        "role_connections_verification_url": None,
        "approximate_guild_count": 1,
        "integration_types_config": {GUILD_INSTALL: {}},
    }


def member_chunk(guild: Guild, request: dict[str, Any]) -> dict[str, Any]:
    """GUILD_MEMBERS_CHUNK answering a REQUEST_GUILD_MEMBERS (by user ids, or name prefix)."""
    members = list(guild.members.values())
    user_ids = request.get("user_ids")
    if user_ids:
        wanted = {int(i) for i in (user_ids if isinstance(user_ids, list) else [user_ids])}
        members = [m for m in members if m.id in wanted]
    else:
        members = [m for m in members if m.user.username.startswith(request.get("query", ""))]
        members = members[: request.get("limit") or None]
    return {
        "guild_id": str(guild.id),
        "members": [member(m) for m in members],
        "chunk_index": 0,
        "chunk_count": 1,
        "not_found": [],
        "nonce": request.get("nonce"),
    }


def ready(
    bot: User, application_id: int, guilds: list[Guild], session_id: str, resume_url: str
) -> dict[str, Any]:
    """The READY event: guilds arrive as unavailable stubs, then one GUILD_CREATE each."""
    return {
        "v": 10,
        "user": {**user(bot), "verified": True, "mfa_enabled": False, "email": None},
        "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
        "session_id": session_id,
        "session_type": "normal",
        "resume_gateway_url": resume_url,
        "application": {"id": str(application_id), "flags": 0},
        "private_channels": [],
        "relationships": [],
        "presences": [],
        "guild_join_requests": [],
        "geo_ordered_rtc_regions": [],
        "user_settings": {},
        "_trace": ["fake-discord"],
    }


def message(
    channel: Channel, author: User, *, id: int, timestamp: datetime, **fields: Any
) -> dict[str, Any]:
    """A message object as REST returns it; `fields` override the defaults."""
    body: dict[str, Any] = {
        "id": str(id),
        "channel_id": str(channel.id),
        "author": user(author),
        "content": "",
        "timestamp": iso(timestamp),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": False,
        "type": 0,
        "flags": 0,
        "components": [],
    }
    body.update(fields)
    return body


def message_event(
    channel: Channel, message: dict[str, Any], *, hide_content: bool = False
) -> dict[str, Any]:
    """MESSAGE_CREATE/UPDATE data: the message plus guild_id and partial members.

    `hide_content` blanks it, as Discord does for bots without the message content intent.
    """
    guild = channel.guild
    event = {**message, "guild_id": str(guild.id)}
    author = guild.members.get(int(message["author"]["id"]))
    if author is not None and "webhook_id" not in message:
        event["member"] = member(author, with_user=False)
    event["mentions"] = [
        {**m, "member": member(guild.members[int(m["id"])], with_user=False)}
        if int(m["id"]) in guild.members
        else m
        for m in message["mentions"]
    ]
    if hide_content:
        event.update(content="", embeds=[], attachments=[], components=[])
    return event


def attachment(
    id: int, filename: str, size: int, url: str, content_type: str | None
) -> dict[str, Any]:
    return {
        "id": str(id),
        "filename": filename,
        "size": size,
        "url": url,
        "proxy_url": url,
        "content_type": content_type,
    }


def application_command(
    body: dict[str, Any], *, id: int, application_id: int, guild_id: int | None
) -> dict[str, Any]:
    """A synced command as Discord echoes it back: the request plus ids and defaults."""
    command: dict[str, Any] = {
        "type": 1,
        "description": "",
        "options": [],
        "default_member_permissions": None,
        "nsfw": False,
        "name_localizations": None,
        "description_localizations": None,
        **body,
        "id": str(id),
        "application_id": str(application_id),
        "version": str(snowflake()),
    }
    if guild_id is not None:
        command["guild_id"] = str(guild_id)
    return command


def interaction(
    *,
    id: int,
    type: int,
    token: str,
    application_id: int,
    data: dict[str, Any],
    in_channel: Channel,
    member_payload: dict[str, Any],
    member_permissions: int,
    app_permissions: int,
    source_message: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An INTERACTION_CREATE payload with every field discord.py 2.7 reads."""
    guild_id = str(in_channel.guild.id)
    body: dict[str, Any] = {
        "id": str(id),
        "application_id": str(application_id),
        "type": type,
        "data": data,
        "guild_id": guild_id,
        "guild": {"id": guild_id, "locale": "en-US", "features": []},
        "channel_id": str(in_channel.id),
        "channel": channel(in_channel, permissions=member_permissions),
        "member": {**member_payload, "permissions": str(member_permissions)},
        "token": token,
        "version": 1,
        "app_permissions": str(app_permissions),
        "locale": "en-US",
        "guild_locale": "en-US",
        "entitlements": [],
        "entitlement_sku_ids": [],
        "authorizing_integration_owners": {GUILD_INSTALL: guild_id},
        "context": GUILD_CONTEXT,
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
    }
    if source_message is not None:
        body["message"] = source_message
    return body
