"""The search index: pagefind's CLI over the built pages, then made byte-for-byte reproducible.

pagefind writes its filter lists in hash-map order, which changes from run to run. `canonicalize`
sorts them (the files are gzip'd CBOR behind a `pagefind_dcd` signature), renames the filter file by
the hash of its new bytes and updates the two places that name it (the `.pf_meta` file and
`pagefind-entry.json`). Whenever a file is not in the expected shape, it is left as pagefind wrote it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from .errors import PublishError

SIGNATURE = b"pagefind_dcd"
Cbor = int | str | bytes | list[Any]


def _pagefind() -> list[str]:
    """The pagefind binary shipped in its wheel, run directly (saves starting a Python to exec it)."""
    try:
        from pagefind_bin_extended import get_executable

        return [str(get_executable())]
    except Exception:  # another wheel layout: let pagefind's own launcher find it
        return [sys.executable, "-m", "pagefind"]


def start(built: Path, glob: str) -> subprocess.Popen[str]:
    command = [*_pagefind(), "--site", str(built), "--glob", glob]
    try:
        return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as exc:
        raise PublishError(f"publish: error: the search indexer (pagefind) did not start: {exc}") from exc


def finish(process: subprocess.Popen[str], built: Path) -> None:
    try:
        out, err = process.communicate(timeout=300)
    except subprocess.TimeoutExpired as exc:
        process.kill()
        raise PublishError("publish: error: the search indexer (pagefind) took over 300 s") from exc
    folder = built / "pagefind"
    if process.returncode != 0 or not (folder / "pagefind-ui.js").is_file():
        detail = " / ".join((err or out).strip().splitlines()[-3:])
        hint = " (install it: pip install 'pagefind[extended]')" if "No module named" in err else ""
        raise PublishError(f"publish: error: pagefind failed: {detail}{hint}")
    canonicalize(folder)


def canonicalize(folder: Path) -> None:
    entry_path = folder / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language in entry.get("languages", {}).values():
        meta_path = folder / f"pagefind.{language['hash']}.pf_meta"
        meta = _unpack(meta_path.read_bytes())
        if meta is None:
            continue
        for old in sorted({p.stem for p in (folder / "filter").glob("*.pf_filter")}):
            if old.encode() in meta:
                meta = meta.replace(old.encode(), _sort_filter(folder / "filter", old).encode())
        new_hash = _name(language["hash"], meta, len(language["hash"]))
        if new_hash != language["hash"]:
            meta_path.unlink()
            (folder / f"pagefind.{new_hash}.pf_meta").write_bytes(_pack(meta))
            language["hash"] = new_hash
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _sort_filter(folder: Path, name: str) -> str:
    """Sort one filter file's values; returns its new name (the old one when it cannot be read)."""
    path = folder / f"{name}.pf_filter"
    body = _unpack(path.read_bytes())
    if body is None:
        return name
    decoded, end = _decode(body, 0)
    if end != len(body) or _encode(decoded) != body or not _is_filter(decoded):
        return name
    assert isinstance(decoded, list)
    decoded[1] = sorted(decoded[1], key=lambda item: item[0])
    data = _encode(decoded)
    new = _name(name, data, len(name))
    path.unlink()
    (folder / f"{new}.pf_filter").write_bytes(_pack(data))
    return new


def _is_filter(value: Cbor) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[1], list)
        and all(isinstance(v, list) and len(v) == 2 and isinstance(v[0], str) for v in value[1])
    )


def _name(old: str, data: bytes, length: int) -> str:
    prefix = old.split("_", 1)[0] + "_"
    return prefix + hashlib.sha256(data).hexdigest()[: length - len(prefix)]


def _unpack(data: bytes) -> bytes | None:
    try:
        body = gzip.decompress(data)
    except (OSError, EOFError):
        return None
    return body[len(SIGNATURE) :] if body.startswith(SIGNATURE) else None


def _pack(body: bytes) -> bytes:
    return gzip.compress(SIGNATURE + body, mtime=0)


# --- the little CBOR pagefind uses: unsigned ints, byte and text strings, arrays ---------------


def _decode(data: bytes, at: int) -> tuple[Cbor, int]:
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        value = info
    elif info <= 27:
        size = 1 << (info - 24)
        value, at = int.from_bytes(data[at : at + size], "big"), at + size
    else:
        raise ValueError("indefinite or reserved CBOR length")
    if major == 0:
        return value, at
    if major in (2, 3):
        raw = data[at : at + value]
        return (raw.decode() if major == 3 else raw), at + value
    if major == 4:
        items = []
        for _ in range(value):
            item, at = _decode(data, at)
            items.append(item)
        return items, at
    raise ValueError(f"CBOR major type {major} not expected here")


def _head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | info]) + value.to_bytes(size, "big")
    raise ValueError("CBOR value too large")


def _encode(value: Cbor) -> bytes:
    if isinstance(value, int):
        return _head(0, value)
    if isinstance(value, str):
        raw = value.encode()
        return _head(3, len(raw)) + raw
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    return _head(4, len(value)) + b"".join(_encode(item) for item in value)
