"""Helpers for the site tests: publish the fixture corpus, read a built site back."""

from __future__ import annotations

import shutil
from pathlib import Path

from toolchain.publish import Options, Result, publish

from .conftest import FIXTURES

SITE_FIXTURE = FIXTURES / "site"
DRAFTS = SITE_FIXTURE / "drafts"
GOLDEN = SITE_FIXTURE / "golden"
EPOCH = "1750000000"  # 2025-06-15: fixed, so the golden site does not depend on the clock


def copy_drafts(target: Path) -> Path:
    shutil.copytree(DRAFTS, target)
    return target


def build(
    drafts: Path, out: Path, cache: Path, jobs: int = 1, search: bool = True, pdf: bool = False
) -> Result:
    """Publish the fixture corpus; without PDFs unless asked (tests/test_publish_pdf.py covers them)."""
    options = Options(out=out, cache=cache, jobs=jobs, search=search, pdf=pdf)
    return publish([str(drafts)], options, echo=lambda _: None)


def tree(folder: Path, skip: tuple[str, ...] = ("pagefind/",)) -> dict[str, bytes]:
    """{relative path: bytes} of every file, without the folders in `skip`."""
    return {
        rel: path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not (rel := path.relative_to(folder).as_posix()).startswith(skip)
    }
