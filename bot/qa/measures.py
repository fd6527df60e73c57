"""The kind of amount a question asks for, and whether a sentence gives one.

"How deep...?" asks for a length, "How hot...?" a temperature, "How much did X pay?" a sum of
money, "How many people...?" a count of people: a sentence that gives that measure answers better
than one that holds any number.
"""

from __future__ import annotations

import re

_NUMBER = r"\d[\d,.]*"
_NUMBER_WORD = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty"
    r"|thirty|forty|fifty|hundred|dozen)"
)
_QUANTITY = rf"(?:{_NUMBER}|{_NUMBER_WORD})\s*(?:-\s*)?"

MONEY = (
    rf"[$€£¥₹]\s?\d|\bRs\.?\s?\d"
    rf"|\b{_NUMBER}\s*(?:million|billion|bn|m|k|crore|lakh)?\s*"
    r"(?:dollars|euros|pounds|yen|rupees|yuan|francs)\b"
)
PERCENT = rf"{_NUMBER}\s*(?:%|per\s?cent\b|percent\b|percentage\s+points?\b)"
MAGNITUDE = rf"{_NUMBER}\s*(?:million|billion|trillion|thousand|bn|crore|lakh)\b"
_LENGTH_UNIT = (
    r"(?:metres?|meters?|m|km|kilometres?|kilometers?|miles?|feet|foot|ft"
    r"|centimetres?|centimeters?|millimetres?|millimeters?|inch(?:es)?|yards?|cm|mm)"
)
LENGTH = rf"\b{_QUANTITY}{_LENGTH_UNIT}\b"
# Units of time a question may ask for by name ("How many years...?"); "the second..." asks
# for no seconds.
_ASKED_TIME_UNITS = ("year", "month", "week", "day", "hour", "minute")
_TIME_UNITS = (*_ASKED_TIME_UNITS, "second")
_NOT_AGE = r"(?![-\s]old\b)"  # "a 12-year-old" gives an age, not a time


def _in_units(units: tuple[str, ...]) -> str:
    """A time given in one of the units: "15 years", "six months"."""
    return rf"\b{_QUANTITY}(?:{'|'.join(units)})s?\b{_NOT_AGE}"


DURATION = _in_units(_TIME_UNITS)
PAGES = rf"\b{_QUANTITY}pages?\b"  # how long a document is
TEMPERATURE = rf"{_NUMBER}\s*(?:°|degrees?\b)|\b(?:celsius|fahrenheit)\b"
POWER = rf"{_NUMBER}\s*(?:[kmg]w|[kmg]wh|(?:kilo|mega|giga)?watt(?:-hours?|s)?)\b"
SPEED = (
    rf"{_NUMBER}\s*(?:mph|km/h|kph|m/s|km/s|knots)\b"
    rf"|{_NUMBER}\s*{_LENGTH_UNIT}\s+(?:an?|per)\s+(?:hour|minute|second)\b"
)
AGE = rf"\b{_NUMBER}-year-old\b|\baged\s+{_NUMBER}|\b{_NUMBER}\s+years?\s+old\b"
WEIGHT = rf"{_NUMBER}\s*(?:kg|kilograms?|tonnes?|tons?|lbs?|pounds|grams?)\b"
RATIO = rf"{_NUMBER}\s*times\b|\b(?:twice|double|triple|half)\b"
SCORE = r"\b\d{1,3}\s?[-–]\s?\d{1,3}\b"
_PERSONS = (
    r"(?:people|persons|fans|spectators|supporters|visitors|attendees|voters|workers|employees"
    r"|staff|residents|children|adults|students|patients|users|players|members|customers"
    r"|subscribers|migrants|refugees|civilians|soldiers|troops|deaths|dead|killed|injured)"
)
_NOT_COUNTED = (  # things a number measures rather than counts
    rf"(?:(?:{'|'.join(_TIME_UNITS)})s|times|percent|points|cents|dollars|euros|pounds|miles"
    r"|metres|meters|kilometres|kilometers|feet|inches|degrees|tonnes|tons)"
)
# "80,065 fans", "238 million monthly active users", "a crowd of 61,204", and a count in figures
# of what people do ("25,000 journeys a day"), but no time or measure ("28 years").
PEOPLE = (
    rf"{_QUANTITY}(?:[a-z-]+\s+){{0,3}}{_PERSONS}\b"
    rf"|\b(?:crowd|attendance|audience|turnout)\s+(?:of|was|at)\s+(?:about\s+|around\s+)?{_NUMBER}"
    rf"|\b{_NUMBER}\s+(?:[a-z-]+\s+)?(?!{_NOT_COUNTED}\b)[a-z]+s\b"
)
FREQUENCY = (
    r"\b(?:times|every|daily|weekly|monthly|annually|yearly)\b"
    r"|\b(?:a|per)\s+(?:year|month|week|day)\b"
)


