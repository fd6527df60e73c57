"""Faults: the Chroma server going away and coming back, the gateway dropping, a bad data dir."""

from __future__ import annotations

import asyncio
import logging
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import chromadb
import pytest
from chromadb.config import Settings as ChromaSettings

from bot import cli
from bot.compose import build_desk
from ingest.store.errors import IndexUnavailable
from ingest.store.vectors import VectorStore, collection_name
from tests.bot.chat.helpers import DEFERRED, StartBot, private_reply
from tests.fake_discord import FakeDiscord
from tests.ingest.store.server.helpers import HOST, ChromaServer, server_settings, use_server

pytestmark = pytest.mark.server

QUESTION = "What did Putin say about the Geneva summit?"
UNAVAILABLE = "The archive cannot be reached right now. Please try again in a minute."


def write_article(folder: Path, name: str, title: str) -> Path:
    """A short front-matter Markdown article whose text repeats its title's words."""
    path = folder / name
    body = f"Officials confirmed on Monday that the {title.lower()}. " * 3
    path.write_text(
        f"---\ntitle: {title}\noutlet: Valley Ledger\npublished: 2024-07-01\n---\n\n{body}\n",
        encoding="utf-8",
    )
    return path


def error_line(stderr: str) -> str:
    """The `error: ...` line of a command's stderr (progress bars may come before it)."""
    return next((line for line in stderr.splitlines() if line.startswith("error: ")), stderr)


def _mount(*args: str) -> None:
    """Run mount, or skip the test where mounting is not allowed (not root, no CAP_SYS_ADMIN)."""
    if shutil.which("mount") is None:
        pytest.skip("no mount command on this machine")
    done = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
    if done.returncode:
        pytest.skip(f"cannot mount here ({done.stderr.strip()}); needs root with CAP_SYS_ADMIN")


@contextmanager
def mounted(target: Path, *, tmpfs_size: str | None = None) -> Iterator[Path]:
    """target as a tiny tmpfs (tmpfs_size set) or as a read-only bind mount of itself."""
    if tmpfs_size:
        _mount("-t", "tmpfs", "-o", f"size={tmpfs_size}", "tmpfs", str(target))
    else:
        _mount("--bind", str(target), str(target))
    try:
        if not tmpfs_size:
            _mount("-o", "remount,ro,bind", str(target))
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], capture_output=True, check=False)


