"""The extractive answerer: the sentences that answer a question, each cited, no LLM.

Every prose sentence of the retrieved passages, and the opening of their articles, is a
candidate, rated by one score (see `bot.qa.scoring`). The best answers, unless it scores too
low: then the articles do not hold the answer and the reply says so. The answer is composed
for the kind of question: a story's opening, with its date, leads the answer to "What happened
with X?"; several stories of one event on different days make a dated timeline; a question
after one fact gets the sentence that gives it, then at most two more that add to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from bot.qa.candidates import (
    EVENTLESS,
    Candidate,
    candidates,
    question_terms,
    with_read,
    within,
)
from bot.qa.intent import AMOUNT, BROAD, DATE, SPEECH, Intent, read_intent
from bot.qa.names import likely_answer_name, names_in, written_as_names
from bot.qa.plan import QueryPlan
from bot.qa.scoring import Weights, date_given, features, fitted_weights
from bot.qa.types import Answer, Citation, Passage
from ingest.embed import meaning_text
from ingest.text.dates import names_relative_date
from ingest.text.prose import is_prose
from ingest.text.sentences import split_sentences
from ingest.text.words import stems

MAX_SENTENCES = 4  # with one from each outlet the question names
MAX_ANSWERING = 3  # sentences that answer, at most
MAX_LENGTH = 600  # characters of the answering sentences, unless the first alone is longer
TIMELINE = 4  # stories in a timeline, at most
CLOSE = 2.0  # how near the best a further sentence from another article, adding no word of
# the question, must score
GAIN = 2.0  # weight, beside its score, of the question's words a further sentence adds
REDUNDANT = 0.7  # share of a sentence's words another chosen one holds: it adds nothing
NAME_WORDS = 3  # words, at most, of a name a question gives as its whole topic
NAME_READ = 3  # of the best sentences holding those words, those read for the name
MEANING_POOL = 5  # of the candidates whose vectors were not kept at ingest, those compared by
# meaning: the best by the other features, and as many holding the most of the question's words
NOT_FOUND = "I could not find that in the articles."
# Openings that say the sentence follows from the one before: "As a result, …"
_FOLLOWING = re.compile(
    r"^\W*(?:as\s+a\s+result|consequently|therefore|thus|hence|because\s+of\s+(?:this|that)"
    r"|that(?:'s|’s|\s+is)\s+why|this\s+(?:is\s+why|means))\b",
    re.I,
)
_WHAT_IS_NEW = re.compile(r"\b(?:news|new|latest|headlines|updates?|recently|lately)\b", re.I)


@dataclass
class Rated:
    """A candidate sentence with its feature values and its score, and whether it gives the
    name a "who" or "which" question most likely asks for."""

    cand: Candidate
    values: dict[str, float]
    score: float = 0.0
    gives_name: bool = False


@dataclass
class Choice:
    """The sentences an answer quotes, in order, and those whose article's date leads them."""

    sentences: list[Candidate]
    dated: set[Candidate] = field(default_factory=set)


