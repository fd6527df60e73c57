"""ingest.store.migrations: named migrations counted in user_version, and archives made before
them upgraded in place."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from ingest.article import SHARED
from ingest.store import keyword as keyword_module
from ingest.store.keyword import MIGRATIONS, KeywordIndex
from ingest.store.migrations import Migrations


def autocommit(path: Path) -> sqlite3.Connection:
    """A connection as the stores open theirs."""
    return sqlite3.connect(path, isolation_level=None)


def test_each_migration_runs_once_in_order(tmp_path):
    """Migrations run in order, once each; user_version counts them; a second apply is a no-op."""
    ran: list[str] = []
    steps = Migrations()

    @steps
    def m001_table(db):
        ran.append("m001")
        db.execute("CREATE TABLE t (a)")

    @steps
    def m002_column(db):
        ran.append("m002")
        db.execute("ALTER TABLE t ADD COLUMN b DEFAULT 7")

    with closing(autocommit(tmp_path / "s.db")) as db:
        assert steps.apply(db) == ["m001_table", "m002_column"]
        assert steps.apply(db) == []
        assert db.execute("PRAGMA user_version").fetchone()[0] == 2
        db.execute("INSERT INTO t (a) VALUES (1)")
        assert db.execute("SELECT a, b FROM t").fetchall() == [(1, 7)]
    assert ran == ["m001", "m002"]


def test_a_failing_migration_changes_nothing(tmp_path):
    """A migration that fails leaves the file as the one before it left it."""
    steps = Migrations()

    @steps
    def m001_table(db):
        db.execute("CREATE TABLE t (a)")

    @steps
    def m002_broken(db):
        db.execute("CREATE TABLE u (a)")
        db.execute("THIS IS NOT SQL")

    with closing(autocommit(tmp_path / "s.db")) as db:
        with pytest.raises(sqlite3.OperationalError):
            steps.apply(db)
        assert db.execute("PRAGMA user_version").fetchone()[0] == 1
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert tables == {"t"}


def test_an_archive_from_before_migrations_upgrades_in_place(tmp_path):
    """A catalogue written with the first schema (no user_version) opens: its articles keep
    their ids and rows, are in the shared archive, and the audit table is there, empty."""
    path = tmp_path / "keyword.sqlite3"
    with closing(autocommit(path)) as db:
        db.executescript(keyword_module.SCHEMA)
        db.execute(
            "INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            ("0123456789abcdef", "Old story", "Wire", "2021-01-02", None, None, "o", "h", 1,
             "ok", 1.0),
        )  # fmt: skip
        db.execute(
            "INSERT INTO chunks (chunk_id, article_id, position, text) VALUES (?,?,?,?)",
            ("0123456789abcdef-h-256.40-0", "0123456789abcdef", 0, "Old text about kilns."),
        )
        db.execute("INSERT INTO chunks_fts(rowid, title, text) VALUES (1, 'Old story', 'kilns')")

    index = KeywordIndex(path)
    try:
        old = index.article("0123456789abcdef")
        assert (old.title, old.published.isoformat(), old.scope) == ("Old story", "2021-01-02", 0)
        assert [i for i, _ in index.search('"kilns"', 5)] == ["0123456789abcdef-h-256.40-0"]
        assert index.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS.steps)
        assert index.db.execute("SELECT COUNT(*) FROM audit").fetchone()[0] == 0
        assert index.owned_scopes() == frozenset()
        assert index.articles(scopes=(SHARED,)) == [old]
    finally:
        index.close()
    again = KeywordIndex(path)  # reopening an up-to-date file migrates nothing
    assert again.article("0123456789abcdef") == old
    again.close()
