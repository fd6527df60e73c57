"""REST routes for channels, their messages, threads, reactions and typing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from . import payloads
from .messages import HAS_THREAD, MessageWriter
from .permissions import Perm, channel_permissions
from .rest import NO_CONTENT, Problem, Reply, RestRequest, Route
from .state import PRIVATE_THREAD, Channel

if TYPE_CHECKING:
    from .fake import FakeDiscord

READ = Perm.VIEW_CHANNEL | Perm.READ_MESSAGE_HISTORY


class ChannelRoutes:
    """Each route checks the bot's permissions in the channel first, as Discord does."""

    def __init__(self, fake: FakeDiscord, writer: MessageWriter) -> None:
        self.fake = fake
        self.writer = writer

    def routes(self) -> list[Route]:
        channel = "/channels/{channel_id}"
        message = f"{channel}/messages/{{message_id}}"
        return [
            ("GET", channel, self.get_channel),
            ("GET", f"{channel}/messages", self.list_messages),
            ("POST", f"{channel}/messages", self.create_message),
            ("GET", message, self.get_message),
            ("PATCH", message, self.edit_message),
            ("DELETE", message, self.delete_message),
            ("POST", f"{message}/threads", self.thread_from_message),
            ("PUT", f"{message}/reactions/{{emoji}}/@me", self.add_reaction),
            ("POST", f"{channel}/threads", self.create_thread),
            ("PUT", f"{channel}/thread-members/@me", self.join_thread),
            ("POST", f"{channel}/typing", self.typing),
        ]

    async def get_channel(self, call: RestRequest) -> Reply:
        return Reply(body=payloads.channel(self._channel(call)))

    async def list_messages(self, call: RestRequest) -> Reply:
        channel = self._channel(call, READ)
        anchor = {k: int(v) for k, v in call.query.items() if k in ("before", "after", "around")}
        limit = min(max(int(call.query.get("limit", 50)), 1), 100)
        return Reply(body=channel.page(limit, **anchor))

    async def get_message(self, call: RestRequest) -> Reply:
        return Reply(body=self._message(self._channel(call, READ), call))

    async def create_message(self, call: RestRequest) -> Reply:
        channel = self._channel(call)
        self._require(
            channel, Perm.SEND_MESSAGES_IN_THREADS if channel.is_thread else Perm.SEND_MESSAGES
        )
        body = call.json or {}
        reply: dict[str, Any] = {}
        reference = body.get("message_reference")
        if reference:
            referenced = channel.find_message(int(reference["message_id"]))
            if referenced is None:
                raise Problem(400, 50035, "Invalid Form Body: unknown message_reference")
            reply = {"type": 19, "message_reference": reference, "referenced_message": referenced}
        return Reply(body=self.writer.create(channel, body, call.files, **reply))

    async def edit_message(self, call: RestRequest) -> Reply:
        message = self._message(self._channel(call), call)
        if message["author"]["id"] != str(self.fake.bot.id):
            raise Problem(403, 50005, "Cannot edit a message authored by another user")
        return Reply(body=self.writer.edit(message, call.json or {}, call.files))

    async def delete_message(self, call: RestRequest) -> Reply:
        channel = self._channel(call)
        message = self._message(channel, call)
        if message["author"]["id"] != str(self.fake.bot.id):
            self._require(channel, Perm.MANAGE_MESSAGES)
        self.fake.unpublish(message)
        return NO_CONTENT

    async def thread_from_message(self, call: RestRequest) -> Reply:
        """A public thread whose id is the starter message's id."""
        channel = self._channel(call, Perm.VIEW_CHANNEL | Perm.CREATE_PUBLIC_THREADS)
        message = self._message(channel, call)
        if channel.is_thread:
            raise Problem(400, 50024, "Cannot execute action on this channel type")
        if int(message["id"]) in self.fake.state.channels:
            raise Problem(400, 160004, "A thread has already been created for this message")
        thread = self.fake.add_thread(
            channel, call.json["name"], owner=self.fake.bot, id=int(message["id"])
        )
        message["flags"] |= HAS_THREAD
        message["thread"] = payloads.channel(thread)
        return Reply(201, payloads.channel(thread))

    async def create_thread(self, call: RestRequest) -> Reply:
        private = call.json.get("type", PRIVATE_THREAD) == PRIVATE_THREAD
        needed = Perm.CREATE_PRIVATE_THREADS if private else Perm.CREATE_PUBLIC_THREADS
        channel = self._channel(call, Perm.VIEW_CHANNEL | needed)
        thread = self.fake.add_thread(
            channel, call.json["name"], owner=self.fake.bot, private=private
        )
        return Reply(201, payloads.channel(thread))

    async def join_thread(self, call: RestRequest) -> Reply:
        self._channel(call)
        return NO_CONTENT

    async def typing(self, call: RestRequest) -> Reply:
        self._channel(call)
        return NO_CONTENT

    async def add_reaction(self, call: RestRequest) -> Reply:
        message = self._message(self._channel(call, READ | Perm.ADD_REACTIONS), call)
        emoji = unquote(call.params["emoji"])
        reactions = message.setdefault("reactions", [])
        reaction = next((r for r in reactions if r["emoji"]["name"] == emoji), None)
        if reaction is None:
            reaction = {"count": 0, "me": False, "emoji": {"id": None, "name": emoji}}
            reactions.append(reaction)
        if not reaction["me"]:
            reaction.update(count=reaction["count"] + 1, me=True)
        return NO_CONTENT

    def _channel(self, call: RestRequest, needed: int = Perm.VIEW_CHANNEL) -> Channel:
        """The route's channel, if the bot has the `needed` permissions in it."""
        channel = self.fake.state.channels.get(int(call.params["channel_id"]))
        if channel is None:
            raise Problem(404, 10003, "Unknown Channel")
        self._require(channel, needed)
        return channel

    def _require(self, channel: Channel, needed: int) -> None:
        have = channel_permissions(channel.guild.members[self.fake.bot.id], channel)
        if not have & Perm.VIEW_CHANNEL:
            raise Problem(403, 50001, "Missing Access")
        if have & needed != needed:
            raise Problem(403, 50013, "Missing Permissions")

    def _message(self, channel: Channel, call: RestRequest) -> dict[str, Any]:
        message = channel.find_message(int(call.params["message_id"]))
        if message is None:
            raise Problem(404, 10008, "Unknown Message")
        return message
