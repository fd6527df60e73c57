"""Fixtures for server mode: a real `chroma run` server per module, and a desk that uses it.

The `desk` fixture here replaces the embedded one of tests/conftest.py, so `start_bot` and
`newsbot` start a NewsBot over a desk whose vectors live in the Chroma server.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.compose import build_desk
from bot.qa.service import NewsDesk
from tests.ingest.store.server.helpers import ChromaServer, free_port, server_settings
from tests.paths import SAMPLES


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    """A `chroma run` server on a free loopback port with a fresh path, for one test module."""
    folder = tmp_path_factory.mktemp("chroma-server")
    server = ChromaServer(folder / "data", free_port(), folder / "chroma.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def desk(
    chroma_server: ChromaServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[NewsDesk]:
    """A real NewsDesk over the twelve sample articles, with its vectors in the Chroma server."""
    desk = build_desk(server_settings(chroma_server, tmp_path_factory.mktemp("server-archive")))
    report = desk.ingest([str(SAMPLES)])
    assert report.added == 12, report.summary()
    yield desk
    desk.index.close()
