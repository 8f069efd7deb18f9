"""Expected errors. Each names where it happened and what to do; anything else is a bug."""

from __future__ import annotations


class ToolchainError(Exception):
    """An expected failure: the CLI prints one line and exits 1."""


class SourceError(ToolchainError):
    """Input that cannot be read as a draft at all (bytes, size, emptiness)."""

    def __init__(self, path: str, line: int, message: str, code: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        self.code = code
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: error: {message} [{code}]")

    def __reduce__(self) -> tuple[type[SourceError], tuple[str, int, str, str]]:
        return (SourceError, (self.path, self.line, self.message, self.code))  # a forked parser sends it back


class ConfigError(ToolchainError):
    """A configuration or corrections file that is wrong."""


class PublishError(ToolchainError):
    """A build that cannot finish; the previous site is left as it was."""
