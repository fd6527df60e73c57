"""The extractive answerer, on the real index of the demo and seed articles."""

from dataclasses import replace
from datetime import date

import pytest

from bot.qa.answer import MEANING_POOL, NOT_FOUND, ExtractiveAnswerer, Rated, choose
from bot.qa.candidates import (
    ARTICLES_READ,
    OPENING_PASSAGES,
    Candidate,
    agent_nouns,
    candidates,
    question_terms,
    with_speaker,
)
from bot.qa.intent import read_intent
from bot.qa.names import likely_answer_name, names_in, ordinary_words, written_as_names
from bot.qa.plan import OutletMatcher, plan_query
from bot.qa.scoring import Weights
from bot.qa.types import Passage
from ingest.text.sentences import split_sentences
from tests.paths import SEED, shared_file

GENEVA = "What did Putin say about the Geneva summit?"
SEED_TITLE = "Putin on Russian Relations with China and with the U.S."
PUTIN_SAMPLE_TITLE = "Putin says Geneva summit opened room for dialogue with Washington"


def test_geneva_question_quotes_the_summit_passage_with_its_speaker(desk):
    """What Putin said of the Geneva summit leads the answer, with him as its speaker, cited
    to an article that reports it (the seed's own account, or the demo's)."""
    answer = desk.ask(GENEVA)
    assert answer.found
    first = answer.text.splitlines()[0]
    assert "Biden in Geneva" in first and "Putin said" in first
    cited = answer.citations[0]
    assert cited.title in (SEED_TITLE, PUTIN_SAMPLE_TITLE)
    assert first.endswith(f"[{cited.number}]")


def test_the_seed_article_quotes_the_summit_with_its_speaker(desk):
    """Asked of the seed alone, the summit quotation split across its paragraphs is given with
    the words that say who spoke, and cited to the seed (outlet and date from its dateline)."""
    shared_file(SEED)
    answer = desk.ask(
        "What did Putin say about the summit with President Biden in Geneva?", source="EIRNS"
    )
    assert answer.found
    line = next(x for x in answer.text.splitlines() if "President Biden in Geneva" in x)
    assert "Putin said" in line or "said the President" in line
    (seed,) = answer.citations
    assert (seed.title, seed.outlet, seed.published) == (SEED_TITLE, "EIRNS", date(2021, 11, 19))


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


def test_a_source_the_archive_lacks_is_named_in_the_refusal(desk):
    """A well-known outlet with no article here, or a source the archive never mentions, is
    "not found" with the reason; a source it does mention ("Geneva") is answered as usual."""
    reuters = desk.ask("What did Reuters report about the grid battery in the heatwave?")
    assert not reuters.found
    assert "The archive holds no articles from Reuters." in reuters.text
    question = "What did an article in The Daily Lantern say about the grid battery?"
    lantern = desk.ask(question)
    assert not lantern.found
    assert "The archive holds nothing from or about The Daily Lantern." in lantern.text
    assert lantern.citations  # the closest sources are still listed
    geneva = desk.ask("What did a story from Geneva say about the water talks?")
    assert geneva.found


def test_a_name_the_archive_never_mentions_is_not_found(desk):
    """The archive has a cup final and a 2022 date but no World Cup: no guess from them. A
    name it writes with another word inside ("President Joe Biden" for "President Biden"), as
    the start of a longer word ("Russian" for "Russia") or with initials ("FC" for "Football
    Club") counts."""
    cup = desk.ask("Who won the 2022 World Cup?")
    assert not cup.found
    assert "The archive never mentions World Cup." in cup.text
    ukraine = desk.ask("What did Putin say about Ukraine?")
    assert "The archive never mentions Ukraine." in ukraine.text
    assert desk.ask("What did Putin and President Biden say in Geneva?").found
    assert "never mentions" not in desk.ask("What did Russia say about Washington?").text
    by_author = desk.ask("What did Priya Saldanha write about the grid battery?")  # a byline
    assert "never mentions" not in by_author.text
    club = desk.ask("What did Ashbury Harriers Football Club say about final tickets?")
    assert club.found  # the article writes "Ashbury Harriers FC"


