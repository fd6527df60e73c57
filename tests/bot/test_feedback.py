"""FeedbackStore: votes stored with their question and answer, in SQLite."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.feedback import DOWN, UP, FeedbackStore


@pytest.fixture
def store(tmp_path: Path):
    """An empty store in a fresh folder (created on demand)."""
    store = FeedbackStore(tmp_path / "data" / "feedback.sqlite3")
    yield store
    store.close()


def test_votes_are_listed_newest_first(store: FeedbackStore):
    """Each vote keeps its user, message, question and answer; the newest comes first."""
    store.record(1, "Who won?", "The Harriers [1].", UP, 100)
    store.record(2, "What rate?", "4.5% [1].", DOWN, 200)

    votes = store.list()

    assert [(v.user_id, v.message_id, v.vote) for v in votes] == [(2, 200, DOWN), (1, 100, UP)]
    assert (votes[1].question, votes[1].answer) == ("Who won?", "The Harriers [1].")
    assert [v.user_id for v in store.list(limit=1)] == [2]


def test_a_new_vote_replaces_the_users_earlier_one(store: FeedbackStore):
    """One vote per user and message: voting again changes it."""
    store.record(1, "q", "a", UP, 100)
    store.record(1, "q", "a", DOWN, 100)
    store.record(1, "q", "a", UP, 101)

    assert sorted((v.message_id, v.vote) for v in store.list()) == [(100, DOWN), (101, UP)]


def test_only_up_or_down(store: FeedbackStore):
    """A vote other than +1 or -1 is refused."""
    with pytest.raises(ValueError, match="a vote is 1 or -1"):
        store.record(1, "q", "a", 0, 100)


def test_votes_survive_a_reopen(tmp_path: Path):
    """Votes are on disk: a new store on the same file lists them."""
    path = tmp_path / "feedback.sqlite3"
    first = FeedbackStore(path)
    first.record(7, "q", "a", UP, 1)
    first.close()

    again = FeedbackStore(path)
    assert [v.user_id for v in again.list()] == [7]
    again.close()


def test_votes_from_many_threads(store: FeedbackStore):
    """Concurrent records from worker threads are all stored."""
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: store.record(i, "q", "a", UP, 1), range(200)))

    assert len(store.list()) == 200
