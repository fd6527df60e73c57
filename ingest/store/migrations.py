"""Named schema migrations for a SQLite file, counted in its PRAGMA user_version.

A store lists its migrations in order, each a function named for what it does:

    MIGRATIONS = Migrations()

    @MIGRATIONS
    def m002_article_scope(db: sqlite3.Connection) -> None:
        db.execute("ALTER TABLE articles ADD COLUMN ...")

`apply(db)` runs those the file has not had yet, each in its own transaction together with the
new user_version, so a file written by an older version upgrades in place, and two processes
opening it at once run each migration once. Never edit or reorder a migration once released;
add a new one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

Migration = Callable[[sqlite3.Connection], None]


class Migrations:
    """An ordered list of named migrations; the instance is the decorator that adds one."""

    def __init__(self) -> None:
        self.steps: list[Migration] = []

    def __call__(self, step: Migration) -> Migration:
        self.steps.append(step)
        return step

    @property
    def names(self) -> list[str]:
        """The migrations' names, in order."""
        return [step.__name__ for step in self.steps]

    def apply(self, db: sqlite3.Connection) -> list[str]:
        """Run the migrations db has not had (it must be in autocommit mode); their names.

        An up-to-date file is only read, so a read-only archive still opens.
        """
        if _version(db) >= len(self.steps):
            return []
        applied = []
        for number, step in enumerate(self.steps, start=1):
            db.execute("BEGIN IMMEDIATE")
            try:
                if _version(db) < number:  # another process may have run it meanwhile
                    step(db)
                    db.execute(f"PRAGMA user_version = {number}")
                    applied.append(step.__name__)
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        return applied


def _version(db: sqlite3.Connection) -> int:
    """The number of migrations the file has had."""
    return db.execute("PRAGMA user_version").fetchone()[0]


def execute_all(db: sqlite3.Connection, script: str) -> None:
    """Each `;`-separated statement of a script (no `;` inside its literals), in the open
    transaction (executescript would commit it)."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)
