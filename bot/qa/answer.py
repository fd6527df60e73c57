"""The extractive answerer: the sentences that answer a question, each cited, no LLM."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date

from bot.qa.plan import QueryPlan, rarity_weights
from bot.qa.types import Answer, Citation, Passage
from ingest.text.dates import CALENDAR, DateWindow, find_dates
from ingest.text.sentences import speaker_context, split_sentences
from ingest.text.words import STOPWORDS, stem, stems

MAX_SENTENCES = 4
PER_PASSAGE = 2
MIN_COVERAGE = 0.25
MIN_GAIN = 0.04
TOPIC_TERMS = 2  # question words that put a sentence or passage on its topic
CORROBORATION = 0.6
NAME_SUPPORT = 2  # passages that name it
# A question that asks for a name: "Who is...", "Which company...", not "What did... say".
NAME_QUESTION = re.compile(
    r"^\s*(who|whom|whose|(?:which|what)"
    r"(?!\s+(?:do|does|did|will|would|can|could|should|may|might|are|were|has|have|happened)\b))\b",
    re.I,
)
# Capitalised words in a row; a possessive ends the name ("Google’s Bard"), "O’Neill" does not.
CAPITALISED = re.compile(
    r"\b[A-Z][\w&-]*(?:['’][A-Z][\w&-]*)?(?: [A-Z][\w&-]*(?:['’][A-Z][\w&-]*)?)*"
)
LOWERCASE_WORD = re.compile(r"\b[a-z][a-z-]+\b")
CAPITALISED_AFTER_A_WORD = re.compile(r"(?<=[a-z,] )[A-Z][a-z-]+\b")  # "in New York"
NOT_FOUND = "I could not find that in the articles."
WHO_VERB = re.compile(r"^\s*who\s+([a-z]+)", re.I)  # "Who manages..."
EVENTLESS = frozenset({"happen", "new", "latest", "going"})  # "What happened...": no topic
WHEN_QUESTION = re.compile(r"^\s*(?:when|(?:on\s+)?what\s+(?:date|day|month|year))\b", re.I)


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage and the question terms it holds."""

    passage_rank: int
    article_id: str
    position: int  # of its passage in the article
    index: int
    text: str
    terms: frozenset[str]
    title_terms: frozenset[str]
    on_topic: bool  # holds, with its title, a name or two of the question's words


