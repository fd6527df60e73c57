"""The embedded store serves one process: a second one gets a clear message."""

import subprocess
import sys
import time

import pytest

from ingest.store.errors import IndexUnavailable
from ingest.store.lock import LOCK_FILE, lock_data_dir

HOLD = (
    "import sys, time; from pathlib import Path; from ingest.store.lock import lock_data_dir; "
    "lock_data_dir(Path(sys.argv[1])); print('held', flush=True); time.sleep(30)"
)


def test_second_process_is_refused_with_directions(tmp_path):
    """A second process is told who holds the data directory, and about server mode."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(IndexUnavailable) as refused:
            lock_data_dir(tmp_path)
        message = str(refused.value)
        assert f"process {holder.pid}" in message
        assert "CHROMA_HOST" in message
    finally:
        holder.kill()
        holder.wait()


def test_lock_is_released_when_the_holder_dies(tmp_path):
    """A killed holder leaves no stale lock behind."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "held"
    holder.kill()
    holder.wait()
    time.sleep(0.1)
    lock_data_dir(tmp_path)
    assert (tmp_path / LOCK_FILE).exists()


def test_same_process_may_open_the_directory_twice(tmp_path):
    """Opening the same data directory again in one process is allowed."""
    lock_data_dir(tmp_path)
    lock_data_dir(tmp_path)
