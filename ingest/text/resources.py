"""The word lists kept as data files beside this module."""

from __future__ import annotations

from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"


@cache
def word_list(name: str) -> tuple[str, ...]:
    """The entries of data/NAME.txt, in file order: one per line, # starts a comment."""
    lines = (DATA / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    entries = (line.split("#", 1)[0].strip() for line in lines)
    return tuple(dict.fromkeys(entry for entry in entries if entry))
