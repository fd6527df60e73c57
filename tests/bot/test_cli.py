"""Tests for the `newsdesk` command: the demo, JSON output, index admin, and clear errors."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import redirect_stdout
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import huggingface_hub.constants
import pytest

from bot.cli import main
from bot.compose import build_desk, build_index
from bot.settings import Settings
from ingest.store.audit import Actor
from tests.ingest.helpers import NEWSDESK, SUBPROCESS_ENV, bad_folder, write_article
from tests.paths import SAMPLES

QUESTION = "What did Putin say about the Geneva summit?"
PUTIN_TITLE = "Putin says Geneva summit opened room for dialogue with Washington"
GENEVA_SENTENCE = "Putin said his summit with U.S. President Joe Biden in Geneva in June"


def run(capsys, *args: str | Path) -> tuple[int, str, str]:
    """Run `newsdesk ARGS` in this process: exit code, stdout, stderr."""
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    """A data directory filled by `newsdesk ingest ingest/samples`."""
    data = tmp_path_factory.mktemp("cli") / "data"
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["--data-dir", str(data), "ingest", str(SAMPLES)]) == 0
    assert out.getvalue().startswith("added 12, updated 0, unchanged 0, failed 0 (")
    return data


def stats(capsys, data: Path) -> dict[str, str]:
    """`newsdesk stats` as a dict."""
    code, out, _ = run(capsys, "--data-dir", data, "stats")
    assert code == 0
    return dict(line.split(None, 1) for line in out.splitlines())


def test_demo_ask_cites_the_geneva_passage(data, capsys) -> None:
    """The README demo: the Putin/Geneva question is answered from the passage, cited in full."""
    code, out, err = run(capsys, "--data-dir", data, "ask", QUESTION)
    assert code == 0, err
    answer, _, sources = out.partition("\nSources:\n")
    assert GENEVA_SENTENCE in answer
    cited = re.search(
        rf"^\[(\d+)\] {re.escape(PUTIN_TITLE)}\. Global Affairs Wire, 2021-11-18\.", sources, re.M
    )
    assert cited, out
    assert f"[{cited.group(1)}]" in answer
    quotes = [line for line in sources.splitlines() if line.startswith("    > ")]
    assert any(GENEVA_SENTENCE in q for q in quotes)


def test_ask_json_has_the_documented_shape(data, capsys) -> None:
    """`ask --json` prints one object: query, answer, found and citations with their fields."""
    code, out, _ = run(capsys, "--data-dir", data, "ask", QUESTION, "--json")
    assert code == 0
    [line] = out.splitlines()
    record = json.loads(line)
    assert list(record) == ["query", "answer", "found", "citations"]
    assert record["query"] == QUESTION and record["found"] is True
    assert GENEVA_SENTENCE in record["answer"]
    assert record["citations"]
    for citation in record["citations"]:
        assert list(citation) == ["title", "source", "published", "url", "quote"]
    first = record["citations"][0]
    assert (first["title"], first["source"], first["published"]) == (
        PUTIN_TITLE,
        "Global Affairs Wire",
        "2021-11-18",
    )
    assert (
        first["url"].startswith("https://globalaffairswire.example/") and "Geneva" in first["quote"]
    )


def test_search_json_has_the_documented_shape(data, capsys) -> None:
    """`search --json` prints query and results (text, title, source, published, url, score)."""
    code, out, _ = run(capsys, "--data-dir", data, "search", "Geneva summit", "--json", "-k", "4")
    assert code == 0
    record = json.loads(out)
    assert list(record) == ["query", "results"] and record["query"] == "Geneva summit"
    results = record["results"]
    assert 1 <= len(results) <= 4
    for result in results:
        assert list(result) == ["text", "title", "source", "published", "url", "score"]
        assert isinstance(result["score"], float)
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)
    assert PUTIN_TITLE in {r["title"] for r in results[:2]}


QUESTIONS = [
    "What did Putin say about the Geneva summit?",
    "Why did the central bank hold rates?",
    "Which team won the cup?",
]


@pytest.mark.parametrize("command", ["ask", "search"])
@pytest.mark.parametrize("kind", ["lines", "json"])
def test_queries_file_gives_one_json_line_per_question_in_order(
    data, capsys, tmp_path, command, kind
) -> None:
    """--queries-file (lines, or JSON {query} objects) gives one JSON line per question in order."""
    path = tmp_path / f"questions.{kind}"
    if kind == "lines":
        path.write_text("\n".join(QUESTIONS) + "\n\n")
    else:
        path.write_text(json.dumps([{"query": q, "id": n} for n, q in enumerate(QUESTIONS)]))
    code, out, _ = run(capsys, "--data-dir", data, command, "--queries-file", path, "--json")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["query"] for r in records] == QUESTIONS
    assert all(("citations" if command == "ask" else "results") in r for r in records)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read the queries file"),
        ('[{"question": "no query field"}]', 'needs a "query" field'),
        ('[{"query": "a"},', "malformed JSON at line 1"),
    ],
)
def test_bad_queries_file_is_a_clear_error(data, capsys, tmp_path, content, message) -> None:
    """A missing or malformed --queries-file stops with a one-line message, not a traceback."""
    path = tmp_path / "q.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(SystemExit) as stopped:
        main(["--data-dir", str(data), "ask", "--queries-file", str(path)])
    assert message in str(stopped.value.code) and str(path) in str(stopped.value.code)


def test_reingest_through_the_cli_changes_nothing(data, capsys) -> None:
    """`newsdesk ingest` of the same folder again reports all unchanged and keeps the counts."""
    before = stats(capsys, data)
    code, out, _ = run(capsys, "--data-dir", data, "ingest", SAMPLES)
    assert code == 0
    assert out.strip() == "added 0, updated 0, unchanged 12, failed 0 (0 chunks written)"
    assert stats(capsys, data) == before


def test_stats_gives_counts(data, capsys) -> None:
    """`newsdesk stats` shows articles, chunks, vectors, model and collection."""
    got = stats(capsys, data)
    assert got["articles"] == "12" and got["outlets"] == "10" and got["pending"] == "0"
    assert int(got["chunks"]) == int(got["vectors"]) >= 20
    assert got["model"] == "all-MiniLM-L6-v2"
    assert got["collection"] == "newsdesk-all-MiniLM-L6-v2"


def test_data_dir_setting_is_read_from_the_environment(data, capsys, monkeypatch) -> None:
    """NEWSDESK_DATA_DIR chooses the index when --data-dir is not given."""
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(data))
    assert stats(capsys, data)["articles"] == "12"
    code, out, _ = run(capsys, "stats")
    assert code == 0 and "articles         12" in out


def test_sources_lists_articles_with_ids(data, capsys) -> None:
    """`newsdesk sources` lists id, date, outlet and title; a filter and --limit narrow it."""
    code, out, err = run(capsys, "--data-dir", data, "sources")
    assert code == 0 and err.strip().endswith("12 article(s)")
    lines = out.splitlines()
    assert len(lines) == 12
    for line in lines:
        assert re.fullmatch(r"[0-9a-f]{16}  \d{4}-\d{2}-\d{2}  .{24}  \S.*", line), line
    assert any(line.endswith(PUTIN_TITLE) for line in lines)
    code, out, _ = run(capsys, "--data-dir", data, "sources", "Geneva")
    assert code == 0 and len(out.splitlines()) == 2
    code, out, _ = run(capsys, "--data-dir", data, "sources", "--limit", "3")
    assert code == 0 and len(out.splitlines()) == 3


def test_forget_removes_an_article_from_both_indexes(data, capsys, tmp_path) -> None:
    """`newsdesk forget ID` removes an ingested article from the catalogue, FTS and Chroma."""
    folder = tmp_path / "extra"
    write_article(folder, "axolotl.md", "Axolotl sanctuary opens", "An axolotl sanctuary opened.")
    assert run(capsys, "--data-dir", data, "ingest", folder)[0] == 0
    code, out, _ = run(capsys, "--data-dir", data, "sources", "Axolotl")
    [line] = out.splitlines()
    article_id = line.split()[0]
    code, out, _ = run(capsys, "--data-dir", data, "search", "axolotl", "--json")
    assert json.loads(out)["results"][0]["title"] == "Axolotl sanctuary opens"

    code, out, _ = run(capsys, "--data-dir", data, "forget", article_id)
    assert code == 0 and out.strip() == f"forgot {article_id}: Axolotl sanctuary opens"
    index = build_index(Settings(data_dir=data))
    assert index.keyword.article(article_id) is None
    assert not index.vectors.ids_for_article(article_id)
    assert index.keyword.search("axolotl", 5) == []
    assert stats(capsys, data)["articles"] == "12"
    code, out, _ = run(capsys, "--data-dir", data, "search", "axolotl", "--json")
    assert "Axolotl sanctuary opens" not in {r["title"] for r in json.loads(out)["results"]}
    code, out, _ = run(capsys, "--data-dir", data, "check")
    assert code == 0 and "the indexes agree" in out


KEY_PAGE = (
    b"Access keys for the build server\n\nThe SecretAccessKey is made-up-7f3a9c and the "
    b"access key id is AKIAMADEUP0000000000.\n"
)


@pytest.fixture
def key_page() -> Iterator[str]:
    """A page on 127.0.0.1 holding a made-up access key; its URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(KEY_PAGE)))
            self.end_headers()
            self.wfile.write(KEY_PAGE)

        def log_message(self, format: str, *args: object) -> None:
            """Keep test output quiet."""

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/page"
    httpd.shutdown()
    httpd.server_close()


