"""What the index reports when it cannot serve."""

from ingest.errors import NewsdeskError


class IndexNotReady(NewsdeskError):
    """The index holds no articles yet."""


class IndexUnavailable(NewsdeskError):
    """The index cannot be reached or written (server down, read-only or full disk, locked)."""
