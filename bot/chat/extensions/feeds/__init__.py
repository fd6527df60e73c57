"""/feeds and /digest: feeds read on a schedule, and digests of the new articles."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.chat.bot import NewsBot


async def setup(bot: NewsBot) -> None:
    """Load the extension; its cog is imported only now."""
    from bot.chat.extensions.feeds.cog import FeedsCog

    await bot.add_cog(FeedsCog(bot))
