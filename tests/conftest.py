"""Shared pytest fixtures for the newsdesk tests."""

from tests.fake_discord.fixtures import *  # noqa: F403
