"""The content-hash cache in `.cache/`: rendered pages, link scans and the search index by key.

A key is a sha256 over everything that decides the bytes (view-model, template set, code), so a hit
is always safe to reuse. After a successful build only the entries it used are kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

VERSION = "1"  # bump when the cache layout changes


def sha(*parts: str | bytes) -> str:
    digest = hashlib.sha256(VERSION.encode())
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


@cache
def code_digest() -> str:
    """The toolchain's own code (.py and .json), hashed once per process: the code that runs is the
    code that was imported, so a digest taken at first use is the right one for the whole process."""
    package = Path(__file__).resolve().parent
    return tree_digest(
        [p for p in package.rglob("*") if p.is_file() and p.suffix in (".py", ".json")], package
    )


def tree_digest(paths: Iterable[Path], root: Path) -> str:
    """A hash of the files' names (relative to `root`) and bytes."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


class Cache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()

    def _path(self, kind: str, key: str) -> Path:
        return self.folder / kind / key[:2] / key

    def path(self, kind: str, key: str) -> Path:
        self.used.add(f"{kind}/{key}")
        return self._path(kind, key)

    def has(self, kind: str, key: str) -> bool:
        if self._path(kind, key).is_file():
            self.used.add(f"{kind}/{key}")
            return True
        return False

    def get(self, kind: str, key: str) -> bytes | None:
        try:
            data = self._path(kind, key).read_bytes()
        except OSError:
            return None
        self.used.add(f"{kind}/{key}")
        return data

    def put(self, kind: str, key: str, data: bytes) -> None:
        path = self._path(kind, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{key}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.chmod(0o444)  # site files are hard links to these: read-only guards against edits in place
        os.replace(tmp, path)
        self.used.add(f"{kind}/{key}")

    def keep(self, kind: str, key: str) -> None:
        """Count an entry as used by this build (one that another process reads or writes)."""
        self.used.add(f"{kind}/{key}")

    def folder_for(self, kind: str, key: str) -> Path:
        self.used.add(f"{kind}/{key}")
        return self._path(kind, key)

    def prune(self, kinds: Iterable[str]) -> None:
        """Drop every entry of `kinds` this build did not use."""
        for kind in kinds:
            base = self.folder / kind
            if not base.is_dir():
                continue
            for shard in base.iterdir():
                for entry in shard.iterdir() if shard.is_dir() else ():
                    if f"{kind}/{entry.name}" not in self.used:
                        if entry.is_dir():
                            shutil.rmtree(entry, ignore_errors=True)
                        else:
                            entry.unlink(missing_ok=True)

    def read_json(self, name: str) -> dict[str, Any]:
        try:
            data = json.loads((self.folder / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def write_json(self, name: str, data: dict[str, Any]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f"{name}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.folder / name)
