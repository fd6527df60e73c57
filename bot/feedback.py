"""Votes on answers (👍/👎), stored with the question and the answer in one SQLite file."""

from __future__ import annotations

import time
from dataclasses import dataclass

from bot.sqlite_store import SqliteStore

FEEDBACK_FILE = "feedback.sqlite3"
UP, DOWN = 1, -1

SCHEMA = """
CREATE TABLE IF NOT EXISTS votes (
    message_id INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    question   TEXT NOT NULL,
    answer     TEXT NOT NULL,
    vote       INTEGER NOT NULL CHECK (vote IN (1, -1)),
    voted_at   REAL NOT NULL,
    PRIMARY KEY (message_id, user_id)
);
CREATE INDEX IF NOT EXISTS votes_time ON votes(voted_at);
"""


@dataclass(frozen=True)
class Vote:
    """One user's vote on one answer message."""

    message_id: int
    user_id: int
    question: str
    answer: str
    vote: int
    voted_at: float


class FeedbackStore(SqliteStore):
    """Votes on answers; a user's later vote on the same message replaces the earlier one.

    Safe to call from several threads (the bot records votes through `asyncio.to_thread`).
    """

    schema = SCHEMA

    def record(
        self, user_id: int, question: str, answer_text: str, vote: int, message_id: int
    ) -> None:
        """Store a vote (UP or DOWN) on the answer in message_id."""
        if vote not in (UP, DOWN):
            msg = f"a vote is {UP} or {DOWN}, not {vote!r}"
            raise ValueError(msg)
        with self._lock:
            self._db.execute(
                "INSERT INTO votes VALUES (?,?,?,?,?,?) ON CONFLICT(message_id, user_id) "
                "DO UPDATE SET vote=excluded.vote, voted_at=excluded.voted_at",
                (message_id, user_id, question, answer_text, vote, time.time()),
            )

    def list(self, limit: int | None = None) -> list[Vote]:
        """Votes, newest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT message_id, user_id, question, answer, vote, voted_at FROM votes "
                "ORDER BY voted_at DESC, rowid DESC LIMIT ?",
                (-1 if limit is None else limit,),
            ).fetchall()
        return [Vote(*row) for row in rows]
