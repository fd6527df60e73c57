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


def mended(desk, question: str):
    """The question mended by the desk's archive and its model's vocabulary."""
    return correct(question, desk.index.keyword, desk.index.embedder.knows_word)


def test_a_word_the_archive_lacks_becomes_its_nearest_spelling_there(desk):
    """ "Hariers" and "goverror" are read as the "Harriers" and "governor" the articles write."""
    assert mended(desk, "Who manages the Hariers?") == (
        "Who manages the Harriers?",
        [Correction("Hariers", "Harriers")],
    )
    assert mended(desk, "who is the goverror of the bank")[1] == [
        Correction("goverror", "governor")
    ]


def test_a_slip_in_a_words_ending_is_mended_though_it_keeps_the_ending_from_being_cut(desk):
    """ "estimatd" keeps its stem whole, three edits from the archive's "estim" (of
    "estimated"): the stem its start is read as is the one compared."""
    assert mended(desk, "how many people were estimatd to use the tram")[1] == [
        Correction("estimatd", "estimated")
    ]
    assert mended(desk, "what equipmnt did the lander carry")[1] == [
        Correction("equipmnt", "equipment")
    ]


def test_words_the_archive_holds_or_nothing_near_are_left_alone(desk):
    """Known words stay; "Ukrane" has nothing within two edits, so it stays too."""
    question = "What did Putin say about Ukrane?"
    assert mended(desk, question) == (question, [])
    assert mended(desk, "What did the central bank decide?")[1] == []


def test_a_word_is_looked_up_by_the_stem_the_index_keeps(desk):
    """ "technology" is in the archive (stemmed "technolog" there), so nothing mends it."""
    question = "what technology rules did the councils agree"
    assert mended(desk, question) == (question, [])


def test_a_word_of_the_language_the_archive_lacks_is_no_misspelling(desk):
    """ "election" is one edit of stem from "electricity" but a word in its own right: it
    stays as asked, while the misspelt "elecricity" is mended."""
    question = "who won the election"
    assert mended(desk, question) == (question, [])
    assert mended(desk, "how much elecricity did the battery deliver")[1] == [
        Correction("elecricity", "electricity")
    ]


def test_a_word_is_mended_into_the_one_found_beside_the_questions_other_words(tmp_path):
    """ "gogle" is one edit from "goal", which the articles use more, and from "Google": the
    question's other words say which; a capitalised "Gogle" alone is read as the name. A word
    whose stem is near only by chance is left alone. A word found only in a title is written
    as the title writes it, not as its stem."""
    articles = tmp_path / "articles"
    articles.mkdir()
    stories = {
        "cup": "The striker scored a late goal. A second goal followed. The goal stood.",
        "search": "Google said its search deal with Apple was lawful.",
        "letter": "The letter began: my dearest friend.",
        "discovery": "Alexander Fleming saw that mould had killed the bacteria.",
    }
    for slug, text in stories.items():
        (articles / f"{slug}.md").write_text(
            f"---\ntitle: A {slug} story\noutlet: Daily Post\npublished: 2023-10-02\n"
            f"url: https://dailypost.example/{slug}\n---\n\n{text}\n",
            encoding="utf-8",
        )
    desk = build_desk(desk_settings(tmp_path / "data"))
    try:
        assert desk.ingest([str(articles)]).added == 4
        assert mended(desk, "What did Gogle say?")[1] == [Correction("Gogle", "Google")]
        assert mended(desk, "what did gogle say about its search deal")[1] == [
            Correction("gogle", "google")
        ]
        assert mended(desk, "who scored the late gogle")[1] == [Correction("gogle", "goal")]
        # "deforest" is two edits of stem from "dearest", "deforestation" far more of spelling
        assert mended(desk, "any news on deforestation")[1] == []
        assert mended(desk, "what was the discoverd about mould")[1] == [
            Correction("discoverd", "discovery")
        ]
    finally:
        desk.index.close()
