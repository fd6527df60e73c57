"""/summarize and "Summarize from here": what the conversations of a channel were about."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.chat.bot import NewsBot


async def setup(bot: NewsBot) -> None:
    """Load the extension; its cog is imported only now."""
    from bot.chat.extensions.summaries.cog import SummariesCog

    await bot.add_cog(SummariesCog(bot))
