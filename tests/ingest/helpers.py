"""Helpers for the ingest tests: articles written to disk, bad inputs, and small real indexes."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

from ingest.embed import Embedder
from ingest.sources import DEFAULT_MAX_BYTES
from ingest.store.index import ArticleIndex, open_chroma
from tests.paths import ROOT

NEWSDESK = ROOT / ".venv" / "bin" / "newsdesk"
SUBPROCESS_ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
NAV_ONLY = "<html><body><nav><a href='/'>Home</a></nav><footer>Back to top</footer></body></html>"


def write_article(
    folder: Path,
    name: str,
    title: str,
    text: str,
    *,
    outlet: str = "Test Wire",
    published: date | None = date(2024, 5, 1),
    url: str | None = None,
) -> Path:
    """A front-matter Markdown article file, as in ingest/samples/."""
    folder.mkdir(parents=True, exist_ok=True)
    head = [f"title: {title}", f"outlet: {outlet}"]
    if published:
        head.append(f"published: {published.isoformat()}")
    if url:
        head.append(f"url: {url}")
    path = folder / name
    path.write_text("---\n" + "\n".join(head) + "\n---\n\n" + text + "\n", encoding="utf-8")
    return path


def bad_folder(folder: Path) -> dict[str, str]:
    """Write one file of each kind of bad input; returns file name -> expected reason."""
    folder.mkdir(parents=True)
    (folder / "a-empty.txt").write_bytes(b"")
    (folder / "b-binary.txt").write_bytes(b"GIF89a\x00\x01\x02\x00")
    (folder / "c-latin1.txt").write_bytes("Café au lait prices rise".encode("latin-1"))
    with (folder / "d-oversized.txt").open("wb") as handle:
        handle.truncate(DEFAULT_MAX_BYTES + 1)  # sparse: costs no disk
    (folder / "e-nav.html").write_text(NAV_ONLY)
    (folder / "f-broken.json").write_bytes(b'[{"title": "x",\n  "body": }]')
    good = {"title": "Ferry fares frozen", "outlet": "Harbour Post", "text": "Fares stay put."}
    (folder / "g-mixed.jsonl").write_text(json.dumps(good) + "\n{not json\n")
    write_article(folder, "z-good.md", "Library opens late", "The library now opens until ten.")
    return {
        "a-empty.txt": "empty file: it holds no text",
        "b-binary.txt": "binary data (it contains NUL bytes)",
        "c-latin1.txt": "not UTF-8 text (undecodable byte 0xe9",
        "d-oversized.txt": "over the 20,000,000-byte limit",
        "e-nav.html": "no article text found in the page",
        "f-broken.json": "malformed JSON at line 2",
        "g-mixed.jsonl#2": "malformed JSON on line 2",
    }


def open_index(data_dir: Path, embedder: Embedder) -> ArticleIndex:
    """An ArticleIndex on an embedded Chroma in data_dir, as `newsdesk` builds it."""
    return ArticleIndex(data_dir, open_chroma(data_dir), embedder)


def model_tokens(embedder: Embedder, text: str) -> int:
    """Word pieces the model's own tokenizer makes of text, special tokens in, nothing cut."""
    encoded = embedder.model.tokenizer(text, add_special_tokens=True, truncation=False)
    return len(encoded["input_ids"])