def test_ingest_refuses_a_loopback_page_and_says_how_to_allow_it(
    capsys, tmp_path, key_page, monkeypatch
) -> None:
    """`newsdesk ingest http://127.0.0.1:PORT/page` stores nothing, exits 1 and names the
    setting; with NEWSDESK_ALLOW_PRIVATE_URLS=true the same page is ingested."""
    data = tmp_path / "data"
    monkeypatch.delenv("NEWSDESK_ALLOW_PRIVATE_URLS", raising=False)
    code, out, _ = run(capsys, "--data-dir", data, "ingest", key_page)
    assert code == 1
    head, failure = out.strip().splitlines()
    assert head.startswith("added 0, updated 0, unchanged 0, failed 1")
    assert failure == (
        f"  failed: {key_page}: refused {key_page}: 127.0.0.1 is a loopback address, not a "
        "public one; the operator can allow private networks with "
        "NEWSDESK_ALLOW_PRIVATE_URLS=true"
    )
    assert stats(capsys, data)["articles"] == "0"

    monkeypatch.setenv("NEWSDESK_ALLOW_PRIVATE_URLS", "true")
    code, out, _ = run(capsys, "--data-dir", data, "ingest", key_page)
    assert code == 0 and out.startswith("added 1,")


def test_server_archives_through_the_cli(capsys, tmp_path) -> None:
    """sources, stats and forget act on the shared archive, or with --server on one server's;
    forget refuses an article of the other archive, saying how; audit lists every change."""
    data, folder, guild = tmp_path / "data", tmp_path / "articles", 4242
    write_article(
        folder, "kiln.md", "Kiln reopens", "The old kiln reopened.", url="https://k.example/"
    )
    assert run(capsys, "--data-dir", data, "ingest", folder)[0] == 0
    desk = build_desk(Settings(_env_file=None, data_dir=data))
    desk.ingest([str(folder)], scope=guild, actor=Actor("harbour-admin", 7, guild))
    desk.index.close()

    listed = {}
    for scope in ([], ["--server", str(guild)]):
        code, out, _ = run(capsys, "--data-dir", data, "sources", *scope)
        [line] = out.splitlines()
        listed[bool(scope)] = line.split()[0]
        assert code == 0 and line.endswith("Kiln reopens")
        assert stats(capsys, data)["articles"] == "1"
    shared, own = listed[False], listed[True]
    assert shared != own

    code, _, err = run(capsys, "--data-dir", data, "forget", own)
    assert code == 1
    assert err.strip() == (
        f"error: article {own} is in server {guild}'s archive: add --server {guild} to forget it"
    )
    code, _, err = run(capsys, "--data-dir", data, "forget", "--server", str(guild), shared)
    assert code == 1 and err.strip().endswith(
        "is in the shared archive: leave out --server to forget it"
    )
    code, out, _ = run(capsys, "--data-dir", data, "forget", "--server", str(guild), own)
    assert code == 0 and out.strip() == f"forgot {own}: Kiln reopens"
    code, out, _ = run(capsys, "--data-dir", data, "stats", "--server", str(guild))
    assert "articles         0" in out.splitlines()

    code, out, err = run(capsys, "--data-dir", data, "audit")
    lines = out.splitlines()
    assert code == 0 and err.strip() == "5 change(s)"
    assert lines[0].endswith(
        f"command line: forgotten {own} “Kiln reopens”, server {guild}'s archive"
    )
    assert f"harbour-admin (7) in server {guild}: added {own} “Kiln reopens”" in lines[1]
    assert lines[-1].endswith(f"command line: ingest “{folder}”, the shared archive")
    code, out, _ = run(capsys, "--data-dir", data, "audit", "--server", str(guild), "--limit", "2")
    assert len(out.splitlines()) == 2 and f"forgotten {own}" in out


