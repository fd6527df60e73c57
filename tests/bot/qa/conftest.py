"""A real index over the demo articles and the seed article, built once per test session."""

import pytest

from bot.compose import build_desk
from bot.settings import Settings
from tests.paths import SAMPLES, SEED


@pytest.fixture(scope="session")
def desk(tmp_path_factory):
    """A NewsDesk over ingest/samples and, when ../shared is here, the seed article, with the
    real bundled model."""
    desk = build_desk(Settings(data_dir=tmp_path_factory.mktemp("qa-index")))
    report = desk.ingest([str(SAMPLES), *([str(SEED)] if SEED.exists() else [])])
    assert report.ok, report.summary()
    return desk
