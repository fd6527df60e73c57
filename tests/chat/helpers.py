"""Small helpers for reading what the bot sent to the fake Discord."""

from __future__ import annotations

from typing import Any

from bot.qa.service import NewsDesk
from bot.qa.types import Answer, Passage
from tests.fake_discord import FakeDiscord, InteractionHandle, RestRequest

EPHEMERAL = 1 << 6
DEFERRED = 5
MESSAGE = 4
UPDATE = 7


def message_sends(fake: FakeDiscord) -> list[RestRequest]:
    """Every request that created or edited a message with text or embeds."""

    def has_message(body: Any) -> bool:
        return isinstance(body, dict) and bool(body.get("content") or body.get("embeds"))

    return [
        r
        for r in fake.requests.items
        if r.method in ("POST", "PATCH")
        and isinstance(r.json, dict)
        and (has_message(r.json) or has_message(r.json.get("data")))
    ]


def allowed_mentions(request: RestRequest) -> Any:
    """The allowed_mentions of a message request (inside `data` for interaction callbacks)."""
    body = request.json
    return (body.get("data") or body).get("allowed_mentions")


def components(message: dict[str, Any]) -> list[str]:
    """The custom ids of a message's buttons, in order."""
    return [c["custom_id"] for row in message.get("components", []) for c in row["components"]]


def field_names(embed: dict[str, Any]) -> list[str]:
    """The names of an embed's fields."""
    return [f["name"] for f in embed.get("fields", [])]


class FailingDesk(NewsDesk):
    """The real desk over the same index, except that ask and search raise `error` while set."""

    def __init__(self, desk: NewsDesk, error: Exception | None = None) -> None:
        super().__init__(desk.index, desk.retriever, desk.answerer)
        self.error = error

    def ask(self, question: str, **options: Any) -> Answer:
        if self.error is not None:
            raise self.error
        return super().ask(question, **options)

    def search(self, query: str, **options: Any) -> list[Passage]:
        if self.error is not None:
            raise self.error
        return super().search(query, **options)


async def private_reply(fake: FakeDiscord, handle: InteractionHandle) -> str:
    """The text of an ephemeral reply; after a public deferral, the thinking message must go."""
    message = await handle.message(timeout=10)
    assert message["flags"] & EPHEMERAL, message
    if handle.callback_type == DEFERRED and not handle.callback_data.get("flags"):
        deleted = f"/webhooks/{fake.application_id}/{handle.token}/messages/@original"
        assert any(r.method == "DELETE" and r.path == deleted for r in fake.requests.items)
    assert all(m["id"] != message["id"] for m in fake.channel_messages(fake.world.general))
    return message["content"]
