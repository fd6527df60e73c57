"""Query understanding: dates, outlets, names and quoted phrases."""

from datetime import date

from bot.qa.query import (
    DateWindow,
    OutletMatcher,
    content_terms,
    find_dates,
    plan_query,
    proper_names,
    stem,
    without_dates,
)

TODAY = date(2026, 11, 28)
OUTLETS = [
    "TechCrunch",
    "The Roar | Sports Writers Blog",
    "FOX News - Health",
    "FOX News - Lifestyle",
    "CBSSports.com",
    "The Verge",
]


def test_month_and_year_becomes_that_month():
    """ "in November 2023" is the whole of that month."""
    assert find_dates("What happened in November 2023?", TODAY) == [
        DateWindow(date(2023, 11, 1), date(2023, 11, 30), "in")
    ]


def test_day_dates_with_abbreviated_month():
    """ "on Nov. 18, 2021" is that one day."""
    assert find_dates("What did he say on Nov. 18, 2021?", TODAY) == [
        DateWindow(date(2021, 11, 18), date(2021, 11, 18), "in")
    ]


def test_last_june_is_the_most_recent_june():
    """ "last June" is the latest June before today."""
    assert find_dates("the summit last June", TODAY) == [
        DateWindow(date(2026, 6, 1), date(2026, 6, 30), "in")
    ]


def test_after_a_day_without_year_is_the_most_recent_such_day():
    """ "after the October 7 report" points from the latest October 7 on, that day included:
    a story may follow the report on the same day."""
    [window] = find_dates("What changed after the October 7 report?", TODAY)
    assert window.relation == "after"
    assert window.bounds() == (date(2026, 10, 7), None)


def test_before_relation_bounds_until_the_day_named():
    """ "before March 3, 2023" ends the window on March 3; "before March" at its first day."""
    [window] = find_dates("Was it reported before March 3, 2023?", TODAY)
    assert window.bounds() == (None, date(2023, 3, 3))
    [month] = find_dates("Was it reported before March 2023?", TODAY)
    assert month.bounds() == (None, date(2023, 3, 1))


def test_without_dates_blanks_each_date_read():
    """The words of the dates find_dates reads are taken out, the rest kept."""
    text = "What did Putin say in November 2021, and last June, on Oct. 7, 2023?"
    assert " ".join(without_dates(text, TODAY).split()) == "What did Putin say in , and , on ?"


def test_relative_periods_end_today_unless_they_are_over():
    """ "yesterday", "this week", "last month" and "last year" are read from today."""
    wednesday = date(2024, 3, 6)

    def window(text: str) -> tuple[date, date]:
        [found] = find_dates(text, wednesday)
        return found.start, found.end

    assert window("What happened yesterday?") == (date(2024, 3, 5), date(2024, 3, 5))
    assert window("news this week") == (date(2024, 3, 4), wednesday)
    assert window("news last week") == (date(2024, 2, 26), date(2024, 3, 3))
    assert window("news last month") == (date(2024, 2, 1), date(2024, 2, 29))
    assert window("news this year") == (date(2024, 1, 1), wednesday)
    assert window("news last year") == (date(2023, 1, 1), date(2023, 12, 31))


def test_a_stopword_with_s_is_no_term():
    """ "What's" is "what is"; "Putin's" keeps its name."""
    assert content_terms("What's new in Putin's speech?") == ["new", "putin's", "speech"]


def test_absurd_dates_are_ignored():
    """Impossible dates give no window rather than an error."""
    assert find_dates("on February 31, 2023 or in 1200", TODAY) == []


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


def test_content_terms_drop_stopwords():
    """Question words and stopwords do not count as content."""
    assert content_terms("What did the article say about the Geneva summit?") == [
        "geneva",
        "summit",
    ]


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


def test_word_forms_that_drop_a_final_e_share_a_stem():
    """ "temperatures", "released" and "prices" meet the words they are formed from."""
    pairs = [("temperature", "temperatures"), ("release", "released"), ("price", "prices")]
    for word, form in pairs:
        assert stem(word) == stem(form)
    assert stem("summits") == stem("summit") != stem("summary")
