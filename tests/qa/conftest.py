"""A real index over the demo articles and the seed article, built once per test session."""

from pathlib import Path

import pytest

from bot.compose import build_desk
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "ingest" / "samples"
SEED = ROOT.parent / "shared" / "seeds" / "000_3c0b0abb1b0ff373.txt"


@pytest.fixture(scope="session")
def desk(tmp_path_factory):
    """A NewsDesk over ingest/samples and the seed article, with the real bundled model."""
    desk = build_desk(Settings(data_dir=tmp_path_factory.mktemp("qa-index")))
    report = desk.ingest([str(SAMPLES), str(SEED)])
    assert report.ok, report.summary()
    return desk
