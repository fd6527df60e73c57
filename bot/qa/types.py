"""What question answering returns: passages, citations and answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ingest.store.keyword import Filters, StoredChunk


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its article's metadata and its fused score."""

    chunk_id: str
    article_id: str
    position: int
    text: str
    title: str
    outlet: str
    published: date | None
    url: str | None
    author: str | None
    score: float

    @classmethod
    def from_chunk(cls, chunk: StoredChunk, score: float) -> Passage:
        """A Passage for a stored chunk."""
        art = chunk.article
        return cls(
            chunk.chunk_id,
            art.article_id,
            chunk.position,
            chunk.text,
            art.title,
            art.outlet,
            art.published,
            art.url,
            art.author,
            score,
        )

    def as_json(self) -> dict:
        """The `newsdesk search --json` shape of one result."""
        return {
            "text": self.text,
            "title": self.title,
            "source": self.outlet,
            "published": self.published.isoformat() if self.published else None,
            "url": self.url,
            "score": round(self.score, 6),
        }


@dataclass(frozen=True)
class Citation:
    """A numbered source of an answer and the words quoted from it."""

    number: int
    title: str
    outlet: str
    published: date | None
    url: str | None
    quote: str
    article_id: str = ""

    def as_json(self) -> dict:
        """The `newsdesk ask --json` shape of one citation."""
        return {
            "title": self.title,
            "source": self.outlet,
            "published": self.published.isoformat() if self.published else None,
            "url": self.url,
            "quote": self.quote,
        }


@dataclass(frozen=True)
class Answer:
    """A composed answer: text with [n] markers, its citations, and whether it was found."""

    question: str
    text: str
    found: bool
    citations: list[Citation] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    note: str | None = None

    def as_json(self) -> dict:
        """The `newsdesk ask --json` shape."""
        return {
            "query": self.question,
            "answer": self.text,
            "found": self.found,
            "citations": [c.as_json() for c in self.citations],
        }


__all__ = ["Answer", "Citation", "Filters", "Passage"]