class ExtractiveAnswerer:
    """Picks, orders and cites the sentences that answer a question."""

    def __init__(
        self,
        embedder,
        weights: Weights | None = None,
        sentence_vectors: Callable[[list[str]], dict[str, np.ndarray]] | None = None,
    ) -> None:
        self.embedder = embedder
        self.weights = weights or fitted_weights()
        self.sentence_vectors = sentence_vectors or (lambda chunk_ids: {})

    def answer(
        self,
        question: str,
        plan: QueryPlan,
        passages: list[Passage],
        read: list[Passage] | None = None,
        vector: np.ndarray | None = None,
    ) -> Answer:
        """An Answer built only from sentences of the passages (and of the passages `read`
        with their articles), or a "not found" answer; vector is the question's, when the
        caller has it."""
        if asks_only_for_news(plan):
            return self._news(question, plan, passages)
        read = read or []
        quoted = with_read(passages, read)
        intent = read_intent(question)
        rated = self.rate(question, plan, passages, read, intent, vector)
        choice = choose(rated, intent, plan, quoted, self.weights)
        if choice is None:
            reason = _why_none(_from_stories_sharing_a_word(rated), intent, self.weights, question)
            return not_found(question, passages, reason=reason)
        return compose(question, quoted, choice)

    def rate(
        self,
        question: str,
        plan: QueryPlan,
        passages: list[Passage],
        read: list[Passage],
        intent: Intent,
        vector: np.ndarray | None = None,
    ) -> list[Rated]:
        """Every candidate with its features and score, best first. Each is compared with the
        question by meaning, by the vector its sentence got at ingest; of those without one
        (an archive ingested before they were kept), only the meaning_pool, by the model."""
        terms = question_terms(question, plan, passages)
        found = candidates(passages, terms, plan, read)
        name = likely_answer_name(question, passages)
        rated = [
            Rated(c, features(c, terms, intent), gives_name=bool(name) and name in c.text)
            for c in found
        ]
        if rated and vector is None:
            vector = self.embedder.encode([question])[0]
        quoted = with_read(passages, read)
        kept = self.sentence_vectors([p.chunk_id for p in quoted]) if rated else {}
        unkept = []
        for r in rated:
            rows = kept.get(quoted[r.cand.passage_rank].chunk_id)
            if rows is not None and len(rows) == r.cand.sentences:  # split as it was at ingest
                r.values["meaning"] = float(rows[r.cand.index] @ vector)
            else:
                unkept.append(r)
        self._compare_by_model(unkept, vector)
        for r in rated:
            r.score = self.weights.score(r.values)
        rated.sort(key=lambda r: r.score, reverse=True)
        return rated

    def _compare_by_model(self, unkept: list[Rated], vector: np.ndarray | None) -> None:
        """Compare the meaning_pool of the candidates without kept vectors with the question,
        by running the model on them."""
        if not unkept:
            return
        for r in unkept:
            r.score = self.weights.score(r.values)
        unkept.sort(key=lambda r: r.score, reverse=True)
        compared = meaning_pool(unkept)
        texts = [meaning_text(r.cand.text) for r in compared]
        for r, similarity in zip(compared, self.embedder.encode(texts) @ vector, strict=True):
            r.values["meaning"] = float(similarity)

    def _news(self, question: str, plan: QueryPlan, passages: list[Passage]) -> Answer:
        """For a question that names no topic, only a period, an outlet or what is new ("What
        happened last week?", "What did the Daily Post report in May?", "any news?"): the
        opening sentence of each article from that period (and the outlets named), in the
        order given, from the first of its passages given (the service gives the newest
        articles' first passages)."""
        outlets = {o for mention in plan.outlets for o in mention.outlets}
        first: dict[str, tuple[int, Passage]] = {}
        for rank, passage in enumerate(passages):
            dated = not plan.dates or within(passage, plan.dates)
            if dated and (not outlets or passage.outlet in outlets):
                first.setdefault(passage.article_id, (rank, passage))
        none: frozenset[str] = frozenset()
        openings = [(rank, p, _opening_sentence(p)) for rank, p in first.values()]
        opened = [(rank, p, s) for rank, p, s in openings if s][:MAX_SENTENCES]
        leads = [
            Candidate(rank, p.article_id, n, p.position, 0, s, s, none, none, none, 0, True, True)
            for n, (rank, p, s) in enumerate(opened)
        ]
        if not leads:
            reason = "No article came out in that period." if plan.dates else None
            return not_found(question, passages, reason=reason)
        return compose(question, passages, Choice(leads, set(leads)))


def _opening_sentence(passage: Passage) -> str:
    """A passage's first prose sentence ("" when it has none): not a heading or a caption."""
    return next((s for s in split_sentences(passage.text) if is_prose(s)), "")


def meaning_pool(rated: list[Rated], size: int = MEANING_POOL) -> list[Rated]:
    """The candidates worth comparing by meaning: the `size` best by the other features (as
    rated is ordered), and the `size` holding the most of the question's words."""
    wordy = sorted(rated, key=lambda r: r.values["coverage"], reverse=True)
    return list({id(r): r for r in [*rated[:size], *wordy[:size]]}.values())


