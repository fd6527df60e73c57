"""/ingest and /forget: adding and removing articles, for members who may manage the server."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import escape_markdown

from bot.chat.autocomplete import ArticleKey, article_autocomplete, no_article
from bot.chat.checks import check_url
from bot.chat.errors import InputError
from bot.chat.format import COLOUR, ERROR_COLOUR, NO_MENTIONS, new_embed, one_line, trim
from ingest.sources import KINDS

if TYPE_CHECKING:
    from bot.chat.bot import NewsBot
    from bot.qa.service import NewsDesk
    from ingest.pipeline import IngestReport

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
FAILURES_SHOWN = 10


def ingest_upload(desk: NewsDesk, filename: str, data: bytes) -> IngestReport:
    """Ingest an uploaded file through a temporary copy that keeps its name and extension."""
    with tempfile.TemporaryDirectory(prefix="newsdesk-upload-") as folder:
        path = Path(folder) / Path(filename).name
        path.write_bytes(data)
        return desk.ingest([str(path)])


def check_upload(attachment: discord.Attachment) -> None:
    """Refuse files of a kind the archive cannot read, or too big to download."""
    suffix = Path(attachment.filename).suffix.lower()
    if suffix not in KINDS:
        msg = f"I cannot read {suffix or 'files without an extension'}: upload {', '.join(KINDS)}."
        raise InputError(msg)
    if attachment.size > MAX_UPLOAD_BYTES:
        msg = f"The file is {attachment.size:,} bytes; the limit is {MAX_UPLOAD_BYTES:,}."
        raise InputError(msg)


class AdminCog(commands.Cog):
    """Adds and removes articles; Manage Server only, checked here as well as by Discord."""

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    @app_commands.command(description="Add articles from a web page, a feed or an uploaded file.")
    @app_commands.describe(
        url="Address of an article, a page or an RSS/Atom feed",
        attachment="A .md, .txt, .html, .json or .jsonl file of articles",
    )
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def ingest(
        self,
        interaction: discord.Interaction,
        url: app_commands.Range[str, 1, 2000] | None = None,
        attachment: discord.Attachment | None = None,
    ) -> None:
        if (url is None) == (attachment is None):
            msg = "Give either a `url` or an `attachment` (one of them)."
            raise InputError(msg)
        if attachment is not None:
            check_upload(attachment)
        target = check_url(url) if url is not None else attachment.filename
        await interaction.response.defer(thinking=True, ephemeral=True)
        if attachment is not None:
            data = await attachment.read()
            report = await asyncio.to_thread(
                ingest_upload, self.bot.desk, attachment.filename, data
            )
        else:
            report = await asyncio.to_thread(self.bot.desk.ingest, [target])
        log.info("%s ingested %s: %s", interaction.user.id, target, report.summary())
        await interaction.followup.send(
            embed=ingest_embed(report, target), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @app_commands.command(description="Remove an article from the archive.")
    @app_commands.describe(article="Start typing a title, then pick the article")
    @app_commands.autocomplete(article=article_autocomplete)
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def forget(self, interaction: discord.Interaction, article: ArticleKey) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        try:
            gone = await asyncio.to_thread(self.bot.desk.forget, article.strip())
        except KeyError:
            raise InputError(no_article(article)) from None
        log.info("%s forgot article %s", interaction.user.id, gone.article_id)
        title = escape_markdown(trim(one_line(gone.title), 200))
        await interaction.followup.send(
            f"Forgot **{title}** ({escape_markdown(trim(gone.outlet, 100))}, `{gone.article_id}`).",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )


def ingest_embed(report: IngestReport, target: str) -> discord.Embed:
    """What an ingest added, updated and skipped, with the first failures and why."""
    stored = report.added + report.updated
    title = "Ingested" if stored else ("Already up to date" if report.ok else "Nothing ingested")
    head = (
        f"Added {report.added}, updated {report.updated}, unchanged {report.unchanged}, "
        f"failed {len(report.failures)}."
    )
    embed = new_embed(
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


async def setup(bot: NewsBot) -> None:
    """Load the extension."""
    await bot.add_cog(AdminCog(bot))
