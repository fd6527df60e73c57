"""The Article record that flows from sources through parsing to the index."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from ingest.errors import SourceError

__all__ = ["SHARED", "Article", "SourceError"]

SHARED = 0  # the scope of the operator's archive; any other scope is a Discord server's id


@dataclass(frozen=True)
class Article:
    """One news article, cleaned of page furniture, with its metadata."""

    title: str
    text: str
    outlet: str = ""
    published: date | None = None
    url: str | None = None
    author: str | None = None
    origin: str = field(default="", compare=False)
    scope: int = SHARED  # whose archive holds it: the operator's, or one server's

    @property
    def article_id(self) -> str:
        """Stable id: the url when there is one, else the outlet and title; a server's article
        also by the server, so two servers' copies of one page are two articles."""
        key = self.url or f"{self.outlet}\n{self.title}"
        if self.scope != SHARED:
            key = f"{self.scope}\n{key}"
        return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]

    @property
    def content_hash(self) -> str:
        """Changes whenever anything stored about the article changes."""
        parts = [
            self.title,
            self.text,
            self.outlet,
            str(self.published or ""),
            self.url or "",
            self.author or "",
        ]
        return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]
