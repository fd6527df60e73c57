"""An answer in Discord: the answer first, its sources numbered across pages, within the limits."""

import discord
from hypothesis import given
from hypothesis import strategies as st

from bot.chat import answers
from bot.chat import format as fmt
from bot.qa.types import Answer
from tests.bot.chat.helpers import check_limits, sample_citation

text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=9000)


def test_answer_pages_number_the_sources_across_pages():
    """An answer with 9 sources gives 3 pages: the answer, then sources 1-4, 5-8 and 9."""
    answer = Answer("Who?", "They did [1].", True, [sample_citation(n) for n in range(1, 10)])

    pages = answers.answer_pages(answer)

    assert [len(page) for page in pages] == [2, 2, 2]
    assert [page[1].title for page in pages] == [
        "Sources 1–4 of 9",
        "Sources 5–8 of 9",
        "Sources 9 of 9",
    ]
    assert pages[2][1].fields[0].name.startswith("[9] Title")
    assert pages[0][1].footer.text == "Page 1/3"
    for page in pages:
        check_limits(page)


@given(
    question=text,
    answer_text=text,
    note=st.none() | text,
    count=st.integers(min_value=0, max_value=12),
    size=st.integers(min_value=0, max_value=3000),
)
def test_answer_pages_stay_within_limits(question, answer_text, note, count, size):
    """Whatever the sizes of the question, answer, note and sources, each page fits a message."""
    citations = [sample_citation(n, size) for n in range(1, count + 1)]
    answer = Answer(question, answer_text, True, citations, note=note)

    for page in answers.answer_pages(answer):
        check_limits(page)
        assert page[0].title == fmt.trim(fmt.one_line(question), fmt.TITLE_LIMIT) or None


def test_long_answer_goes_on_in_a_second_embed():
    """An answer longer than one description continues in a second embed."""
    answer = Answer("Why?", ("Because of many things. " * 200).strip(), True)

    (page,) = answers.answer_pages(answer)

    assert len(page) == 2
    assert page[0].title == "Why?" and page[1].title is None
    check_limits(page)


def test_answered_question_reads_back_the_question():
    """The question of an answer message can be read back from its embeds, and only then."""
    page = answers.answer_pages(Answer("What about China?", "Partners [1].", True))[0]

    assert answers.answered_question(page) == "What about China?"
    assert answers.answered_question([discord.Embed(title="Results")]) is None
    assert answers.answered_question([]) is None
