"""Plain questions on the demo archive, answered the way a reader wants: the story's main fact
first, the kind of fact asked for, prose only, a timeline for a story told over several days,
misspellings mended, and a refusal when the articles do not hold the answer. The real index,
the real bundled model and the fitted weights."""

import re

from bot.qa.answer import MAX_LENGTH, NOT_FOUND
from bot.qa.service import NO_TOPIC


def lines(answer) -> list[str]:
    """The answer's lines."""
    return answer.text.splitlines()


def quoted(line: str) -> str:
    """An answer line without its date and source number: the sentence it quotes."""
    return re.sub(r"^\d{4}-\d{2}-\d{2}: | \[\d+\]$", "", line)


def test_a_broad_question_opens_with_the_storys_lede_and_its_date(desk):
    """ "What is happening with the lunar lander?" leads with the lede, dated, not a later
    sentence about releasing data."""
    answer = desk.ask("What is happening with the lunar lander?")
    assert answer.found
    first = lines(answer)[0]
    assert first.startswith("2024-09-12: ")
    assert "confirmed the presence of water ice" in first
    assert sum(len(quoted(line)) for line in lines(answer)) <= MAX_LENGTH


def test_a_question_on_what_was_decided_gets_the_decision(desk):
    """The decision is the story's first sentence, not the market's expectations."""
    answer = desk.ask("What did the central bank decide in June 2023?")
    assert answer.found
    assert "left its main interest rate unchanged at 4.25 per cent" in lines(answer)[0]


def test_a_story_told_over_several_days_is_a_dated_timeline(desk):
    """The bank's hold in June and its cut in November, one dated line each, oldest first."""
    answer = desk.ask("What's going on with the central bank and interest rates?")
    dated = [line for line in lines(answer) if re.match(r"\d{4}-\d{2}-\d{2}: ", line)]
    assert [line[:10] for line in dated] == ["2023-06-14", "2023-11-08"]
    assert {c.published.isoformat() for c in answer.citations} == {"2023-06-14", "2023-11-08"}


def test_how_many_is_answered_with_the_number_from_prose_not_the_stats_table(desk):
    """The attendance comes from the sentence that gives it, never the row of match stats,
    and leads: a count of people, not the score or a date, is what is asked."""
    answer = desk.ask("How many people watched the cup final?")
    assert answer.found
    assert "61,204" in lines(answer)[0]
    assert "|" not in answer.text


def test_how_many_people_is_answered_by_a_count_of_what_they_do(desk):
    """No sentence of the tram story counts riders, but "25,000 journeys a day" answers and
    leads, before the opening's "nearly four years of construction"."""
    answer = desk.ask("how many people ride the tram each day")
    assert answer.found
    assert "25,000 journeys a day" in lines(answer)[0]


def test_who_is_someone_is_answered_by_a_sentence_naming_them(desk):
    """ "who is helen marsh" opens with the bank's governor, not the cup final's opening
    sentence, which names other people."""
    answer = desk.ask("who is helen marsh")
    assert answer.found
    assert "Governor Helen Marsh" in lines(answer)[0]


def test_a_speaker_named_after_their_role_is_heard(desk):
    """ "…," said the operator's control room manager, Ewan Tully: his words answer "what did
    Ewan Tully say", which was refused as if no article had him speak."""
    answer = desk.ask("what did Ewan Tully say")
    assert answer.found
    assert "The battery responded in less than a second" in answer.text


def test_the_latest_news_is_the_newest_stories_openings_dated(desk):
    """ "what's the latest news" and "any news?" name no topic: the newest stories open the
    answer, each dated, newest first; they had been refused."""
    for question in ("what's the latest news", "any news?"):
        answer = desk.ask(question)
        assert answer.found
        days = [line[:10] for line in lines(answer)]
        assert days[0] == "2024-09-12" and days == sorted(days, reverse=True)
        assert len(days) == len(set(c.article_id for c in answer.citations)) >= 3


def test_what_an_outlet_reported_is_its_stories_openings(desk):
    """ "what has the harbour street journal reported" opens its two stories, newest first."""
    answer = desk.ask("what has the harbour street journal reported")
    assert answer.found
    assert [line[:10] for line in lines(answer)] == ["2023-11-08", "2023-06-14"]
    assert {c.outlet for c in answer.citations} == {"Harbour Street Journal"}


def test_a_question_naming_nothing_says_so(desk):
    """ "what did he say" and "tell me more", asked with no earlier question, name no one and
    nothing: the reply says what to do instead of quoting whichever story came first."""
    for question in ("what did he say", "tell me more"):
        answer = desk.ask(question)
        assert not answer.found
        assert NO_TOPIC in answer.text


def test_a_when_question_gets_the_date(desk):
    """ "When is the cup final?" is answered with the day it is played."""
    answer = desk.ask("When is the cup final?")
    assert "May 18" in answer.text


def test_a_who_question_gets_the_person(desk):
    """The scorer of the semi-final's winning goal, named in a sentence without "scored"."""
    answer = desk.ask("Who scored the winning goal in the semi-final?")
    assert "Lee Dunmore" in answer.text


def test_a_what_did_x_say_question_quotes_x(desk):
    """The manager's own words after the final."""
    answer = desk.ask("What did Sofia Lindqvist say after the final?")
    assert answer.found
    assert "I am proud of every one of them" in answer.text or "belonged to the town" in answer.text