def test_a_sentence_sharing_one_common_word_with_the_question_is_not_quoted(desk):
    """ "central" (Central Asia) and "decide" (AI rules) alone do not bring other stories into
    an answer on the central bank; one name the question gives ("Geneva") is enough."""
    bank = desk.ask("What did the central bank decide about rates?")
    assert {c.outlet for c in bank.citations} == {"Harbour Street Journal"}
    battery = desk.ask("Why did the grid battery matter in the heatwave?")
    assert [c.outlet for c in battery.citations] == ["Northfield Energy Report"]
    geneva = desk.ask("What happened in Geneva?")
    assert "Meridian Dispatch" in {c.outlet for c in geneva.citations}


def test_a_question_in_the_singular_finds_a_sentence_in_the_plural(desk):
    """ "temperature" is asked; the article says "temperatures hit a record 41 degrees"."""
    answer = desk.ask("What temperature did the heatwave reach?")
    assert answer.found
    assert "41 degrees" in answer.text


def test_how_much_asks_for_an_amount_and_brings_in_no_story_that_says_much(desk):
    """ "much" of "how much" is no topic: the central bank's "Much of the decline" stays out."""
    answer = desk.ask("How much did the tram line cost?")
    assert "410 million" in answer.text
    assert [c.outlet for c in answer.citations] == ["Riverton Evening Courier"]


def test_the_sentence_giving_the_amount_leads_the_answer(desk):
    """The tram story opens with its delays; the sentence with the cost leads the answer."""
    answer = desk.ask("how much did the tram line cost")
    assert answer.text.startswith("The final cost is put at 410 million")


def test_another_story_that_answers_as_well_is_quoted_too(desk):
    """Both central bank stories say when the next decision is due; the newer one, which
    adds no word of the question, is quoted beside the older, which scores a little higher."""
    answer = desk.ask("when is the next rate decision")
    assert "August 2" in answer.text
    assert "December 13" in answer.text
    assert {c.published.isoformat() for c in answer.citations} == {"2023-06-14", "2023-11-08"}


def test_a_story_sharing_no_word_with_the_question_does_not_answer_it(desk):
    """The cup semi-final's report names people, as "who" asks, but holds neither "paid" nor
    "tram": the answer comes from the tram story."""
    answer = desk.ask("who paid for the tram")
    assert answer.found
    assert [c.outlet for c in answer.citations] == ["Riverton Evening Courier"]


def test_an_amount_about_something_else_does_not_lead(desk):
    """The lander story gives no amount of ice, only how deep the rover drilled: its opening
    leads, not the depth, which holds no word of the question."""
    answer = desk.ask("how much water ice did the lander find")
    assert answer.text.startswith("A robotic lander operating near the moon's south pole")


def test_how_big_is_answered_by_a_power_rating(desk):
    """A battery's size is its power: "can deliver 400 megawatts for up to four hours"."""
    answer = desk.ask("how big is the grid battery")
    assert answer.found
    assert "400 megawatts" in answer.text


def test_how_deep_is_answered_by_a_depth_not_a_temperature(desk):
    """The lede gives "80 degrees Celsius"; the depth is in the next paragraph. A depth in
    centimetres is a depth too."""
    answer = desk.ask("How deep were the vents?")
    assert "2,500 metres" in answer.text
    drilled = desk.ask("how deep did the rover drill")
    assert drilled.text.startswith("A drill on the rover collected samples from about 30")


