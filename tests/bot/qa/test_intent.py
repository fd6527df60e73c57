"""What a question asks for, read from its wording wherever the cue stands."""

import pytest

from bot.qa.intent import AMOUNT, BROAD, CAUSE, DATE, FACT, PERSON, SPEECH, read_intent


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("What happened with the lunar lander?", BROAD),
        ("whats going on with will smith and jada", BROAD),
        ("epic games vs google, how did that end up", BROAD),
        ("tell me about the AI procurement rules", BROAD),
        ("tell me about the governor and the rate pause", BROAD),
        ("Did the grid batteries work during the heatwave?", BROAD),
        ("sam altman openai", BROAD),
        ("how much did palo alto pay for dig securty", AMOUNT),
        ("How many children were put in hospital?", AMOUNT),
        ("When is the cup final?", DATE),
        ("trump fraud trial start date?", DATE),
        ("Who manages the Harriers?", PERSON),
        ("Which club won the cup?", PERSON),
        ("why was the measles campaign started", CAUSE),
        ("How come Florida State was left out?", CAUSE),
        ("What made Alexis Ohanian quit the board?", CAUSE),
        ("what was the reason the girls were given a cd", CAUSE),
        ("What did Putin say about the Geneva summit?", SPEECH),
        ("Ten Hag's reaction to the 3-3 in Istanbul?", SPEECH),
        ("What did the central bank decide?", FACT),
    ],
)
def test_the_kind_of_question_is_read_from_its_wording(question, kind):
    """Opening words, words asking for someone's words, and cues anywhere give the kind."""
    assert read_intent(question).kind == kind


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("who is helen marsh", "helen marsh"),
        ("Who's Josh Adeyemi?", "Josh Adeyemi"),
        ("Who is Putin?", "Putin"),
        ("who is responsible", ""),
        ("who is the harriers captain", ""),
        ("who is leading the race", ""),
        ("Who manages the Harriers?", ""),
    ],
)
def test_who_is_names_whom_it_asks_about(question, named):
    """ "Who is X?" asks about X, named: not for any name; "who is the captain" names no one."""
    intent = read_intent(question)
    assert (intent.kind, intent.named) == (PERSON, named)


def test_the_speaker_asked_about_is_named():
    """ "What did X say..." and "X's reaction..." name X, without the question's own words."""
    assert read_intent("What did Putin say about the Geneva summit?").speaker == "Putin"
    assert read_intent("Ten Hag's reaction to the 3-3 in Istanbul?").speaker == "Ten Hag"
    assert read_intent("how did alyssa healy react to losing").speaker == "alyssa healy"


@pytest.mark.parametrize(
    ("question", "speaker"),
    [
        ("tim cook reaction to the apple watch ban", "tim cook"),
        ("rob bonta comments on meta and kids under 13", "rob bonta"),
        ("Any comment from Thomas Müller after the 5-1 in Frankfurt?", "Thomas Müller"),
        ("Has Helen Marsh ever talked about wages?", "Helen Marsh"),
        ("How did the governor sum up the decision?", "governor"),
        ("what did the mayor tell the council about the tram", "mayor"),
        ("how did the coach answer the question about his future", "coach"),
        ("What was Samu Kerevi's take on the World Cup?", "Samu Kerevi"),
    ],
)
def test_the_wordings_asking_for_someones_words_name_the_speaker(question, speaker):
    """ "X reaction to...", "X comments on...", "comment from X", "Has X talked about...",
    "X's take on..." and "what did X tell..." ask for X's words, and name X."""
    intent = read_intent(question)
    assert (intent.kind, intent.speaker) == (SPEECH, speaker)


@pytest.mark.parametrize(
    ("question", "kind", "measure"),
    [
        ("What was the final score of the cup final?", AMOUNT, "score"),
        ("whats the daily fine the regulator set", AMOUNT, "cost"),
        ("What revenue did the port report for the quarter?", AMOUNT, "cost"),
        ("what's the crowd expected at the derby", AMOUNT, ""),
        ("What's Figure AI's chief claiming about robots?", FACT, ""),
        ("Did the article explain what positive betting odds mean?", BROAD, ""),
        ("Eras Tour total gross so far?", AMOUNT, "cost"),
        ("price of the ray-ban smart glasses?", AMOUNT, "cost"),
        ("any news on the tram budget", BROAD, ""),
    ],
)
def test_a_noun_naming_an_amount_asks_for_one(question, kind, measure):
    """ "What was the final score", "whats the daily fine": a noun naming an amount, after
    "what is the" and up to two words, asks for that amount, as it does in a question typed
    without a question word ("Eras Tour total gross so far?"); a capitalised name ("Figure
    AI") or one standing bare after "what", mid-question, does not, nor does news asked of
    a budget."""
    intent = read_intent(question)
    assert (intent.kind, intent.measure) == (kind, measure)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("what does beeper mini charge per month", AMOUNT),
        ("Cheapest season ticket for 2024, what does it cost?", AMOUNT),
        ("What does the new doll sell for?", AMOUNT),
        ("what is the estate actually worth", AMOUNT),
        ("What did Microsoft pay for Activision?", AMOUNT),
        ("What are consumer groups complaining about with the paid no-ads plan?", FACT),
        ("what does the tram budget pay for", FACT),
        ("what does the report say", SPEECH),
    ],
)
def test_a_verb_of_paying_asks_for_a_sum(question, kind):
    """ "What does it cost", "what does X charge per month", "what is it worth", "what did X
    pay for Y": a sum of money, as "how much" asks; what a budget "pays for" are things, and
    "paid" naming a kind of plan asks for none."""
    intent = read_intent(question)
    assert intent.kind == kind
    assert intent.measure == ("cost" if kind == AMOUNT else "")
