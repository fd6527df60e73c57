"""Messages the bot writes: request bodies turned into stored messages, as Discord does."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import payloads
from .ids import iso, now
from .interactions import EPHEMERAL, LOADING
from .rest import UploadedFile
from .state import Channel

if TYPE_CHECKING:
    from .fake import FakeDiscord

HAS_THREAD = 1 << 5
_FIELDS = ("content", "embeds", "components", "tts", "poll")


class MessageWriter:
    """Creates and edits the bot's messages, then publishes them through the fake."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake

    def create(
        self, channel: Channel, body: dict[str, Any], files: list[UploadedFile], **extra: Any
    ) -> dict[str, Any]:
        """A new bot message from a create body; `extra` sets fields the route decides."""
        fields = {"flags": body.get("flags", 0), **self._fields(body, files), **extra}
        message = self.fake.new_message(channel, self.fake.bot, **fields)
        self.fake.publish(channel, message)
        return message

    def edit(
        self, message: dict[str, Any], body: dict[str, Any], files: list[UploadedFile]
    ) -> dict[str, Any]:
        """Apply an edit (or the answer to a deferral, which is not marked as edited)."""
        was_loading = message["flags"] & LOADING
        message.update(self._fields(body, files, message["attachments"]))
        flags = message["flags"] & ~LOADING
        if "flags" in body:
            flags = (flags & (EPHEMERAL | HAS_THREAD)) | body["flags"]
        message["flags"] = flags
        if not was_loading:
            message["edited_timestamp"] = iso(now())
        self.fake.publish_edit(message)
        return message

    def _fields(
        self,
        body: dict[str, Any],
        files: list[UploadedFile],
        kept: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Message fields from a body; `kept` are attachments an edit may keep by id."""
        fields = {key: body[key] for key in _FIELDS if body.get(key) is not None}
        if "embeds" in fields:
            fields["embeds"] = [{"type": "rich", **embed} for embed in fields["embeds"]]
        if "content" in fields:
            fields["mentions"] = [payloads.user(u) for u in self.fake.mentioned(fields["content"])]
        if files or "attachments" in body:
            keep = {str(a.get("id")) for a in body.get("attachments") or []}
            fields["attachments"] = [a for a in kept or [] if a["id"] in keep] + [
                self.fake.attachment(f.filename, f.data, f.content_type) for f in files
            ]
        return fields
