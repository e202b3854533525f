"""The one exception type the toolchain raises for bad input, so the CLI can print it on one line."""


class ToolchainError(Exception):
    """A problem the user can act on; the message says what was wrong and what to do."""


class FetchError(ToolchainError):
    """A source could not be fetched, or what came back is not what the lock or format promises."""


class PatchError(ToolchainError):
    """An overlay or normalizer could not be applied (e.g. a stale overlay target)."""
