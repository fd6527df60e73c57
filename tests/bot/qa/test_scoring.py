"""What a sentence offers a question: a cause for "why" in the words news uses to give one."""

import pytest

from bot.qa.candidates import Candidate, Terms
from bot.qa.intent import CAUSE, PERSON, SPEECH, Intent
from bot.qa.scoring import asked_for, features
from ingest.text.words import stems


@pytest.mark.parametrize(
    "sentence",
    [
        "The sizable competition from other Twitter rivals was to blame, says its chief.",
        "Musk said the fee would help the company combat bots and spam.",
        "The suit accuses the app of connecting dealers to young customers.",
        "The losses stemmed from a slump in freight rates.",
        "The council closed the bridge because of cracks in the deck.",
        "Work was held up by the discovery of old gas mains along Station Road.",
        "The launch was delayed by a fault in a fuel valve.",
        "The lawsuit argues that the app's design puts teenagers in touch with dealers.",
    ],
)
def test_a_sentence_giving_a_cause_answers_why(sentence):
    """Blame, help, accusations, what a thing stemmed from, what held it up, and what a suit
    claims give causes."""
    assert asked_for(sentence, Intent(CAUSE)) == 1.0


def test_a_sentence_without_a_cause_does_not_answer_why():
    """A plain statement of what happened gives no cause."""
    assert asked_for("The bridge reopened on Monday morning.", Intent(CAUSE)) == 0.0


@pytest.mark.parametrize(
    "sentence",
    [
        "“There is no need for an explanation,” said Bayern’s midfielder Thomas Müller.",
        "Müller, the club's longest-serving player, said the defeat was deserved.",
        "The defeat was deserved, according to Thomas Müller.",
        "“It was deserved,” said the club's longest-serving player, Thomas Müller.",
    ],
)
def test_the_speaker_asked_about_speaks(sentence):
    """Before "said", after it in an inverted attribution, past an aside, or named after his
    role: Müller speaks."""
    assert asked_for(sentence, Intent(SPEECH, speaker="Thomas Müller")) == 1.0


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("“They’re overdoing it a little bit, for sure,” Kelce agreed.", "Travis Kelce"),
        ("Dyche described the deduction as both disproportionate and unjust.", "Sean Dyche"),
        ("“We were a couple,” Swift revealed in the interview.", "Taylor Swift"),
    ],
)
def test_reporting_verbs_besides_said_name_the_speaker(sentence, speaker):
    """News reports speech with many verbs: "agreed", "described", "revealed"."""
    assert asked_for(sentence, Intent(SPEECH, speaker=speaker)) == 1.0


@pytest.mark.parametrize(
    "sentence",
    [
        "Last year the Commission also warned Musk over “huge work” ahead.",
        "In his letter to Musk, Breton writes that X is being used to spread disinformation.",
        "Well before the launch, Musk was asked about the probe.",
        "X said Musk's staff in the United States would answer the probe.",
        "According to the filing, Musk owns most of the shares.",
        "“We will comply,” said the company's lawyer, adding that Musk had seen the letter.",
        "The post alarmed Musk and his lawyers, who feared a fine, according to two people.",
    ],
)
def test_someone_spoken_to_or_of_is_not_the_speaker(sentence):
    """Whom a speaker warns, writes to or is asked by is not who speaks, nor whom a sentence
    sourced "according to" others is about: half, as for anyone."""
    assert asked_for(sentence, Intent(SPEECH, speaker="Elon Musk")) == 0.5


def test_a_family_word_finds_the_word_news_uses():
    """ "Emily Hand's dad" is heard where "her father" speaks."""
    sentence = (
        "“She will have her birthday in the tunnels,” her father, Thomas Hand, told Fox News."
    )
    assert asked_for(sentence, Intent(SPEECH, speaker="Emily Hand's dad")) == 1.0


QUESTION = Terms({"win": 1.0, "town": 1.0}, frozenset(), {})  # "what did she say about the win"


def _sentence(text: str) -> Candidate:
    """A candidate sentence of a story's second passage, with the question's words it holds."""
    held = frozenset(stems(text)) & QUESTION.weights.keys()
    none: frozenset[str] = frozenset()
    return Candidate(0, "story", 0, 1, 0, text, text, held, none, none, 0.0, True, False)


@pytest.mark.parametrize(
    ("sentence", "own_words"),
    [
        ("“The win belongs to the town,” said manager Sofia Lindqvist.", 1.0),
        ("Manager Sofia Lindqvist said the win belonged to the town.", 0.0),
        ("“Nobody gave us a chance,” said manager Sofia Lindqvist.", 0.0),
        ("The crowd of 61,204 was the largest for a cup final in a decade.", 0.0),
    ],
)
def test_a_quotation_on_the_topic_gives_the_speakers_own_words(sentence, own_words):
    """For "what did X say about Y", a quotation holding a word of the question gives the
    speaker's own words on it; a report of speech does not, nor does a quotation on something
    else, nor a sentence without speech."""
    asked = features(_sentence(sentence), QUESTION, Intent(SPEECH, speaker="Sofia Lindqvist"))
    assert asked["own_words"] == own_words


def test_own_words_count_only_when_words_are_asked_for():
    """A quotation is no better an answer to "who won the final" than any sentence."""
    quoted = _sentence("“The win belongs to the town,” said manager Sofia Lindqvist.")
    assert features(quoted, QUESTION, Intent(PERSON))["own_words"] == 0.0
