"""Pytest fixtures: a fresh fake Discord per test, and a real discord.py client started on it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from . import openapi
from .fake import FakeDiscord

__all__ = ["ClientHandle", "fake_discord", "start_client"]

log = logging.getLogger(__name__)

# discord.py waits this long after the last GUILD_CREATE before READY (2 s by default);
# start_client() then also waits until the client has cached every guild.
GUILD_READY_TIMEOUT = 0.05


@pytest.fixture
async def fake_discord(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    """A started fake with the default world; discord.py is pointed at it for the test.

    At teardown, clients started with `start_client` are closed, and the test fails if the
    bot sent a request Discord would reject or that the fake does not know.
    """
    if not openapi.SPEC_PATH.exists():
        pytest.skip(f"{openapi.SPEC_PATH} is absent: the requests the bot sends cannot be checked")
    fake = FakeDiscord()
    await fake.start()
    monkeypatch.setattr(Route, "BASE", fake.api_url)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url))
    fake.create_default_world()
    yield fake
    await fake.stop()
    failures = fake.take_failures()
    if failures:
        pytest.fail("the bot sent requests Discord would reject:\n" + "\n".join(failures))


@dataclass
class ClientHandle:
    """A client running on the fake; `close()` stops it and re-raises what `start()` raised."""

    client: discord.Client
    task: asyncio.Task[None]

    async def close(self, timeout: float = 5.0) -> None:
        if not self.client.is_closed():
            await self.client.close()
        await asyncio.wait_for(self.task, timeout)


async def start_client(
    fake: FakeDiscord, client: discord.Client, token: str = "test-token", *, timeout: float = 10.0
) -> ClientHandle:
    """Start `client` on the fake and return once it is ready; the fake closes it at teardown."""
    client._connection.guild_ready_timeout = GUILD_READY_TIMEOUT
    handle = ClientHandle(client, asyncio.create_task(client.start(token)))
    fake.add_cleanup(handle.close)
    ready = asyncio.create_task(_until_ready(fake, client))
    await asyncio.wait({handle.task, ready}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    if ready.done():
        return handle
    ready.cancel()
    if handle.task.done():
        handle.task.result()
        msg = "the client stopped before it was ready"
        raise RuntimeError(msg)
    msg = f"the client was not ready within {timeout}s"
    raise TimeoutError(msg)


async def _until_ready(fake: FakeDiscord, client: discord.Client) -> None:
    await client.wait_until_ready()
    guild_ids = [g.id for g in fake.state.guilds.values() if fake.bot.id in g.members]
    while any(client.get_guild(guild_id) is None for guild_id in guild_ids):
        await asyncio.sleep(0.01)
    log.debug("%s is ready on the fake", client.user)
