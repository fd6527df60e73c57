"""/stats and /help: their embeds."""

from bot.chat.extensions import info


def test_stats_embed_shows_the_counts():
    """The stats embed has the counts and the date range."""
    stats = {
        "articles": 3,
        "outlets": 2,
        "chunks": 9,
        "vectors": 9,
        "model": "m",
        "first_published": "2024-01-01",
        "last_published": "2024-02-01",
        "pending": 0,
    }

    fields = {f.name: f.value for f in info.stats_embed(stats).fields}

    assert fields["Articles"] == "3"
    assert fields["Published"] == "2024-01-01 to 2024-02-01"


def test_help_lists_commands():
    """Help lists each command with its description, then how to chat."""
    embed = info.help_embed([("ask", "Ask a question"), ("stats", "Numbers")])

    assert embed.description.startswith("`/ask` — Ask a question\n`/stats` — Numbers")
    assert "thread" in embed.description
