"""`python -m bench.fit_answers`: fit the weights of the answer score on the development
questions, choose the score below which the archive is said not to hold the answer, and print
what each feature adds.

The development questions are the natural questions (bench/data) and MultiHop-RAG's dev set.
Every candidate sentence of every question is rated once (its features, the question compared
with it by meaning) and cached in .bench/; fitting and scoring then take seconds. A sentence is
a positive example when it holds one of its question's key facts (or MultiHop-RAG's gold
answer). The answer quotes the best of a question's candidates, so the weights are those under
which each question's positive candidates are most likely its best: a conditional logit over
each answerable question's candidates, on both sets. The threshold is the highest that keeps
answerable questions refused at most MAX_REFUSED of the time on both sets.
`--write` stores them in bot/qa/answer_weights.json.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import math
import pickle
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

from bench.evaluate import NULL_ANSWER, YES_NO, AnswerScores
from bench.multihop import WORK, corpus_desk, multihop_data
from bench.natural import judge, load_questions, normalised, summarise
from bot.compose import configure_logging
from bot.qa.answer import Rated, choose, compose, not_found
from bot.qa.candidates import with_read
from bot.qa.intent import Intent, read_intent
from bot.qa.scoring import FEATURES, WEIGHTS_FILE, Weights, fitted_weights
from bot.qa.service import Gathered
from bot.qa.types import Answer
from ingest.text.resources import DATA

CACHE = WORK / "answer-candidates.pkl"
# Share of answerable questions the threshold may refuse; some are refused before scoring.
MAX_REFUSED = {"natural": 0.015, "multihop": 0.007}
FOLDS = 5
L2 = 0.1  # the weights' penalty, keeping them small where the data says little
RATING_MODULES = (
    "bot.qa.candidates",
    "bot.qa.intent",
    "bot.qa.measures",
    "bot.qa.names",
    "bot.qa.plan",
    "bot.qa.scoring",
    "bot.qa.spelling",
    "ingest.text.dates",
    "ingest.text.prose",
    "ingest.text.sentences",
    "ingest.text.words",
)


@dataclass
class Case:
    """One development question, with everything its answer is chosen from."""

    source: str  # natural | multihop
    record: dict
    gathered: Gathered
    intent: Intent
    rated: list[Rated]

    @property
    def question(self) -> str:
        """The question as asked."""
        return self.record.get("question") or self.record["query"]

    @property
    def answerable(self) -> bool:
        """Whether the archive holds the answer."""
        if self.source == "natural":
            return self.record["answerable"]
        return self.record["answer"].strip().lower() != NULL_ANSWER

    def holds_answer(self, text: str) -> bool:
        """Whether a sentence gives this question's key fact or gold answer."""
        if self.source == "natural":
            return any(normalised(f) in normalised(text) for f in self.record["facts"])
        gold = self.record["answer"].strip().lower()
        return gold not in YES_NO and gold != NULL_ANSWER and gold in text.lower()


def rating_version() -> str:
    """A digest of the code and word lists that read questions and rate candidates: a cache
    rated by other code is stale."""
    digest = hashlib.sha256()
    for name in RATING_MODULES:
        digest.update(Path(importlib.import_module(name).__file__).read_bytes())
    for word_list in sorted(DATA.glob("*.txt")):
        digest.update(word_list.read_bytes())
    return digest.hexdigest()


def collect(desk, refresh: bool = False) -> list[Case]:
    """Every development question gathered and rated (from the cache, when it is there and
    holds the same features)."""
    if CACHE.exists() and not refresh:
        version, rows = pickle.loads(CACHE.read_bytes())
        if version == rating_version():
            return [Case(*row) for row in rows]
    records = [("natural", q) for q in load_questions()]
    records += [("multihop", q) for q in multihop_data()[1]]
    cases = []
    for n, (source, record) in enumerate(records, 1):
        cases.append(rated_case(desk, source, record))
        if n % 100 == 0:
            print(f"rated {n}/{len(records)} questions", file=sys.stderr)
    rows = [(c.source, c.record, c.gathered, c.intent, c.rated) for c in cases]
    CACHE.write_bytes(pickle.dumps((rating_version(), rows)))
    return cases


def rated_case(desk, source: str, record: dict) -> Case:
    """One development question gathered and its candidates rated, as asking does."""
    gathered = desk.gather(record.get("question") or record["query"])
    searched = gathered.plan.text  # the question, its misspellings mended, as asking does
    intent = read_intent(searched)
    rated = []
    if gathered.refusal is None:
        rated = desk.answerer.rate(
            searched,
            gathered.plan,
            gathered.passages,
            gathered.read,
            intent,
            gathered.vector,
        )
    return Case(source, record, gathered, intent, rated)


def rescored(case: Case, weights: Weights) -> list[Rated]:
    """The candidates scored by the weights, best first (the benchmark's archive keeps every
    sentence's vector, so each was compared by meaning, as when asking)."""
    rated = [Rated(r.cand, r.values, weights.score(r.values), r.gives_name) for r in case.rated]
    return sorted(rated, key=lambda r: r.score, reverse=True)


def answer(case: Case, weights: Weights) -> Answer:
    """The answer the weights give."""
    found = case.gathered
    if found.refusal is not None:
        return not_found(case.question, found.passages, reason=found.refusal)
    rated = rescored(case, weights)
    quoted = with_read(found.passages, found.read)
    choice = choose(rated, case.intent, found.plan, quoted, weights)
    if choice is None:
        return not_found(case.question, found.passages)
    return compose(case.question, quoted, choice)


