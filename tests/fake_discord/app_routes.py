"""REST routes for login, gateway discovery, application commands, users and guilds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import payloads
from .ids import snowflake
from .rest import Problem, Reply, RestRequest, Route
from .state import Guild

if TYPE_CHECKING:
    from .fake import FakeDiscord


class AppRoutes:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake

    def routes(self) -> list[Route]:
        commands = "/applications/{application_id}/commands"
        guild_commands = "/applications/{application_id}/guilds/{guild_id}/commands"
        return [
            ("GET", "/gateway", self.get_gateway),
            ("GET", "/gateway/bot", self.get_gateway),
            ("GET", "/users/@me", self.get_me),
            ("GET", "/users/{user_id}", self.get_user),
            ("GET", "/oauth2/applications/@me", self.get_application),
            ("GET", commands, self.get_commands),
            ("PUT", commands, self.put_commands),
            ("GET", guild_commands, self.get_commands),
            ("PUT", guild_commands, self.put_commands),
            ("GET", "/guilds/{guild_id}", self.get_guild),
            ("GET", "/guilds/{guild_id}/channels", self.guild_channels),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self.guild_member),
        ]

    async def get_gateway(self, call: RestRequest) -> Reply:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return Reply(body={"url": self.fake.gateway_url, "shards": 1, "session_start_limit": limit})

    async def get_me(self, call: RestRequest) -> Reply:
        return Reply(body=payloads.user(self.fake.bot))

    async def get_user(self, call: RestRequest) -> Reply:
        user = self.fake.state.users.get(int(call.params["user_id"]))
        if user is None:
            raise Problem(404, 10013, "Unknown User")
        return Reply(body=payloads.user(user))

    async def get_application(self, call: RestRequest) -> Reply:
        fake = self.fake
        body = payloads.application(fake.application_id, fake.bot, fake.owner, fake.team)
        return Reply(body=body)

    async def get_commands(self, call: RestRequest) -> Reply:
        return Reply(body=self.fake.commands.get(self._command_scope(call), []))

    async def put_commands(self, call: RestRequest) -> Reply:
        """Bulk overwrite; a command keeps its id across syncs, as on Discord."""
        scope = self._command_scope(call)
        previous = {(c["name"], c["type"]): c["id"] for c in self.fake.commands.get(scope, [])}
        self.fake.commands[scope] = [
            payloads.application_command(
                body,
                id=int(previous.get((body["name"], body.get("type", 1))) or snowflake()),
                application_id=self.fake.application_id,
                guild_id=scope,
            )
            for body in call.json
        ]
        return Reply(body=self.fake.commands[scope])

    def _command_scope(self, call: RestRequest) -> int | None:
        """None for global commands, else the guild's id."""
        if int(call.params["application_id"]) != self.fake.application_id:
            raise Problem(403, 50001, "Missing Access")
        if "guild_id" not in call.params:
            return None
        return self._guild(call).id

    async def get_guild(self, call: RestRequest) -> Reply:
        return Reply(body=payloads.guild(self._guild(call)))

    async def guild_channels(self, call: RestRequest) -> Reply:
        guild = self._guild(call)
        return Reply(body=[payloads.channel(c) for c in guild.channels.values() if not c.is_thread])

    async def guild_member(self, call: RestRequest) -> Reply:
        member = self._guild(call).members.get(int(call.params["user_id"]))
        if member is None:
            raise Problem(404, 10007, "Unknown Member")
        return Reply(body=payloads.member(member))

    def _guild(self, call: RestRequest) -> Guild:
        guild = self.fake.state.guilds.get(int(call.params["guild_id"]))
        if guild is None or self.fake.bot.id not in guild.members:
            raise Problem(404, 10004, "Unknown Guild")
        return guild