def fill(folder: Path) -> Path:
    """A file that takes every free byte of folder's filesystem."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as out:
        try:
            while out.write(b"\0" * 4096):
                pass
        except OSError:
            pass
    return filler


async def test_bot_recovers_when_the_chroma_server_comes_back(
    fake_discord: FakeDiscord,
    start_bot: StartBot,
    chroma_server: ChromaServer,
    caplog: pytest.LogCaptureFixture,
):
    """Chroma stopped: /ask says unreachable; restarted on the same port: the bot answers."""
    await start_bot()
    before = await fake_discord.slash("ask", {"question": QUESTION}).message(timeout=20)

    await asyncio.to_thread(chroma_server.stop)
    try:
        down = await private_reply(fake_discord, fake_discord.slash("ask", {"question": QUESTION}))
    finally:
        await asyncio.to_thread(chroma_server.start)
    after = await fake_discord.slash("ask", {"question": QUESTION}).message(timeout=20)

    assert before["embeds"][0]["title"] == QUESTION
    assert down == UNAVAILABLE
    assert after["embeds"][0]["title"] == QUESTION
    assert after["embeds"][1]["fields"][0]["name"].startswith("[1] Putin says Geneva summit")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_vector_store_fetches_a_recreated_collection_again(chroma_server: ChromaServer):
    """A VectorStore whose collection was recreated fails once, then re-fetches it."""
    client = chromadb.HttpClient(
        host=HOST, port=chroma_server.port, settings=ChromaSettings(anonymized_telemetry=False)
    )
    store = VectorStore(client, "recreate-probe")
    store.collection.upsert(ids=["a"], embeddings=[[1.0, 0.0, 0.0]])
    other = chromadb.HttpClient(
        host=HOST, port=chroma_server.port, settings=ChromaSettings(anonymized_telemetry=False)
    )
    other.delete_collection(collection_name("recreate-probe"))
    other.create_collection(collection_name("recreate-probe"), embedding_function=None)

    with pytest.raises(IndexUnavailable, match="could not count"):
        store.count()
    assert store.count() == 0
    assert store.search([1.0, 0.0, 0.0], 3) == []


async def test_gateway_drop_is_resumed_and_asks_keep_being_answered(
    fake_discord: FakeDiscord, newsbot
):
    """After a gateway drop the client resumes and answers /ask sent during and after it."""
    first = await fake_discord.slash("ask", {"question": QUESTION}).message(timeout=20)

    dropping = asyncio.create_task(fake_discord.drop_gateway())
    await asyncio.sleep(0)  # the socket is closed: the next event waits for the RESUME
    during = fake_discord.slash("ask", {"question": "What happened with the Eastbank tram line?"})
    await dropping
    after = fake_discord.slash("ask", {"question": "What did the central bank decide on rates?"})

    answers = [await h.message(timeout=20) for h in (during, after)]
    assert first["embeds"][0]["title"] == QUESTION
    assert [a["embeds"][0]["title"] for a in answers] == [
        "What happened with the Eastbank tram line?",
        "What did the central bank decide on rates?",
    ]
    assert during.callback_type == after.callback_type == DEFERRED
    assert fake_discord.gateway.resumes == 1
    assert len(fake_discord.gateway.connections) == 2
    assert newsbot.is_ready() and not newsbot.is_closed()


def test_full_data_dir_is_reported_and_loses_nothing(
    chroma_server: ChromaServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
):
    """Ingest on a full disk: a clear error, stored articles intact, works once there is room."""
    data = tmp_path / "data"
    data.mkdir()
    kept = write_article(tmp_path, "quarry.md", "Quarry lake reopens to swimmers")
    new = write_article(tmp_path, "ferry.md", "Night ferry timetable doubles")
    with mounted(data, tmpfs_size="1M"):
        desk = build_desk(server_settings(chroma_server, data))
        try:
            assert desk.ingest([str(kept)]).added == 1
            filler = fill(data)
            use_server(monkeypatch, chroma_server, data)

            status = cli.main(["ingest", str(new)])
            err = error_line(capsys.readouterr().err)

            assert status == 2
            assert err.startswith(f"error: cannot write the keyword index at {data}")
            assert "database or disk is full" in err
            assert [a.title for a in desk.articles()] == ["Quarry lake reopens to swimmers"]
            assert desk.index.keyword.pending() == []
            assert desk.search("quarry lake swimmers")[0].title == "Quarry lake reopens to swimmers"
            (stored,) = desk.articles()
            assert len(desk.index.vectors.ids_for_article(stored.article_id)) == stored.chunk_count

            filler.unlink()
            assert cli.main(["ingest", str(new)]) == 0
            assert len(desk.articles()) == 2
        finally:
            desk.index.close()


def test_read_only_data_dir_is_reported_and_loses_nothing(
    chroma_server: ChromaServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
):
    """Ingest on a read-only data dir: a clear error, and the archive is intact afterwards."""
    data = tmp_path / "data"
    kept = write_article(tmp_path, "quarry.md", "Quarry lake reopens to swimmers")
    new = write_article(tmp_path, "ferry.md", "Night ferry timetable doubles")
    desk = build_desk(server_settings(chroma_server, data))
    assert desk.ingest([str(kept)]).added == 1
    desk.index.close()
    use_server(monkeypatch, chroma_server, data)

    with mounted(data):
        status = cli.main(["ingest", str(new)])
        err = error_line(capsys.readouterr().err)

    desk = build_desk(server_settings(chroma_server, data))
    try:
        assert status == 2
        assert err.startswith(f"error: cannot open the keyword index at {data}")
        assert "check the data directory" in err
        assert [a.title for a in desk.articles()] == ["Quarry lake reopens to swimmers"]
        assert desk.index.keyword.pending() == []
        assert desk.search("quarry lake swimmers")[0].title == "Quarry lake reopens to swimmers"
    finally:
        desk.index.close()
