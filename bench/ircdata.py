"""The Ubuntu IRC disentanglement benchmark (Kummerfeld et al., ACL 2019) as linker Lines.

Parses `[HH:MM] <nick> text` and `=== ...` lines, finds the nicks each message addresses (the
IRC form of a Discord mention) and reads the gold links. Only the benchmark and the training
of the link weights read IRC; the bot reads chat messages (bot.summaries.conversations).
"""

from __future__ import annotations

import re
import string
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.summaries.conversations import Line, named_in

DATA = Path(__file__).resolve().parents[2] / "shared" / "bench" / "irc_disentanglement"
FIRST_ANNOTATED = 1000  # lines before this are context the annotators could read
_STAMP = re.compile(r"^\[(\d\d):(\d\d)\]$")
# "=== ..." lines that are channel events; other "=== nick does something" lines are /me actions
_EVENT = re.compile(
    r"""
    \[[^\]]*@.*\]                   # a user@host in brackets: joins, parts and quits
    | has\ (joined|left|quit)
    | is\ now\ known\ as            # a rename
    | ^mode/ | ^netjoined | netsplit
    | was\ kicked
    | ^topic | changed\ the\ topic
    """,
    re.IGNORECASE | re.VERBOSE,
)
_PUNCTUATION = string.punctuation


@dataclass
class Sample:
    """One annotated log: its lines, and its gold links (child line -> its parent lines)."""

    name: str
    lines: list[Line]
    gold: dict[int, list[int]]


def sample_names(split: str) -> list[str]:
    """The sample names of a split ("train" or "dev"), sorted."""
    return sorted(p.name.removesuffix(".raw.txt") for p in (DATA / split).glob("*.raw.txt"))


def load_split(split: str) -> list[Sample]:
    """Every sample of a split, in name order."""
    return [load_sample(split, name) for name in sample_names(split)]


def load_sample(split: str, name: str) -> Sample:
    """One sample: its parsed lines and its gold links."""
    raw = (DATA / split / f"{name}.raw.txt").read_text(encoding="utf-8").splitlines()
    return Sample(name, parse_log(raw), read_links(DATA / split / f"{name}.annotation.txt"))


def read_links(path: Path) -> dict[int, list[int]]:
    """Gold links as child -> sorted parents (a child linked to itself starts a conversation)."""
    links: dict[int, list[int]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        numbers = [int(v) for v in line.split() if v != "-"]
        if numbers:
            links.setdefault(max(numbers), []).append(min(numbers))
    return {child: sorted(parents) for child, parents in links.items()}


def parse_log(raw: list[str]) -> list[Line]:
    """The lines of an IRC log, with ids "0", "1", ... and whole-minute times."""
    parsed = [split_line(line) for line in raw]
    known = known_nicks(parsed)
    minutes = times(parsed)
    return [
        Line(
            id=str(i),
            author=author,
            text=text,
            minutes=minutes[i],
            addressed=frozenset() if system else addressed_nicks(text, known),
            is_system=system,
        )
        for i, (author, text, system, _) in enumerate(parsed)
    ]


def split_line(line: str) -> tuple[str, str, bool, int | None]:
    """(author, text, is system, minute of the day or None) of one raw line."""
    tokens = line.split()
    if tokens[0] == "===" and len(tokens) > 2 and not _EVENT.search(" ".join(tokens[1:])):
        return tokens[1], " ".join(tokens[2:]), False, None  # an action, logged without a stamp
    if tokens[0] == "===":
        rename = line.split("is now known as")
        author = rename[-1].strip() if len(rename) == 2 else (tokens[1] if len(tokens) > 1 else "")
        return author, " ".join(tokens[1:]), True, None
    stamp = _STAMP.match(tokens[0])
    minute = int(stamp.group(1)) * 60 + int(stamp.group(2)) if stamp else None
    rest = tokens[1:]
    if rest and rest[0] == "*" and len(rest) > 1:  # "/me" action: "* nick does something"
        return rest[1], " ".join(rest[2:]), False, minute
    author = rest[0].strip("<>()-") if rest else ""
    return author.split("/")[0].split(":")[0], " ".join(rest[1:]), False, minute


def times(parsed: list[tuple[str, str, bool, int | None]]) -> list[float]:
    """Minutes since the log's first stamp; unstamped lines take the last stamp; a clock that
    goes back by over an hour has passed midnight."""
    stamped = [m for *_, m in parsed if m is not None]
    first = stamped[0] if stamped else 0
    current, day, out = first, 0, []
    for *_, minute in parsed:
        if minute is not None:
            if minute + 60 < current % 1440:
                day += 1
            current = day * 1440 + minute
        out.append(float(current - first))
    return out


def known_nicks(parsed: list[tuple[str, str, bool, int | None]]) -> set[str]:
    """Lower-cased nicks seen speaking or renamed in this log, less common words."""
    names = {author.lower() for author, *_ in parsed if author}
    names |= {author.lower().strip(_PUNCTUATION) for author, *_ in parsed if author}
    return {n for n in names if n and not n.isdigit() and n not in common_words()}


def addressed_nicks(text: str, known: set[str]) -> frozenset[str]:
    """The nicks a message addresses: a leading "nick:" or "nick,", and known nicks in it."""
    tokens = text.split()
    found = named_in(text, known)
    if tokens and tokens[0][-1:] in ":," and len(tokens[0]) > 1:
        found.add(tokens[0][:-1].lower())
    return frozenset(found)


@cache
def common_words() -> frozenset[str]:
    """Words in at least 30% of train logs that are seldom a nick there ("ubuntu", "root")."""
    word_logs: Counter[str] = Counter()
    nick_logs: Counter[str] = Counter()
    names = sample_names("train")
    for name in names:
        seen, nicks = set(), set()
        for line in (DATA / "train" / f"{name}.raw.txt").read_text(encoding="utf-8").splitlines():
            tokens = line.split()
            if tokens[0] == "===" or len(tokens) < 2:
                continue
            nicks.add(tokens[1].strip("<>").lower())
            seen.update(w.lower().strip(_PUNCTUATION) for w in tokens[2:])
        word_logs.update(seen)
        nick_logs.update(nicks)
    return frozenset(
        w for w, c in word_logs.items() if c >= 0.3 * len(names) and nick_logs[w] < 0.5 * c
    )
