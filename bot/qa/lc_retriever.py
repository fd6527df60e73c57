"""The hybrid retriever as a LangChain BaseRetriever, to plug into any LangChain chain."""

from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from bot.qa.retrieve import HybridRetriever
from ingest.store.keyword import Filters


class NewsRetriever(BaseRetriever):
    """Documents for the best passages, with title, outlet, date and url as metadata."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: HybridRetriever
    k: int = 10
    filters: Filters = Filters()

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        """Retrieve passages and wrap each in a Document."""
        passages = self.retriever.retrieve(query, self.k, self.filters)
        return [
            Document(
                page_content=p.text,
                id=p.chunk_id,
                metadata={k: v for k, v in p.as_json().items() if k != "text"}
                | {"article_id": p.article_id},
            )
            for p in passages
        ]
