"""The real EU Code drafts, read from ../shared/corpus/gpai (never copied into the repository)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from click.testing import CliRunner

from toolchain.cli import main
from toolchain.parse import parse_draft
from toolchain.tree import rebuild


def kinds(path: Path) -> Counter[str]:
    return Counter(s.kind for s in parse_draft(path).walk())


def test_final_chapter_counts(corpus: Path) -> None:
    found = kinds(corpus / "final-safety-security.md")
    assert (found["commitment"], found["measure"], found["appendix"]) == (10, 32, 25)
    assert sum(found.values()) == 72  # the corpus README's heading count


def test_third_draft_safety_security_counts(corpus: Path) -> None:
    draft = parse_draft(corpus / "third-draft-safety-security.md")
    found = Counter(s.kind for s in draft.walk())
    assert (found["commitment"], found["measure"], found["appendix"]) == (16, 62, 9)
    assert sum(found.values()) == 95
    per_commitment = {
        s.number: sum(c.kind == "measure" for c in s.children) for s in draft.walk() if s.kind == "commitment"
    }
    assert per_commitment["II.4"] == 14 and per_commitment["II.13"] == 0 and per_commitment["II.7"] == 8


def test_whole_third_draft_counts_and_repeated_overview(corpus: Path) -> None:
    draft = parse_draft(corpus / "third-draft.md")
    found = Counter(s.kind for s in draft.walk())
    assert (found["commitment"], found["measure"]) == (36, 71)
    assert sum(found.values()) == 140
    duplicates = [d for d in draft.diagnostics if d.code == "parse.duplicate-number"]
    assert len(duplicates) == 18  # each commitment appears in the overview and in its section
    real = draft.by_anchor()["commitment-ii-1"]
    assert real.children, "the plain anchor goes to the full commitment, not the overview entry"


def test_real_drafts_are_lossless(corpus: Path) -> None:
    for name in ("final-safety-security.md", "third-draft-safety-security.md", "third-draft.md"):
        assert rebuild(parse_draft(corpus / name)) == (corpus / name).read_text(encoding="utf-8")


def test_post_market_monitoring_is_measure_3_5(corpus: Path) -> None:
    section = parse_draft(corpus / "final-safety-security.md").by_anchor()["measure-3-5"]
    assert section.title == "Post-market monitoring"
    assert section.location.line == 229


def test_check_passes_on_the_real_corpus(corpus: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(corpus)])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("3 drafts checked: 0 errors")


def test_tree_on_the_real_final_chapter(corpus: Path) -> None:
    result = CliRunner().invoke(main, ["tree", str(corpus / "final-safety-security.md")])
    assert result.exit_code == 0
    assert "  measure 3.5 'Post-market monitoring' #measure-3-5 L229-" in result.stdout