def choose(
    rated: list[Rated], intent: Intent, plan: QueryPlan, passages: list[Passage], weights: Weights
) -> Choice | None:
    """The sentences that answer, or None when even the best scores under the threshold, when
    the question asks for someone's words and no sentence has them speak, or when it asks for
    an amount and the sentences that answer give none of the measure asked. A question
    after someone or something alone ("helen marsh", "What's new with ValleyLink?") is
    answered by the sentences naming it, whatever they score: they are the archive's news of
    it. Only stories sharing a word with the question answer; an outlet it names is quoted
    whatever its story shares."""
    threshold = weights.threshold
    every, rated = rated, _from_stories_sharing_a_word(rated)
    naming = _naming_the_name_asked(rated, intent, plan)
    if naming is not None:
        rated, threshold = naming, float("-inf")
    rated = _of_the_dates_asked(rated, plan, passages, threshold)
    if not rated or rated[0].score < threshold or _unheard(rated, intent):
        return None
    best = rated[0]
    answering = [
        r
        for r in rated
        if r.score >= threshold and (r.cand.on_topic or r.cand.article_id == best.cand.article_id)
    ]
    if intent.kind == BROAD:  # a timeline tells the story of what the question names
        named = [r for r in answering if _holds(r, plan.name_stems)]
        timeline = _timeline(named, passages)
        if timeline:
            return timeline
    # The best story's opening leads a broad answer, whatever its own score; a question after
    # one fact is led by the sentence that gives it.
    first = _opening(best, rated) if intent.kind == BROAD else best
    if intent.kind == AMOUNT:
        first = _giving_the_amount(best, answering)
    chosen = [first.cand] if first is best else [first.cand, best.cand]
    names = _question_names(plan, rated)
    besides = [
        r for r in answering if r.cand.article_id == best.cand.article_id or _holds(r, names)
    ]
    chosen += _adding(besides, chosen, MAX_LENGTH - sum(len(c.excerpt) for c in chosen))
    chosen += _naming(rated, chosen)
    chosen += _from_named_outlets(every, chosen, plan, passages)
    chosen = _from_where_quotations_open(chosen, rated)
    chosen = _after_what_they_follow(_in_reading_order(chosen[:MAX_SENTENCES]), rated)
    if intent.kind == AMOUNT and not _giving_what_is_asked(rated) & set(chosen):
        return None
    if plan.dates and not any(within(passages[c.passage_rank], plan.dates) for c in chosen):
        return Choice(chosen, set(chosen))  # from other days than those asked: say which
    dated = {first.cand} if intent.kind == BROAD and first.cand.lede else set()
    return Choice(chosen, dated | _day_only(chosen, intent))


def _from_stories_sharing_a_word(rated: list[Rated]) -> list[Rated]:
    """The candidates whose story holds a word of the question, in its title or a sentence
    read: one sharing none is about something else, however its sentences score ("who paid
    for the tram" is not answered from a cup tie's report)."""
    sharing = {r.cand.article_id for r in rated if r.cand.terms or r.cand.title_terms}
    return [r for r in rated if r.cand.article_id in sharing]


def _naming_the_name_asked(
    rated: list[Rated], intent: Intent, plan: QueryPlan
) -> list[Rated] | None:
    """For a broad question whose whole topic is a name, the candidates naming it; None for
    any other question. The words are a name when one of the best sentences holding them
    writes them as one ("helen marsh": "Governor Helen Marsh said")."""
    topic = _topic_stems(plan)
    if intent.kind != BROAD or not 0 < len(topic) <= NAME_WORDS:
        return None
    naming = [r for r in rated if topic <= r.cand.terms]
    for r in naming[:NAME_READ]:
        if topic <= stems(" ".join(name for name, lone in names_in(r.cand.text) if not lone)):
            return naming
    return None


