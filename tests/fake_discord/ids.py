"""Snowflake ids and ISO timestamps in Discord's formats."""

import itertools
from datetime import UTC, datetime

DISCORD_EPOCH_MS = 1_420_070_400_000
_INCREMENT_BITS = 22
_increments = itertools.count(1)


def now() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def snowflake(at: datetime | None = None) -> int:
    """A unique snowflake whose timestamp is `at` (default: now), so ids sort like times."""
    millis = int((at or now()).timestamp() * 1000) - DISCORD_EPOCH_MS
    increment = next(_increments) % (1 << _INCREMENT_BITS)
    return (millis << _INCREMENT_BITS) | increment


def iso(at: datetime) -> str:
    """An ISO 8601 timestamp as Discord sends it."""
    return at.astimezone(UTC).isoformat()
