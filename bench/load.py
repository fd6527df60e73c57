"""`python -m bench.load`: many members /ask at once; throughput, latency, heartbeats.

A real NewsBot (discord.py) over a real NewsDesk built from ingest/samples/ in a temporary
folder, logged in to the loopback Discord of tests/fake_discord, which every member's /ask goes
through: INTERACTION_CREATE on the gateway, then the bot's deferral and answer over REST (each
request checked against Discord's OpenAPI description, as in the tests). Latency runs from the
dispatch of an interaction to the arrival of its finished answer. Run it from the repository
root, which holds tests/.

The fake and the bot share one event loop, so whatever the fake spends is spent on the bot's
loop too. Checking requests against the OpenAPI description costs ~10 ms of loop time each
(two requests per /ask), which at 200 concurrent asks alone can delay a heartbeat; it is off
by default so the figures are the bot's, and `--validate` turns it on.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from bot.compose import build_desk
from bot.feedback import FEEDBACK_FILE, FeedbackStore
from bot.settings import Settings

SAMPLES = Path(__file__).resolve().parents[1] / "ingest" / "samples"
TOPICS = [
    "What did Putin say about the Geneva summit?",
    "When did the Eastbank tram line open?",
    "How did grid batteries cope with the heatwave?",
    "What did the central bank decide about interest rates?",
    "What did the lunar lander find near the south pole?",
    "Who won the Harriers cup match?",
    "Which children does the measles catch-up campaign target?",
    "What microbes live around the deep-sea vents?",
    "What are the new rules for buying AI systems?",
    "What was agreed about glacier water in Geneva?",
]
MIN_SPAN = 2.5  # seconds: the run spans a few heartbeats, so a blocked loop would show


@dataclass
class LoadReport:
    """What one run measured."""

    asks: int
    answered: int
    elapsed_s: float
    answers_per_s: float
    p50_s: float
    p95_s: float
    max_s: float
    late_deferrals: int
    rejected_requests: int
    validated: bool
    longest_loop_stall_s: float
    missed_heartbeats: int
    longest_heartbeat_gap_s: float
    heartbeat_interval_s: float

    @property
    def ok(self) -> bool:
        """Every /ask answered, and Discord would have accepted every request."""
        return self.answered == self.asks and not self.rejected_requests

    def lines(self) -> list[str]:
        return [
            f"answered           {self.answered}/{self.asks}",
            f"elapsed            {self.elapsed_s:.2f} s",
            f"throughput         {self.answers_per_s:.1f} answers/s",
            f"latency p50        {self.p50_s:.2f} s",
            f"latency p95        {self.p95_s:.2f} s",
            f"latency max        {self.max_s:.2f} s",
            f"late deferrals     {self.late_deferrals} (Discord waits 3 s for the first reply)",
            f"rejected requests  {self.rejected_requests}"
            + ("" if self.validated else " (unknown routes only: --validate checks bodies)"),
            f"longest loop stall {self.longest_loop_stall_s:.2f} s",
            f"missed heartbeats  {self.missed_heartbeats} (longest gap "
            f"{self.longest_heartbeat_gap_s:.2f} s, interval {self.heartbeat_interval_s:.2f} s)",
        ]


def percentile(values: list[float], pct: float) -> float:
    """The nearest-rank percentile of values (0 for none)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


async def run_load(
    asks: int, data_dir: Path, timeout: float = 300.0, validate: bool = False
) -> LoadReport:
    """Build the desk and the bot, fire `asks` concurrent /ask, and measure them."""
    import yarl
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    from bot.chat.bot import NewsBot
    from tests.fake_discord import FakeDiscord, openapi, start_client

    desk = build_desk(Settings(_env_file=None, data_dir=data_dir))
    report = desk.ingest([str(SAMPLES)])
    if not report.ok:
        msg = f"could not ingest the samples: {report.summary()}"
        raise RuntimeError(msg)
    fake = FakeDiscord()
    saved = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY, openapi.validate
    feedback = FeedbackStore(data_dir / FEEDBACK_FILE)
    await fake.start()
    try:
        Route.BASE = fake.api_url
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
        if not validate:
            openapi.validate = _no_errors
        world = fake.create_default_world()
        settings = Settings(
            _env_file=None, data_dir=data_dir, dev_guild_id=world.guild.id, sync_commands=True
        )
        bot = NewsBot(desk, settings, feedback)
        await start_client(fake, bot)
        # Interactions carry their member, so the bot needs no member cache (nor that intent).
        members = [fake.add_member(f"reader{i}") for i in range(asks)]
        warm = fake.slash("ask", {"question": TOPICS[0]}, user=world.owner)
        await warm.message(timeout=timeout)
        return await _measure(fake, members, timeout, validate)
    finally:
        await fake.stop()
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY, openapi.validate = saved
        feedback.close()
        desk.index.close()


