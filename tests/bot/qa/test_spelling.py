"""Misspelt words mended from the archive's own vocabulary, on the demo archive's index."""

from bot.compose import build_desk
from bot.qa.spelling import Correction, correct, distance
from tests.bot.chat.helpers import desk_settings


def test_edits_count_swaps_as_one():
    """A swap of neighbours is one edit, like an insert, a delete or a change."""
    assert distance("harbuagh", "harbaugh") == 1
    assert distance("gogl", "googl") == 1
    assert distance("sumit", "summit") == 1
    assert distance("kitten", "sitting") == 3


def test_a_word_the_archive_lacks_becomes_its_nearest_spelling_there(desk):
    """ "Hariers" and "goverror" are read as the "Harriers" and "governor" the articles write."""
    keyword = desk.index.keyword
    assert correct("Who manages the Hariers?", keyword) == (
        "Who manages the Harriers?",
        [Correction("Hariers", "Harriers")],
    )
    assert correct("who is the goverror of the bank", keyword)[1] == [
        Correction("goverror", "governor")
    ]


def test_words_the_archive_holds_or_nothing_near_are_left_alone(desk):
    """Known words stay; "Ukrane" has nothing within two edits, so it stays too."""
    keyword = desk.index.keyword
    question = "What did Putin say about Ukrane?"
    assert correct(question, keyword) == (question, [])
    assert correct("What did the central bank decide?", keyword)[1] == []


def test_a_word_is_mended_into_the_one_found_beside_the_questions_other_words(tmp_path):
    """ "gogle" is one edit from "goal", which the articles use more, and from "Google": the
    question's other words say which; a capitalised "Gogle" alone is read as the name."""
    articles = tmp_path / "articles"
    articles.mkdir()
    stories = {
        "cup": "The striker scored a late goal. A second goal followed. The goal stood.",
        "search": "Google said its search deal with Apple was lawful.",
    }
    for slug, text in stories.items():
        (articles / f"{slug}.md").write_text(
            f"---\ntitle: A {slug} story\noutlet: Daily Post\npublished: 2023-10-02\n"
            f"url: https://dailypost.example/{slug}\n---\n\n{text}\n",
            encoding="utf-8",
        )
    desk = build_desk(desk_settings(tmp_path / "data"))
    try:
        assert desk.ingest([str(articles)]).added == 2
        keyword = desk.index.keyword
        assert correct("What did Gogle say?", keyword)[1] == [Correction("Gogle", "Google")]
        assert correct("what did gogle say about its search deal", keyword)[1] == [
            Correction("gogle", "google")
        ]
        assert correct("who scored the late gogle", keyword)[1] == [Correction("gogle", "goal")]
    finally:
        desk.index.close()