def test_a_who_question_finds_the_noun_for_the_one_who_does_it(desk):
    """ "Who manages" is answered by "Harriers' manager, Sofia Lindqvist"; a question that
    is no "who" question keeps "manager" apart from "manages"."""
    answer = desk.ask("Who manages the Harriers?")
    assert "Sofia Lindqvist" in answer.text
    assert agent_nouns("Who manages the Harriers?")["manager"] == "manag"
    assert "winner" not in agent_nouns("Who scored the winning goal?")
    assert agent_nouns("Who is the manager?") == agent_nouns("How do I manage a club?") == {}


def test_a_when_question_gets_the_sentence_that_gives_the_date(desk):
    """The lead covers "cup final" and says "on Sunday" (of the semi-final); the date asked
    for is in "The final will be played on May 18", which also says where."""
    answer = desk.ask("When is the cup final?")
    assert "May 18" in answer.text
    assert {c.outlet for c in answer.citations} == {"Touchline Daily"}
    assert "national stadium" in desk.ask("Where is the cup final?").text


def test_the_year_asked_for_is_no_topic(desk):
    """ "What year" asks for a year: the tram story's title ("after years of delays") and a
    sentence saying "start" do not bring it into an answer on the measles campaign."""
    answer = desk.ask("What year did the measles campaign start?")
    assert [c.outlet for c in answer.citations] == ["Public Health Bulletin Daily"]


def test_the_date_asked_about_is_answered_by_the_articles_date(desk):
    """No sentence says "June 2023", but the central bank story came out then, and only it
    answers; none came out in June 2022, so that answer gives each line its article's date."""
    then = desk.ask("What did the central bank decide in June 2023?")
    assert then.found
    assert [c.published.isoformat() for c in then.citations] == ["2023-06-14"]
    other = desk.ask("What did the central bank decide in June 2022?")
    assert all(line.startswith("2023-") for line in other.text.splitlines())


def test_a_question_naming_only_a_period_gets_the_opening_of_each_story_from_then(desk):
    """ "What happened in 2022?" quotes the first sentence of each 2022 article, even when
    the passages found for it are from further down; a period with no article is said so."""
    answer = desk.ask("What happened in 2022?")
    assert answer.found
    assert {c.published.year for c in answer.citations} == {2022}
    assert len(answer.citations) == 3
    for cite in answer.citations:
        opening = split_sentences(desk.index.keyword.article_chunks(cite.article_id)[0].text)[0]
        assert cite.quote == opening
    empty = desk.ask("What happened in May 2019?")
    assert not empty.found
    assert "No article came out in that period." in empty.text


def test_a_name_shared_only_by_stories_on_other_topics_is_not_the_answer(desk):
    """ "What rules" asks for a name; "Geneva" is the one most passages share, but those
    passages are about glacier water and a summit, so no Geneva sentence is quoted."""
    answer = desk.ask("What rules apply to AI procurement?")
    assert [c.outlet for c in answer.citations] == ["Civic Tech Ledger"]
    assert "Geneva" not in answer.text


def test_a_name_counts_only_in_passages_about_the_question():
    """ "Jane Doe" in passages that share no two words with the question gets no support
    from them, so "Sam Altman", named in the passages about the return, is the answer."""
    off_topic = passages(
        "Jane Doe opened a bakery.", "Jane Doe sold the bakery.", "Jane Doe baked bread."
    )
    question = "Who was brought back to lead the company?"
    assert likely_answer_name(question, off_topic) is None
    assert likely_answer_name(question, [BOARD[0], *BOARD[2:], *off_topic]) == "Sam Altman"


def test_words_asking_what_is_new_name_no_topic():
    """ "latest" and "new" ask what is new: a story holding them, and not the fund, is not
    about the question, so they weigh nothing."""
    question = "whats the latest drama at the new songs fund"
    found = passages("The fund's latest drama.", "A new drama at the trial.")
    terms = question_terms(question, plan_query(question), found)
    assert set(terms.weights) == {"drama", "song", "fund"}


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
    assert with_speaker(sentences, 1) == f"On the other hand, Putin said, {sentences[1]}"


