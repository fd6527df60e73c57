"""Domain errors, each with a message that says what to do."""


class NewsdeskError(Exception):
    """Base of the errors newsdesk reports to its users."""


class SourceError(NewsdeskError):
    """A source could not be read or held no article; the message says why."""


class ModelUnavailable(NewsdeskError):
    """The embedding model cannot be loaded from local files."""


class IndexNotReady(NewsdeskError):
    """The index holds no articles yet."""


class IndexUnavailable(NewsdeskError):
    """The index cannot be reached or written (server down, read-only or full disk, locked)."""


class AnswerBackendError(NewsdeskError):
    """The answering backend (an LLM) failed or timed out."""
