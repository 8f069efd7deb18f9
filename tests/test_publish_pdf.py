"""`publish` with the redline PDFs: linked from the pages, cached, and rebuilt only where an edit shows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .sitehelp import build, copy_drafts

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("pdfsite")
    drafts = copy_drafts(root / "drafts")
    result = build(drafts, root / "site", root / "cache", jobs=2, pdf=True)
    assert result.pdfs > 0 and result.pdfs_rendered == result.pdfs
    return drafts, root / "site", root / "cache"


def pdf_links(page: Path) -> list[str]:
    return re.findall(r'href="([^"]+\.pdf)"', page.read_text(encoding="utf-8"))


def test_concept_and_transition_pages_link_existing_pdfs(built: tuple[Path, Path, Path]) -> None:
    _, site, _ = built
    concept = site / "concept" / "measure-1-1" / "index.html"
    links = pdf_links(concept)
    assert links == [
        "../../pdf/alpha--beta/measure-1-1.pdf",
        "../../pdf/beta--gamma/measure-1-1.pdf",
        "../../pdf/alpha--gamma/measure-1-1.pdf",
    ]
    for link in links:
        assert (concept.parent / link).resolve().read_bytes().startswith(b"%PDF-")
    transition = site / "compare" / "alpha--beta" / "index.html"
    links = pdf_links(transition)
    assert "../../pdf/alpha--beta/document.pdf" in links
    assert "../../pdf/alpha--beta/measure-1-1.pdf" in links  # each changed section's row links its PDF
    for link in links:
        assert (transition.parent / link).resolve().is_file()


def test_no_op_rebuild_renders_no_pdf(built: tuple[Path, Path, Path]) -> None:
    drafts, site, cache = built
    result = build(drafts, site, cache, jobs=2, pdf=True)
    assert result.unchanged


def test_one_section_edit_rerenders_only_the_pdfs_that_show_it(built: tuple[Path, Path, Path]) -> None:
    drafts, site, cache = built
    before = {p.relative_to(site): p.read_bytes() for p in (site / "pdf").rglob("*.pdf")}
    gamma = drafts / "gamma.md"
    text = gamma.read_text(encoding="utf-8")
    assert "before release" in text
    gamma.write_text(text.replace("before release", "before every release", 1), encoding="utf-8")
    result = build(drafts, site, cache, jobs=2, pdf=True)
    after = {p.relative_to(site): p.read_bytes() for p in (site / "pdf").rglob("*.pdf")}
    changed = sorted(str(p) for p in after if before.get(p) != after[p])
    assert result.pdfs_rendered == len(changed)
    assert changed == [
        "pdf/alpha--gamma/document.pdf",
        "pdf/alpha--gamma/measure-1-1.pdf",
        "pdf/alpha--gamma/pack-commitment-1.pdf",
        "pdf/beta--gamma/document.pdf",
        "pdf/beta--gamma/measure-1-1.pdf",
        "pdf/beta--gamma/pack-commitment-1.pdf",
    ]  # the section's own PDFs, and the whole-document redline and the pack that contain it
