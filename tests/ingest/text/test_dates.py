"""Dates: the ones fields and datelines give, and the periods questions name."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.text.dates import (
    DateWindow,
    find_dates,
    names_relative_date,
    parse_date,
    without_dates,
)

TODAY = date(2026, 11, 28)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-11-19", date(2021, 11, 19)),
        ("2023-11-27T08:45:59+00:00", date(2023, 11, 27)),
        ("2023-11-27T08:45:59Z", date(2023, 11, 27)),
        ("Nov. 19, 2021", date(2021, 11, 19)),
        ("November 19, 2021", date(2021, 11, 19)),
        ("Sept. 5, 2022", date(2022, 9, 5)),
        ("19 November 2021", date(2021, 11, 19)),
        ("Fri, 19 Nov 2021 10:00:00 +0000", date(2021, 11, 19)),
        ("Fri, 19 Nov 2021 10:00:00 GMT", date(2021, 11, 19)),
        ("Updated Friday, March 3rd, 2023 at 5pm", date(2023, 3, 3)),
    ],
)
def test_parse_date(value: str, expected: date) -> None:
    """Common date formats give the right calendar date."""
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "garbage",
        "0001-01-01",
        "1799-12-31",
        "2201-01-01",
        "9999-12-31",
        "2021-02-30",
        "Nov. 45, 2021",
        "Mon, 99 Foo 2021 99:99:99",
        "May the force be with you",
        "1" * 500,
    ],
)
def test_parse_date_absurd(value: str) -> None:
    """Garbage and out-of-range dates give None."""
    assert parse_date(value) is None


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=120), st.dates().map(str), st.datetimes().map(str)))
def test_parse_date_never_raises(value: str) -> None:
    """parse_date never raises and returns None or a date in the plausible range."""
    result = parse_date(value)
    assert result is None or (isinstance(result, date) and 1800 <= result.year <= 2200)


def test_month_and_year_becomes_that_month():
    """ "in November 2023" is the whole of that month."""
    assert find_dates("What happened in November 2023?", TODAY) == [
        DateWindow(date(2023, 11, 1), date(2023, 11, 30), "in")
    ]


def test_day_dates_with_abbreviated_month():
    """ "on Nov. 18, 2021" is that one day."""
    assert find_dates("What did he say on Nov. 18, 2021?", TODAY) == [
        DateWindow(date(2021, 11, 18), date(2021, 11, 18), "in")
    ]


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("What happened on 18 November 2021?", date(2021, 11, 18)),
        ("the vote on the 3rd of Sept. 2021", date(2021, 9, 3)),
        ("Who scored on 25 November?", date(2026, 11, 25)),
    ],
)
def test_a_day_written_before_its_month_is_that_day(text, day):
    """ "18 November 2021" names that day, as "November 18, 2021" does, not all November."""
    assert find_dates(text, TODAY) == [DateWindow(day, day, "in")]


def test_a_lower_case_month_after_a_number_is_no_date():
    """ "20 may lose their jobs" names no day in May; "25 November" needs its capital."""
    assert find_dates("Another 20 may lose their jobs", TODAY) == []


def test_last_june_is_the_most_recent_june():
    """ "last June" is the latest June before today."""
    assert find_dates("the summit last June", TODAY) == [
        DateWindow(date(2026, 6, 1), date(2026, 6, 30), "in")
    ]


def test_in_a_month_without_year_is_the_latest_such_month():
    """ "in june", "in early June", "during March": the latest such month, this one
    included; "in may" and "in march" typed lower-case are verbs, not months."""
    june = [DateWindow(date(2026, 6, 1), date(2026, 6, 30), "in")]
    assert find_dates("what did the governor say in june", TODAY) == june
    assert find_dates("What was agreed in early June?", TODAY) == june
    assert find_dates("sales during November", TODAY) == [
        DateWindow(date(2026, 11, 1), date(2026, 11, 30), "in")
    ]
    assert find_dates("What happened in December?", TODAY)[0].start == date(2025, 12, 1)
    assert find_dates("prices in may rise", TODAY) == []
    assert find_dates("crowds in march on Sunday", TODAY) == []
    assert names_relative_date("The rules were agreed in June.")


def test_after_a_day_without_year_is_the_most_recent_such_day():
    """ "after the October 7 report" points from the latest October 7 on, that day included:
    a story may follow the report on the same day."""
    [window] = find_dates("What changed after the October 7 report?", TODAY)
    assert window.relation == "after"
    assert window.bounds() == (date(2026, 10, 7), None)


def test_before_relation_bounds_until_the_day_named():
    """ "before March 3, 2023" ends the window on March 3; "before March" at its first day."""
    [window] = find_dates("Was it reported before March 3, 2023?", TODAY)
    assert window.bounds() == (None, date(2023, 3, 3))
    [month] = find_dates("Was it reported before March 2023?", TODAY)
    assert month.bounds() == (None, date(2023, 3, 1))


def test_without_dates_blanks_each_date_read():
    """The words of the dates find_dates reads are taken out, the rest kept."""
    text = "What did Putin say in November 2021, and last June, on Oct. 7, 2023?"
    assert " ".join(without_dates(text, TODAY).split()) == "What did Putin say in , and , on ?"


def test_relative_periods_end_today_unless_they_are_over():
    """ "yesterday", "this week", "last month" and "last year" are read from today."""
    wednesday = date(2024, 3, 6)

    def window(text: str) -> tuple[date, date]:
        [found] = find_dates(text, wednesday)
        return found.start, found.end

    assert window("What happened yesterday?") == (date(2024, 3, 5), date(2024, 3, 5))
    assert window("news this week") == (date(2024, 3, 4), wednesday)
    assert window("news last week") == (date(2024, 2, 26), date(2024, 3, 3))
    assert window("news last month") == (date(2024, 2, 1), date(2024, 2, 29))
    assert window("news this year") == (date(2024, 1, 1), wednesday)
    assert window("news last year") == (date(2023, 1, 1), date(2023, 12, 31))


def test_absurd_dates_are_ignored():
    """Impossible dates give no window rather than an error."""
    assert find_dates("on February 31, 2023 or in 1200", TODAY) == []


@pytest.mark.parametrize(
    ("sentence", "relative"),
    [
        ("Then, last week, the Steam Deck OLED arrived.", True),
        ("The Steam Deck OLED will be available Nov. 16.", True),
        ("It went on sale on November 16, 2023.", False),
        ("It happened in 2019.", False),
        ("No date is named here.", False),
    ],
)
def test_a_date_read_from_the_day_it_was_written_is_relative(sentence, relative):
    """ "Last week" and "Nov. 16" depend on when they were written; "November 16, 2023" not."""
    assert names_relative_date(sentence) is relative
