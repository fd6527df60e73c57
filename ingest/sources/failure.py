"""What a source that gave no article reports."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Failure:
    """A source, or one item of it, that gave no article, and why."""

    origin: str
    reason: str
