"""End to end under load: many /ask at once, all answered, with the gateway kept alive."""

from __future__ import annotations

import asyncio
import time

from tests.fake_discord import FakeDiscord

TOPICS = [
    "the Geneva summit",
    "the tram line",
    "grid batteries in the heatwave",
    "the measles campaign",
    "water ice on the moon",
]
ASKS = 50


async def test_fifty_concurrent_asks_are_answered(fake_discord: FakeDiscord, newsbot):
    """50 simultaneous /ask are deferred in time and answered, and no heartbeat is missed."""
    members = [fake_discord.add_member(f"reader{i}") for i in range(ASKS)]
    await asyncio.sleep(0.1)  # let the bot see the new members
    started = time.monotonic()

    handles = [
        fake_discord.slash(
            "ask", {"question": f"What happened with {TOPICS[i % 5]}? ({i})"}, user=member
        )
        for i, member in enumerate(members)
    ]
    answers = await asyncio.gather(*(h.message(timeout=60) for h in handles))
    elapsed = time.monotonic() - started
    if elapsed < 2.5:  # make sure the run spans a few heartbeats
        await asyncio.sleep(2.5 - elapsed)

    assert all(h.callback_type == 5 for h in handles)
    assert all(a["embeds"][0]["title"].startswith("What happened with") for a in answers)
    assert len({a["id"] for a in answers}) == ASKS
    assert fake_discord.gateway.heartbeat_gaps(), "no heartbeats were seen"
    assert fake_discord.missed_heartbeats() == []