class ExtractiveAnswerer:
    """Picks, orders and cites the sentences that answer a question."""

    def __init__(
        self, max_sentences: int = MAX_SENTENCES, min_coverage: float = MIN_COVERAGE
    ) -> None:
        self.max_sentences = max_sentences
        self.min_coverage = min_coverage

    def answer(self, question: str, plan: QueryPlan, passages: list[Passage]) -> Answer:
        """An Answer built only from sentences of the passages, or a "not found" answer."""
        if names_only_a_period(plan):
            return self._period(question, plan, passages)
        agents = agent_nouns(question)
        passage_stems = [stems(p.text) for p in passages]
        weights = _term_weights(plan, passage_stems, agents)
        names = stems(" ".join(plan.names))
        candidates = [
            c
            for rank, p in enumerate(passages)
            for c in _candidates(
                rank,
                p,
                weights,
                names,
                agents,
                plan.date_stems if _within(p, plan.dates) else set(),
            )
        ]
        chosen, coverage = self._choose(candidates, weights)
        if coverage < self.min_coverage:
            return not_found(question, passages)
        wanted = [
            [c for c in candidates if passages[c.passage_rank].outlet in mention.outlets]
            for mention in plan.outlets
        ]
        name = likely_answer_name(question, passages, passage_stems)
        if name:
            wanted.append([c for c in candidates if name in c.text])
        if WHEN_QUESTION.match(question):
            quoted = {c.article_id for c in chosen}
            wanted.append([c for c in candidates if c.article_id in quoted and _dated(c.text)])
        return compose(question, passages, self._including(wanted, chosen, weights))

    def _period(self, question: str, plan: QueryPlan, passages: list[Passage]) -> Answer:
        """For a question that names only a period ("What happened last week?", "What did
        the Daily Post report in May?"): the opening sentence of each article from that period
        (and the outlets named), best first, from the first of its passages given (the service
        gives each article's first passage)."""
        outlets = {o for mention in plan.outlets for o in mention.outlets}
        first: dict[str, tuple[int, Passage]] = {}
        for rank, passage in enumerate(passages):
            if _within(passage, plan.dates) and (not outlets or passage.outlet in outlets):
                first.setdefault(passage.article_id, (rank, passage))
        leads = [
            Candidate(rank, p.article_id, p.position, 0, opening, frozenset(), frozenset(), True)
            for rank, p in first.values()
            for opening in split_sentences(p.text)[:1]
        ][: self.max_sentences]
        if not leads:
            return not_found(question, passages, reason="No article came out in that period.")
        return compose(question, passages, leads)

    def _including(
        self,
        wanted: list[list[Candidate]],
        chosen: list[Candidate],
        weights: dict[str, float],
    ) -> list[Candidate]:
        """The chosen sentences with one of each wanted group, each added in place of the last.

        A group is e.g. the sentences of an outlet the question names, or those naming the
        likely answer; the one added holds the most of the question.
        """
        chosen, kept = list(chosen), []
        for group in (g for g in wanted if g):
            have = next((c for c in chosen if c in group), None)
            if have is None:
                have = max(group, key=lambda c: (_weight(c.terms, weights), -c.passage_rank))
                spare = [c for c in chosen if c not in kept]
                if len(chosen) >= self.max_sentences and spare:
                    chosen.remove(spare[-1])
                chosen.append(have)
            kept.append(have)
        return _in_reading_order(chosen)

    def _choose(
        self, candidates: list[Candidate], weights: dict[str, float]
    ) -> tuple[list[Candidate], float]:
        """Sentences that together cover the question best, and the share they cover.

        Each pick adds the sentence that covers the most of what is still uncovered, so a
        question about two things gets a sentence on each. A sentence from an article not yet
        quoted must be on topic: one common word alone ("central" of "central bank") does not
        make it so.
        """
        total = sum(weights.values()) or 1.0
        covered: set[str] = set()
        chosen: list[Candidate] = []
        per_passage: dict[int, int] = {}
        while len(chosen) < self.max_sentences:
            best, best_score = None, MIN_GAIN
            quoted = {c.article_id for c in chosen}
            for cand in candidates:
                if cand in chosen or per_passage.get(cand.passage_rank, 0) >= PER_PASSAGE:
                    continue
                if cand.article_id not in quoted and not cand.on_topic:
                    continue
                gain = _weight(cand.terms - covered, weights) / total
                context = _weight(cand.title_terms - covered, weights) / total
                score = gain + 0.25 * context + 0.1 / (1 + cand.passage_rank) if gain else 0
                if score > best_score:
                    best, best_score = cand, score
            if best is None:
                break
            chosen.append(best)
            covered |= best.terms
            per_passage[best.passage_rank] = per_passage.get(best.passage_rank, 0) + 1
        coverage = _weight(covered, weights) / total
        chosen += self._corroborating(candidates, chosen, weights)
        return _in_reading_order(chosen), coverage

    def _corroborating(
        self,
        candidates: list[Candidate],
        chosen: list[Candidate],
        weights: dict[str, float],
    ) -> list[Candidate]:
        """Sentences on topic from other articles that answer nearly as much of the question
        on their own: CORROBORATION of what the best chosen sentence answers."""
        total = sum(weights.values()) or 1.0

        def own(cand: Candidate) -> float:
            return _weight(cand.terms, weights) / total

        bar = CORROBORATION * max((own(c) for c in chosen), default=1.0)
        cited = {c.article_id for c in chosen}
        extra: list[Candidate] = []
        for cand in sorted(candidates, key=own, reverse=True):
            if len(chosen) + len(extra) >= self.max_sentences or own(cand) < bar:
                break
            if cand.article_id not in cited and cand.on_topic:
                cited.add(cand.article_id)
                extra.append(cand)
        return extra


