"""The SQLite connection the bot's small stores (feedback, subscriptions) share a recipe for."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from ingest.store.migrations import Migrations


def open_store(path: Path, schema: str, migrations: Migrations | None = None) -> sqlite3.Connection:
    """A WAL-mode connection usable from several threads, with the schema in place (a script,
    or named migrations)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA busy_timeout=10000")
    if migrations is not None:
        migrations.apply(db)
    else:
        db.executescript(schema)
    return db


class SqliteStore:
    """A store on one SQLite file, safe to call from several threads through its lock."""

    schema = ""
    migrations: Migrations | None = None  # used instead of schema when set

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._db = open_store(path, self.schema, self.migrations)

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()
