"""One process at a time on an embedded store: an exclusive lock on the data directory."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from ingest.store.errors import IndexUnavailable

LOCK_FILE = ".newsdesk.lock"
_held: dict[Path, int] = {}


def lock_data_dir(data_dir: Path) -> None:
    """Hold the data directory for this process, or explain who holds it and what to do."""
    path = (data_dir / LOCK_FILE).resolve()
    if path in _held:
        return
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        msg = f"cannot use the data directory {data_dir}: {exc.strerror}; check its permissions"
        raise IndexUnavailable(msg) from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "another process"
        os.close(fd)
        msg = (
            f"the data directory {data_dir} is in use by {holder}. An embedded index serves one "
            "process: stop it, ingest through the bot (/ingest), or run a Chroma server and set "
            "CHROMA_HOST so the bot and the command line can share the index"
        )
        raise IndexUnavailable(msg) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"process {os.getpid()}".encode(), 0)
    _held[path] = fd
