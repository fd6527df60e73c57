"""Shared fixtures: the loopback Discord, a real NewsDesk over the samples per module, and a
real NewsBot per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.chat.bot import NewsBot
from bot.compose import build_desk
from bot.feedback import FEEDBACK_FILE, FeedbackStore
from bot.qa.service import NewsDesk
from bot.settings import Settings
from tests.bot.chat.helpers import StartBot, desk_settings
from tests.fake_discord import FakeDiscord, start_client
from tests.fake_discord.fixtures import *  # noqa: F403
from tests.paths import SAMPLES


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NewsDesk]:
    """A real NewsDesk over the twelve sample articles, built once per test module."""
    desk = build_desk(desk_settings(tmp_path_factory.mktemp("archive")))
    report = desk.ingest([str(SAMPLES)])
    assert report.added == 12, report.summary()
    yield desk
    desk.index.close()


@pytest.fixture
async def start_bot(
    fake_discord: FakeDiscord, desk: NewsDesk, tmp_path: Path
) -> AsyncIterator[StartBot]:
    """Starts a NewsBot on the fake: commands synced to the fake's guild, which is the
    operator's (its managers change the shared archive), no cooldown."""
    stores: list[FeedbackStore] = []

    async def start(desk: NewsDesk = desk, **overrides) -> NewsBot:
        settings = Settings(
            _env_file=None,
            data_dir=tmp_path,
            dev_guild_id=fake_discord.world.guild.id,
            operator_guild_ids=[fake_discord.world.guild.id],
            sync_commands=True,
            ask_cooldown_seconds=0,
            view_timeout_seconds=60,
            discord_token=SecretStr("test-token"),
        ).model_copy(update=overrides)
        stores.append(FeedbackStore(tmp_path / FEEDBACK_FILE))
        bot = NewsBot(desk, settings, stores[-1])
        await start_client(fake_discord, bot, settings.discord_token.get_secret_value())
        return bot

    yield start
    for store in stores:
        store.close()


@pytest.fixture
async def newsbot(start_bot: StartBot) -> NewsBot:
    """A NewsBot with the default test settings, ready on the fake."""
    return await start_bot()