def test_speaker_after_a_multi_sentence_quotation_is_kept():
    """A trailing "said the President." is attached to a sentence inside the quotation."""
    text = "“The summit opened up opportunities. Work has begun.”\n\nsaid the President."
    sentences = split_sentences(text)
    assert (
        with_speaker(sentences, 0) == "“The summit opened up opportunities. … said the President."
    )


def passages(*texts: str) -> list[Passage]:
    """One passage per text, each from its own article, ranked in order."""
    return [
        Passage(f"c{i}", f"a{i}", 0, text, f"Story {i}", "Daily Post", None, None, None, 1.0)
        for i, text in enumerate(texts)
    ]


def rated_by_meaning(
    text: str,
    score: float,
    held: set[str],
    *,
    article: str,
    rank: int = 0,
    index: int = 0,
    lede: bool = True,
) -> Rated:
    """A candidate holding the question stems `held`, scored by meaning alone: passage and
    article `rank`, sentence `index` of its passage."""
    none: frozenset[str] = frozenset()
    cand = Candidate(
        rank, article, rank, 0, index, text, text, frozenset(held), none, none, 0, True, lede
    )
    return Rated(cand, {"meaning": score}, score)


BOARD = passages(
    "Sam Altman came back to lead the company. Jane Doe chaired the board meeting.",
    "Investors said Altman had won back the company. Jane Doe declined to comment.",
    "Staff cheered when Altman walked back into the company.",
    "A letter signed by staff asked for Altman to come back to the company.",
)


def test_a_surname_counts_for_the_full_name_it_follows():
    """The surname in three passages outweighs "Jane Doe" in two; the full name is returned."""
    question = "Who was brought back to lead the company?"
    assert likely_answer_name(question, BOARD) == "Sam Altman"


def test_a_who_question_wants_a_name_given_in_full():
    """A lone word is never the answer to "who", but may answer "which company"."""
    texts = passages(
        "Sam Altman met Google staff and signed the deal.",
        "Google and Sam Altman agreed the deal and signed it.",
        "Google signed the deal.",
    )
    assert likely_answer_name("Who signed the deal?", texts) == "Sam Altman"
    assert likely_answer_name("Which company signed the deal?", texts) == "Google"


def test_a_short_form_is_answered_with_the_name_it_shortens():
    """A "Fed" in most passages is answered as the "Federal Reserve" one passage gives in full;
    a name that merely starts the same way ("Google Play" for "Google") is not."""
    fed = passages(
        "The Federal Reserve held rates. Investors cheered the Fed.",
        "Markets say the Fed held rates again.",
        "Traders noted the Fed held rates steady.",
    )
    assert likely_answer_name("Which institution held rates?", fed) == "Federal Reserve"
    google = passages(
        "Google Play grew, and the company said yes to more apps.",
        "Analysts at the company praised Google and said yes.",
        "Google said yes, the company confirmed.",
    )
    assert likely_answer_name("Which company said yes?", google) == "Google"


def test_a_question_about_what_someone_said_wants_no_name():
    """A "What did ... say" question asks for words, so no name is pressed into the answer."""
    assert likely_answer_name("What did the board say about the return?", BOARD) is None


def test_the_answer_to_a_who_question_holds_the_full_name(desk):
    """The reply quotes the sentence giving the likely answer's full name."""
    question = "Who was welcomed back by staff and investors?"
    answer = desk.answerer.answer(question, plan_query(question), BOARD)
    assert answer.found
    assert "Sam Altman" in answer.text


def test_a_story_sharing_only_a_name_with_the_question_does_not_corroborate(desk):
    """The summit story shares only "Geneva" with a question on the glacier talks: it holds
    55% of what the best sentence answers, short of the 60% that a second source needs."""
    talks, summit, museum, tours = passages(
        "Delegations met in Geneva to share glacier water. The talks open today.",
        "Putin praised the summit in Geneva in June.",
        "The glacier museum opened.",
        "Glacier tours resumed.",
    )
    question = "What are the Geneva glacier talks about?"
    answer = desk.answerer.answer(question, plan_query(question), [talks, summit, museum, tours])
    assert [c.title for c in answer.citations] == [talks.title]


