"""Server mode helpers: a real `chroma run` on the loopback, and the settings that use it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bot.settings import Settings

HOST = "127.0.0.1"
CHROMA = Path(sys.executable).with_name("chroma")
START_TIMEOUT = 60.0  # seconds; the server is up in ~2 s, more on a loaded machine


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class ChromaServer:
    """A real `chroma run` on the loopback; it can be stopped and started again in place."""

    def __init__(self, path: Path, port: int, log_path: Path) -> None:
        self.path = path
        self.port = port
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        """Start the server on its port and path; return once its heartbeat answers."""
        if not CHROMA.exists():
            pytest.fail(f"no chroma CLI at {CHROMA}: install the project with `make test`")
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [CHROMA, "run", "--path", str(self.path), "--host", HOST, "--port", str(self.port)],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"chroma exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                if httpx.get(f"{self.url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.stop()
        pytest.fail(f"chroma did not answer within {START_TIMEOUT:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        """Terminate the server and wait until it has exited (killed after 10 s)."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_tail(self, lines: int = 20) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def use_server(monkeypatch: pytest.MonkeyPatch, server: ChromaServer, data_dir: Path) -> None:
    """The environment a deployment sets for server mode (and nothing else of ours)."""
    for name in [n for n in os.environ if n.startswith(("NEWSDESK_", "CHROMA_"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(data_dir))
    monkeypatch.setenv("CHROMA_HOST", HOST)
    monkeypatch.setenv("CHROMA_PORT", str(server.port))


def server_settings(server: ChromaServer, data_dir: Path, **overrides) -> Settings:
    """Settings for server mode: the catalogue in data_dir, the vectors in the server."""
    return Settings(
        _env_file=None, data_dir=data_dir, chroma_host=HOST, chroma_port=server.port, **overrides
    )
