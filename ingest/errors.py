"""The base of the errors newsdesk reports, and those of reading sources and the model."""


class NewsdeskError(Exception):
    """Base of the errors newsdesk reports to its users."""


class SourceError(NewsdeskError):
    """A source could not be read or held no article; the message says why."""


class ModelUnavailable(NewsdeskError):
    """The embedding model cannot be loaded from local files."""