def test_a_period_question_naming_an_outlet_quotes_only_that_outlet(desk):
    """ "What did the Daily Post report in 2022?" opens each 2022 Daily Post story, dated, not
    the Evening Star's, nor a Daily Post story from 2021."""
    post, star, old = passages(
        "The council approved the tram budget. It funds new lines.",
        "The mayor opened the new depot.",
        "The council met for the first time.",
    )
    post = replace(post, published=date(2022, 5, 1))
    star = replace(star, outlet="Evening Star", published=date(2022, 6, 1))
    old = replace(old, published=date(2021, 5, 1))
    question = "What did the Daily Post report in 2022?"
    plan = plan_query(question, OutletMatcher(["Daily Post", "Evening Star"]), date(2024, 1, 1))
    answer = desk.answerer.answer(question, plan, [star, old, post])
    assert answer.text == "2022-05-01: The council approved the tram budget. [1]"
    assert [c.title for c in answer.citations] == [post.title]


def test_the_news_opens_each_story_with_its_first_prose_sentence(desk):
    """ "What did the Daily Post report lately?" quotes each story's first sentence of prose,
    not the heading the page opens with."""
    (post,) = passages("The manager's future\n\nThe club sacked its manager on Monday night.")
    post = replace(post, published=date(2023, 12, 25))
    question = "What did the Daily Post report lately?"
    plan = plan_query(question, OutletMatcher(["Daily Post"]))
    answer = desk.answerer.answer(question, plan, [post])
    assert answer.text == "2023-12-25: The club sacked its manager on Monday night. [1]"


def test_a_comparison_quotes_each_outlet_it_names(desk):
    """Each outlet the question names is cited, even when another one covers more of it."""
    post, star = passages(
        "The council approved the tram budget on Monday. The tram budget funds new lines.",
        "Critics were not convinced by the figures.",
    )
    star = replace(star, outlet="Evening Star")
    question = "Does the Daily Post report on the tram budget agree with the Evening Star?"
    plan = plan_query(question, OutletMatcher(["Daily Post", "Evening Star"]))
    answer = desk.answerer.answer(question, plan, [post, star])
    assert {c.outlet for c in answer.citations} == {"Daily Post", "Evening Star"}


def test_sentences_of_one_article_stand_together_so_sources_number_in_order(desk):
    """Two passages of one article ranked around another article's: the reply quotes the first
    article's two sentences together, and cites [1], [1], [2]."""
    first, other, second = passages(
        "The tram budget was approved by the council on Monday.",
        "The tram budget was praised by the mayor at the depot.",
        "The tram budget pays for two new lines across the river.",
    )
    second = replace(second, article_id=first.article_id, title=first.title)
    question = "What does the tram budget pay for, and who approved and praised it?"
    answer = desk.answerer.answer(question, plan_query(question), [first, other, second])
    lines = answer.text.splitlines()
    assert [line[-3:] for line in lines] == ["[1]", "[1]", "[2]"]
    assert "council" in lines[0] and "new lines" in lines[1] and "mayor" in lines[2]


def test_an_articles_sentences_are_quoted_in_the_order_it_gives_them(desk):
    """The best sentence leads; the others of its article follow as the article gives them,
    not in the order their passages rank."""
    texts = passages(
        "The tram budget was approved by the council on Monday.",
        "Work on the two tram lines starts in May and ends in 2027.",
        "The tram budget pays for two new lines across the river.",
    )
    texts = [
        replace(p, article_id="a0", title="Story 0", position=position)
        for p, position in zip(texts, (3, 5, 1), strict=True)
    ]
    question = "What does the tram budget pay for, who approved it, and when does work start?"
    lines = desk.answerer.answer(question, plan_query(question), texts).text.splitlines()
    assert len(lines) == 3
    assert "council" in lines[0] and "new lines" in lines[1] and "May" in lines[2]


