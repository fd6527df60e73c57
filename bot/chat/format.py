"""What the bot's messages look like: embeds and choices, always within Discord's limits.

Pure functions over the qa types; nothing here talks to Discord. A "page" is the list of
embeds one message shows; paged messages swap pages (see `bot.chat.views`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import TypeVar

import discord
from discord import app_commands
from discord.utils import escape_markdown

from bot.qa.types import Answer, Citation, Passage
from ingest.keyword import StoredArticle
from ingest.pipeline import IngestReport

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
SOURCES_PER_PAGE = 4
RESULTS_PER_PAGE = 5
ARTICLES_PER_PAGE = 10
ITEM_NAME_LIMIT = 200
QUOTE_LIMIT = 300
SNIPPET_LIMIT = 500
LIST_TITLE_LIMIT = 150
FAILURES_SHOWN = 10

COLOUR = discord.Colour.dark_teal()
ERROR_COLOUR = discord.Colour.dark_red()
ANSWER_AUTHOR = "Question"  # marks an answer embed, whose title is the question it answers
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


def _link(url: str | None, label: str = "link") -> str | None:
    """A markdown link, or None when there is no usable http(s) address."""
    if not url or not url.startswith(("http://", "https://")) or len(url) > 500:
        return None
    safe = url.replace(" ", "%20").replace(")", "%29").replace("(", "%28")
    return f"[{label}]({safe})"


def _day(published: date | None) -> str:
    return published.isoformat() if published else "undated"


def source_line(outlet: str, published: date | None, url: str | None) -> str:
    """The line "Outlet · 2024-05-01 · [link](url)" for a source."""
    parts = [escape_markdown(trim(outlet or "unknown outlet", 100)), _day(published)]
    link = _link(url)
    if link:
        parts.append(link)
    return " · ".join(parts)


def _item(
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


def citation_field(citation: Citation) -> tuple[str, str]:
    """(field name, field value) for a numbered source of an answer."""
    c = citation
    return _item(c.number, c.title, c.outlet, c.published, c.url, c.quote, QUOTE_LIMIT)


def _page_footer(index: int, count: int, extra: str = "") -> str:
    parts = [f"Page {index + 1}/{count}"] if count > 1 else []
    if extra:
        parts.append(extra)
    return " · ".join(parts)


def _embed(title: str = "", description: str = "", colour: discord.Colour = COLOUR):
    return discord.Embed(
        title=trim(title, TITLE_LIMIT) or None,
        description=trim(description, DESCRIPTION_LIMIT) or None,
        colour=colour,
    )


# --- answers ------------------------------------------------------------------------------


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
    text = trim(answer.text.strip() or "(no answer)", max(room, 1))
    pieces = split_text(text, DESCRIPTION_LIMIT)[: EMBEDS_PER_MESSAGE - 1]
    embeds = [discord.Embed(description=piece, colour=COLOUR) for piece in pieces]
    embeds[0].title = title
    embeds[0].set_author(name=ANSWER_AUTHOR)
    if footer:
        embeds[-1].set_footer(text=footer)
    return embeds


def sources_embeds(citations: Sequence[Citation], per_page: int) -> list[discord.Embed]:
    """The numbered sources of an answer, per_page to an embed."""
    pages = batched(citations, min(per_page, FIELDS_PER_EMBED))
    embeds = []
    for index, page in enumerate(pages):
        first, last = page[0].number, page[-1].number
        span = f"{first}–{last}" if last != first else f"{first}"
        embed = _embed(f"Sources {span} of {len(citations)}")
        for citation in page:
            name, value = citation_field(citation)
            embed.add_field(name=name, value=value, inline=False)
        footer = _page_footer(index, len(pages))
        if footer:
            embed.set_footer(text=footer)
        embeds.append(embed)
    return embeds


def answered_question(embeds: Sequence[discord.Embed]) -> str | None:
    """The question an answer message answered (from its first embed), or None."""
    if embeds and embeds[0].author.name == ANSWER_AUTHOR and embeds[0].title:
        return embeds[0].title
    return None


# --- search results and articles ----------------------------------------------------------


def search_pages(
    query: str, passages: Sequence[Passage], per_page: int = RESULTS_PER_PAGE
) -> list[list[discord.Embed]]:
    """Pages of passages matching a query, numbered, each with its source."""
    title = f"Results for “{one_line(query)}”"
    if not passages:
        return [[_embed(title, "No passage matches. Try other words, or see `/sources`.")]]
    pages = batched(list(enumerate(passages, 1)), min(per_page, FIELDS_PER_EMBED))
    result = []
    for index, page in enumerate(pages):
        embed = _embed(title)
        for number, p in page:
            name, value = _item(
                number, p.title, p.outlet, p.published, p.url, p.text, SNIPPET_LIMIT
            )
            embed.add_field(name=name, value=value, inline=False)
        embed.set_footer(text=_page_footer(index, len(pages), f"{len(passages)} passages"))
        result.append([embed])
    return result


def article_line(article: StoredArticle) -> str:
    """One line of the article list: title, outlet, date and id."""
    title = escape_markdown(trim(one_line(article.title) or "Untitled", LIST_TITLE_LIMIT))
    link = _link(article.url, title)
    outlet = escape_markdown(trim(article.outlet or "unknown outlet", 60))
    return f"**{link or title}** — {outlet}, {_day(article.published)} · `{article.article_id}`"


def article_list_pages(
    articles: Sequence[StoredArticle], text: str = "", per_page: int = ARTICLES_PER_PAGE
) -> list[list[discord.Embed]]:
    """Pages listing indexed articles, newest first."""
    title = f"Articles matching “{one_line(text)}”" if text else "Indexed articles"
    if not articles:
        hint = "No article matches." if text else "The archive is empty: add articles with /ingest."
        return [[_embed(title, hint)]]
    pages = batched(articles, per_page)
    result = []
    for index, page in enumerate(pages):
        embed = _embed(title, "\n".join(article_line(a) for a in page))
        embed.set_footer(text=_page_footer(index, len(pages), f"{len(articles)} articles"))
        result.append([embed])
    return result


def article_embed(article: StoredArticle) -> discord.Embed:
    """Everything the catalogue knows about one article."""
    embed = _embed(one_line(article.title) or "Untitled")
    if _link(article.url):
        embed.url = article.url
    fields = [
        ("Outlet", article.outlet or "unknown"),
        ("Published", _day(article.published)),
        ("Author", article.author or "unknown"),
        ("Chunks", str(article.chunk_count)),
        ("Added", f"<t:{int(article.ingested_at)}:R>"),
        ("ID", f"`{article.article_id}`"),
        ("Origin", article.origin or "unknown"),
    ]
    for name, value in fields:
        embed.add_field(name=name, value=trim(value, FIELD_VALUE_LIMIT), inline=name != "Origin")
    return embed


def ingest_embed(report: IngestReport, target: str) -> discord.Embed:
    """What an ingest added, updated and skipped, with the first failures and why."""
    stored = report.added + report.updated
    title = "Ingested" if stored else ("Already up to date" if report.ok else "Nothing ingested")
    head = (
        f"Added {report.added}, updated {report.updated}, unchanged {report.unchanged}, "
        f"failed {len(report.failures)}."
    )
    embed = _embed(
        title,
        f"{escape_markdown(trim(target, 300))}\n{head}",
        COLOUR if report.ok else ERROR_COLOUR,
    )
    for failure in report.failures[:FAILURES_SHOWN]:
        embed.add_field(
            name=trim(failure.origin, 100), value=trim(failure.reason, 300), inline=False
        )
    hidden = len(report.failures) - FAILURES_SHOWN
    if hidden > 0:
        embed.set_footer(text=f"and {hidden} more failures")
    return embed


def stats_embed(stats: dict[str, object]) -> discord.Embed:
    """The archive's size, date range and embedding model."""
    first, last = stats.get("first_published"), stats.get("last_published")
    embed = _embed("Archive statistics")
    for name, value in [
        ("Articles", stats.get("articles")),
        ("Outlets", stats.get("outlets")),
        ("Chunks", stats.get("chunks")),
        ("Vectors", stats.get("vectors")),
        ("Published", f"{first} to {last}" if first else "no dates"),
        ("Embedding model", stats.get("model")),
    ]:
        embed.add_field(name=name, value=trim(str(value), FIELD_VALUE_LIMIT))
    if stats.get("pending"):
        embed.set_footer(text=f"{stats['pending']} articles are being stored")
    return embed