def likely_answer_name(
    question: str, passages: list[Passage], passage_stems: list[set[str]] | None = None
) -> str | None:
    """For a question asking for a name, the name most passages share that the question lacks.

    Names are grouped by their last word, so "Sam Altman" and a later "Altman" count together,
    and the full form is returned. A "who" question wants a name some passage gives in full.
    A lone word opening a sentence counts only if some passage also names it mid-sentence.
    A short form that begins a two-word name the passages give ("Fed", "Federal Reserve")
    is returned as that name. Only passages holding TOPIC_TERMS of the question's words
    lend a name support: "Geneva", shared by stories on other things, does not answer
    "What rules apply to AI procurement?". passage_stems, the stems of each passage's text,
    spare stemming them again when the caller has them.
    """
    wh = NAME_QUESTION.match(question)
    if not wh:
        return None
    asked = stems(question)
    ordinary = ordinary_words([p.text for p in passages])
    found = [names_in(p.text, ordinary) for p in passages]
    named = {name for mentions in found for name, opening in mentions if not opening}
    support: Counter = Counter()
    forms: dict[str, Counter] = {}
    if passage_stems is None:
        passage_stems = [stems(p.text) for p in passages]
    for passage, mentions, held in zip(passages, found, passage_stems, strict=True):
        names = [n for n, _ in mentions if n in named and n not in passage.outlet]
        names = [n for n in names if not stems(n) & asked]
        for name in names:
            forms.setdefault(name.split()[-1], Counter())[name] += 1
        if len((held | stems(passage.title)) & asked) >= TOPIC_TERMS:
            support.update({n.split()[-1] for n in names})
    words = 2 if wh.group(1).lower().startswith("who") else 1
    eligible = [k for k in sorted(support) if len(max(forms[k], key=len).split()) >= words]
    best = max(eligible, key=lambda k: (support[k], forms[k].total()), default=None)
    if best is None or support[best] < NAME_SUPPORT:
        return None
    variants = forms[best]
    name = max(variants, key=lambda v: (len(v.split()) > 1, variants[v], len(v)))
    return _in_full(name, [n for mentions in found for n, _ in mentions])


def _in_full(name: str, names: list[str]) -> str:
    """The two-word name most often given that a one-word name shortens, else the name."""
    longer = Counter(
        n
        for n in names
        if len(words := n.split()) == 2
        and words[0].isalpha()
        and words[0] != name
        and words[0].startswith(name)
    )
    return max(longer, key=lambda n: (longer[n], n), default=name)


def ordinary_words(texts: list[str]) -> set[str]:
    """Words the texts write in lowercase and never capitalise mid-sentence: "singer",
    "though", but not "new" when they also say "in New York"."""
    lower = {w for t in texts for w in LOWERCASE_WORD.findall(t)}
    return lower - {w.lower() for t in texts for w in CAPITALISED_AFTER_A_WORD.findall(t)}


def names_in(text: str, ordinary: Collection[str] = ()) -> list[tuple[str, bool]]:
    """Capitalised names in text ("Sam Altman", "Altman", "Federal Reserve", not "FTX"), each
    with whether it is a lone word opening a sentence, and so maybe no name at all.

    A word opening a sentence before a name is left out when it is one of the ordinary words
    (see ordinary_words): "Singer Taylor Swift" is "Taylor Swift".
    """
    found: list[tuple[str, bool]] = []
    for sentence in split_sentences(text):
        for match in CAPITALISED.finditer(sentence):
            words = match.group().split()
            opening = match.start() == 0
            while words and (
                words[0].lower() in STOPWORDS
                or words[0] in CALENDAR
                or (opening and len(words) > 1 and words[0].lower() in ordinary)
            ):
                words.pop(0)
            if words and not all(w.isupper() for w in words) and words[-1] not in CALENDAR:
                found.append((" ".join(words), opening and len(words) == 1))
    return found


def agent_nouns(question: str) -> dict[str, str]:
    """For a question "Who VERB...", the stems of the nouns for one who does it, each with
    the verb's stem: "manager" for "Who manages...", "founder" for "Who founded..."."""
    match = WHO_VERB.match(question)
    word = match.group(1).lower() if match else ""
    verb = stem(word)
    if word in STOPWORDS or len(verb) < 3:
        return {}
    endings = ("er", "or", "r") if verb.endswith("e") else ("er", "or")
    return {verb + ending: verb for ending in endings}


def _asked_stems(words: Iterable[str], agents: dict[str, str]) -> set[str]:
    """The stems, an agent noun standing for the question's stem (see agent_nouns)."""
    return {agents.get(w, w) for w in words}