def _either(*patterns: str) -> re.Pattern[str]:
    """One pattern matching any of the patterns, in any case."""
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I)


# The word that names the measure ("deep" of "How deep...", "price" of "What is the price")
# and the amounts that give it. Words not here ("many", "number") take any number.
MEASURES: dict[str, re.Pattern[str]] = {
    "much": _either(MONEY, PERCENT, MAGNITUDE, RATIO, WEIGHT, LENGTH, POWER),
    "expensive": _either(MONEY),
    "long": _either(DURATION, LENGTH, PAGES),
    "far": _either(LENGTH),
    "deep": _either(LENGTH),
    "tall": _either(LENGTH),
    "high": _either(LENGTH, PERCENT, TEMPERATURE, MONEY),
    "low": _either(LENGTH, PERCENT, TEMPERATURE, MONEY),
    "big": _either(LENGTH, MAGNITUDE, MONEY, PERCENT, WEIGHT, POWER),
    "large": _either(LENGTH, MAGNITUDE, MONEY, PERCENT, WEIGHT, POWER),
    "size": _either(LENGTH, MAGNITUDE, MONEY, PERCENT, WEIGHT, POWER),
    "capacity": _either(POWER, MAGNITUDE),
    "powerful": _either(POWER),
    "fast": _either(SPEED),
    "old": _either(AGE),
    "hot": _either(TEMPERATURE),
    "cold": _either(TEMPERATURE),
    "temperature": _either(TEMPERATURE),
    "heavy": _either(WEIGHT),
    "often": _either(FREQUENCY),
    "price": _either(MONEY),
    "cost": _either(MONEY, MAGNITUDE),
    "fee": _either(MONEY, MAGNITUDE),
    "salary": _either(MONEY, MAGNITUDE),
    "valuation": _either(MONEY, MAGNITUDE),
    **{unit: _either(_in_units((unit,))) for unit in _ASKED_TIME_UNITS},  # years, not minutes
    "people": _either(PEOPLE),
    "percentage": _either(PERCENT),
    "percent": _either(PERCENT),
    "score": _either(SCORE),
    "margin": _either(SCORE, PERCENT),
}
_ANY_AMOUNT = _either(
    MONEY,
    PERCENT,
    MAGNITUDE,
    rf"\b{_NUMBER}\b",  # any other number
    rf"\b{_NUMBER_WORD}\b|\b(?:hundreds|dozens|half|double|triple)\b",
)


def measure_word(word: str) -> str:
    """The measure a question's word names ("prices" → "price"), or "" for any number."""
    word = word.lower()
    for known in (word, word.removesuffix("s")):
        if known in MEASURES:
            return known
    return ""


def gives_amount(text: str, measure: str) -> float:
    """1 when the sentence gives an amount of the measure asked for (any amount when none is
    named), a half when it gives only an amount of another kind, else 0."""
    if not _ANY_AMOUNT.search(text):
        return 0.0
    pattern = MEASURES.get(measure)
    return 1.0 if pattern is None or pattern.search(text) else 0.5