# --- autocomplete ---------------------------------------------------------------------------


def outlet_choices(outlets: Sequence[str], current: str) -> list[app_commands.Choice[str]]:
    """Up to 25 outlets containing what was typed (outlets over 100 characters cannot be sent)."""
    typed = current.strip().lower()
    return [
        app_commands.Choice(name=outlet, value=outlet)
        for outlet in outlets
        if typed in outlet.lower() and 0 < len(outlet) <= CHOICE_LIMIT
    ][:CHOICES_LIMIT]


def article_choices(articles: Sequence[StoredArticle]) -> list[app_commands.Choice[str]]:
    """Up to 25 articles as choices: "title — outlet, date", valued by article id."""
    return [
        app_commands.Choice(
            name=trim(
                f"{one_line(a.title) or 'Untitled'} — {a.outlet}, {_day(a.published)}", CHOICE_LIMIT
            ),
            value=a.article_id,
        )
        for a in articles[:CHOICES_LIMIT]
    ]


# --- help -----------------------------------------------------------------------------------


def help_embed(commands: Sequence[tuple[str, str]]) -> discord.Embed:
    """What the bot does: its slash commands (name, description), then how to chat with it."""
    lines = [f"`/{name}` — {escape_markdown(description)}" for name, description in commands]
    chat = (
        "**Chat**: mention me with a question, or reply to one of my answers; I answer in a "
        "thread, and follow-ups in that thread need no mention."
    )
    return _embed("newsdesk help", "\n".join([*lines, "", chat]))
