"""Words that carry meaning, and the light stem that lets a word meet its other forms."""

from ingest.text.words import content_terms, stem


def test_a_stopword_with_s_is_no_term():
    """ "What's" is "what is"; "Putin's" keeps its name."""
    assert content_terms("What's new in Putin's speech?") == ["new", "putin's", "speech"]


def test_a_stopword_run_together_is_no_term():
    """ "they're", "didn't", "what'd" and "won't" name no topic, as their words do not."""
    assert content_terms("heard they're losing money, didn't they? what'd he say? won't") == [
        "heard",
        "losing",
        "money",
    ]


def test_a_contraction_typed_without_its_apostrophe_is_no_term():
    """Chat drops apostrophes: "didnt", "dont" and "whats" are stopwords too."""
    assert content_terms("why didnt jada sign a prenup, whats up, i dont know") == [
        "jada",
        "sign",
        "prenup",
        "know",
    ]


def test_content_terms_drop_stopwords():
    """Question words and stopwords do not count as content."""
    assert content_terms("What did the article say about the Geneva summit?") == [
        "geneva",
        "summit",
    ]


def test_word_forms_that_drop_a_final_e_share_a_stem():
    """ "temperatures", "released" and "prices" meet the words they are formed from."""
    pairs = [
        ("temperature", "temperatures"),
        ("release", "released"),
        ("price", "prices"),
        ("rate", "rates"),
        ("rule", "rules"),
    ]
    for word, form in pairs:
        assert stem(word) == stem(form)
    assert stem("summits") == stem("summit") != stem("summary")


def test_plurals_of_y_and_ss_words_share_a_stem():
    """ "cities" meets "city", "studied" meets "study", "businesses" meets "business"."""
    pairs = [
        ("city", "cities"),
        ("study", "studied"),
        ("business", "businesses"),
        ("play", "plays"),
    ]
    for word, form in pairs:
        assert stem(word) == stem(form)


def test_a_possessive_goes_however_short_the_word():
    """ "AI's" meets "AI", and "Bankman-Fried's" meets "Bankman-Fried"."""
    assert stem("ai's") == stem("ai") == "ai"
    assert stem("eu's") == stem("eu")
    assert stem("bankman-fried's") == stem("bankman-fried")
