"""Server mode: ingest, search and ask with the vectors in a real Chroma server on the loopback."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import chromadb
import pytest
from chromadb.config import Settings as ChromaSettings

from bot import cli
from bot.compose import build_desk
from bot.qa.service import NewsDesk
from ingest.store.index import KEYWORD_FILE
from ingest.store.keyword import KeywordIndex
from ingest.store.lock import LOCK_FILE
from ingest.store.vectors import collection_name
from tests.bot.chat.helpers import StartBot
from tests.fake_discord import FakeDiscord
from tests.ingest.store.server.helpers import HOST, ChromaServer, server_settings, use_server
from tests.paths import ROOT, SAMPLES

pytestmark = pytest.mark.server

QUESTION = "What did Putin say about the Geneva summit?"
COLLECTION = collection_name("all-MiniLM-L6-v2")


def write_article(folder: Path, name: str, title: str, text: str) -> Path:
    """A front-matter Markdown article, as in ingest/samples/."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    head = f"---\ntitle: {title}\noutlet: Valley Ledger\npublished: 2024-06-12\n---\n\n"
    path.write_text(head + text + "\n", encoding="utf-8")
    return path


def server_ids(server: ChromaServer) -> set[str]:
    """The ids of the vectors in the server's collection, read with a separate client."""
    client = chromadb.HttpClient(
        host=HOST, port=server.port, settings=ChromaSettings(anonymized_telemetry=False)
    )
    return set(client.get_collection(COLLECTION).get(include=[])["ids"])


def test_desk_keeps_its_vectors_in_the_server(chroma_server: ChromaServer, desk: NewsDesk):
    """build_desk with chroma_host stores vectors in the server, not in the data dir, unlocked."""
    passages = desk.search("Eastbank tram line")
    answer = desk.ask(QUESTION)

    assert passages[0].title.startswith("Eastbank tram line opens")
    assert answer.found and answer.citations[0].title.startswith("Putin says Geneva summit")
    assert server_ids(chroma_server) == desk.index.keyword.chunk_ids()
    assert desk.stats()["vectors"] == desk.stats()["chunks"]
    assert not (desk.index.data_dir / "chroma").exists()
    assert not (desk.index.data_dir / LOCK_FILE).exists()


def test_cli_works_through_the_server_from_env(
    chroma_server: ChromaServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
):
    """`newsdesk ingest/search/ask` with CHROMA_HOST/PORT/TOKEN set work against the server."""
    use_server(monkeypatch, chroma_server, tmp_path)
    monkeypatch.setenv("CHROMA_TOKEN", "chroma-secret-5d1e")  # sent as a Bearer header

    articles = [
        SAMPLES / "01-putin-foreign-ministry-board.md",
        SAMPLES / "09-eastbank-tram-line-opens.md",
    ]
    assert cli.main(["ingest", *map(str, articles)]) == 0
    ingested = capsys.readouterr().out
    assert cli.main(["search", "Eastbank tram line", "--json", "-k", "3"]) == 0
    search = json.loads(capsys.readouterr().out)
    assert cli.main(["ask", QUESTION, "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)

    assert ingested.startswith("added 2, updated 0, unchanged 0, failed 0")
    assert search["results"][0]["title"].startswith("Eastbank tram line opens")
    assert answer["found"] and answer["citations"][0]["title"].startswith("Putin says Geneva")
    assert "chroma-secret-5d1e" not in ingested + json.dumps([search, answer])
    assert not (tmp_path / "chroma").exists() and not (tmp_path / LOCK_FILE).exists()
    catalogue = KeywordIndex(tmp_path / KEYWORD_FILE)
    assert catalogue.chunk_ids() and catalogue.chunk_ids() <= server_ids(chroma_server)
    catalogue.close()


def test_cli_reports_an_unreachable_server_without_its_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    """With CHROMA_TOKEN set and no server at CHROMA_HOST, the CLI says so; the token is hidden."""
    token = "chroma-secret-7f3a9c"
    stopped = ChromaServer(tmp_path / "none", 1, tmp_path / "none.log")  # nothing listens on :1
    use_server(monkeypatch, stopped, tmp_path)
    monkeypatch.setenv("CHROMA_TOKEN", token)

    status = cli.main(["ask", QUESTION])
    err = capsys.readouterr().err

    assert status == 2
    assert err.startswith(f"error: cannot open the Chroma server at {HOST}:1: ")
    assert "Could not connect to a Chroma server" in err
    assert token not in err


async def test_bot_sees_a_cli_ingest_from_another_process(
    fake_discord: FakeDiscord,
    start_bot: StartBot,
    desk: NewsDesk,
    chroma_server: ChromaServer,
    tmp_path: Path,
):
    """A CLI ingest in another process, beside the running bot, is answered from at once."""
    await start_bot()
    article = write_article(
        tmp_path,
        "aquifer.md",
        "Zorblat aquifer found beneath Valley farms",
        "Surveyors found the Zorblat aquifer beneath the Valley farms on Tuesday. "
        "The Zorblat aquifer holds enough water for the whole district for a decade, "
        "the water board said.",
    )
    question = "What was found beneath the Valley farms about the Zorblat aquifer?"
    before = await fake_discord.slash("ask", {"question": question}).message(timeout=20)

    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "CHROMA_"))}
    env.update(
        NEWSDESK_DATA_DIR=str(desk.index.data_dir),
        CHROMA_HOST=HOST,
        CHROMA_PORT=str(chroma_server.port),
    )
    run = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot.cli", "ingest", str(article)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    after = await fake_discord.slash("ask", {"question": question}).message(timeout=20)

    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("added 1, updated 0, unchanged 0, failed 0")
    sources_before = before["embeds"][-1].get("fields", [])
    assert not any("Zorblat" in f["name"] for f in sources_before)
    answer, sources = after["embeds"]
    assert "Zorblat aquifer" in answer["description"]
    assert sources["fields"][0]["name"].startswith("[1] Zorblat aquifer found")


def test_archives_with_their_own_prefix_share_a_server_safely(
    chroma_server: ChromaServer, desk: NewsDesk, tmp_path: Path
):
    """A second archive on the same server, under its own prefix, neither sees nor repairs away
    the first one's vectors."""
    before = server_ids(chroma_server)
    folder = tmp_path / "articles"
    write_article(folder, "ferry.md", "Harbour ferry adds night crossings", "The ferry runs late.")
    other = build_desk(server_settings(chroma_server, tmp_path / "data", collection_prefix="other"))
    assert other.ingest([str(folder)]).added == 1
    report = other.index.check(repair=True)

    assert report.consistent
    assert other.index.vectors.name == "other-all-MiniLM-L6-v2"
    assert server_ids(chroma_server) == before == desk.index.keyword.chunk_ids()
    assert {p.title for p in other.search("Putin Geneva summit")} == {
        "Harbour ferry adds night crossings"
    }
    other.index.close()
