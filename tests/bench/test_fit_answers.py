"""The answer score's fit: weights learnt from questions with known key facts answer them."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bench.fit_answers import Case, answer, fit, rated_case
from bot.qa.scoring import FEATURES

KEY_FACTS = {
    "What did the central bank decide?": "cut its main interest rate",
    "How deep were the vents?": "2,500 metres",
    "how much did the tram line cost": "410 million",
    "Who manages the Harriers?": "Sofia Lindqvist",
    "What did Putin say about the Geneva summit?": "opened up opportunities for dialogue",
    "why was the measles campaign started": "after an outbreak",
}


@pytest.fixture(scope="module")
def cases(desk) -> list[Case]:
    """The questions gathered and rated on the demo archive, as the fit's cache holds them."""
    records = [
        {"question": question, "kind": "fact", "answerable": True, "facts": [fact]}
        for question, fact in KEY_FACTS.items()
    ]
    return [rated_case(desk, "natural", record) for record in records]


def test_fitted_weights_answer_the_questions_they_were_fitted_on(cases):
    """Fitted on these questions, the score answers each with its key fact, none refused."""
    weights = fit(cases)
    assert set(weights.features) == set(FEATURES)
    for case in cases:
        reply = answer(case, weights)
        assert reply.found, case.question
        assert case.record["facts"][0] in reply.text, (case.question, reply.text)


def test_weights_turned_against_the_features_miss_key_facts(cases):
    """The test above can fail: the fitted weights negated, answering whatever they score,
    quote other sentences."""
    fitted = fit(cases)
    negated = {f: -w for f, w in fitted.features.items()}
    against = replace(fitted, features=negated, threshold=float("-inf"))
    missed = [c for c in cases if c.record["facts"][0] not in answer(c, against).text]
    assert len(missed) >= len(cases) // 2