def _of_the_dates_asked(
    rated: list[Rated], plan: QueryPlan, passages: list[Passage], threshold: float
) -> list[Rated]:
    """The candidates from articles that came out in the dates the question names, when one
    of them answers on the question's topic; all of them otherwise. A story of those dates
    that shares only the month with the question ("what did putin say about china in
    november", the latest November's rate cut) does not answer it."""
    then = [r for r in rated if plan.dates and within(passages[r.cand.passage_rank], plan.dates)]
    return then if then and then[0].score >= threshold and then[0].cand.on_topic else rated


def _day_only(chosen: list[Candidate], intent: Intent) -> set[Candidate]:
    """For a "when" question, the chosen sentences that name only a weekday or a month ("on
    Saturday"), or a date read from the day they were written ("last week", "Nov. 16"):
    their article's date says which one."""
    if intent.kind != DATE:
        return set()
    return {c for c in chosen if date_given(c.excerpt) == 0.5 or names_relative_date(c.excerpt)}


def _unheard(rated: list[Rated], intent: Intent) -> bool:
    """Whether a question after a named person's words ("What did Biden say...") finds no
    sentence where that person speaks."""
    return intent.kind == SPEECH and bool(intent.speaker) and not _giving_what_is_asked(rated)


def _gives_in_full(r: Rated) -> bool:
    """Whether a candidate gives in full what the question asks for: the speaker's own words,
    an amount of the measure asked (see scoring.asked_for)."""
    return r.values["asked_for"] == 1.0


def _giving_what_is_asked(rated: list[Rated]) -> set[Candidate]:
    """The candidates that give in full what the question asks for."""
    return {r.cand for r in rated if _gives_in_full(r)}


def _why_none(rated: list[Rated], intent: Intent, weights: Weights, question: str) -> str | None:
    """What the reply says when no sentence answers: who was not heard, named as the question
    names them ("the prime minister"), or that the articles that answer give no such amount;
    None when nothing answers at all."""
    if _unheard(rated, intent):
        named = re.search(rf"\bthe\s+{re.escape(intent.speaker)}\b", question, re.I)
        return f"No article has {named.group() if named else intent.speaker} speak."
    if intent.kind == AMOUNT and rated and rated[0].score >= weights.threshold:
        return "The articles about it give no such figure."
    return None


def _opening(best: Rated, among: list[Rated]) -> Rated:
    """The opening sentence of the best sentence's article when it is among those given, else
    the best: a news story gives its main fact first."""
    return next(
        (r for r in among if r.cand.lede and r.cand.article_id == best.cand.article_id), best
    )


def _giving_the_amount(best: Rated, answering: list[Rated]) -> Rated:
    """The best sentence of the best one's article that gives the amount asked for and holds
    a word of the question, else the best: "How much did the tram line cost?" is answered by
    "The final cost is put at 410 million" before the story's opening, but "How much water
    ice did the lander find?" not by how deep its rover drilled."""
    same_story = (r for r in answering if r.cand.article_id == best.cand.article_id)
    return next((r for r in same_story if _gives_in_full(r) and r.cand.terms), best)


def _holds(r: Rated, names: frozenset[str]) -> bool:
    """Whether a candidate's sentence or title holds one of the names' stems (true when
    there are none)."""
    return not names or bool(names & (r.cand.terms | r.cand.title_terms))


def _question_names(plan: QueryPlan, rated: list[Rated]) -> frozenset[str]:
    """The stems of the names the question gives: those it capitalises, and its words the
    candidate sentences write only as names ("trump" typed, "Donald Trump" written). A
    sentence of another story than the best's is quoted only when it holds one."""
    written = written_as_names(plan.terms, [r.cand.text for r in rated])
    return plan.name_stems | frozenset(stems(" ".join(written)))


def _timeline(answering: list[Rated], passages: list[Passage]) -> Choice | None:
    """One sentence from each of several stories on different days, oldest first, when the
    best answers come from more than one day's story; None otherwise."""
    per_article: dict[str, Rated] = {}
    for r in answering:
        per_article.setdefault(r.cand.article_id, r)
    days = {passages[r.cand.passage_rank].published for r in per_article.values()}
    if len(per_article) < 2 or len(days - {None}) < 2:
        return None
    picked = [_opening(r, answering).cand for r in list(per_article.values())[:TIMELINE]]
    picked.sort(key=lambda c: passages[c.passage_rank].published or date.max)
    return Choice(picked, set(picked))