def _term_weights(
    plan: QueryPlan, passage_stems: list[set[str]], agents: dict[str, str]
) -> dict[str, float]:
    """Question stems weighted by rarity among the passages (given as the stems of each);
    names and phrases count double."""
    terms = stems(" ".join(plan.terms))
    named = {w for p in plan.phrases for w in stems(p)}
    texts = [_asked_stems(words, agents) for words in passage_stems] or [set()]
    weights = rarity_weights(terms | named, texts)
    return {t: w * (2.0 if t in named else 1.0) for t, w in weights.items()}


def names_only_a_period(plan: QueryPlan) -> bool:
    """Whether the question names a period and no topic: "What happened last week?"."""
    asked = stems(" ".join([*plan.terms, *plan.phrases]))
    return bool(plan.dates) and not asked - plan.date_stems - EVENTLESS


def _within(passage: Passage, windows: Iterable[DateWindow]) -> bool:
    """Whether the passage's article came out within one of the date windows."""
    return passage.published is not None and any(w.holds(passage.published) for w in windows)


def _dated(text: str) -> bool:
    """Whether text gives a date ("May 18", "in 2023"), which a "When..." question asks for;
    a weekday alone ("on Sunday") does not say which week."""
    return bool(find_dates(text, date.today()))


def _weight(terms: Iterable[str], weights: dict[str, float]) -> float:
    """How much of the question's weight the terms hold."""
    return sum(weights[t] for t in terms)


def _in_reading_order(chosen: list[Candidate]) -> list[Candidate]:
    """Sentences by article, in the order the articles rank, then as they stand in it: two
    passages of one article are quoted together, so source numbers run in order, and an
    article's sentences read in the order it gives them."""
    first_rank: dict[str, int] = {}
    for cand in sorted(chosen, key=lambda c: c.passage_rank):
        first_rank.setdefault(cand.article_id, cand.passage_rank)
    return sorted(chosen, key=lambda c: (first_rank[c.article_id], c.position, c.index))


def _on_topic(terms: frozenset[str], weights: dict[str, float], names: set[str]) -> bool:
    """Whether terms (a sentence's with its title's) are about the question: TOPIC_TERMS
    of its weighted words (or all of them, when it has fewer), or one of its names ("Geneva")."""
    return len(terms) >= min(TOPIC_TERMS, len(weights)) or bool(terms & names)


def _candidates(
    rank: int,
    passage: Passage,
    weights: dict[str, float],
    names: set[str],
    agents: dict[str, str],
    dated: set[str],
) -> list[Candidate]:
    """Every sentence of a passage with the question terms in it and in its title.

    The words of the question's dates (dated) count as held by every sentence when the
    article came out in those dates: "in November 2021" is answered by its date, not its text.
    """
    title = frozenset(t for t in _asked_stems(stems(passage.title), agents) if t in weights)
    out = []
    for i, sentence in enumerate(split_sentences(passage.text)):
        words = _asked_stems(stems(sentence), agents)
        if len(words) < 3:
            continue
        terms = frozenset(t for t in words if t in weights)
        on_topic = _on_topic(terms | title, weights, names)
        terms |= dated & weights.keys()
        out.append(
            Candidate(
                rank,
                passage.article_id,
                passage.position,
                i,
                sentence,
                terms,
                title - terms,
                on_topic,
            )
        )
    return out


def compose(question: str, passages: list[Passage], chosen: list[Candidate]) -> Answer:
    """Sentences with their speakers, each followed by its source number."""
    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    lines = []
    for cand in chosen:
        passage = passages[cand.passage_rank]
        excerpt = with_speaker(passage.text, cand.index)
        if passage.article_id not in numbers:
            numbers[passage.article_id] = len(numbers) + 1
            citations.append(citation(numbers[passage.article_id], passage, excerpt))
        else:
            first = citations[numbers[passage.article_id] - 1]
            citations[first.number - 1] = _extend_quote(first, excerpt)
        lines.append(f"{excerpt} [{numbers[passage.article_id]}]")
    return Answer(question, "\n".join(lines), True, citations, passages)


def with_speaker(text: str, index: int) -> str:
    """Sentence `index` of text, with the words that introduce or attribute its quotation."""
    sentences = split_sentences(text)
    before, after = speaker_context(sentences, index)
    parts = [before, sentences[index], f"… {after}" if after else None]
    return " ".join(p for p in parts if p)


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


_MARKER = re.compile(r"\[(\d+)\]")


def cited_numbers(text: str) -> set[int]:
    """The [n] source numbers a reply cites."""
    return {int(n) for n in _MARKER.findall(text)}
