"""A loopback Discord (REST + gateway on 127.0.0.1) for end-to-end tests with real discord.py.

See `FakeDiscord` for the API, and `fixtures` for the `fake_discord` fixture and `start_client`.
"""

from .fake import FakeDiscord, GuildCast, World
from .fixtures import ClientHandle, start_client
from .interactions import InteractionHandle
from .permissions import Perm
from .rest import RestRequest

__all__ = [
    "ClientHandle",
    "FakeDiscord",
    "GuildCast",
    "InteractionHandle",
    "Perm",
    "RestRequest",
    "World",
    "start_client",
]
