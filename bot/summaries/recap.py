"""What happened in a topic, offline: who asked or proposed what, what answer or decision came,
and which question was left open, in one or two lines drawn from its messages.

People are named by display name (never a ping); each line keeps the messages it draws on so
they can be linked. The links between messages (who answered whom) come from the linker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.summaries.messages import ChatMessage, is_usable

QUOTE_CHARS = 110
MIN_WORDS = 3  # a message shorter than this ("lol", "same") says nothing worth a recap
_QUESTION_START = re.compile(
    r"""
    ^\W*
    (?:
      (?:what|how)\b(?!\s+an?\b)  # "what", "how", but not an exclamation ("what a final")
      | (?:does|do|did|is|are|was|can|could|should|would|will|has|have|who|when|where|why
         |which|anyone|any\ idea)\b
    )
    """,
    re.IGNORECASE | re.VERBOSE,
)
_PROPOSAL = re.compile(
    r"""
    \b(let'?s|we\ should|should\ we|how\ about|what\ if|i\ propose|i\ suggest|proposal
      |we\ could|why\ don'?t\ we|i\ vote|plan\ is|i\ can\ take|i'?ll\ take|can\ we)\b
    """,
    re.IGNORECASE | re.VERBOSE,
)
_DECISION = re.compile(
    r"""
    \b(decided|agreed|going\ with|we'?ll\ go|settled|approved|ship\ it|merged
      |fixed|confirmed|it'?s\ on|booked|will\ do|sounds\ good|works\ for\ me
      |resolved|go\ with)\b
    """,
    re.IGNORECASE | re.VERBOSE,
)
_ADDRESS = re.compile(
    r"""
    ^\s*
    (?:@[\w.\-]+[\s,:]*)+           # leading @mentions
    | ^\s*[\w.\-]{2,32}:\s+         # or a leading "name:"
    """,
    re.VERBOSE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass
class RecapLine:
    """One line of a recap, in plain text, and the messages it draws on."""

    text: str
    sources: list[ChatMessage] = field(default_factory=list)


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    """text on one line, cut at a word boundary to at most limit characters."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    return line[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def gist(text: str, limit: int = QUOTE_CHARS) -> str:
    """The part of a message worth quoting: no leading address, its first sentences within
    limit characters."""
    body = _ADDRESS.sub("", " ".join(text.split()), count=1).strip() or text.strip()
    kept = ""
    for sentence in _SENTENCE_END.split(body):
        if kept and len(kept) + 1 + len(sentence) > limit:
            break
        kept = f"{kept} {sentence}".strip()
    return quote(kept or body, limit)


def is_question(text: str) -> bool:
    """Whether a message asks something."""
    return "?" in text or bool(_QUESTION_START.search(text))


def is_proposal(text: str) -> bool:
    """Whether a message proposes something."""
    return bool(_PROPOSAL.search(text))


def is_decision(text: str) -> bool:
    """Whether a message settles something."""
    return bool(_DECISION.search(text))


def substantial(message: ChatMessage) -> bool:
    """Written by a person and long enough to say something."""
    return is_usable(message) and len(message.content.split()) >= MIN_WORDS


def replies_to(index: int, members: list[int], parents: list[int]) -> list[int]:
    """The members linked, directly or through others, to the message at index."""
    inside = set(members)
    below, frontier = [], [index]
    while frontier:
        current = frontier.pop()
        children = [i for i in members if i != current and parents[i] == current and i in inside]
        below.extend(children)
        frontier.extend(children)
    return sorted(below)


def said(message: ChatMessage, verb: str) -> str:
    """ "Name verb: “gist”" """
    return f"{message.author} {verb}: “{gist(message.content)}”"


def recap_lines(
    ordered: list[ChatMessage],
    parents: list[int],
    members: list[int],
    core: set[int] | None = None,
) -> list[RecapLine]:
    """One or two lines on the topic made of ordered[members] (indices, oldest first).

    The opening is the first question or proposal among its first messages (else its first
    message that says something); the answer is a later message that settles it, else the first
    reply to it from someone else; a question that nobody else answered is left open. Only the
    `core` messages (those most about the topic; all by default) open or answer.
    """
    core = set(members) if core is None else core
    candidates = [i for i in members if i in core and substantial(ordered[i])]
    candidates = candidates or [i for i in members if substantial(ordered[i])] or list(members)
    early = candidates[: max(3, len(candidates) // 3)]
    opener = next(
        (i for i in early if is_question(ordered[i].content) or is_proposal(ordered[i].content)),
        candidates[0],
    )
    first = ordered[opener]
    asked = is_question(first.content)
    verb = "asked" if asked else "proposed" if is_proposal(first.content) else "said"
    answer = find_answer(ordered, parents, [i for i in members if i in core], opener)
    lines = []
    if answer is None:
        tail = " (no answer yet)" if asked else ""
        lines.append(RecapLine(said(first, verb) + tail, [first]))
    else:
        reply = ordered[answer]
        how = "decided" if is_decision(reply.content) else "answered" if asked else "replied"
        lines.append(RecapLine(f"{said(first, verb)}; {said(reply, how)}", [first, reply]))
    still_open = open_question(
        ordered, parents, members, after=opener if answer is None else answer
    )
    if still_open is not None and still_open != opener:
        lines.append(
            RecapLine(f"Left open: {said(ordered[still_open], 'asked')}", [ordered[still_open]])
        )
    return lines


def find_answer(
    ordered: list[ChatMessage], parents: list[int], members: list[int], opener: int
) -> int | None:
    """The message that answers or settles the opening: the last decision after it, else the
    first reply to it from someone else that is not itself a question, else None."""
    author = ordered[opener].author
    later = [i for i in members if i > opener and substantial(ordered[i])]
    decisions = [i for i in later if is_decision(ordered[i].content)]
    if decisions:
        return decisions[-1]
    replies = [i for i in replies_to(opener, members, parents) if substantial(ordered[i])]
    for pool in (replies, later):
        for i in pool:
            if ordered[i].author != author and not is_question(ordered[i].content):
                return i
    return None


def open_question(
    ordered: list[ChatMessage], parents: list[int], members: list[int], after: int
) -> int | None:
    """The last question after `after` that no one else replied to, if any."""
    for i in reversed([i for i in members if i > after]):
        message = ordered[i]
        if not substantial(message) or not is_question(message.content):
            continue
        others = [j for j in replies_to(i, members, parents) if ordered[j].author != message.author]
        if not others:
            return i
        return None  # the latest question was answered: nothing is left open
    return None
