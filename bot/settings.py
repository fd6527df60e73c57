"""Settings from the environment and .env, built once by get_settings()."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from ingest.embed import DEFAULT_MODEL
from ingest.store.vectors import COLLECTION_PREFIX


def default_data_dir() -> Path:
    """Per-user data folder: $XDG_DATA_HOME/newsdesk, else ~/.local/share/newsdesk."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "newsdesk"


class Settings(BaseSettings):
    """Everything newsdesk can be told; environment variables carry the NEWSDESK_ prefix."""

    model_config = SettingsConfigDict(
        env_prefix="NEWSDESK_", env_file=".env", extra="ignore", populate_by_name=True
    )

    data_dir: Path = Field(default_factory=default_data_dir)
    embedding_model: str = DEFAULT_MODEL
    # CPU threads for the embedding model; unset: one while answering questions (requests run
    # side by side and threads fighting over the cores make every one slow), all for ingest
    torch_threads: int | None = Field(default=None, ge=1)

    chroma_host: str | None = Field(
        default=None, validation_alias=AliasChoices("CHROMA_HOST", "NEWSDESK_CHROMA_HOST")
    )
    chroma_port: int = Field(
        default=8000, validation_alias=AliasChoices("CHROMA_PORT", "NEWSDESK_CHROMA_PORT")
    )
    chroma_ssl: bool = False
    # Collections are named PREFIX-MODEL: archives sharing one Chroma server need their own
    collection_prefix: str = Field(
        default=COLLECTION_PREFIX, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$"
    )
    chroma_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("CHROMA_TOKEN", "NEWSDESK_CHROMA_TOKEN")
    )

    # Let ingest fetch from loopback and private networks (an intranet archive); link-local
    # addresses (cloud metadata) stay refused. The LLM and Chroma settings are not affected.
    allow_private_urls: bool = False

    llm_backend: str = "none"  # none | openai | ollama | llamacpp
    llm_model: str = ""
    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    llm_timeout: float = 30.0  # seconds; past it the extractive answer is used
    llm_max_tokens: int = 400  # longest reply
    llm_context_tokens: int = 4096  # llamacpp: the context window it loads the model with
    llm_threads: int | None = None  # llamacpp: CPU threads; None lets llama.cpp choose

    discord_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("DISCORD_TOKEN", "NEWSDESK_DISCORD_TOKEN")
    )
    dev_guild_id: int | None = None
    sync_commands: bool = False
    listen_channels: list[int] = Field(default_factory=list)
    ask_cooldown_seconds: float = 10.0
    view_timeout_seconds: float = Field(default=180.0, gt=0, le=900)  # buttons; tokens last 15 min
    summarize_cooldown_seconds: float = 30.0  # per user, for /summarize; 0 turns it off
    feed_poll_minutes: float = Field(default=30.0, gt=0, le=10_080)  # between feed/digest rounds
    feed_timeout_seconds: float = Field(default=30.0, gt=0)  # reading one feed's document
    feed_ingest_timeout_seconds: float = Field(default=600.0, gt=0)  # ingesting one feed

    # Who changes the shared archive from Discord (besides the application's owner or team):
    # members with Manage Server in these servers, and members holding these roles. In any
    # other server, managers change that server's own archive only, within the limits below.
    operator_guild_ids: list[int] = Field(default_factory=list)
    operator_role_ids: list[int] = Field(default_factory=list)
    max_feeds_per_server: int = Field(default=24, ge=0)  # 24 + the digest fill /feeds list
    ingests_per_server_per_hour: int = Field(default=20, ge=0)


def get_settings(**overrides) -> Settings:
    """Read the settings now (never at import time)."""
    return Settings(**overrides)
