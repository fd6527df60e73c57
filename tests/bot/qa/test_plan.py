"""Query understanding: dates, outlets, names and quoted phrases."""

from datetime import date

from bot.qa.plan import OutletMatcher, plan_query, proper_names

TODAY = date(2026, 11, 28)
OUTLETS = [
    "TechCrunch",
    "The Roar | Sports Writers Blog",
    "FOX News - Health",
    "FOX News - Lifestyle",
    "CBSSports.com",
    "The Verge",
]


def test_outlets_match_full_names_and_short_forms():
    """Outlet names are found in any case, and a short form covers all outlets sharing it."""
    matcher = OutletMatcher(OUTLETS)
    found = [
        names
        for _, _, names in matcher.find(
            "Did techcrunch and The Roar report it, unlike Fox News and CBSSports?"
        )
    ]
    assert found == [
        ("TechCrunch",),
        ("The Roar | Sports Writers Blog",),
        ("FOX News - Health", "FOX News - Lifestyle"),
        ("CBSSports.com",),
    ]


def test_an_outlet_named_by_one_plain_word_must_be_capitalised():
    """ "at the age of 16" and "rivals GPT-4" name no outlet; "The Age" does, and so does a
    question typed all in lower case, whose capitals say nothing."""
    matcher = OutletMatcher(["The Age", "Rivals", "TechCrunch"])

    def outlets(question: str) -> list[tuple[str, ...]]:
        return [names for _, _, names in matcher.find(question)]

    assert outlets("What did Britney Spears lose at the age of 16?") == []
    assert outlets("Is it a model that rivals GPT-4, as techcrunch says?") == [("TechCrunch",)]
    assert outlets("What did The Age and Rivals report?") == [("The Age",), ("Rivals",)]
    assert outlets("what did the age report") == [("The Age",)]


def test_the_kind_of_answer_asked_for_is_no_search_term():
    """ "What year" and "On what day" ask for a year and a day; "yearly" is a topic."""
    assert plan_query("What year did the campaign start?").terms == ("campaign", "start")
    assert plan_query("On what day did the tram open?").terms == ("tram", "open")
    assert plan_query("What yearly budget?").terms == ("yearly", "budget")


def test_words_that_ask_are_no_search_terms():
    """ "explain", "someone", "happened" ask; the topic is the rest."""
    assert plan_query("Can someone explain the lunar lander thing?").terms == ("lunar", "lander")
    assert plan_query("What happened to the tram line?").terms == ("tram", "line")
    assert plan_query("whats actually going on with the glacier talks").terms == (
        "glacier",
        "talks",
    )


def test_plan_keeps_outlet_context_and_removes_outlet_words_from_terms():
    """Each outlet mention carries the words around it; outlet names are not search terms."""
    plan = plan_query(
        "Who left OpenAI according to TechCrunch, and who replaced him as reported by The Verge?",
        OutletMatcher(OUTLETS),
        TODAY,
    )
    assert [m.outlets for m in plan.outlets] == [("TechCrunch",), ("The Verge",)]
    assert "left OpenAI" in plan.outlets[0].context
    assert "replaced him" in plan.outlets[1].context
    assert "techcrunch" not in plan.terms and "verge" not in plan.terms


def test_names_and_quoted_phrases_become_phrases():
    """Multi-word names and quoted text are searched as phrases."""
    plan = plan_query('What did Vladimir Putin call "unsatisfactory" ties with Joe Biden?')
    assert "vladimir putin" in plan.phrases
    assert "joe biden" in plan.phrases
    assert "unsatisfactory" in plan.phrases
    assert '"vladimir putin"' in plan.match_expression()


def test_outlet_context_is_the_part_of_the_question_that_follows_it():
    """What a comparison asks of the second outlet is not part of the first one's context."""
    plan = plan_query(
        "Does the TechCrunch article say the founder left the company, while The Verge "
        "article says the board replaced him with an interim chief?",
        OutletMatcher(OUTLETS),
        TODAY,
    )
    first, second = (m.context for m in plan.outlets)
    assert "founder left" in first and "interim" not in first
    assert "interim chief" in second and "founder" not in second


def test_outlets_listed_together_share_the_question():
    """Outlets named in one list ("The Verge and TechCrunch") each get the whole question."""
    plan = plan_query(
        "Which company, covered by both The Verge and TechCrunch, lost its antitrust case?",
        OutletMatcher(OUTLETS),
        TODAY,
    )
    assert all("antitrust case" in m.context for m in plan.outlets)
    assert all("company" in m.context for m in plan.outlets)


def test_names_given_as_sources_that_are_no_outlet_of_the_index():
    """ "an article in X", "a piece from X", "a X article": X unless it is an outlet here or a
    date."""
    matcher = OutletMatcher(OUTLETS)
    question = (
        "Based on a Times of India article, a piece from The Verge and an article in The "
        "Economic Times published in March, what changed?"
    )
    assert plan_query(question, matcher).other_sources == ("Times of India", "The Economic Times")
    assert plan_query("a story in March from TechCrunch", matcher).other_sources == ()


def test_proper_names_are_cut_at_possessives_and_lose_the_words_that_open_a_sentence():
    """Names as the archive would write them; no acronym, month or sentence opener alone."""
    question = (
        "Was Owen Teale's role in Saturday Night Live cut after Travis Kelce's Super Bowl win, "
        "as Judge Lewis A. Kaplan, Ukraine and Sam Bankman-Fried told The Verge in October?"
    )
    assert plan_query(question, OutletMatcher(OUTLETS)).names == (
        "Owen Teale",
        "Saturday Night Live",
        "Travis Kelce",
        "Super Bowl",
        "Judge Lewis A. Kaplan",
        "Ukraine",
        "Sam Bankman-Fried",
    )
    assert proper_names("Considering Junction Analytics, did NATO or TomTom win?") == [
        "Junction Analytics",
        "TomTom",
    ]
    assert proper_names("Taylor Swift sang. Geneva cheered.") == ["Swift"]
    assert proper_names("What Did Putin Say About The Geneva Summit?") == []
