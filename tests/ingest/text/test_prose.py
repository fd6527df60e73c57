"""Prose or page furniture: only running prose may answer a question."""

import pytest

from ingest.text.prose import is_prose


@pytest.mark.parametrize(
    "text",
    [
        "10:29 p.m. FUMBLE — Browns recover at the 30 after a strip sack.",
        "BREAKING — the council has voted to close the bridge for repairs tonight.",
        "MORE: Watch Blackhawks vs. Penguins live on Fubo (free trial)",
        "Photo: Harriers captain Ben Okoro lifts the trophy at the national stadium",
        "Photo by Jane Doe/Getty Images for the league",
        "A worker sorts parcels at the depot in Eastvale, California, on Aug. 31, 2021.",
        "Ministers shake hands at the summit in Bali, Indonesia, November 14, 2022.",
        "A witness answers questions at the court in New York City, in this courtroom sketch.",
        "By Callum Fenwick and Priya Moss",
        "Sign up for our markets newsletter to get the next decision in your inbox.",
        "Attendance 61,204 | Possession 47% – 53% | Shots 11 – 9 | Corners 4 – 6",
        "Josh Allen 25.4 22.1 19.8 18.0 Jalen Hurts 24.1 21.0 20.2",
        "What makes Connor Bedard's shot so special?",
        "Too short to say.",
        "Mulligan: Yeah.",
        "Canelo Alvarez vs. Jermell Charlo live updates, results, highlights",
        "Football email {{ #verifyErrors }} {{ message }} {{ /verifyErrors }} Something failed.",
        "Michigan scandal winners and losers in the sign-stealing saga",
        "Welcome, Emma! pic.twitter.com/WYn6Sg9RmX — U.S. Soccer (@USWNT) November 14, 2023",
        "Read the full ruling and our analysis at https://example.com/ruling today.",
        "Stay ahead with our free weekly Lifestyle Edit newsletter Please enter a valid email.",
        "By pressing sign up, I confirm that I have read and agree to the Terms of Use.",
        "Save Log in , register or subscribe to save articles for later.",
        "When you buy through these links, TechCrunch may earn an affiliate commission.",
        "Okoro, Adeyemi, Dunmore, Tull and Mensah.",
        "Microsoft Activision: What does deal mean for gamers?",
        "Shohei Ohtani news: Latest updates, rumors for MLB free agency",
    ],
)
def test_furniture_tables_and_questions_are_not_prose(text):
    """Live-blog stamps, promos, captions (and a photo's place and date), bylines, tables,
    questions, headings, lists of names, embedded posts, template placeholders and sentences
    with a web address are never answers."""
    assert not is_prose(text)


@pytest.mark.parametrize(
    "text",
    [
        "The Reserve Bank of Westmark left its main interest rate unchanged at 4.25 per cent.",
        "NASA said the mission would launch in May after a review of the heat shield.",
        "The crowd of 61,204 was the largest for a cup final in a decade.",
        "A bill sponsored by two senators would require labels on AI images.",
        "Palo Alto Networks and Dig declined to comment for this story.",
        '"We were a couple," she said of the summer they met.',
        'The family said he had "passed away peacefully" on Monday night.\u201d',
        "Amazon has lowered its price for iRobot — first an offer of $1.7 billion — by 15%.",
        "By the end of the season, the club had won three titles and lost only twice.",
        "The game kicks off at 9 p.m. local time on Saturday, October 21, 2023.",
        "Five months later, on August 24, 2022, the founders returned to the company.",
        "The exchange filed for bankruptcy in New York on Nov. 11, 2022.",
        "Sam Altman is the CEO of OpenAI.",
        "Beeper Mini is priced at $1.99 per month, with a seven-day free trial.",
        "Fans can also stream the game via ESPN+ or Fubo, which offers a free trial.",
        "The Eiffel Tower is 330 metres tall.",
        "Python 3.0 was released on December 3, 2008.",
        "Born: February 11, 1847, Milan, Ohio",
        "Producer: George Martin",
        "Golden Boot: James Rodríguez (6 goals)",
        "FIFA Fair Play Trophy: Colombia",
    ],
)
def test_news_sentences_are_prose(text):
    """Ordinary news sentences, numbers and all, stay candidates, short ones stating a fact
    with short words ("is", "of") or a date's numbers too, and a labelled field; a dash after
    the opening words does not make them a shouted label ("FUMBLE —"), nor "By the end" a
    byline."""
    assert is_prose(text)
