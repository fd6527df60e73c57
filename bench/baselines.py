"""Naive baselines for the benchmark: LangChain's tutorial RAG pipeline and plain BM25."""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from bench.evaluate import evidence_key
from ingest.embed import Embedder

TUTORIAL_COLLECTION = "tutorial-baseline"


@dataclass
class TutorialBaseline:
    """RecursiveCharacterTextSplitter(1000, 200) chunks in Chroma, and BM25 over the same chunks."""

    store: object
    keyword: sqlite3.Connection
    texts: list[str]
    keys: list[str]

    @classmethod
    def build(cls, embedder: Embedder, corpus: Path, folder: Path) -> TutorialBaseline:
        """Split and embed the corpus the tutorial way; reuse the vectors of an earlier run."""
        import chromadb
        from chromadb.config import Settings
        from langchain_chroma import Chroma
        from langchain_core.documents import Document
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        records = json.loads(corpus.read_text(encoding="utf-8"))
        docs = [
            Document(r["body"], metadata={"key": evidence_key(r["title"], r.get("url"))})
            for r in records
        ]
        chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(
            docs
        )
        client = chromadb.PersistentClient(str(folder), Settings(anonymized_telemetry=False))
        store = Chroma(
            client=client, collection_name=TUTORIAL_COLLECTION, embedding_function=embedder
        )
        if store._collection.count() != len(chunks):
            client.delete_collection(TUTORIAL_COLLECTION)
            store = Chroma(
                client=client, collection_name=TUTORIAL_COLLECTION, embedding_function=embedder
            )
            step = client.get_max_batch_size()
            for start in range(0, len(chunks), step):
                batch = chunks[start : start + step]
                store.add_documents(batch, ids=[str(start + i) for i in range(len(batch))])
        texts = [c.page_content for c in chunks]
        keyword = sqlite3.connect(":memory:")
        keyword.execute("CREATE VIRTUAL TABLE t USING fts5(text)")
        keyword.executemany("INSERT INTO t(rowid, text) VALUES (?, ?)", enumerate(texts))
        return cls(store, keyword, texts, [c.metadata["key"] for c in chunks])

    def dense(self, question: str) -> list[tuple[str, str]]:
        """Tutorial retrieval: similarity_search(k=10)."""
        docs = self.store.similarity_search(question, k=10)
        return [(d.page_content, d.metadata["key"]) for d in docs]

    def bm25(self, question: str) -> list[tuple[str, str]]:
        """Plain BM25: every word of the question, any of them, best 10."""
        words = re.findall(r"\w+", question.lower())
        match = " OR ".join(f'"{w}"' for w in dict.fromkeys(words))
        rows = self.keyword.execute(
            "SELECT rowid FROM t WHERE t MATCH ? ORDER BY bm25(t) LIMIT 10", (match,)
        ).fetchall()
        return [(self.texts[r[0]], self.keys[r[0]]) for r in rows]
