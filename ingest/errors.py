"""The base of the errors newsdesk reports, and those of reading sources and the model."""


class NewsdeskError(Exception):
    """Base of the errors newsdesk reports to its users."""


class SourceError(NewsdeskError):
    """A source could not be read or held no article; the message says why."""


class FetchRefused(SourceError):
    """A fetch the outbound guard refused (a non-public address, or a scheme not http(s))."""


class ModelUnavailable(NewsdeskError):
    """The embedding model cannot be loaded from local files."""