def test_forget_unknown_id_exits_1(data, capsys) -> None:
    """Forgetting an id that is not indexed says so and exits 1."""
    code, _, err = run(capsys, "--data-dir", data, "forget", "0123456789abcdef")
    assert code == 1
    assert err.strip() == (
        "error: no article with id 0123456789abcdef; `newsdesk sources` lists the ids"
    )


def test_check_and_repair_a_broken_pair(capsys, tmp_path) -> None:
    """`check` spots vectors deleted from Chroma and an orphan; `check --repair` fixes them."""
    folder, data = tmp_path / "a", tmp_path / "data"
    write_article(folder, "1.md", "Harbour dredging starts", "Dredgers arrived on Monday.")
    write_article(folder, "2.md", "Ferry timetable changes", "Ferries run hourly from June.")
    assert run(capsys, "--data-dir", data, "ingest", folder)[0] == 0
    collection = build_index(Settings(data_dir=data)).vectors.collection
    victim = collection.get(include=[])["ids"][0]
    collection.delete(ids=[victim])
    collection.add(ids=["orphan"], embeddings=[[0.05] * 384], metadatas=[{"article_id": "x"}])

    code, out, _ = run(capsys, "--data-dir", data, "check")
    assert code == 1
    assert out.splitlines() == [
        "orphan vectors 1, missing vectors 1, pending articles 0, "
        "chunks without current sentence vectors 0",
        "run `newsdesk check --repair` to repair",
    ]
    code, out, _ = run(capsys, "--data-dir", data, "check", "--repair")
    assert code == 0 and out.splitlines()[-1] == "repaired"
    code, out, _ = run(capsys, "--data-dir", data, "check")
    assert code == 0 and out.splitlines()[-1] == "the indexes agree"
    assert (
        set(collection.get(include=[])["ids"])
        == build_index(Settings(data_dir=data)).keyword.chunk_ids()
    )