def test_meaning_finds_the_sentence_that_shares_no_word_with_the_question(desk):
    """ "How hot did it get" is answered by "temperatures hit a record 41 degrees Celsius"."""
    assert "41 degrees Celsius" in desk.ask("How hot did it get during the heatwave?").text


def test_page_furniture_is_never_an_answer(desk):
    """Captions, promos and newsletter boxes are never quoted, even when asked about."""
    for question in (
        "Where can I watch the goals from the cup final?",
        "Who took the photo of the trophy?",
        "How do I get the bank's next decision in my inbox?",
    ):
        answer = desk.ask(question)
        assert "free trial" not in answer.text
        assert "Photo:" not in answer.text
        assert "newsletter" not in answer.text


def test_a_misspelt_name_is_mended_and_the_reply_says_so(desk):
    """ "Hariers" is read as the archive's "Harriers", and the note says what was searched."""
    answer = desk.ask("Who manages the Hariers?")
    assert answer.found
    assert "Sofia Lindqvist" in answer.text
    assert answer.note and answer.note.startswith("Showing results for Harriers")
    assert answer.question == "Who manages the Hariers?"


def test_a_name_spelt_like_nothing_in_the_archive_is_refused(desk):
    """Nothing in the archive is spelt close to "Ukrane": the refusal stands and says why."""
    answer = desk.ask("What did Putin say about Ukrane?")
    assert not answer.found
    assert answer.text.startswith(NOT_FOUND)
    assert "Ukrane" in answer.text


def test_words_of_someone_never_quoted_on_the_topic_are_refused(desk):
    """Biden is named in the Geneva story, but says nothing about the tram."""
    assert not desk.ask("What did Biden say about the tram line?").found


def test_words_of_those_only_spoken_to_are_refused(desk):
    """The governor told reporters about the pause; the reporters themselves say nothing."""
    answer = desk.ask("What did reporters say about the rate pause?")
    assert not answer.found
    assert "No article has reporters speak." in answer.text


def test_a_speaker_named_by_their_role_is_named_so_in_the_refusal(desk):
    """No article has the prime minister speak; the reply says so as the question put it."""
    answer = desk.ask("what did the prime minister say about the tram")
    assert not answer.found
    assert "No article has the prime minister speak." in answer.text


def test_how_much_is_refused_when_the_story_gives_no_such_figure(desk):
    """The grid battery story never says what the battery cost: the reply says so and names
    the story, instead of quoting its opening."""
    answer = desk.ask("how much did the grid battery cost")
    assert not answer.found
    assert "give no such figure" in answer.text
    assert answer.citations[0].title.startswith("Giant grid battery")


def test_how_did_someone_sum_up_quotes_them(desk):
    """ "How did Helen Marsh sum up the rate cut?" asks for her words, and gets them first."""
    answer = desk.ask("How did Helen Marsh sum up the rate cut?")
    assert answer.found
    assert lines(answer)[0].startswith("Governor Helen Marsh said the committee had acted")


def test_a_when_answer_naming_only_a_weekday_gives_its_articles_date(desk):
    """ "on Saturday morning" says which day only with the article's date before it."""
    answer = desk.ask("when does the tram line open")
    first = lines(answer)[0]
    assert first.startswith("2024-02-03: ")
    assert "on Saturday morning" in first


def test_why_a_project_was_late_is_answered_with_what_held_it_up(desk):
    """ "Why was the tram line late?" quotes what held the work up, not only that it was late."""
    answer = desk.ask("why was the tram line late")
    assert answer.found
    assert any("Work was held up by the discovery of old gas mains" in x for x in lines(answer))


def test_a_date_without_its_year_is_dated_by_its_article(desk):
    """ "The final will be played on May 18" says no year: a "when" answer gives the date of
    the story that wrote it."""
    answer = desk.ask("when will the cup final be played")
    assert answer.found
    assert "2024-04-21: The final will be played on May 18 at the national stadium. [1]" in lines(
        answer
    )


def test_what_someone_said_is_quoted_in_their_own_words_from_where_the_quote_opens(desk):
    """ "what did the governor say about rates" gets her quotation whole, from its opening
    words, not its closing sentence alone ("But holding rates…," she told reporters)."""
    answer = desk.ask("what did the governor say about rates")
    assert answer.found
    quotes = [line for line in lines(answer) if "she told reporters" in line]
    assert quotes
    assert quoted(quotes[0]).startswith('"We are not declaring victory')


def test_a_quotation_on_another_topic_does_not_answer_what_someone_says(desk):
    """ "what are the shopkeepers on station road saying" is answered by the traders on
    Station Road, not by the grid operator's quotation about the battery: a quotation counts
    as someone's own words on the question only when it holds a word of the question."""
    answer = desk.ask("what are the shopkeepers on station road saying")
    assert answer.found
    assert lines(answer)[0].startswith("Traders on Station Road")
    assert "battery" not in answer.text


def test_a_story_sharing_only_the_month_asked_does_not_answer(desk):
    """ "in november" names the latest November, when the rate cut came out; that story
    shares nothing with Putin's words on China but the month. The answer is Putin's November
    speech of another year, its lines dated."""
    answer = desk.ask("what did putin say about china in november")
    assert answer.found
    assert any("Russia and China" in line for line in lines(answer))
    assert all(line.startswith("2021-11-") for line in lines(answer))
