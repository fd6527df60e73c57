"""Where the tests find the project's files and the shared benchmark data."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "ingest" / "samples"
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seeds" / "000_3c0b0abb1b0ff373.txt"


def shared_file(path: Path) -> Path:
    """path, a file under ../shared; the test is skipped, saying which, when it is absent."""
    if not path.exists():
        pytest.skip(f"{path.relative_to(SHARED.parent)} is absent (the shared data is not here)")
    return path
