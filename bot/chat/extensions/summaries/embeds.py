"""How a channel summary looks: its span, then per topic its title, recap, people and links."""

from __future__ import annotations

import re
from collections.abc import Mapping

import discord
from discord.utils import escape_markdown, escape_mentions, format_dt

from bot.chat.format import (
    EMBED_TOTAL_LIMIT,
    FIELD_VALUE_LIMIT,
    FIELDS_PER_EMBED,
    new_embed,
    one_line,
    trim,
)
from bot.summaries.messages import ChatMessage
from bot.summaries.summarize import ChannelSummary, TopicSummary

PEOPLE_SHOWN = 8
TITLE_CHARS = 100
LINE_CHARS = 320
SUMMARY_NOTE = "Bot messages and commands are skipped; no message text is kept."
LLM_NOTE = "Recaps written by a language model; links checked against the channel."
_MESSAGE_REFS = re.compile(r"(?:https?://|www\.)\S+|\b\d{15,22}\b|\[[^\]\s]*\d[^\]\s]*\]")
_EMPTY_BRACKETS = re.compile(r"\[\s*\]|\(\s*\)")
_LABEL_BREAKERS = str.maketrans("", "", "[]()<>*_~`|\\")


def safe_name(name: str, limit: int = 80) -> str:
    """A display name to show as plain text: no markdown, no mentions, on one line."""
    return escape_markdown(escape_mentions(trim(one_line(name), limit))) or "someone"


def plain_line(text: str, limit: int = LINE_CHARS) -> str:
    """A title or recap line as plain text: no links or message ids (they are linked apart),
    no markdown, no mentions."""
    cleaned = " ".join(_EMPTY_BRACKETS.sub("", _MESSAGE_REFS.sub("", text)).split())
    return escape_markdown(escape_mentions(trim(one_line(cleaned), limit)))


def jump(message: ChatMessage, links: Mapping[str, str]) -> str | None:
    """A link to a message that was read from the channel ("[Maya, 09:03 UTC](url)"), else None."""
    url = links.get(message.id)
    if not url:
        return None
    label = one_line(message.author).translate(_LABEL_BREAKERS)[:40] or "message"
    return f"[{label}, {message.timestamp:%H:%M} UTC]({url})"


def topic_value(topic: TopicSummary, links: Mapping[str, str]) -> str:
    """A topic's recap lines, each with links to the messages it draws on (only those found in
    `links`), then who took part."""
    parts = []
    for line in topic.recap:
        jumps = [j for j in (jump(m, links) for m in line.sources) if j]
        text = plain_line(line.text)
        parts.append(f"{text} ({' · '.join(jumps)})" if jumps else text)
    people = [safe_name(p) for p in topic.participants[:PEOPLE_SHOWN]]
    more = len(topic.participants) - PEOPLE_SHOWN
    parts.append("**People:** " + ", ".join(people) + (f" and {more} more" if more > 0 else ""))
    return trim("\n".join(parts), FIELD_VALUE_LIMIT)


def summary_embed(
    summary: ChannelSummary, place: str, links: Mapping[str, str], *, by_llm: bool = False
) -> discord.Embed:
    """A channel summary: its span, then per topic its title, recap, people and links.

    `links` maps the id of every message that was read to its jump url; a message not in it is
    not linked, so every link points at a real message of the summarized channel.
    """
    span = f"{format_dt(summary.first, 'f')} to {format_dt(summary.last, 'f')}"
    head = (
        f"**{summary.message_count}** messages from **{summary.participants}** people, {span}: "
        f"{summary.people_conversations} conversations."
    )
    if not summary.topics:
        head += "\nNo topic stands out: the conversations are too short to recap."
    embed = new_embed(f"Summary of {place}", head)
    for number, topic in enumerate(summary.topics[:FIELDS_PER_EMBED], 1):
        name = f"{number}. {plain_line(topic.title, TITLE_CHARS) or 'A topic'}"
        embed.add_field(name=name, value=topic_value(topic, links), inline=False)
    embed.set_footer(text=f"{LLM_NOTE} {SUMMARY_NOTE}" if by_llm else SUMMARY_NOTE)
    while len(embed) > EMBED_TOTAL_LIMIT and embed.fields:
        embed.remove_field(-1)
    return embed
