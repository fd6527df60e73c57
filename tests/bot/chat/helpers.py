"""Small helpers for the Discord tests: starting a bot, and reading what it sent to the fake."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import discord

from bot.chat import format
from bot.qa.service import NewsDesk
from bot.qa.types import Answer, Citation, Passage
from bot.settings import Settings
from ingest.store.keyword import StoredArticle
from tests.fake_discord import FakeDiscord, InteractionHandle, RestRequest

if TYPE_CHECKING:
    from bot.chat.bot import NewsBot

EPHEMERAL = 1 << 6
DEFERRED = 5
MESSAGE = 4
UPDATE = 7

StartBot = Callable[..., Awaitable["NewsBot"]]


def desk_settings(data_dir: Path) -> Settings:
    """Settings for a desk in data_dir, ignoring any .env and NEWSDESK_ variables."""
    return Settings(_env_file=None, data_dir=data_dir)


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


def check_limits(embeds: list[discord.Embed]) -> None:
    """Fail if one message carrying these embeds would break any of Discord's embed limits."""
    assert 1 <= len(embeds) <= format.EMBEDS_PER_MESSAGE
    assert format.message_length(embeds) <= format.EMBED_TOTAL_LIMIT
    for embed in embeds:
        assert len(embed.title or "") <= format.TITLE_LIMIT
        assert len(embed.description or "") <= format.DESCRIPTION_LIMIT
        assert len(embed.footer.text or "") <= format.FOOTER_LIMIT
        assert len(embed.author.name or "") <= format.AUTHOR_LIMIT
        assert len(embed.fields) <= format.FIELDS_PER_EMBED
        for field in embed.fields:
            assert 0 < len(field.name) <= format.FIELD_NAME_LIMIT
            assert 0 < len(field.value) <= format.FIELD_VALUE_LIMIT


def sample_citation(number: int, size: int = 50) -> Citation:
    """A citation whose texts grow with size."""
    return Citation(
        number=number,
        title="Title " + "t" * size,
        outlet="Outlet " + "o" * size,
        published=date(2024, 5, number % 28 + 1),
        url="https://news.example/" + "u" * size,
        quote="Quote " + "q" * size,
    )


def sample_article(number: int, size: int = 30) -> StoredArticle:
    """A catalogue entry whose texts grow with size; odd numbers are dated."""
    return StoredArticle(
        article_id=f"{number:016x}",
        title=f"Article {number} " + "t" * size,
        outlet="Outlet " + "o" * size,
        published=date(2024, 1, 1) if number % 2 else None,
        url=f"https://news.example/{number}",
        author=None,
        origin="o" * size,
        content_hash="h",
        chunk_count=3,
        state="ok",
        ingested_at=1_700_000_000.0,
    )
