"""How a channel summary looks: its span, then per topic its line, people and key messages."""

from __future__ import annotations

import re
from collections.abc import Mapping

import discord
from discord.utils import escape_markdown, escape_mentions, format_dt

from bot.chat.format import (
    EMBED_TOTAL_LIMIT,
    FIELD_NAME_LIMIT,
    FIELD_VALUE_LIMIT,
    FIELDS_PER_EMBED,
    new_embed,
    one_line,
    trim,
)
from bot.summaries.summarize import ChannelSummary, TopicSummary

PEOPLE_SHOWN = 8
SUMMARY_NOTE = "Bot messages and commands are skipped; no message text is kept."
LLM_NOTE = "Topic lines written by a language model; links checked against the channel."
_MESSAGE_REFS = re.compile(r"(?:https?://|www\.)\S+|\b\d{15,22}\b")
_EMPTY_BRACKETS = re.compile(r"\[\s*\]|\(\s*\)")
_LABEL_BREAKERS = str.maketrans("", "", "[]()<>*_~`|\\")


def safe_name(name: str, limit: int = 80) -> str:
    """A display name to show as plain text: no markdown, no mentions, on one line."""
    return escape_markdown(escape_mentions(trim(one_line(name), limit))) or "someone"


def topic_line(bullet: str) -> str:
    """A topic's bullet as plain text: no links or message ids (they go in its own field)."""
    text = _EMPTY_BRACKETS.sub("", _MESSAGE_REFS.sub("", bullet))
    return escape_markdown(escape_mentions(one_line(text))) or "A topic"


def topic_value(topic: TopicSummary, links: Mapping[str, str]) -> str:
    """Who took part in a topic and links to its key messages (only those found in `links`)."""
    people = [safe_name(p) for p in topic.participants[:PEOPLE_SHOWN]]
    more = len(topic.participants) - PEOPLE_SHOWN
    line = ", ".join(people) + (f" and {more} more" if more > 0 else "")
    jumps = []
    for message in topic.key_messages:
        url = links.get(message.id)
        if url:
            label = one_line(message.author).translate(_LABEL_BREAKERS)[:40] or "message"
            jumps.append(f"[{label}, {message.timestamp:%H:%M} UTC]({url})")
    value = f"**People:** {line}"
    if jumps:
        value += "\n**Key messages:** " + " · ".join(jumps)
    return trim(value, FIELD_VALUE_LIMIT)


def summary_embed(
    summary: ChannelSummary, place: str, links: Mapping[str, str], *, by_llm: bool = False
) -> discord.Embed:
    """A channel summary: its span, then per topic its line, its people and its key messages.

    `links` maps the id of every message that was read to its jump url; a key message not in
    it is not linked, so every link points at a real message of the summarized channel.
    """
    span = f"{format_dt(summary.first, 'f')} to {format_dt(summary.last, 'f')}"
    head = f"**{summary.message_count}** messages from **{summary.participants}** people, {span}."
    if not summary.topics:
        head += "\nNo topic stands out: the messages are too scattered to group."
    embed = new_embed(f"Summary of {place}", head)
    for number, topic in enumerate(summary.topics[:FIELDS_PER_EMBED], 1):
        name = trim(f"{number}. {topic_line(topic.bullet)}", FIELD_NAME_LIMIT)
        embed.add_field(name=name, value=topic_value(topic, links), inline=False)
    embed.set_footer(text=f"{LLM_NOTE} {SUMMARY_NOTE}" if by_llm else SUMMARY_NOTE)
    while len(embed) > EMBED_TOTAL_LIMIT and embed.fields:
        embed.remove_field(-1)
    return embed
