"""What a sentence offers a question: a cause for "why" in the words news uses to give one."""

import pytest

from bot.qa.intent import CAUSE, Intent
from bot.qa.scoring import asked_for


@pytest.mark.parametrize(
    "sentence",
    [
        "The sizable competition from other Twitter rivals was to blame, says its chief.",
        "Musk said the fee would help the company combat bots and spam.",
        "The suit accuses the app of connecting dealers to young customers.",
        "The losses stemmed from a slump in freight rates.",
        "The council closed the bridge because of cracks in the deck.",
    ],
)
def test_a_sentence_giving_a_cause_answers_why(sentence):
    """Blame, help, accusations, and what a thing stemmed from give causes."""
    assert asked_for(sentence, Intent(CAUSE)) == 1.0


def test_a_sentence_without_a_cause_does_not_answer_why():
    """A plain statement of what happened gives no cause."""
    assert asked_for("The bridge reopened on Monday morning.", Intent(CAUSE)) == 0.0
