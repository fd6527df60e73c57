"""The extractive answerer, on the real index of the demo and seed articles."""

from datetime import date

from bot.qa.answer import NOT_FOUND, with_speaker
from bot.qa.sentences import split_sentences

GENEVA = "What did Putin say about the Geneva summit?"
SEED_TITLE = "Putin on Russian Relations with China and with the U.S."


def test_geneva_question_quotes_the_summit_passage_with_its_speaker(desk):
    """The seed article's summit quotation is returned, attributed, and cited to that article."""
    answer = desk.ask(GENEVA)
    assert answer.found
    assert "the summit with President Biden in Geneva" in answer.text
    seed = [c for c in answer.citations if c.title == SEED_TITLE]
    assert seed, answer.citations
    assert seed[0].outlet == "EIRNS"
    assert seed[0].published == date(2021, 11, 19)
    line = next(x for x in answer.text.splitlines() if "President Biden in Geneva" in x)
    assert "said the President" in line
    assert line.endswith(f"[{seed[0].number}]")


def test_every_answer_line_is_quoted_from_its_cited_passage(desk):
    """Each sentence of an answer appears verbatim in the article it cites."""
    answer = desk.ask("How did the grid battery cope with the heatwave?")
    assert answer.found
    by_number = {c.number: c for c in answer.citations}
    for line in answer.text.splitlines():
        body, marker = line.rsplit(" [", 1)
        cited = by_number[int(marker.rstrip("]"))]
        texts = " ".join(p.text for p in answer.passages if p.article_id == cited.article_id)
        for part in body.split(" … "):
            assert " ".join(part.split()) in " ".join(texts.split())


def test_unanswerable_question_says_not_found_and_lists_closest_sources(desk):
    """A question the articles do not cover gets "not found" and the nearest sources."""
    answer = desk.ask("What is the recipe for Peruvian ceviche with tiger's milk?")
    assert not answer.found
    assert answer.text.startswith(NOT_FOUND)
    assert "closest sources" in answer.text
    assert answer.citations


def test_filters_restrict_the_answer_to_an_outlet(desk):
    """--source limits every cited article to that outlet."""
    answer = desk.ask("What was said in Geneva?", source="meridian dispatch")
    assert answer.citations
    assert {c.outlet for c in answer.citations} == {"Meridian Dispatch"}


def test_speaker_is_kept_for_a_quotation_introduced_by_a_previous_sentence():
    """A quotation opened after "Putin said," keeps that introduction."""
    text = (
        "On the other hand, Putin said,\n\n“Relations are in an unsatisfactory state. "
        "The diplomats have problems.”"
    )
    sentences = split_sentences(text)
    assert with_speaker(text, 1) == f"On the other hand, Putin said, {sentences[1]}"


def test_speaker_after_a_multi_sentence_quotation_is_kept():
    """A trailing "said the President." is attached to a sentence inside the quotation."""
    text = "“The summit opened up opportunities. Work has begun.”\n\nsaid the President."
    assert with_speaker(text, 0) == "“The summit opened up opportunities. … said the President."
