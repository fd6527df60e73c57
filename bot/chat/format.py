"""What the bot's messages look like: embeds and choices, always within Discord's limits.

Pure functions over the qa types; nothing here talks to Discord. A "page" is the list of
embeds one message shows; paged messages swap pages (see `bot.chat.views`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, TypeVar

import discord
from discord import app_commands
from discord.utils import escape_markdown, escape_mentions, format_dt

from bot.qa.subscriptions import DAILY, WEEKLY, feed_wait
from bot.qa.types import Answer, Citation, Passage
from ingest.keyword import StoredArticle
from ingest.pipeline import IngestReport

if TYPE_CHECKING:
    from bot.qa.subscriptions import Digest, Feed
    from bot.qa.summarize import ChannelSummary, TopicSummary

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
    return f"{_headline(article)} · `{article.article_id}`"


def _headline(article: StoredArticle) -> str:
    """The linked title in bold, its outlet and its date."""
    title = escape_markdown(trim(one_line(article.title) or "Untitled", LIST_TITLE_LIMIT))
    link = _link(article.url, title)
    outlet = escape_markdown(trim(article.outlet or "unknown outlet", 60))
    return f"**{link or title}** — {outlet}, {_day(article.published)}"


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


# --- channel summaries ----------------------------------------------------------------------

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
    embed = _embed(f"Summary of {place}", head)
    for number, topic in enumerate(summary.topics[:FIELDS_PER_EMBED], 1):
        name = trim(f"{number}. {topic_line(topic.bullet)}", FIELD_NAME_LIMIT)
        embed.add_field(name=name, value=topic_value(topic, links), inline=False)
    embed.set_footer(text=f"{LLM_NOTE} {SUMMARY_NOTE}" if by_llm else SUMMARY_NOTE)
    while len(embed) > EMBED_TOTAL_LIMIT and embed.fields:
        embed.remove_field(-1)
    return embed


# --- feeds and digests ----------------------------------------------------------------------

DIGEST_ARTICLES = 20
FEED_NAME_LIMIT = 120
DIGEST_TITLES = {DAILY: "Daily news digest", WEEKLY: "Weekly news digest"}


def feed_status(feed: Feed, interval: float) -> str:
    """How a feed's polls went: not yet, fine, or failing (why, and when it is tried again)."""
    added = f"added <t:{int(feed.added_at)}:R> by <@{feed.added_by}>"
    if feed.last_polled is None:
        return f"⏳ not checked yet · {added}"
    last = f"<t:{int(feed.last_polled)}:R>"
    if not feed.failures:
        return f"✅ checked {last} · {added}"
    retry = int(feed.last_polled + feed_wait(feed.failures, interval))
    times = "once" if feed.failures == 1 else f"{feed.failures} times in a row"
    error = escape_markdown(trim(one_line(feed.last_error or "unknown error"), 300))
    return f"⚠️ failed {times}, last {last}: {error}\nNext try <t:{retry}:R> · {added}"


def feeds_embed(feeds: Sequence[Feed], digest: Digest | None, interval: float) -> discord.Embed:
    """A guild's feeds with how their polls went (polled every `interval` s), and its digest.

    Each feed's status is cut to its share of the 6000 characters an embed may hold.
    """
    head = f"Polled every {interval / 60:g} minutes; a failing feed waits longer each time."
    if not feeds:
        head += "\nNo feeds yet: add one with `/feeds add`."
    embed = _embed(f"Feeds ({len(feeds)})", head)
    shown = list(feeds[: FIELDS_PER_EMBED - 1])
    names = [trim(feed.url, FEED_NAME_LIMIT) for feed in shown]
    room = EMBED_TOTAL_LIMIT - 400 - len(embed) - sum(len(n) for n in names)
    share = max(min(room // max(len(shown), 1), FIELD_VALUE_LIMIT), 60)
    for feed, name in zip(shown, names, strict=True):
        embed.add_field(name=name, value=trim(feed_status(feed, interval), share))
    embed.add_field(name="Digest", value=digest_line(digest), inline=False)
    return embed


def digest_line(digest: Digest | None) -> str:
    """What a guild's digest does, in one line."""
    if digest is None:
        return "None: start one with `/digest set`."
    only = f", only {escape_markdown(trim(digest.source, 100))}" if digest.source else ""
    return (
        f"{digest.every.capitalize()} in <#{digest.channel_id}>{only}; "
        f"last <t:{int(digest.last_sent)}:R>."
    )


def digest_article_line(article: StoredArticle) -> str:
    """One line of a digest: the linked headline, its outlet and its date."""
    return f"• {_headline(article)}"


def digest_embed(
    articles: Sequence[StoredArticle], every: str, source: str | None, since: float
) -> discord.Embed:
    """A digest of the articles ingested since `since` (unix time), one line each."""
    title = DIGEST_TITLES.get(every, "News digest")
    if source:
        title += f": {one_line(source)}"
    count = len(articles)
    lines = [f"{count} new article{'s' if count != 1 else ''} since <t:{int(since)}:f>.", ""]
    shown = 0
    budget = DESCRIPTION_LIMIT - len(lines[0]) - 80
    for article in articles[:DIGEST_ARTICLES]:
        line = digest_article_line(article)
        if budget - len(line) - 1 < 0:
            break
        lines.append(line)
        budget -= len(line) + 1
        shown += 1
    if shown < count:
        lines.append(f"…and {count - shown} more: see `/sources`.")
    return _embed(title, "\n".join(lines))


def feed_choices(urls: Sequence[str], current: str) -> list[app_commands.Choice[str]]:
    """Up to 25 feed addresses containing what was typed (a long one is cut to 100 characters)."""
    typed = current.strip().lower()
    return [
        app_commands.Choice(name=trim(url, CHOICE_LIMIT), value=url[:CHOICE_LIMIT])
        for url in urls
        if typed in url.lower()
    ][:CHOICES_LIMIT]
