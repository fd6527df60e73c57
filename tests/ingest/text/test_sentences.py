"""Splitting text into sentences: a spaced ellipsis, as search snippets join their excerpts,
parts two sentences whatever follows it, and the words after the last one may lack a stop; a
spaced middle dot parts a snippet's date and fields; "c.", "Op." and "v." end no sentence."""

from ingest.text.prose import is_prose
from ingest.text.sentences import cut_short, split_sentences

SNIPPET = (
    "Mars is the fourth planet from the Sun ... Mars has two moons, Phobos and Deimos ... "
    "a day on Mars lasts 24.6 hours"
)


def test_a_spaced_ellipsis_parts_the_excerpts_of_a_snippet():
    """Each excerpt is a sentence, the lower-case one after an elision too."""
    assert split_sentences(SNIPPET) == [
        "Mars is the fourth planet from the Sun ...",
        "Mars has two moons, Phobos and Deimos ...",
        "a day on Mars lasts 24.6 hours",
    ]


def test_an_ellipsis_for_a_pause_keeps_the_sentence_whole():
    """An ellipsis written against a word is a pause within the sentence, as in a quotation."""
    text = '"But those two free-kicks... you can\'t score those," he said. U.S. officials agreed.'
    assert split_sentences(text) == [
        '"But those two free-kicks... you can\'t score those," he said.',
        "U.S. officials agreed.",
    ]


def test_only_the_last_excerpt_after_an_elision_is_cut_short():
    """The last words after an elision are a sentence cut short, which is prose without its
    stop; a last sentence with no elision before it is not."""
    sentences = split_sentences(SNIPPET)
    assert [cut_short(sentences, i) for i in range(3)] == [False, False, True]
    assert is_prose(sentences[2], cut=True)
    assert not is_prose(sentences[2])
    plain = split_sentences("The club confirmed the signing. Man United vs Chelsea results")
    assert not cut_short(plain, 1)


def test_a_spaced_middle_dot_parts_a_snippets_date_and_fields_and_is_dropped():
    """Each field is a sentence of its own, and a field states its fact in a few words."""
    text = "Jan 10, 2024 · Born: 7 November 1867, Warsaw · Died: 4 July 1934, Passy"
    sentences = split_sentences(text)
    assert sentences == [
        "Jan 10, 2024",
        "Born: 7 November 1867, Warsaw",
        "Died: 4 July 1934, Passy",
    ]
    assert [is_prose(s) for s in sentences] == [False, True, True]


def test_circa_and_opus_do_not_end_a_sentence():
    """ "c. 1503" (circa) and "Op. 125" (opus) keep their sentences whole."""
    text = (
        "His Last Supper (1495–98) and Mona Lisa (c. 1503–19) are among the most popular "
        "paintings. The Symphony No. 9 in D minor, Op. 125 was his last."
    )
    assert len(split_sentences(text)) == 2


def test_versus_in_a_case_name_does_not_end_a_sentence():
    """ "Epic v. Google" is one case: its trial date stays in the sentence that names it."""
    text = "On November 6th, Epic v. Google went to trial in San Francisco. It ran for a month."
    assert split_sentences(text) == [
        "On November 6th, Epic v. Google went to trial in San Francisco.",
        "It ran for a month.",
    ]
