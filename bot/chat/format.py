"""What every message of the bot is made of: Discord's limits, text that fits them, and the
pieces of embeds (a source line, a numbered item, a page footer). Pure functions; nothing here
talks to Discord. Each extension builds its own embeds from these.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import TypeVar

import discord
from discord.utils import escape_markdown

from ingest.store.keyword import StoredArticle

# Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
# Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELDS_PER_EMBED = 25
FOOTER_LIMIT = 2048
AUTHOR_LIMIT = 256
EMBED_TOTAL_LIMIT = 6000  # all the embeds of one message together
EMBEDS_PER_MESSAGE = 10
CONTENT_LIMIT = 2000
CHOICES_LIMIT = 25
CHOICE_LIMIT = 100  # name and value of an autocomplete choice
THREAD_NAME_LIMIT = 100
URL_LIMIT = 2048

# Our own sizes, chosen so that a page stays well inside the limits.
ITEM_NAME_LIMIT = 200
LIST_TITLE_LIMIT = 150

COLOUR = discord.Colour.dark_teal()
ERROR_COLOUR = discord.Colour.dark_red()
NO_MENTIONS = discord.AllowedMentions.none()
ELLIPSIS = "…"
_BREAKS = ("\n\n", "\n", ". ", " ")
_SPACES = re.compile(r"\s+")
T = TypeVar("T")


# --- text ---------------------------------------------------------------------------------


def trim(text: str, limit: int) -> str:
    """Text cut to at most limit characters, at a word break when one is near, with "…"."""
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return text[:limit]
    cut = text[: limit - len(ELLIPSIS)]
    space = cut.rfind(" ")
    if space > len(cut) * 0.8:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


def one_line(text: str) -> str:
    """Text with every run of whitespace made one space."""
    return _SPACES.sub(" ", text).strip()


def split_text(text: str, limit: int) -> list[str]:
    """Text in pieces of at most limit characters, cut at paragraph, line, sentence or word."""
    if limit < 1:
        msg = f"limit must be at least 1, not {limit}"
        raise ValueError(msg)
    pieces = []
    rest = text.strip()
    while len(rest) > limit:
        cut = _break_before(rest, limit)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def _break_before(text: str, limit: int) -> int:
    """Where to end a piece of text no longer than limit: after the best break in its 2nd half."""
    for separator in _BREAKS:
        at = text.rfind(separator, 0, limit)
        if at > limit // 2:
            return at + len(separator)
    return limit


def batched(items: Sequence[T], size: int) -> list[list[T]]:
    """Items in consecutive groups of at most size."""
    return [list(items[start : start + size]) for start in range(0, len(items), size)]


def thread_name(question: str) -> str:
    """A thread title for a question."""
    return trim(one_line(question), THREAD_NAME_LIMIT) or "Question"


def message_length(embeds: Sequence[discord.Embed]) -> int:
    """Characters Discord counts against a message's 6000 (titles, texts, fields, footers)."""
    return sum(len(embed) for embed in embeds)


# --- pieces of embeds ---------------------------------------------------------------------


def markdown_link(url: str | None, label: str = "link") -> str | None:
    """A markdown link, or None when there is no usable http(s) address."""
    if not url or not url.startswith(("http://", "https://")) or len(url) > 500:
        return None
    safe = url.replace(" ", "%20").replace(")", "%29").replace("(", "%28")
    return f"[{label}]({safe})"


def day_label(published: date | None) -> str:
    return published.isoformat() if published else "undated"


def source_line(outlet: str, published: date | None, url: str | None) -> str:
    """The line "Outlet · 2024-05-01 · [link](url)" for a source."""
    parts = [escape_markdown(trim(outlet or "unknown outlet", 100)), day_label(published)]
    link = markdown_link(url)
    if link:
        parts.append(link)
    return " · ".join(parts)


def numbered_item(
    number: int,
    title: str,
    outlet: str,
    published: date | None,
    url: str | None,
    text: str,
    text_limit: int,
) -> tuple[str, str]:
    """(field name, field value) for a numbered source: title; outlet, date, link; text."""
    name = trim(f"[{number}] {one_line(title) or 'Untitled'}", ITEM_NAME_LIMIT)
    value = source_line(outlet, published, url)
    excerpt = escape_markdown(trim(one_line(text), text_limit))
    if excerpt:
        value += f"\n> {excerpt}"
    return name, trim(value, FIELD_VALUE_LIMIT)


def page_footer(index: int, count: int, extra: str = "") -> str:
    parts = [f"Page {index + 1}/{count}"] if count > 1 else []
    if extra:
        parts.append(extra)
    return " · ".join(parts)


def new_embed(title: str = "", description: str = "", colour: discord.Colour = COLOUR):
    return discord.Embed(
        title=trim(title, TITLE_LIMIT) or None,
        description=trim(description, DESCRIPTION_LIMIT) or None,
        colour=colour,
    )


def headline(article: StoredArticle) -> str:
    """The linked title in bold, its outlet and its date."""
    title = escape_markdown(trim(one_line(article.title) or "Untitled", LIST_TITLE_LIMIT))
    link = markdown_link(article.url, title)
    outlet = escape_markdown(trim(article.outlet or "unknown outlet", 60))
    return f"**{link or title}** — {outlet}, {day_label(article.published)}"