def test_ask_on_an_empty_index_exits_2(capsys, tmp_path) -> None:
    """Asking before anything is ingested says how to ingest, with exit code 2."""
    code, out, err = run(capsys, "--data-dir", tmp_path / "empty", "ask", QUESTION)
    assert code == 2 and out == ""
    assert err.strip().splitlines()[-1] == (
        "error: the index is empty: add articles with `newsdesk ingest PATH_OR_URL`"
    )


@pytest.mark.parametrize("command", [["stats"], ["ingest", str(SAMPLES)], ["ask", QUESTION]])
def test_data_dir_that_cannot_be_created_exits_2(capsys, tmp_path, command) -> None:
    """A data directory under a regular file gives `error: cannot open ...` and exit 2."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, out, err = run(capsys, "--data-dir", blocker / "data", *command)
    assert code == 2 and out == ""
    last = err.strip().splitlines()[-1]
    assert last.startswith("error: cannot ") and f"the data directory {blocker}" in last
    assert "Traceback" not in err


def test_bad_collection_prefix_is_a_clear_error(capsys, tmp_path, monkeypatch) -> None:
    """A collection prefix Chroma would refuse stops at once with the setting named."""
    monkeypatch.setenv("NEWSDESK_COLLECTION_PREFIX", "my archive!")
    code, out, err = run(capsys, "--data-dir", tmp_path / "data", "stats")
    assert code == 2 and out == ""
    assert "collection_prefix" in err and "should match pattern" in err
    assert not (tmp_path / "data").exists()


def test_unavailable_model_exits_2(capsys, tmp_path, monkeypatch) -> None:
    """An embedding model that cannot be loaded gives a one-line error and exit 2."""
    monkeypatch.setenv("NEWSDESK_EMBEDDING_MODEL", "no-such-org/no-such-model-xyz")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    folder = tmp_path / "a"
    write_article(folder, "1.md", "Harbour dredging starts", "Dredgers arrived on Monday.")
    code, out, err = run(capsys, "--data-dir", tmp_path / "data", "ingest", folder)
    assert code == 2 and out == ""
    last = err.strip().splitlines()[-1]
    assert last.startswith(
        "error: embedding model 'no-such-org/no-such-model-xyz' cannot be loaded"
    )
    assert last.endswith("set NEWSDESK_EMBEDDING_MODEL to a local sentence-transformers folder")


def test_bad_input_is_summarised_and_nothing_indexed_is_lost(capsys, tmp_path) -> None:
    """Ingest with bad files exits 1, one line per failure; earlier articles stay, once each."""
    write_article(tmp_path / "old", "1.md", "Harbour dredging starts", "Dredgers came on Monday.")
    data = tmp_path / "data"
    assert run(capsys, "--data-dir", data, "ingest", tmp_path / "old")[0] == 0
    before = stats(capsys, data)
    expected = bad_folder(tmp_path / "bad")
    code, out, err = run(capsys, "--data-dir", data, "ingest", tmp_path / "old", tmp_path / "bad")
    assert code == 1 and "Traceback" not in err
    lines = out.splitlines()
    assert lines[0] == "added 2, updated 0, unchanged 1, failed 7 (2 chunks written)"
    assert [line.split(": ", 2)[1] for line in lines[1:]] == [
        str(tmp_path / "bad" / name) for name in expected
    ]
    after = stats(capsys, data)
    assert int(after["articles"]) == int(before["articles"]) + 2
    assert int(after["chunks"]) == int(after["vectors"]) == int(before["chunks"]) + 2
    assert run(capsys, "--data-dir", data, "check")[0] == 0


def newsdesk(*args: str | Path, **kwargs) -> subprocess.CompletedProcess:
    """Run the installed `newsdesk` console script."""
    return subprocess.run(
        [str(NEWSDESK), *map(str, args)],
        capture_output=True,
        text=True,
        env=SUBPROCESS_ENV,
        timeout=300,
        **kwargs,
    )


@pytest.mark.slow
def test_bad_input_through_the_real_command(tmp_path) -> None:
    """The real `newsdesk ingest` of bad files: one reason each, exit 1, no traceback."""
    expected = bad_folder(tmp_path / "bad")
    data = tmp_path / "data"
    done = newsdesk("--data-dir", data, "ingest", tmp_path / "bad")
    assert done.returncode == 1, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "added 2, updated 0, unchanged 0, failed 7 (2 chunks written)"
    assert len(lines) == 8
    for line, (name, reason) in zip(lines[1:], expected.items(), strict=True):
        assert line.startswith(f"  failed: {tmp_path / 'bad' / name}: ") and reason in line
    done = newsdesk("--data-dir", data, "check")
    assert (done.returncode, done.stdout.splitlines()[-1]) == (0, "the indexes agree")


def root_ignores_permissions(folder: Path) -> bool:
    """True when this process can write into a folder whose mode forbids it (root)."""
    probe = folder / "probe"
    try:
        probe.write_text("x")
    except PermissionError:
        return False
    probe.unlink()
    return True


def test_read_only_data_dir_exits_2_with_a_message(data, tmp_path) -> None:
    """A read-only data directory holding an index gives exit 2 and a clear message."""
    source, data = data, tmp_path / "data"
    shutil.copytree(source, data)  # a copy: this process does not hold its lock
    write_article(tmp_path / "b", "2.md", "Ferry changes", "Ferries run hourly from June.")
    paths = [data, *data.rglob("*")]
    for path in paths:
        path.chmod(path.stat().st_mode & 0o555)
    try:
        prefix: list[str] = []
        if root_ignores_permissions(data):
            if not shutil.which("setpriv"):
                pytest.skip(f"uid {os.getuid()} ignores file modes and setpriv is missing")
            # Root without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH is held to the file modes.
            prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]
        done = subprocess.run(
            [*prefix, str(NEWSDESK), "--data-dir", str(data), "ingest", str(tmp_path / "b")],
            capture_output=True,
            text=True,
            env=SUBPROCESS_ENV,
            timeout=300,
        )
    finally:
        for path in paths:
            path.chmod(path.stat().st_mode | 0o200)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stderr and done.stdout == ""
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("error: cannot ") and str(data) in last
    assert "readonly database" in last or "Permission denied" in last
