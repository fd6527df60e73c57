"""Short fact questions asked of web-search snippets: a snippet states its fact in one short
sentence, which answers however few long words it has and whatever numbers its date holds,
a speed may be given in metres per second, excerpts joined by " ... " are sentences, the
last one cut short too, and so are fields parted by " · " ("Born: February 11, 1847", or
under a label in capitals, "Golden Ball: Lionel Messi"). The real index and bundled model."""

import json

import pytest

from bot.compose import build_desk
from bot.settings import Settings

SNIPPETS = [
    {
        "title": "OpenAI - Wikipedia",
        "source": "en.wikipedia.org",
        "url": "https://en.wikipedia.org/wiki/OpenAI",
        "body": "OpenAI is an American artificial intelligence research organisation founded "
        "in December 2015 and headquartered in San Francisco. Sam Altman is the CEO of OpenAI. "
        "Its stated mission is to ensure that artificial general intelligence benefits all of "
        "humanity.",
    },
    {
        "title": "Eiffel Tower | History, Height, & Facts",
        "source": "britannica.com",
        "url": "https://www.britannica.com/topic/Eiffel-Tower",
        "body": "The Eiffel Tower was built for the 1889 World's Fair held in Paris to mark the "
        "centenary of the French Revolution. The Eiffel Tower is 330 metres tall. It was the "
        "tallest man-made structure in the world until the Chrysler Building was finished.",
    },
    {
        "title": "Python (programming language)",
        "source": "en.wikipedia.org",
        "url": "https://en.wikipedia.org/wiki/Python_(programming_language)",
        "body": "Python is a high-level, general-purpose programming language created by Guido "
        "van Rossum. Python 3.0 was released on December 3, 2008. Its design philosophy "
        "emphasizes code readability with the use of significant indentation.",
    },
    {
        "title": "Speed of light - Wikipedia",
        "source": "en.wikipedia.org",
        "url": "https://en.wikipedia.org/wiki/Speed_of_light",
        "body": "The speed of light in vacuum is exactly 299,792,458 metres per second. It is a "
        "universal physical constant that is important in many areas of physics.",
    },
    {
        "title": "Mount Kilimanjaro facts for hikers",
        "source": "hikingguide.example",
        "url": "https://hikingguide.example/kilimanjaro",
        "body": "Mount Kilimanjaro is a dormant volcano in Tanzania and the highest mountain in "
        "Africa. Most climbers reach the summit in six to eight days on one of seven routes.",
    },
    {
        "title": "Mars - NASA Science",
        "source": "science.nasa.gov",
        "url": "https://science.nasa.gov/mars",
        "body": "Mars is the fourth planet from the Sun ... Mars has two moons, Phobos and "
        "Deimos ... a day on Mars lasts 24.6 hours",
    },
    {
        "title": "Thomas Edison | Biography, Inventions, & Facts",
        "source": "britannica.com",
        "url": "https://www.britannica.com/biography/Thomas-Edison",
        "body": "Thomas Edison · Born: February 11, 1847, Milan, Ohio · Died: October 18, "
        "1931, West Orange, New Jersey · Notable works: phonograph, incandescent lamp",
    },
    {
        "title": "Brazil 2014 in numbers | FIFA",
        "source": "fifa.example",
        "url": "https://fifa.example/2014brazil/awards",
        "body": "Awards · Golden Boot: James Rodríguez (6 goals) · Golden Ball: Lionel Messi · "
        "Golden Glove: Manuel Neuer · Best Young Player: Paul Pogba",
    },
    {
        "title": "Apple Inc. Company Profile | Headquarters, Revenue, CEO",
        "source": "profiles.example",
        "url": "https://profiles.example/apple",
        "body": "Apple Inc. · Headquarters: Cupertino, California · Founded: April 1, 1976 · "
        "CEO: Tim Cook · Employees: 161,000 ...",
    },
]


@pytest.fixture(scope="module")
def snippet_desk(tmp_path_factory):
    """A NewsDesk over a few search-result snippets on different topics."""
    folder = tmp_path_factory.mktemp("snippets")
    (folder / "snippets.json").write_text(json.dumps(SNIPPETS), encoding="utf-8")
    desk = build_desk(Settings(data_dir=folder / "index"))
    report = desk.ingest([str(folder / "snippets.json")])
    assert report.ok, report.summary()
    yield desk
    desk.index.close()


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("who is the ceo of openai", "Sam Altman is the CEO of OpenAI."),
        ("How tall is the Eiffel Tower?", "The Eiffel Tower is 330 metres tall."),
        ("when was python 3 released", "Python 3.0 was released on December 3, 2008."),
        ("how fast is light", "299,792,458 metres per second"),
        ("how many moons does mars have", "Mars has two moons, Phobos and Deimos"),
        ("how long is a day on mars", "a day on Mars lasts 24.6 hours"),
        ("when was edison born", "Born: February 11, 1847, Milan, Ohio"),
        ("Who won the Golden Boot in 2014?", "Golden Boot: James Rodríguez"),
        ("where is apple headquarterd", "Headquarters: Cupertino, California"),
    ],
)
def test_a_short_sentence_stating_the_fact_answers(snippet_desk, question, fact):
    """The short sentence that states the fact answers, not its longer neighbours."""
    answer = snippet_desk.ask(question)
    assert answer.found
    assert fact in answer.text
