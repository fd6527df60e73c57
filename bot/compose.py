"""Composition root: builds the index, the answerers and the bot from settings."""

from __future__ import annotations

import logging
import sys

from bot.qa.answer import ExtractiveAnswerer
from bot.qa.llm import LLMAnswerer, build_chat_model
from bot.qa.retrieve import HybridRetriever
from bot.qa.service import NewsDesk
from bot.settings import Settings
from ingest.embed import Embedder
from ingest.store.index import ArticleIndex, open_chroma


def configure_logging(verbose: bool = False) -> None:
    """Configure logging once, for the process."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("httpx", "chromadb", "sentence_transformers", "trafilatura", "discord.gateway"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def build_index(settings: Settings, bulk: bool = False) -> ArticleIndex:
    """The article index named by the settings (embedded Chroma, or a Chroma server); bulk
    when the process is there to ingest, so the model may use every core."""
    token = settings.chroma_token.get_secret_value() if settings.chroma_token else None
    client = open_chroma(
        settings.data_dir, settings.chroma_host, settings.chroma_port, token, settings.chroma_ssl
    )
    threads = settings.torch_threads or (None if bulk else 1)
    embedder = Embedder(settings.embedding_model, threads=threads)
    return ArticleIndex(settings.data_dir, client, embedder, settings.collection_prefix)


def build_desk(settings: Settings, bulk: bool = False) -> NewsDesk:
    """The question-answering service over the configured index (bulk: see build_index)."""
    index = build_index(settings, bulk)
    llm = build_llm_answerer(settings)
    return NewsDesk(
        index,
        HybridRetriever(index),
        ExtractiveAnswerer(index.embedder, sentence_vectors=index.sentence_vectors),
        llm,
        allow_private_urls=settings.allow_private_urls,
    )


def build_llm_answerer(settings: Settings) -> LLMAnswerer | None:
    """The LLM answerer settings.llm_backend names, or None for "none" (extractive only)."""
    backend = settings.llm_backend.strip().lower()
    if backend in ("", "none"):
        return None
    # A llama.cpp model lives in this process and answers one question at a time.
    serial = backend == "llamacpp"
    return LLMAnswerer(build_chat_model(settings), settings.llm_timeout, serial=serial)


def run_bot(settings: Settings) -> int:
    """Start the Discord bot until it is stopped; without a token, say how to get one."""
    if settings.discord_token is None:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    from bot.chat.bot import NewsBot
    from bot.feedback import FEEDBACK_FILE, FeedbackStore

    desk = build_desk(settings)
    desk.index.embedder.encode(["warm up"])  # a missing model stops the start, not an answer
    feedback = FeedbackStore(settings.data_dir / FEEDBACK_FILE)
    bot = NewsBot(desk, settings, feedback)
    bot.run(settings.discord_token.get_secret_value(), log_handler=None)
    return 0


NO_TOKEN = """error: no Discord bot token.
Create an application at https://discord.com/developers/applications, open Bot, press
"Reset Token", and put the token in the environment or in a .env file:
    DISCORD_TOKEN=your-token-here
README.md ("Run it on Discord") walks through the whole set-up."""
