"""Misspelt words mended from the archive's own vocabulary, on the demo archive's index."""

from bot.qa.spelling import Correction, correct, distance


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