def test_an_ordinary_word_opening_a_sentence_is_not_part_of_the_name():
    """A "Singer" opening a sentence is written in lowercase elsewhere, so the name is "Taylor
    Swift"; "new" is written in lowercase too, but also as "in New York", so "New" stays."""
    texts = [
        "Singer Taylor Swift spoke. New York Mets fans cheered.",
        "The singer played a new song in New York.",
    ]
    ordinary = ordinary_words(texts)
    assert "singer" in ordinary and "new" not in ordinary
    assert names_in(texts[0], ordinary) == [("Taylor Swift", False), ("New York Mets", False)]
    assert names_in(texts[0])[0] == ("Singer Taylor Swift", False)


def test_a_word_typed_in_lower_case_is_a_name_when_the_articles_write_it_as_one():
    """ "trump" is written "Donald Trump" and never in lower case; "trial" is written both
    ways ("Trial lawyers" opens a sentence, "the trial" does not)."""
    texts = ["A judge ruled that Donald Trump committed fraud.", "Trial lawyers met. The trial."]
    assert written_as_names(["trump", "fraud", "trial"], texts) == ["trump"]


def test_another_story_is_quoted_only_when_it_holds_a_name_the_question_gives():
    """ "trump fraud trial start date?" gives "trump" in lower case; the articles write it as a
    name. A close sentence of the Bankman-Fried trial's story, which holds "fraud", "trial"
    and "start" but not "trump", is not quoted beside the Trump story's."""
    question = "trump fraud trial start date?"
    weights = Weights({"meaning": 1.0}, threshold=0.5)
    ruling = "A judge ruled Tuesday that Donald Trump committed fraud for years."
    start = "Engoron is slated to hold a non-jury trial starting Oct. 2."
    other = "The criminal trial for Sam Bankman-Fried started Tuesday on seven fraud counts."

    ranked = [
        rated_by_meaning(ruling, 0.9, {"trump", "fraud"}, article="trump", rank=0),
        rated_by_meaning(other, 0.85, {"fraud", "trial", "start"}, article="sbf", rank=1),
        rated_by_meaning(start, 0.6, {"trial", "start"}, article="trump", rank=2),
    ]
    passages = [
        Passage(f"p{n}", r.cand.article_id, 0, r.cand.text, "", "X", None, None, None, 1.0)
        for n, r in enumerate(ranked)
    ]
    choice = choose(ranked, read_intent(question), plan_query(question), passages, weights)
    assert [c.text for c in choice.sentences] == [ruling, start]


def test_a_possessive_ends_a_name():
    """A possessive splits "Google’s Bard" in two; "Martin O’Neill" stays one; "Staff" opens."""
    assert names_in("Staff praised Google’s Bard and Martin O’Neill.") == [
        ("Staff", True),
        ("Google", False),
        ("Bard", False),
        ("Martin O’Neill", False),
    ]


def test_every_candidate_is_compared_by_meaning_from_the_vectors_kept_at_ingest(desk):
    """With the sentence vectors ingest kept, every candidate gets its meaning, the same (to
    float16) as running the model on it; without them only the MEANING_POOL best and wordiest
    are compared, by the model."""
    question = "What did the central bank decide?"
    found = desk.gather(question)
    asked = (question, found.plan, found.passages, found.read, read_intent(question), found.vector)
    kept = desk.answerer.rate(*asked)
    assert len(kept) > 2 * MEANING_POOL
    assert all(r.values["meaning"] != 0.0 for r in kept)
    unkept = ExtractiveAnswerer(desk.index.embedder).rate(*asked)
    compared = [r for r in unkept if r.values["meaning"] != 0.0]
    assert MEANING_POOL <= len(compared) <= 2 * MEANING_POOL
    meaning = {r.cand: r.values["meaning"] for r in kept}
    assert all(abs(meaning[r.cand] - r.values["meaning"]) < 2e-3 for r in compared)


