"""Articles from JSON records: a list, one record, {"articles": [...]}, or JSON Lines."""

from __future__ import annotations

import json
from collections.abc import Iterator

from ingest.article import Article, SourceError
from ingest.parse import parse_record
from ingest.sources.failure import Failure


def iter_json(text: str, origin: str) -> Iterator[Article | Failure]:
    """Articles from a JSON file: a list of records, one record, or {"articles": [...]}."""
    data = _load_json(text)
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]
    if isinstance(data, dict):
        yield parse_record(data, origin)
        return
    if not isinstance(data, list):
        kind = type(data).__name__
        msg = f"JSON holds a {kind}: expected a record, a list of records or {{'articles': [...]}}"
        raise SourceError(msg)
    if not data:
        msg = "JSON holds no records: the list is empty"
        raise SourceError(msg)
    for number, record in enumerate(data, start=1):
        yield _record_article(record, f"{origin}#{number}")


def iter_jsonl(text: str, origin: str) -> Iterator[Article | Failure]:
    """Articles from a JSON Lines file; a malformed line is a Failure and the rest go on."""
    found = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        found = True
        item_origin = f"{origin}#{number}"
        try:
            record = _load_json(line, number)
        except SourceError as error:
            yield Failure(item_origin, str(error))
            continue
        yield _record_article(record, item_origin)
    if not found:
        msg = "empty file: it holds no JSON lines"
        raise SourceError(msg)


def _load_json(text: str, line: int | None = None) -> object:
    """Parsed JSON, or a SourceError saying where it is malformed (`line`: of a JSONL file)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        where = f"on line {line}" if line else f"at line {error.lineno}"
        msg = f"malformed JSON {where}, column {error.colno}: {error.msg}; fix the JSON"
        raise SourceError(msg) from error
    except RecursionError as error:
        msg = "malformed JSON: nested too deeply to read"
        raise SourceError(msg) from error


def _record_article(record: object, origin: str) -> Article | Failure:
    """One record's Article, or its Failure."""
    try:
        return parse_record(record, origin)  # type: ignore[arg-type]  # parse_record checks
    except SourceError as error:
        return Failure(origin, str(error))
