"""The SQLite connection the bot's small stores (feedback, subscriptions) share a recipe for."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path


def open_store(path: Path, schema: str) -> sqlite3.Connection:
    """A WAL-mode connection usable from several threads, with the schema in place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA busy_timeout=10000")
    db.executescript(schema)
    return db


class SqliteStore:
    """A store on one SQLite file, safe to call from several threads through its lock."""

    schema = ""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._db = open_store(path, self.schema)

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()