def chosen_from_one_story(question: str, lede: str, best: str, terms: set[str]) -> list[str]:
    """The sentences chosen from one story whose opening scores under the line (0.1 against
    0.5) and whose best sentence, holding the question's stems `terms`, scores 0.9."""
    weights = Weights({"meaning": 1.0}, threshold=0.5)
    ranked = [
        rated_by_meaning(best, 0.9, terms, article="story", index=1, lede=False),
        rated_by_meaning(lede, 0.1, set(), article="story", index=0, lede=True),
    ]
    passage = Passage("story-0", "story", 0, f"{lede} {best}", "Story", "X", None, None, None, 1.0)
    choice = choose(ranked, read_intent(question), plan_query(question), [passage], weights)
    return [c.text for c in choice.sentences]


def test_the_best_storys_opening_leads_a_broad_answer_whatever_its_own_score():
    """A story's first sentence leads the answer to "tell me about X" when another of its
    sentences answers best, even when the opening alone scores under the line (it does not
    name X: "A Utah mother of six ... pleaded guilty")."""
    lede = "A Utah mother of six who gave parenting advice pleaded guilty on Monday."
    best = "Ruby Franke stood shackled in jail clothing as she pleaded guilty to charges."
    chosen = chosen_from_one_story("tell me about the ruby franke case", lede, best, {"rubi"})
    assert chosen == [lede, best]


def test_the_best_sentence_leads_an_answer_after_one_fact():
    """ "Where did Apollo 11 land?" is answered by the sentence that gives the place, not
    the story's opening: only a broad question is led by the opening."""
    lede = "Apollo 11 was the American spaceflight that first landed humans on the Moon."
    best = "The lunar module landed in the Sea of Tranquility on July 20, 1969."
    question = "Where did Apollo 11 land on the moon?"
    assert chosen_from_one_story(question, lede, best, {"apollo", "land"}) == [best]


def test_a_timeline_holds_only_the_stories_naming_what_the_question_names(desk):
    """Three cup final stories on three days, one never naming the Harriers: "What happened
    with the Harriers in the cup final?" is a timeline of the two that do."""
    days = [date(2024, 4, 21), date(2024, 5, 2), date(2024, 5, 19)]
    texts = [
        "The Harriers beat the champions to reach the cup final.",
        "The cup final sold out in a day as fans queued for tickets.",
        "The Harriers won the cup final for the first time.",
    ]
    stories = [
        replace(p, published=day, title=f"Cup final story {i}")
        for i, (p, day) in enumerate(zip(passages(*texts), days, strict=True))
    ]
    question = "What happened with the Harriers in the cup final?"
    answer = desk.answerer.answer(question, plan_query(question), stories)
    assert [line[:10] for line in answer.text.splitlines()] == ["2024-04-21", "2024-05-19"]


@pytest.mark.parametrize("question", ["helen marsh", "What's the latest with Helen Marsh?"])
def test_a_question_giving_only_a_name_gets_the_dated_sentences_naming_it(desk, question):
    """A name alone, or what is new with it, is answered by the sentences that name it, one
    per story, dated: Helen Marsh speaks in both central bank stories, in neither opening."""
    answer = desk.ask(question)
    assert answer.found, answer.text
    lines = answer.text.splitlines()
    assert [line[:10] for line in lines] == ["2023-06-14", "2023-11-08"]
    assert all("Helen Marsh" in line for line in lines)


