"""How an answer looks in Discord: the answer first, then its numbered sources a page at a time."""

from __future__ import annotations

import re
from collections.abc import Sequence

import discord

from bot.chat.format import (
    COLOUR,
    DESCRIPTION_LIMIT,
    EMBED_TOTAL_LIMIT,
    EMBEDS_PER_MESSAGE,
    FIELDS_PER_EMBED,
    TITLE_LIMIT,
    batched,
    new_embed,
    numbered_item,
    one_line,
    page_footer,
    split_text,
    trim,
)
from bot.qa.types import Answer, Citation

_DATED_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2}):", re.M)
SOURCES_PER_PAGE = 4
QUOTE_LIMIT = 300
ANSWER_AUTHOR = "Question"  # marks an answer embed, whose title is the question it answers


def answer_pages(answer: Answer, per_page: int = SOURCES_PER_PAGE) -> list[list[discord.Embed]]:
    """An answer's pages: the answer itself, then one page of its numbered sources each."""
    sources = sources_embeds(answer.citations, per_page)
    budget = EMBED_TOTAL_LIMIT - max((len(e) for e in sources), default=0)
    head = answer_embeds(answer, budget)
    if not sources:
        return [head]
    return [[*head, page] for page in sources]


def answer_embeds(answer: Answer, budget: int = EMBED_TOTAL_LIMIT) -> list[discord.Embed]:
    """The answer text in embeds of at most `budget` characters altogether.

    The first embed is marked as an answer and titled with the question; a long answer goes
    on in further embeds, and one longer than the budget is cut.
    """
    title = trim(one_line(answer.question), TITLE_LIMIT)
    footer = trim(one_line(answer.note or ""), 300)
    room = budget - len(ANSWER_AUTHOR) - len(title) - len(footer)
    text = trim(dated_lines(answer.text.strip()) or "(no answer)", max(room, 1))
    pieces = split_text(text, DESCRIPTION_LIMIT)[: EMBEDS_PER_MESSAGE - 1]
    embeds = [discord.Embed(description=piece, colour=COLOUR) for piece in pieces]
    embeds[0].title = title
    embeds[0].set_author(name=ANSWER_AUTHOR)
    if footer:
        embeds[-1].set_footer(text=footer)
    return embeds


def dated_lines(text: str) -> str:
    """The answer's lines, each date that opens one (a timeline's) in bold."""
    return _DATED_LINE.sub(r"**\1**:", text)


def sources_embeds(citations: Sequence[Citation], per_page: int) -> list[discord.Embed]:
    """The numbered sources of an answer, per_page to an embed."""
    pages = batched(citations, min(per_page, FIELDS_PER_EMBED))
    embeds = []
    for index, page in enumerate(pages):
        first, last = page[0].number, page[-1].number
        span = f"{first}–{last}" if last != first else f"{first}"
        embed = new_embed(f"Sources {span} of {len(citations)}")
        for citation in page:
            name, value = citation_field(citation)
            embed.add_field(name=name, value=value, inline=False)
        footer = page_footer(index, len(pages))
        if footer:
            embed.set_footer(text=footer)
        embeds.append(embed)
    return embeds


def citation_field(citation: Citation) -> tuple[str, str]:
    """(field name, field value) for a numbered source of an answer."""
    c = citation
    return numbered_item(c.number, c.title, c.outlet, c.published, c.url, c.quote, QUOTE_LIMIT)


def answered_question(embeds: Sequence[discord.Embed]) -> str | None:
    """The question an answer message answered (from its first embed), or None."""
    if embeds and embeds[0].author.name == ANSWER_AUTHOR and embeds[0].title:
        return embeds[0].title
    return None