def _adding(answering: list[Rated], chosen: list[Candidate], room: int) -> list[Candidate]:
    """Further sentences that fit in `room` characters, each the one that best adds to those
    chosen: its score with GAIN for the question's words not yet quoted. One from another
    article must add such a word, or score within CLOSE of the best; none repeats what is
    chosen."""
    added: list[Candidate] = []
    top = answering[0].score if answering else 0.0
    articles = {c.article_id for c in chosen}
    while len(chosen) + len(added) < MAX_ANSWERING:
        held = set().union(*(c.terms for c in [*chosen, *added]))
        best, best_value = None, float("-inf")
        for r in answering:
            c = r.cand
            if c in chosen or c in added or len(c.excerpt) > room or _repeats(c, [*chosen, *added]):
                continue
            if c.article_id not in articles and not c.terms - held and r.score < top - CLOSE:
                continue
            value = r.score + GAIN * len(c.terms - held) / max(len(c.terms), 1)
            if value > best_value:
                best, best_value = c, value
        if best is None:
            break
        added.append(best)
        room -= len(best.excerpt)
    return added


def _from_where_quotations_open(chosen: list[Candidate], rated: list[Rated]) -> list[Candidate]:
    """The chosen sentences, each that goes on with a quotation opened in an earlier sentence
    of its passage given as that sentence, which is quoted through to it: alone, a quotation's
    later words ("But holding rates…," she said.) do not show where it starts."""
    opened: list[Candidate] = []
    for cand in chosen:
        opening = next((r.cand for r in rated if _opens_quotation_of(r.cand, cand)), cand)
        if opening not in opened:
            opened.append(opening)
    return opened


def _opens_quotation_of(earlier: Candidate, cand: Candidate) -> bool:
    """Whether an earlier sentence of cand's passage opens a quotation that cand goes on with
    (its excerpt is quoted through to cand)."""
    return (
        earlier.passage_rank == cand.passage_rank
        and earlier.index < cand.index
        and cand.text in earlier.excerpt
        and cand.text not in earlier.text
    )


def _after_what_they_follow(chosen: list[Candidate], rated: list[Rated]) -> list[Candidate]:
    """The chosen sentences, each that opens with what follows from the sentence before it
    ("As a result, the ITC said it would impose an import ban") right after that sentence,
    brought in or moved up: alone, it does not say what it follows from. At most
    MAX_SENTENCES."""
    candidate_at = {(r.cand.passage_rank, r.cand.index): r.cand for r in rated}
    ordered: list[Candidate] = []
    for cand in chosen:
        prior = candidate_at.get((cand.passage_rank, cand.index - 1))
        if _FOLLOWING.match(cand.text) and prior and prior not in ordered:
            ordered.append(prior)
        if cand not in ordered:
            ordered.append(cand)
    return ordered[:MAX_SENTENCES]


def _repeats(cand: Candidate, chosen: list[Candidate]) -> bool:
    """Whether a chosen sentence already holds most of this one's words, or either is quoted
    within the other (a quotation's opening comes with the words that close it)."""
    words = stems(cand.text)
    return any(
        len(words & stems(c.text)) >= REDUNDANT * len(words)
        or c.text in cand.excerpt
        or cand.text in c.excerpt
        for c in chosen
    )


def _naming(rated: list[Rated], chosen: list[Candidate]) -> list[Candidate]:
    """The best sentence giving the name a "who" or "which" question most likely asks for,
    when no chosen sentence gives it."""
    named = [r.cand for r in rated if r.gives_name]
    if not named or any(c in named for c in chosen):
        return []
    return named[:1]


