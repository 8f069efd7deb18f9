"""Collecting located, coded diagnostics for one file: report them all, then decide."""

from __future__ import annotations

from .model import Diagnostic


class Collector:
    def __init__(self, path: str) -> None:
        self.path = path
        self.found: list[Diagnostic] = []

    def error(self, line: int, message: str, code: str) -> None:
        self.found.append(Diagnostic(self.path, line, "error", message, code))

    def warning(self, line: int, message: str, code: str) -> None:
        self.found.append(Diagnostic(self.path, line, "warning", message, code))
