"""Autocomplete shared by several commands."""

from __future__ import annotations

import asyncio
import logging

from discord import app_commands

from bot.chat.format import outlet_choices
from bot.qa.service import NewsDesk
from ingest.errors import NewsdeskError

log = logging.getLogger(__name__)


async def outlet_autocomplete(desk: NewsDesk, current: str) -> list[app_commands.Choice[str]]:
    """Outlets in the archive matching what the user typed; none when the archive is down."""
    try:
        outlets = await asyncio.to_thread(desk.outlets)
    except NewsdeskError as exc:
        log.info("no outlets to offer: %s", exc)
        return []
    return outlet_choices(outlets, current)
