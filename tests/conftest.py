from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "gpai"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def corpus() -> Path:
    """The real EU Code drafts, read in place from ../shared (never copied into the repository)."""
    if not (CORPUS / "final-safety-security.md").is_file():
        pytest.skip(f"real corpus not found at {CORPUS} (it lives beside the repository in shared/)")
    return CORPUS
