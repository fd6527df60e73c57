"""/ingest and /forget: adding and removing articles, for members who may manage the server.

The operator's members change the shared archive; any other server's managers change that
server's own (bot.chat.permissions), and ingest at most `ingests_per_server_per_hour` times.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import escape_markdown

from bot.chat.autocomplete import ArticleKey, articles_matching, no_article
from bot.chat.checks import check_url
from bot.chat.errors import InputError
from bot.chat.format import COLOUR, ERROR_COLOUR, NO_MENTIONS, new_embed, one_line, trim
from bot.chat.permissions import Editor, editor_of, editors_only, require_editor
from bot.qa.service import HOUR, OtherArchive
from ingest.sources import KINDS
from ingest.store.audit import departure

if TYPE_CHECKING:
    from bot.chat.bot import NewsBot
    from bot.qa.service import NewsDesk
    from ingest.pipeline import IngestReport
    from ingest.store.audit import Actor

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
FAILURES_SHOWN = 10


def ingest_upload(
    desk: NewsDesk, filename: str, data: bytes, scope: int, actor: Actor
) -> IngestReport:
    """Ingest an uploaded file into an archive through a temporary copy that keeps its name
    and extension."""
    with tempfile.TemporaryDirectory(prefix="newsdesk-upload-") as folder:
        path = Path(folder) / Path(filename).name
        path.write_bytes(data)
        return desk.ingest([str(path)], scope=scope, actor=actor)


def ingest_limit_reached(asked_at: list[float], limit: int) -> str | None:
    """What to say when a server's ingests within the hour (their times, oldest first) have
    reached the limit, else None."""
    if len(asked_at) < limit:
        return None
    if limit == 0:
        return "This server may not ingest articles; ask the bot's operator."
    next_at = int(asked_at[-limit] + HOUR)
    return (
        f"This server has used its {limit} ingests for this hour; the next is allowed "
        f"<t:{next_at}:R> (<t:{next_at}:t>)."
    )


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
    @editors_only()
    async def ingest(
        self,
        interaction: discord.Interaction,
        url: app_commands.Range[str, 1, 2000] | None = None,
        attachment: discord.Attachment | None = None,
    ) -> None:
        editor = await require_editor(interaction)
        if (url is None) == (attachment is None):
            msg = "Give either a `url` or an `attachment` (one of them)."
            raise InputError(msg)
        if attachment is not None:
            check_upload(attachment)
        target = check_url(url) if url is not None else attachment.filename
        await self.check_limit(editor)
        await interaction.response.defer(thinking=True, ephemeral=True)
        desk, scope, actor = self.bot.desk, editor.scope, editor.actor
        if attachment is not None:
            data = await attachment.read()
            report = await asyncio.to_thread(
                ingest_upload, desk, attachment.filename, data, scope, actor
            )
        else:
            report = await asyncio.to_thread(desk.ingest, [target], scope=scope, actor=actor)
        log.info(
            "%s ingested %s into scope %s: %s",
            interaction.user.id,
            target,
            scope,
            report.summary(),
        )
        await interaction.followup.send(
            embed=ingest_embed(report, target), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    async def check_limit(self, editor: Editor) -> None:
        """Refuse a server's ingest past its hourly limit (the operator has none)."""
        if editor.is_operator:
            return
        asked = await asyncio.to_thread(
            self.bot.desk.ingests_within_hour, editor.scope, time.time()
        )
        refusal = ingest_limit_reached(asked, self.bot.settings.ingests_per_server_per_hour)
        if refusal:
            raise InputError(refusal)

    @app_commands.command(description="Remove an article from the archive.")
    @app_commands.describe(article="Start typing a title, then pick the article")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @editors_only()
    async def forget(self, interaction: discord.Interaction, article: ArticleKey) -> None:
        editor = await require_editor(interaction)
        await interaction.response.defer(thinking=True, ephemeral=True)
        try:
            gone = await asyncio.to_thread(
                self.bot.desk.forget,
                article.strip(),
                scopes=editor.may_forget,
                visible=editor.sees,
                actor=editor.actor,
            )
        except KeyError:
            raise InputError(no_article(article)) from None
        except OtherArchive as exc:
            title = escape_markdown(trim(one_line(exc.article.title), 200))
            msg = (
                f"**{title}** is in the shared archive, which only the bot's operator can "
                "change; `/forget` removes the articles this server added."
            )
            raise InputError(msg) from None
        log.info("%s forgot article %s", interaction.user.id, gone.article_id)
        title = escape_markdown(trim(one_line(gone.title), 200))
        await interaction.followup.send(
            f"Forgot **{title}** ({escape_markdown(trim(gone.outlet, 100))}, `{gone.article_id}`).",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """The bot left a server (or it was deleted): its archive goes with it."""
        gone = await asyncio.to_thread(self.bot.desk.forget_archive, guild.id, departure(guild.id))
        log.info("left guild %s: forgot its %d articles", guild.id, len(gone))

    @forget.autocomplete("article")
    async def forgettable(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Articles the member may forget: a server's managers see only the server's own."""
        editor = await editor_of(interaction)
        if editor is None:
            return []
        return await articles_matching(self.bot.desk, current, editor.may_forget)


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
