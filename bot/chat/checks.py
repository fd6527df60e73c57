"""Checks of what members type, shared by several commands; each refusal says what to do."""

from __future__ import annotations

from bot.chat.errors import InputError
from bot.qa.service import MAX_QUESTION_CHARS


def check_question(text: str, what: str = "question") -> str:
    """The text, if it is neither empty nor too long for the archive to answer."""
    if not text.strip():
        msg = f"The {what} is empty: type a few words about the news."
        raise InputError(msg)
    if len(text) > MAX_QUESTION_CHARS:
        msg = f"The {what} is {len(text)} characters long; keep it under {MAX_QUESTION_CHARS}."
        raise InputError(msg)
    return text


def check_url(url: str) -> str:
    """The url, if it is an http(s) address."""
    url = url.strip()
    if not url.startswith(("http://", "https://")):
        msg = "Give a web address starting with http:// or https://."
        raise InputError(msg)
    return url