def _no_errors(*args, **kwargs) -> list[str]:
    """Stands in for the fake's OpenAPI check when --validate is off."""
    return []


async def _loop_stalls(stalls: list[float], tick: float = 0.05) -> None:
    """Record how late each short sleep wakes up: the event loop's stalls."""
    while True:
        start = time.monotonic()
        await asyncio.sleep(tick)
        stalls.append(time.monotonic() - start - tick)


async def _measure(fake, members, timeout: float, validate: bool) -> LoadReport:
    """Dispatch one /ask per member at once, then wait for every answer."""
    gaps_before = len(fake.gateway.heartbeat_gaps())
    stalls: list[float] = []
    monitor = asyncio.create_task(_loop_stalls(stalls))
    started = time.monotonic()
    handles = [
        fake.slash("ask", {"question": TOPICS[i % len(TOPICS)]}, user=member)
        for i, member in enumerate(members)
    ]

    finished: list[float] = []

    async def answered(handle) -> float | None:
        """Seconds from dispatch to the finished answer (None for a wrong answer)."""
        message = await handle.message(timeout=timeout)
        finished.append(time.monotonic())
        title = message["embeds"][0]["title"] if message.get("embeds") else None
        if title != handle.payload["data"]["options"][0]["value"]:
            return None
        return finished[-1] - handle.dispatched_at

    waits = {handle.token: asyncio.create_task(answered(handle)) for handle in handles}
    pending = set(waits.values())
    while pending:
        _, pending = await asyncio.wait(pending, timeout=0.25)
        for token in _refused_interactions(fake):  # Discord refused the reply: no answer comes
            waits[token].cancel()
    done = [
        w.result()
        for w in waits.values()
        if not w.cancelled() and w.exception() is None and w.result() is not None
    ]
    elapsed = max(finished, default=started) - started
    if time.monotonic() - started < MIN_SPAN:
        await asyncio.sleep(MIN_SPAN - (time.monotonic() - started))
    monitor.cancel()
    failures = fake.take_failures()
    interval = fake.gateway.heartbeat_interval_ms / 1000
    gaps = fake.gateway.heartbeat_gaps()[gaps_before:]
    return LoadReport(
        asks=len(handles),
        answered=len(done),
        elapsed_s=elapsed,
        answers_per_s=len(done) / elapsed if elapsed else 0.0,
        p50_s=percentile(done, 50),
        p95_s=percentile(done, 95),
        max_s=max(done, default=0.0),
        late_deferrals=len(_refused_interactions(fake, status=404)),
        rejected_requests=len(failures),
        validated=validate,
        longest_loop_stall_s=max(stalls, default=0.0),
        missed_heartbeats=sum(gap > interval * 1.5 for gap in gaps),
        longest_heartbeat_gap_s=max(gaps, default=0.0),
        heartbeat_interval_s=interval,
    )


def _refused_interactions(fake, status: int | None = None) -> set[str]:
    """Tokens of interactions whose first reply was refused: 404 when late, 400 when invalid."""
    return {
        r.params["token"]
        for r in fake.requests.items
        if r.route.endswith("/callback") and r.status >= 400 and status in (None, r.status)
    }


def main(argv: list[str] | None = None) -> int:
    """Run the load benchmark and print its figures; non-zero if any /ask went unanswered."""
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--asks", type=int, default=200, help="concurrent /ask, one per member")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds to wait per answer")
    parser.add_argument(
        "--validate", action="store_true", help="check every request against Discord's OpenAPI"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        import tests.fake_discord  # noqa: F401
    except ImportError:
        print(
            "error: run from the repository root, which holds tests/fake_discord", file=sys.stderr
        )
        return 2
    with tempfile.TemporaryDirectory(prefix="newsdesk-load-") as folder:
        report = asyncio.run(run_load(args.asks, Path(folder), args.timeout, args.validate))
    if args.json:
        print(json.dumps(asdict(report)))
    else:
        print(
            f"load: {args.asks} concurrent /ask from {args.asks} members, real NewsBot and "
            "NewsDesk (ingest/samples) on the loopback Discord"
        )
        print("\n".join(report.lines()))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
