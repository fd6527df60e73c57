"""The Article record that flows from sources through parsing to the index."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from ingest.errors import SourceError

__all__ = ["Article", "SourceError"]


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

    @property
    def article_id(self) -> str:
        """Stable id: the url when there is one, else the outlet and title."""
        key = self.url or f"{self.outlet}\n{self.title}"
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
