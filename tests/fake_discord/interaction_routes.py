"""REST routes answering interactions: the callback, and the interaction's webhook."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from . import interactions as ix
from .messages import MessageWriter
from .rest import NO_CONTENT, Problem, Reply, RestRequest, Route, UploadedFile

if TYPE_CHECKING:
    from .fake import FakeDiscord

CHAT_INPUT_COMMAND_MESSAGE, CONTEXT_MENU_COMMAND_MESSAGE = 20, 23


class InteractionRoutes:
    """Replies are recorded on the interaction's `InteractionHandle` as they arrive."""

    def __init__(self, fake: FakeDiscord, writer: MessageWriter) -> None:
        self.fake = fake
        self.writer = writer

    def routes(self) -> list[Route]:
        message = "/webhooks/{webhook_id}/{token}/messages/{message_id}"
        return [
            ("POST", "/interactions/{interaction_id}/{token}/callback", self.callback),
            ("POST", "/webhooks/{webhook_id}/{token}", self.followup),
            ("GET", message, self.get_message),
            ("PATCH", message, self.edit_message),
            ("DELETE", message, self.delete_message),
        ]

    async def callback(self, call: RestRequest) -> Reply:
        handle = self.fake.interactions.get(call.params["token"])
        if handle is None or handle.id != int(call.params["interaction_id"]):
            raise Problem(404, 10062, "Unknown interaction")
        if handle.callback_type is not None:
            raise Problem(400, 40060, "Interaction has already been acknowledged.")
        late = time.monotonic() - handle.dispatched_at
        if late > ix.RESPONSE_WINDOW:
            call.errors.append(f"{handle!r} answered after {late:.1f}s; Discord waits 3 s")
            raise Problem(404, 10062, "Unknown interaction")
        type, data = call.json["type"], call.json.get("data") or {}
        handle.record_callback(type, data)
        message = None
        if type == ix.CHANNEL_MESSAGE:
            message = self._create(handle, data, call.files)
        elif type == ix.DEFERRED_CHANNEL_MESSAGE:
            flags = (data.get("flags", 0) & ix.EPHEMERAL) | ix.LOADING
            message = self._create(handle, {"flags": flags}, [])
        elif type == ix.UPDATE_MESSAGE:
            message = self.writer.edit(handle.payload["message"], data, call.files)
        if message is not None:
            handle.record_original(message)
        if not call.flag("with_response"):
            return NO_CONTENT
        return Reply(body=_callback_response(handle, type, message))

    async def followup(self, call: RestRequest) -> Reply:
        """A follow-up; the first one after a deferral fills in the "thinking" message."""
        handle = self._handle(call)
        original = handle.original
        if original is not None and original["flags"] & ix.LOADING and not handle.followups:
            message = self.writer.edit(original, call.json or {}, call.files)
        else:
            message = self._create(handle, call.json or {}, call.files)
        handle.record_followup(message)
        return Reply(body=message) if call.flag("wait") else NO_CONTENT

    async def get_message(self, call: RestRequest) -> Reply:
        return Reply(body=self._message(call))

    async def edit_message(self, call: RestRequest) -> Reply:
        message = self.writer.edit(self._message(call), call.json or {}, call.files)
        self._handle(call).record_edit(call.json or {})
        return Reply(body=message)

    async def delete_message(self, call: RestRequest) -> Reply:
        self.fake.unpublish(self._message(call))
        return NO_CONTENT

    def _handle(self, call: RestRequest) -> ix.InteractionHandle:
        handle = self.fake.interactions.get(call.params["token"])
        if handle is None or int(call.params["webhook_id"]) != self.fake.application_id:
            raise Problem(404, 10015, "Unknown Webhook")
        return handle

    def _message(self, call: RestRequest) -> dict[str, Any]:
        """The original response (`@original`) or a follow-up, by id."""
        handle = self._handle(call)
        wanted = call.params["message_id"]
        for message in (handle.original, *handle.followups):
            if message is not None and wanted in ("@original", message["id"]):
                return message
        raise Problem(404, 10008, "Unknown Message")

    def _create(
        self, handle: ix.InteractionHandle, body: dict[str, Any], files: list[UploadedFile]
    ) -> dict[str, Any]:
        payload = handle.payload
        data = payload["data"]
        is_command = payload["type"] == ix.APPLICATION_COMMAND
        metadata = {
            "id": payload["id"],
            "type": payload["type"],
            "user": payload["member"]["user"],
            "authorizing_integration_owners": payload["authorizing_integration_owners"],
        }
        type = 0
        if is_command:
            metadata["name"] = data["name"]
            chat_input = data.get("type", ix.CHAT_INPUT) == ix.CHAT_INPUT
            type = CHAT_INPUT_COMMAND_MESSAGE if chat_input else CONTEXT_MENU_COMMAND_MESSAGE
        return self.writer.create(
            self.fake.channel(payload["channel_id"]),
            body,
            files,
            type=type,
            webhook_id=str(self.fake.application_id),
            application_id=str(self.fake.application_id),
            interaction_metadata=metadata,
        )


def _callback_response(
    handle: ix.InteractionHandle, type: int, message: dict[str, Any] | None
) -> dict[str, Any]:
    """The `with_response=1` body: the interaction callback object."""
    resource: dict[str, Any] = {"type": type}
    interaction: dict[str, Any] = {
        "id": str(handle.id),
        "type": handle.payload["type"],
        "response_message_loading": type == ix.DEFERRED_CHANNEL_MESSAGE,
        "response_message_ephemeral": bool(message and message["flags"] & ix.EPHEMERAL),
    }
    if message is not None:
        resource["message"] = message
        interaction["response_message_id"] = message["id"]
    return {"interaction": interaction, "resource": resource}
