"""`toolchain serve`: the published site over HTTP on 127.0.0.1, for previews (search needs HTTP)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .errors import ToolchainError

TYPES = {
    ".wasm": "application/wasm",
    ".pf_meta": "application/octet-stream",
    ".pf_fragment": "application/octet-stream",
}


class Handler(SimpleHTTPRequestHandler):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.extensions_map = {**self.extensions_map, **TYPES}
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: a preview server, not a log


def server(folder: Path, port: int = 0) -> ThreadingHTTPServer:
    """A server for `folder` on 127.0.0.1 (port 0: any free port); call serve_forever() on it."""
    if not (folder / "index.html").is_file():
        raise ToolchainError(f"serve: error: no site in {folder}/ (run `toolchain publish` first)")
    handler = functools.partial(Handler, directory=str(folder))
    try:
        return ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        raise ToolchainError(f"serve: error: cannot listen on 127.0.0.1:{port}: {exc.strerror}") from exc


def serve(folder: Path, port: int, echo: Callable[[str], None] = print) -> None:
    httpd = server(folder, port)
    host, bound = httpd.server_address[:2]
    echo(f"serving {folder}/ at http://{host!s}:{bound}/ (Ctrl-C stops)")
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        echo("stopped")
    finally:
        httpd.server_close()
