"""The measure a "how much / how deep" question asks for, and the sentences that give it."""

import pytest

from bot.qa.intent import read_intent
from bot.qa.measures import gives_amount


@pytest.mark.parametrize(
    ("question", "measure"),
    [
        ("How deep were the vents?", "deep"),
        ("How hot did it get during the heatwave?", "hot"),
        ("how much did the tram line cost", "cost"),
        ("how much did palo alto pay for dig securty", "cost"),
        ("What was the temperature at the vents?", "temperature"),
        ("How much more likely are patients to fall ill?", "much"),
        ("How many children were put in hospital?", ""),
        ("How many years did the driver get in prison?", "year"),
        ("how many days did the strike last", "day"),
        ("How many people watched the cup final?", "people"),
    ],
)
def test_the_measure_is_read_from_the_question(question, measure):
    """The word after "how" or "what is the" names it; paying makes it money; "how many"
    takes any number."""
    assert read_intent(question).measure == measure


@pytest.mark.parametrize(
    ("sentence", "measure", "value"),
    [
        ("They lifted crust near a vent field about 2,500 metres down.", "deep", 1.0),
        ("A drill collected samples from about 30 centimetres beneath the surface.", "deep", 1.0),
        ("Microbes thrive at temperatures close to 80 degrees Celsius.", "deep", 0.5),
        ("Microbes thrive at temperatures close to 80 degrees Celsius.", "hot", 1.0),
        ("The final cost is put at 410 million.", "cost", 1.0),
        ("Reliance agreed to pay Rs 2,500 crore for the stake.", "cost", 1.0),
        ("Tickets for the final are priced at ₹499.", "price", 1.0),
        ("Regulators fined the shop 8,000 yuan.", "cost", 1.0),
        ("Crowds gathered where the 7.2-kilometre line begins.", "cost", 0.5),
        ("Patients were 3.67 times more likely to fall ill.", "much", 1.0),
        ("The facility can deliver 400 megawatts for up to four hours.", "big", 1.0),
        ("A 50 MW plant and a 200 MWh store were approved.", "capacity", 1.0),
        ("Twelve councils approved the plant.", "capacity", 0.5),
        ("The facility can deliver 400 megawatts for up to four hours.", "hot", 0.5),
        ("Light travels at exactly 299,792,458 metres per second in a vacuum.", "fast", 1.0),
        ("Its winds reached 70 m/s at the eyewall.", "fast", 1.0),
        ("The trams will reach 70 km/h on the Eastbank section.", "fast", 1.0),
        ("The line is 7.2 kilometres long.", "fast", 0.5),
        ("Twelve councils agreed on the rules.", "", 1.0),
        ("The team plans to return with new instruments.", "deep", 0.0),
        ("Each charge carries a sentence of one to 15 years in prison.", "year", 1.0),
        ("The hearing lasted 40 minutes.", "year", 0.5),
        ("The 12-year-old boy ran to a neighbour's house.", "year", 0.5),
        ("The 12-year-old boy ran to a neighbour's house.", "long", 0.5),
        ("In the 172-page suit, the regulator set out its case.", "long", 1.0),
        ("The crowd of 61,204 was the largest for a cup final in a decade.", "people", 1.0),
        ("Nothing was going to dampen this evening as 80,065 fans poured in.", "people", 1.0),
        ("The game has 238 million monthly active users.", "people", 1.0),
        ("Twenty-eight years between drinks and drama was always on the cards.", "people", 0.5),
        ("Officials expect around 25,000 journeys a day on the line.", "people", 1.0),
        ("Drama was always on the cards between these two great foes.", "people", 0.5),
    ],
)
def test_a_sentence_giving_the_measure_asked_for_counts_in_full(sentence, measure, value):
    """An amount of the measure asked for counts 1, another amount a half, none 0: "how
    many years" wants years (not minutes, nor an age), "how long" a time, a length or pages,
    "how many people" a count of people ("80,065 fans", "a crowd of 61,204") or, in figures,
    of what they do ("25,000 journeys"), not a time."""
    assert gives_amount(sentence, measure) == value