def _from_named_outlets(
    rated: list[Rated], chosen: list[Candidate], plan: QueryPlan, passages: list[Passage]
) -> list[Candidate]:
    """For each outlet the question names and no chosen sentence comes from, its best
    sentence: "the article from TechCrunch ... while The Verge ..." quotes both."""
    added: list[Candidate] = []
    for mention in plan.outlets:
        quoted = [*chosen, *added]
        if any(passages[c.passage_rank].outlet in mention.outlets for c in quoted):
            continue
        best = next(
            (r.cand for r in rated if passages[r.cand.passage_rank].outlet in mention.outlets),
            None,
        )
        if best is not None:
            added.append(best)
    return added


def asks_only_for_news(plan: QueryPlan) -> bool:
    """Whether the question names no topic, only a period, an outlet or what is new: "What
    happened last week?", "What has the Daily Post reported?", "What's the latest news?"."""
    if _topic_stems(plan):
        return False
    return bool(plan.dates or plan.outlets or _WHAT_IS_NEW.search(plan.text))


def _topic_stems(plan: QueryPlan) -> frozenset[str]:
    """The stems of the question's words and phrases that name its topic: not its dates, nor
    what is new ("latest", "recently")."""
    return frozenset(stems(" ".join([*plan.terms, *plan.phrases])) - plan.date_stems - EVENTLESS)


def _in_reading_order(chosen: list[Candidate]) -> list[Candidate]:
    """The first sentence, then the others of its article as they stand in it, then the other
    articles' in the order they rank: an article's sentences are quoted together, in the order
    it gives them, and source numbers run in order."""
    first_rank: dict[str, int] = {chosen[0].article_id: -1}
    for cand in sorted(chosen, key=lambda c: c.passage_rank):
        first_rank.setdefault(cand.article_id, cand.passage_rank)
    rest = sorted(chosen[1:], key=lambda c: (first_rank[c.article_id], c.position, c.index))
    return [chosen[0], *rest]


def compose(question: str, passages: list[Passage], choice: Choice) -> Answer:
    """Sentences with their speakers, each followed by its source number; a dated one opens
    with its article's date."""
    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    lines = []
    for cand in choice.sentences:
        passage = passages[cand.passage_rank]
        excerpt = cand.excerpt
        if passage.article_id not in numbers:
            numbers[passage.article_id] = len(numbers) + 1
            citations.append(citation(numbers[passage.article_id], passage, excerpt))
        else:
            first = citations[numbers[passage.article_id] - 1]
            citations[first.number - 1] = _extend_quote(first, excerpt)
        day = passage.published.isoformat() if passage.published else None
        lead = f"{day}: " if day and cand in choice.dated else ""
        lines.append(f"{lead}{excerpt} [{numbers[passage.article_id]}]")
    return Answer(question, "\n".join(lines), True, citations, passages)


def citation(number: int, passage: Passage, quote: str) -> Citation:
    """A citation of a passage's article with a quote from it."""
    return Citation(
        number,
        passage.title,
        passage.outlet,
        passage.published,
        passage.url,
        quote,
        passage.article_id,
    )


def _extend_quote(cite: Citation, excerpt: str) -> Citation:
    """The citation with one more excerpt in its quote."""
    return Citation(
        cite.number,
        cite.title,
        cite.outlet,
        cite.published,
        cite.url,
        f"{cite.quote} … {excerpt}",
        cite.article_id,
    )


def not_found(
    question: str, passages: list[Passage], limit: int = 3, reason: str | None = None
) -> Answer:
    """The answer that says the articles do not hold it, naming the closest sources."""
    closest: list[Citation] = []
    seen = set()
    for passage in passages:
        if passage.article_id in seen or len(closest) == limit:
            continue
        seen.add(passage.article_id)
        first = split_sentences(passage.text)[:1]
        closest.append(citation(len(closest) + 1, passage, first[0] if first else ""))
    text = f"{NOT_FOUND} {reason}" if reason else NOT_FOUND
    if closest:
        text += (
            " The closest sources are: "
            + "; ".join(f"[{c.number}] {c.title} ({c.outlet})" for c in closest)
            + "."
        )
    return Answer(question, text, False, closest, passages)