def figures(cases: list[Case], weights: Weights) -> dict[str, float]:
    """The natural questions' figures and MultiHop-RAG's answer figures under the weights."""
    natural, multihop = [], AnswerScores()
    for case in cases:
        reply = answer(case, weights)
        if case.source == "natural":
            natural.append(judge(case.record, reply))
        else:
            multihop.add(case.record["answer"], reply.text, reply.found)
    out = {f"natural_{k}": v for k, v in summarise(natural).items()} if natural else {}
    if multihop.wrongly_not_found or multihop.null_not_found:
        out |= {f"multihop_{k}": v for k, v in multihop.summary().items()}
    return out


def fit(cases: list[Case], features: tuple[str, ...] = FEATURES) -> Weights:
    """Weights under which each answerable question's candidates holding its answer are most
    likely its best (a conditional logit, with an L2 penalty), and the threshold for them."""
    groups = []
    for case in cases:
        if case.answerable and case.rated:
            values = np.array([[r.values[f] for f in features] for r in case.rated])
            holds = np.array([case.holds_answer(r.cand.excerpt) for r in case.rated])
            if holds.any():
                groups.append((values, holds))

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, gradient = L2 * w @ w, 2 * L2 * w
        for values, holds in groups:
            scores = values @ w
            e = np.exp(scores - scores.max())
            held = e[holds].sum()
            total -= np.log(held / e.sum())
            gradient -= values[holds].T @ (e[holds] / held) - values.T @ (e / e.sum())
        return total, gradient

    found = minimize(loss, np.zeros(len(features)), jac=True, method="L-BFGS-B").x
    weights = {f: round(float(w), 4) for f, w in zip(features, found, strict=True)}
    fitted = Weights(weights, 0.0)
    return replace(fitted, threshold=threshold(cases, fitted))


def threshold(cases: list[Case], weights: Weights) -> float:
    """The highest threshold under which answerable questions are refused at most
    MAX_REFUSED of the time on each set."""
    best_scores: dict[str, list[float]] = {"natural": [], "multihop": []}
    for case in cases:
        if case.answerable and case.gathered.refusal is None and case.rated:
            best_scores[case.source].append(rescored(case, weights)[0].score)
    limits = []
    for source, scores in best_scores.items():
        if scores:
            refused = int(MAX_REFUSED[source] * len(scores))
            limits.append(sorted(scores)[refused])
    return math.floor(min(limits) * 1e4 - 1e-6) / 1e4 if limits else 0.0  # stored rounded down


def report(name: str, result: dict[str, float]) -> None:
    """One row of figures."""
    keys = [
        ("natural_fact", "fact"),
        ("natural_cited", "cited"),
        ("natural_answerable_refused", "ans.ref"),
        ("natural_unanswerable_refused", "unans.ref"),
        ("natural_median_length", "median"),
        ("multihop_gold_in_reply", "mh.gold"),
        ("multihop_null_not_found", "mh.null"),
        ("multihop_wrongly_not_found", "mh.wrong"),
    ]
    cells = " ".join(
        f"{result[k]:8.3f}"
        if k in result and k != "natural_median_length"
        else (f"{result[k]:8.0f}" if k in result else f"{'-':>8}")
        for k, _ in keys
    )
    print(f"{name:22} {cells}")


def header() -> None:
    """The column names of report()."""
    names = ["fact", "cited", "ans.ref", "unans.ref", "median", "mh.gold", "mh.null", "mh.wrong"]
    print(f"{'':22} " + " ".join(f"{n:>8}" for n in names))


def cross_validated(cases: list[Case]) -> dict[str, float]:
    """The natural questions' figures, each fold answered with weights fitted without it
    (MultiHop-RAG is always in the fit)."""
    natural = [c for c in cases if c.source == "natural"]
    multihop = [c for c in cases if c.source == "multihop"]
    outcomes = []
    for fold in range(FOLDS):
        held = natural[fold::FOLDS]
        weights = fit([c for c in natural if c not in held] + multihop)
        outcomes += [judge(c.record, answer(c, weights)) for c in held]
    return {f"natural_{k}": v for k, v in summarise(outcomes).items()}


def bench_features(desk) -> None:
    """`make bench`: the shipped weights' figures beside what each feature adds (refitting
    without it), on the development questions."""
    cases = collect(desk)
    print("\n== Answer score: what each feature adds (development questions) ==")
    header()
    report("shipped weights", figures(cases, fitted_weights()))
    ablation(cases, fit(cases))


def ablation(cases: list[Case], weights: Weights) -> None:
    """Rows for the weights fitted with every feature, cross-validated, and without each."""
    report("fitted, all features", figures(cases, weights))
    report("cross-validated", cross_validated(cases))
    for feature in FEATURES:
        kept = tuple(f for f in FEATURES if f != feature)
        report(f"without {feature}", figures(cases, fit(cases, kept)))


def main(argv: list[str] | None = None) -> int:
    """Fit, report the ablation and cross-validation, and write the weights if asked."""
    parser = argparse.ArgumentParser(prog="python -m bench.fit_answers", description=__doc__)
    parser.add_argument("--write", action="store_true", help="store the fitted weights")
    parser.add_argument("--refresh", action="store_true", help="rate the questions again")
    parser.add_argument("--no-ablation", action="store_true", help="skip the ablation")
    args = parser.parse_args(argv)
    configure_logging()
    corpus, _ = multihop_data()
    cases = collect(corpus_desk(corpus), args.refresh)
    weights = fit(cases)
    print(json.dumps(weights.as_json(), indent=2))
    header()
    report("shipped weights", figures(cases, fitted_weights()))
    if args.no_ablation:
        report("fitted, all features", figures(cases, weights))
    else:
        ablation(cases, weights)
    if args.write:
        WEIGHTS_FILE.write_text(json.dumps(weights.as_json(), indent=2) + "\n", encoding="utf-8")
        print(f"wrote {WEIGHTS_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
