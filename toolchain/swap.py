"""Build folders next to the output, and the swap that replaces the output in one step.

On Linux `renameat2(RENAME_EXCHANGE)` exchanges the two folders atomically: at every moment the
output path holds either the whole old site or the whole new one. Elsewhere, two renames (a moment
without a site, never a half-written one).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def build_dir(out: Path) -> Path:
    """A fresh folder beside `out` (same file system, so the swap is a rename), named after our pid."""
    out.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(out)
    return Path(tempfile.mkdtemp(prefix=f".{out.name}-{os.getpid()}-", dir=out.parent))


def clean_stale(out: Path) -> None:
    """Remove build folders left by builds that were killed (their process is gone)."""
    for path in out.parent.glob(f".{out.name}-*-*"):
        pid = path.name.split("-")[-2] if path.name.count("-") >= 2 else ""
        if path.is_dir() and pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def swap_in(built: Path, out: Path) -> None:
    """Make `built` the new `out`; the old site is removed afterwards."""
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"{out} exists and is not a folder")
    if out.exists() and _exchange(built, out):
        remove_later(built)  # now holds the old site
        return
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}-{os.getpid()}-old")
        os.rename(out, old)
    os.rename(built, out)
    if old is not None:
        remove_later(old)


def remove_later(folder: Path) -> None:
    """Delete the old site in a detached process: the new one is already in place, nobody waits.

    Its name keeps the pattern `clean_stale` knows, so a removal that never ran is done next time.
    """
    try:
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)",
                str(folder),
            ],
            start_new_session=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)
