"""Autocomplete choices: filtered, capped at 25, each within 100 characters."""

from bot.chat import autocomplete
from bot.chat import format as fmt
from tests.bot.chat.helpers import sample_article


def test_outlet_choices_filter_and_cap():
    """Outlet choices match what was typed, case-insensitively, 25 at most, none over 100."""
    outlets = [f"Daily {n}" for n in range(40)] + ["Weekly", "x" * 101]

    assert len(autocomplete.outlet_choices(outlets, "")) == fmt.CHOICES_LIMIT
    assert [c.value for c in autocomplete.outlet_choices(outlets, "WEEK")] == ["Weekly"]
    assert autocomplete.outlet_choices(outlets, "xxx") == []


def test_article_choices_are_short_and_capped():
    """Article choices show title, outlet and date in 100 characters, valued by id."""
    choices = autocomplete.article_choices([sample_article(n, 300) for n in range(30)])

    assert len(choices) == fmt.CHOICES_LIMIT
    assert all(len(c.name) <= fmt.CHOICE_LIMIT for c in choices)
    assert choices[1].value == "0000000000000001"
