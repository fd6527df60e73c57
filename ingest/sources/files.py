"""Articles from files and folders: text and Markdown, HTML, JSON and JSON Lines."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path

from ingest.article import Article, SourceError
from ingest.parse import parse_html, parse_text
from ingest.sources.failure import Failure
from ingest.sources.records import iter_json, iter_jsonl

KINDS = {
    ".txt": "text",
    ".md": "text",
    ".markdown": "text",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl",
}
SUFFIX_LIST = ", ".join(KINDS)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def iter_folder(folder: Path, max_bytes: int) -> Iterator[Article | Failure]:
    """Articles from every supported file under `folder`, in sorted order."""
    found = False
    for item in _walk(folder, set()):
        if isinstance(item, Failure):
            yield item
        else:
            found = True
            yield from iter_file(item, max_bytes)
    if not found:
        yield Failure(str(folder), f"no article files ({SUFFIX_LIST}) in folder {folder}")


def _walk(folder: Path, seen: set[Path]) -> Iterator[Path | Failure]:
    """Supported files under `folder`, sorted, skipping hidden entries, READMEs and link loops."""
    real = folder.resolve()
    if real in seen:
        return
    seen.add(real)
    try:
        entries = sorted(folder.iterdir())
    except OSError as error:
        yield Failure(str(folder), f"cannot list folder: {error.strerror or error}")
        return
    for entry in entries:
        if entry.name.startswith(".") or entry.name.upper().startswith("README"):
            continue
        if entry.is_dir():
            yield from _walk(entry, seen)
        elif entry.is_file() and entry.suffix.lower() in KINDS:
            yield entry


def iter_file(path: Path, max_bytes: int) -> Iterator[Article | Failure]:
    """Articles from one supported file."""
    origin = str(path)
    try:
        text = read_text_file(path, max_bytes)
        kind = KINDS[path.suffix.lower()]
        if kind == "text":
            yield parse_text(text, origin)
        elif kind == "html":
            yield parse_html(text, None, origin)
        elif kind == "json":
            yield from iter_json(text, origin)
        else:
            yield from iter_jsonl(text, origin)
    except SourceError as error:
        yield Failure(origin, str(error))


def read_text_file(path: Path, max_bytes: int) -> str:
    """The text of a file, refusing oversized, empty, binary and non-UTF-8 files."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            msg = (
                f"file is {size:,} bytes, over the {max_bytes:,}-byte limit: "
                "split it or raise max_bytes"
            )
            raise SourceError(msg)
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        msg = f"cannot read file: {error.strerror or error}"
        raise SourceError(msg) from error
    if len(data) > max_bytes:
        msg = f"file is over the {max_bytes:,}-byte limit: split it or raise max_bytes"
        raise SourceError(msg)
    text = decode_bytes(data)
    if not text.strip():
        msg = "empty file: it holds no text"
        raise SourceError(msg)
    return text


def decode_bytes(data: bytes, charset: str = "utf-8", errors: str = "strict") -> str:
    """Text from bytes: a BOM or else `charset` decides; binary (NUL-holding) data is refused."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode(data, encoding, errors)
    if b"\x00" in data:
        msg = "binary data (it contains NUL bytes), not text: give a text, HTML or JSON source"
        raise SourceError(msg)
    return _decode(data, charset, errors)


def _decode(data: bytes, encoding: str, errors: str) -> str:
    """`data` decoded; an unknown charset falls back to UTF-8."""
    try:
        return data.decode(encoding, errors)
    except LookupError:
        return _decode(data, "utf-8", errors)
    except UnicodeDecodeError as error:
        bad = data[error.start : error.start + 1].hex()
        msg = (
            f"not {encoding.upper()} text (undecodable byte 0x{bad} at offset {error.start}): "
            "save it as UTF-8"
        )
        raise SourceError(msg) from error
