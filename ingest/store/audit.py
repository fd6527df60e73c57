"""The audit log: every change to an archive, who made it, from which server, and when.

It lives in the catalogue's file (its table comes with the catalogue's migrations), so it
travels with the archive. It holds ids, names, titles and addresses, never message text.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ingest.store.errors import IndexUnavailable

INGEST = "ingest"  # a request to ingest something: a URL, a file, a folder, a feed
ADDED, UPDATED, FORGOTTEN = "added", "updated", "forgotten"  # one article each
FEED_ADDED, FEED_REMOVED = "feed added", "feed removed"

_COLUMNS = "at, actor, user_id, server_id, action, scope, article_id, subject"


@dataclass(frozen=True)
class Actor:
    """Who changes an archive: a Discord user (id, and name at the time) in a server, the
    command line, or a feed's schedule."""

    name: str
    user_id: int | None = None
    server_id: int | None = None


COMMAND_LINE = Actor("command line")


def departure(server_id: int) -> Actor:
    """The bot leaving a server, which takes the server's archive with it."""
    return Actor("bot left the server", server_id=server_id)


def feed_actor(server_id: int | None) -> Actor:
    """The schedule that polls a feed a server follows."""
    return Actor("feed", server_id=server_id)


@dataclass(frozen=True)
class AuditEntry:
    """One change: when, who, from which server, what (to which archive, on what)."""

    at: float
    actor: str
    user_id: int | None
    server_id: int | None
    action: str
    scope: int
    article_id: str | None
    subject: str  # the article's title, or the address or file name ingested or followed


class AuditLog:
    """The audit table, on its own connection to the catalogue file; safe from any thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA busy_timeout=10000")
        except sqlite3.Error as exc:
            msg = f"cannot open the audit log at {path}: {exc}; check the data directory"
            raise IndexUnavailable(msg) from exc

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()

    def record(
        self,
        actor: Actor,
        action: str,
        scope: int,
        entries: list[tuple[str | None, str]],
        at: float | None = None,
    ) -> None:
        """One row per (article id or None, subject), all at one time, in one transaction."""
        when = time.time() if at is None else at
        rows = [
            (when, actor.name, actor.user_id, actor.server_id, action, scope, article_id, subject)
            for article_id, subject in entries
        ]
        sql = f"INSERT INTO audit ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?)"
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany(sql, rows)
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                msg = f"cannot write the keyword index at {self.path} (its audit log): {exc}"
                raise IndexUnavailable(msg) from exc

    def entries(self, server_id: int | None = None, limit: int | None = None) -> list[AuditEntry]:
        """The newest changes first; with server_id, those made from that server or to its
        archive."""
        where, args = (
            ("WHERE server_id=? OR scope=?", (server_id, server_id)) if server_id else ("", ())
        )
        sql = f"SELECT {_COLUMNS} FROM audit {where} ORDER BY at DESC, id DESC LIMIT ?"
        with self._lock:
            rows = self._db.execute(sql, (*args, -1 if limit is None else limit)).fetchall()
        return [AuditEntry(*row) for row in rows]

    def user_ingests(self, scope: int, since: float) -> list[float]:
        """When members asked to ingest into an archive after `since`, oldest first (the
        command line and feeds are not counted)."""
        sql = (
            "SELECT at FROM audit WHERE scope=? AND action=? AND at>? AND user_id IS NOT NULL "
            "ORDER BY at"
        )
        with self._lock:
            return [row[0] for row in self._db.execute(sql, (scope, INGEST, since))]
