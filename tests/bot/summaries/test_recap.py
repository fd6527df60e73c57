"""Tests for bot.summaries.recap: who asked or proposed what, the answer or decision, and the
question left open, drawn from a topic's messages and its links."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.summaries.messages import ChatMessage
from bot.summaries.recap import gist, is_question, recap_lines

START = datetime(2025, 9, 16, 9, 0, tzinfo=UTC)


def thread(rows) -> tuple[list[ChatMessage], list[int]]:
    """Messages for (author, text, parent index) rows, a minute apart, and their links."""
    messages = [
        ChatMessage(f"m{n}", author, text, START + timedelta(minutes=n))
        for n, (author, text, _) in enumerate(rows)
    ]
    return messages, [n if parent is None else parent for n, (*_, parent) in enumerate(rows)]


def recap(rows) -> list:
    """The recap of a topic made of all the rows."""
    messages, parents = thread(rows)
    return recap_lines(messages, parents, list(range(len(messages))))


def test_question_and_its_answer():
    """A question and the reply to it make one line naming both people, linking both messages."""
    (line,) = recap(
        [
            ("marta.k", "@jbx is the arm64 runner still flaky on main?", None),
            ("jbx", "lol", 0),
            ("jbx", "yes, the resume test failed three nights this week", 0),
        ]
    )
    assert line.text == (
        "marta.k asked: “is the arm64 runner still flaky on main?”; "
        "jbx answered: “yes, the resume test failed three nights this week”"
    )
    assert [m.id for m in line.sources] == ["m0", "m2"]


def test_proposal_and_decision():
    """A proposal and the message that settles it read as proposed / decided."""
    (line,) = recap(
        [
            ("jbx", "we should run the arm64 e2e on PRs too, not just nightly", None),
            ("ana.rs", "it doubles the CI minutes though", 0),
            ("marta.k", "Paths filter plus a label sounds good to me. Let's do that.", 1),
        ]
    )
    assert line.text.startswith("jbx proposed: “we should run the arm64 e2e on PRs too")
    assert "; marta.k decided: “Paths filter plus a label sounds good to me. Let's do that.”" in (
        line.text
    )
    assert [m.id for m in line.sources] == ["m0", "m2"]


def test_a_question_nobody_answered_is_left_open():
    """A later question that no one else replied to becomes a second line."""
    first, second = recap(
        [
            ("tobi", "does the upgrade need a database dump first?", None),
            ("GrumpyBeard", "yes, dump first, then restore into the new version", 0),
            ("tobi", "thanks, dump done and restored", 1),
            ("tobi", "should the old volume be deleted afterwards?", 2),
        ]
    )
    assert first.text.startswith("tobi asked: “does the upgrade need a database dump first?”")
    assert second.text == "Left open: tobi asked: “should the old volume be deleted afterwards?”"
    assert [m.id for m in second.sources] == ["m3"]


def test_an_unanswered_opening_question_says_so():
    """A question with no reply from anyone else is marked as having no answer yet."""
    (line,) = recap(
        [
            ("lu", "do i need the dlc for deep rock galactic?", None),
            ("lu", "asking for game night on friday", 0),
            ("lu", "anyone?", 1),
        ]
    )
    assert line.text == "lu asked: “do i need the dlc for deep rock galactic?” (no answer yet)"


def test_gist_drops_the_address_and_keeps_the_first_sentences():
    """A quote loses its leading @mentions or "name:" and is cut at a sentence or word."""
    assert gist("@marta.k @jbx the build is green again. Merging now.") == (
        "the build is green again. Merging now."
    )
    assert gist("tobi: try the 16 image") == "try the 16 image"
    long = "First sentence here. " + "word " * 60
    assert gist(long, 40) == "First sentence here."
    assert len(gist("word " * 60, 40)) <= 40


def test_is_question():
    """A question mark or an opening question word makes a question."""
    assert is_question("is that with the fixes")
    assert is_question("thoughts? I think yes")
    assert not is_question("the build is green")
    assert is_question("how do I pin the runner image")
    assert not is_question("what a cup final, two goals in ten minutes")