def test_a_sentence_following_from_the_one_before_is_quoted_after_it(desk):
    """ "As a result, the court said it would ban imports" does not say what it results from:
    the sentence before it, the ruling, comes first."""
    text = (
        "Shoppers had queued outside stores in the capital since dawn on Monday. The trade court"
        " ruled in the summer that the smartwatch copied two patents held by a small medical"
        " device maker. As a result, the court said it would ban imports of the watch from"
        " December. Shops will stop selling it after the holidays."
    )
    question = "Why is the smartwatch being banned?"
    answer = desk.answerer.answer(question, plan_query(question), passages(text))
    lines = answer.text.splitlines()
    assert lines[0].startswith("The trade court ruled in the summer"), answer.text
    assert lines[1].startswith("As a result, the court said"), answer.text


def test_every_retrieved_article_is_read_from_its_opening(desk):
    """The best articles are read in full; every other retrieved article, its opening passage:
    a news story gives its main facts first, in a passage that may not have ranked."""
    found = desk.gather("How did the Harriers do in the cup?")
    articles = list(dict.fromkeys(p.article_id for p in found.passages))
    assert len(articles) > ARTICLES_READ
    read = {(p.article_id, p.position) for p in found.read}
    for article in articles[ARTICLES_READ:]:
        assert (article, 0) in read
        assert all(position < OPENING_PASSAGES for a, position in read if a == article)


def test_an_opening_read_only_for_its_facts_does_not_lead():
    """An article's first sentence is its lede when its opening passage ranked or the article
    is one of those read in full; an opening read only for the facts it gives is no lede."""
    texts = {a: f"The {a} story opens here with its main fact. It goes on." for a in "abc"}

    def passage(article: str, position: int) -> Passage:
        text = texts[article] if position == 0 else "A later passage of the story says more."
        return Passage(f"{article}-{position}", article, position, text, "T", "X", *[None] * 3, 1.0)

    retrieved = [passage("a", 0), passage("b", 2), passage("c", 3)]
    read = [passage("b", 0), passage("c", 0)]
    question = "What is the main fact of the story?"
    plan = plan_query(question)
    found = candidates(retrieved, question_terms(question, plan, retrieved), plan, read)
    ledes = {c.article_id for c in found if c.lede}
    assert ledes == {"a", "b"}
    assert any(
        c.article_id == "c" and c.text == "The c story opens here with its main fact."
        for c in found
    )


def test_a_quotation_is_quoted_once_from_where_it_opens():
    """A quotation's first sentence comes with the words that close it ("… That's what
    happens when you change the punch," Canelo said). When the closing sentence scores best,
    the quotation is given from its opening through to it, once: alone, the closing words
    do not show where the quotation starts."""
    closing = "That's what happens when you change the punch,\" Canelo said about the knockdown."
    opening = '"I worked the whole fight on going to the body, and then I changed it up.'
    other = "Charlo was unprepared for one of the best pound-for-pound fighters in the world."
    quoted = rated_by_meaning(closing, 0.9, {"canelo"}, article="fight", index=1, lede=False)
    with_it = rated_by_meaning(opening, 0.8, {"canelo"}, article="fight", index=0, lede=False)
    with_it = replace(with_it, cand=replace(with_it.cand, excerpt=f"{opening} … {closing}"))
    rest = rated_by_meaning(other, 0.7, {"charlo"}, article="fight", index=2, lede=False)
    question = "What did Canelo say after he beat Charlo?"
    text = f"{opening} {closing} {other}"
    passage = Passage("fight-0", "fight", 0, text, "Fight", "X", None, None, None, 1.0)
    weights = Weights({"meaning": 1.0}, threshold=0.5)
    ranked = [quoted, with_it, rest]
    for r in ranked:
        r.values["asked_for"] = 1.0  # as if each gave the words asked for
    choice = choose(ranked, read_intent(question), plan_query(question), [passage], weights)
    assert [c.text for c in choice.sentences] == [opening, other]
    assert choice.sentences[0].excerpt == f"{opening} … {closing}"
