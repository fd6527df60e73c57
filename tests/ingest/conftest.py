"""Fixtures for the ingest tests: the real bundled model, loaded once."""

from __future__ import annotations

import pytest

from ingest.embed import Embedder


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The bundled all-MiniLM-L6-v2, loaded once for the session."""
    model = Embedder()
    assert model.model is not None
    return model
