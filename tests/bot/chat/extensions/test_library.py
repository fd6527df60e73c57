"""/sources and /article: the article list's pages and one article's embed."""

from hypothesis import given
from hypothesis import strategies as st

from bot.chat.extensions import library
from tests.bot.chat.helpers import check_limits, sample_article


@given(size=st.integers(min_value=0, max_value=3000), count=st.integers(0, 35))
def test_article_lists_stay_within_limits(size: int, count: int):
    """The article list is ten lines to a page, and every page fits a message."""
    pages = library.article_list_pages([sample_article(n, size) for n in range(count)], "f" * size)

    assert len(pages) == max(1, -(-count // library.ARTICLES_PER_PAGE))
    for page in pages:
        check_limits(page)


def test_article_embed_shows_the_catalogue_fields():
    """An article's embed links to it and shows its outlet, date, id and origin."""
    embed = library.article_embed(sample_article(3, 3000))

    fields = {f.name: f.value for f in embed.fields}
    assert embed.url == "https://news.example/3"
    assert fields["Published"] == "2024-01-01"
    assert fields["ID"] == "`0000000000000003`"
    assert fields["Added"] == "<t:1700000000:R>"
    check_limits([embed])
