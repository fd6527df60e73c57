"""Natural questions: plain questions about MultiHop-RAG's articles, typed the way people type
them, scored on what the reply says.

`data/natural_questions.json` was written by reading the corpus's articles: for each question,
the articles that answer it (the first gives the facts) and one to three short spans copied from
it, any of which shows the key fact; or, for a question the archive cannot answer although it
comes close, why not. A reply holds the key fact when its text (not its quoted sources) contains
one of the spans; it cites the answering article when one of its citations is one of them.
"""

from __future__ import annotations

import json
import re
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.qa.types import Answer

QUESTIONS = Path(__file__).resolve().parent / "data" / "natural_questions.json"
KINDS = ("broad", "fact", "when", "why", "said", "unanswerable")
GOALS = "goals: fact >= 0.85 (broad >= 0.80), cited >= 0.95, answerable refused <= 0.02, "
GOALS += "unanswerable refused >= 0.85, median length <= 600"
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})
_SPACE = re.compile(r"\s+")


def load_questions(path: Path = QUESTIONS) -> list[dict]:
    """The natural questions, in file order."""
    return json.loads(path.read_text(encoding="utf-8"))


def normalised(text: str) -> str:
    """Text compared loosely: one kind of quote mark, single spaces, lower case."""
    return _SPACE.sub(" ", text.translate(_QUOTES)).strip().lower()


@dataclass(frozen=True)
class Outcome:
    """How one reply did."""

    kind: str
    answerable: bool
    refused: bool
    holds_fact: bool
    cites_article: bool
    length: int


def judge(question: dict, answer: Answer) -> Outcome:
    """Score one reply against its question's facts and articles."""
    text = normalised(answer.text)
    cited = {c.url for c in answer.citations if answer.found}
    return Outcome(
        kind=question["kind"],
        answerable=question["answerable"],
        refused=not answer.found,
        holds_fact=answer.found and any(normalised(f) in text for f in question["facts"]),
        cites_article=bool(cited & set(question["articles"])),
        length=len(answer.text),
    )


def summarise(outcomes: Iterable[Outcome]) -> dict[str, float]:
    """The figures over a set of outcomes: shares of answerable and unanswerable questions."""
    outcomes = list(outcomes)
    answerable = [o for o in outcomes if o.answerable]
    unanswerable = [o for o in outcomes if not o.answerable]

    def share(items: list[Outcome], test: Callable[[Outcome], bool]) -> float:
        return sum(map(test, items)) / len(items) if items else float("nan")

    answered = [o.length for o in answerable if not o.refused]
    return {
        "n": len(outcomes),
        "fact": share(answerable, lambda o: o.holds_fact),
        "cited": share(answerable, lambda o: o.cites_article),
        "answerable_refused": share(answerable, lambda o: o.refused),
        "unanswerable_refused": share(unanswerable, lambda o: o.refused),
        "median_length": statistics.median(answered) if answered else float("nan"),
    }


def score(questions: list[dict], ask: Callable[[str], Answer]) -> list[Outcome]:
    """Ask every question and judge each reply."""
    return [judge(q, ask(q["question"])) for q in questions]


def report(outcomes: list[Outcome], title: str) -> None:
    """Print the figures overall and per kind of question."""
    print(f"\n== {title} ==")
    print(f"{'kind':14} {'n':>4} {'fact':>6} {'cited':>6} {'refused':>8} {'median':>7}")
    groups = [("all", outcomes), *((k, [o for o in outcomes if o.kind == k]) for k in KINDS)]
    for name, group in groups:
        if not group:
            continue
        s = summarise(group)
        refused = s["unanswerable_refused"] if name == "unanswerable" else s["answerable_refused"]
        cells = [s["fact"], s["cited"], refused]
        shown = " ".join(f"{c:6.3f}" if c == c else f"{'-':>6}" for c in cells)
        median = f"{s['median_length']:7.0f}" if s["median_length"] == s["median_length"] else "-"
        print(f"{name:14} {s['n']:4d} {shown}   {median:>7}")
    overall = summarise(outcomes)
    print(
        f"unanswerable refused: {overall['unanswerable_refused']:.3f}; "
        f"answerable refused: {overall['answerable_refused']:.3f}"
    )
    print(GOALS)


def bench_natural(desk) -> list[Outcome]:
    """Ask the natural questions of the corpus desk and print their figures."""
    questions = load_questions()
    outcomes = score(questions, desk.ask)
    report(outcomes, f"Answers: natural questions, {len(questions)} (bench/data)")
    return outcomes
