"""/ask and /search: the search results' pages."""

from hypothesis import given
from hypothesis import strategies as st

from bot.chat.extensions import ask
from bot.qa.types import Passage
from tests.bot.chat.helpers import check_limits


@given(size=st.integers(min_value=0, max_value=3000), count=st.integers(0, 23))
def test_search_pages_stay_within_limits(size: int, count: int):
    """Search results are five to a page, numbered on, and every page fits a message."""
    passage = Passage("c", "a", 0, "x" * size, "T" * size, "O" * size, None, None, None, 1.0)

    pages = ask.search_pages("q" * size, [passage] * count)

    assert len(pages) == max(1, -(-count // ask.RESULTS_PER_PAGE))
    for page in pages:
        check_limits(page)
