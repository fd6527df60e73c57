"""Article -> sentence-aware chunks that fit the embedding model's token window."""

from __future__ import annotations

from dataclasses import dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter

from ingest.article import Article

# Paragraphs, then lines, then sentence ends, then clauses, then words.
SEPARATORS = ["\n\n", "\n", ". ", "? ", "! ", "; ", ": ", ", ", " ", ""]
DEFAULT_CHUNK_TOKENS = 256  # as many as fit beside the title in MiniLM's window
DEFAULT_OVERLAP_TOKENS = 40
MAX_TITLE_TOKENS = 40


@dataclass(frozen=True)
class Chunk:
    """A passage of an article, with the article's metadata."""

    chunk_id: str
    article_id: str
    position: int
    text: str
    embed_text: str
    article: Article

    @property
    def metadata(self) -> dict[str, str | int]:
        """Flat metadata stored with the chunk in the vector collection."""
        art = self.article
        return {
            "article_id": self.article_id,
            "position": self.position,
            "title": art.title,
            "outlet": art.outlet,
            "published": art.published.isoformat() if art.published else "",
            "published_day": int(art.published.strftime("%Y%m%d")) if art.published else 0,
            "url": art.url or "",
            "author": art.author or "",
            "scope": art.scope,
        }


class Chunker:
    """Splits articles on sentence boundaries, counting tokens with the model's tokenizer."""

    def __init__(
        self,
        tokenizer,
        window: int,
        chunk_tokens: int = DEFAULT_CHUNK_TOKENS,
        overlap_tokens: int = DEFAULT_OVERLAP_TOKENS,
    ) -> None:
        self.tokenizer = tokenizer
        self._fast = _plain_copy(tokenizer.backend_tokenizer)
        self.window = window
        budget = window - MAX_TITLE_TOKENS - 3  # [CLS], [SEP] and the newline after the title
        self.chunk_tokens = min(chunk_tokens, budget)
        self.overlap_tokens = min(overlap_tokens, self.chunk_tokens // 2)
        self._splitter = RecursiveCharacterTextSplitter(
            separators=SEPARATORS,
            chunk_size=self.chunk_tokens,
            chunk_overlap=self.overlap_tokens,
            length_function=self.count_tokens,
            keep_separator="end",
            strip_whitespace=True,
        )

    def count_tokens(self, text: str) -> int:
        """Word pieces in text, without special tokens."""
        return len(self._fast.encode(text, add_special_tokens=False).ids)

    def fits(self, text: str) -> bool:
        """True when the model reads all of text, special tokens included."""
        return len(self._fast.encode(text, add_special_tokens=True).ids) <= self.window

    def short_title(self, title: str) -> str:
        """The title cut to MAX_TITLE_TOKENS word pieces, so it never crowds out the passage."""
        encoding = self._fast.encode(title, add_special_tokens=False)
        if len(encoding.ids) <= MAX_TITLE_TOKENS:
            return title
        return title[: encoding.offsets[MAX_TITLE_TOKENS - 1][1]]

    def split(self, article: Article) -> list[Chunk]:
        """The article's chunks, in order, each within the model's window."""
        title = self.short_title(article.title)
        pieces = []
        for piece in self._splitter.split_text(article.text):
            pieces.extend(self._fit(title, piece.strip()))
        prefix = self.id_prefix(article)
        return [
            Chunk(f"{prefix}-{i}", article.article_id, i, text, titled(title, text), article)
            for i, text in enumerate(pieces)
        ]

    def id_prefix(self, article: Article) -> str:
        """How an article's chunk ids start: new text or a new chunk size gives new ids."""
        sizes = f"{self.chunk_tokens}.{self.overlap_tokens}"
        return f"{article.article_id}-{article.content_hash}-{sizes}"

    def _fit(self, title: str, text: str) -> list[str]:
        """Text as one piece, or halved until every piece fits the window with its title."""
        if not text:
            return []
        if self.fits(titled(title, text)) or len(text) < 2:
            return [text]
        middle = text.rfind(" ", 0, len(text) // 2 + 1)
        middle = middle if middle > 0 else len(text) // 2
        return self._fit(title, text[:middle].strip()) + self._fit(title, text[middle:].strip())


def article_id_of(chunk_id: str) -> str:
    """The id of the article a chunk belongs to (chunk ids start with it)."""
    return chunk_id.split("-", 1)[0]


def titled(title: str, text: str) -> str:
    """What the model embeds: the title gives each passage its context."""
    return f"{title}\n{text}" if title else text


def _plain_copy(backend):
    """A copy of a Rust tokenizer that neither pads nor truncates, to count every piece."""
    from tokenizers import Tokenizer

    plain = Tokenizer.from_str(backend.to_str())
    plain.no_padding()
    plain.no_truncation()
    return plain
