"""History: drafts in date order, concepts with stable ids, splits and merges related across drafts."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from toolchain.align import history
from toolchain.errors import ConfigError
from toolchain.model import Draft, History
from toolchain.parse import parse_draft, parse_text

from .conftest import ROOT

DATA = Path(__file__).resolve().parent / "data" / "align"
SAFE = re.compile(r"[a-z0-9]+(?:-+[a-z0-9]+)*")


def draft(draft_id: str, date: str, body: str) -> Draft:
    return parse_text(
        f"---\ntitle: T\ndraft: {draft_id}\nlabel: {draft_id}\ndate: {date}\n---\n\n{body}", f"{draft_id}.md"
    )


def by_id(found: History) -> dict[str, tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str, str], ...]]]:
    return {c.id: (c.versions, c.related) for c in found.concepts}


def check_concepts(found: History) -> None:
    """Every section of every draft is in exactly one concept; versions follow the drafts' order; ids are safe."""
    order = [d.id for d in found.drafts]
    seen = Counter((draft_id, anchor) for c in found.concepts for draft_id, anchor in c.versions)
    assert set(seen) == {(d.id, s.anchor) for d in found.drafts for s in d.walk()}
    assert max(seen.values()) == 1
    for concept in found.concepts:
        steps = [order.index(draft_id) for draft_id, _ in concept.versions]
        assert steps == sorted(set(steps))
        assert SAFE.fullmatch(concept.id), concept.id
    ids = {c.id for c in found.concepts}
    assert len(ids) == len(found.concepts)
    assert all(other in ids and draft_id in order for c in found.concepts for _, other, draft_id in c.related)


def test_drafts_are_put_in_date_order() -> None:
    old, new = parse_draft(DATA / "basic.old.md"), parse_draft(DATA / "basic.new.md")
    found = history([new, old])
    assert [d.id for d in found.drafts] == ["basic-old", "basic-new"]
    assert len(found.alignments) == 1 and found.alignments[0].old is old and found.alignments[0].new is new
    check_concepts(found)
    concepts = by_id(found)
    assert concepts["berth-safety"][0] == (("basic-old", "berth-safety"), ("basic-new", "berth-safety"))
    assert concepts["measure-1-1"][0] == (("basic-old", "measure-1-1"), ("basic-new", "measure-1-2"))
    assert concepts["measure-1-3"][0] == (("basic-old", "measure-1-3"),), "removed: one version"
    assert concepts["basic-new--measure-1-1"][0] == (("basic-new", "measure-1-1"),), (
        "new, and its anchor was taken"
    )


def test_splits_and_merges_are_related() -> None:
    found = history([parse_draft(DATA / "parts.old.md"), parse_draft(DATA / "parts.new.md")])
    check_concepts(found)
    concepts = by_id(found)
    assert concepts["measure-1-1"] == (
        (("parts-old", "measure-1-1"), ("parts-new", "measure-1-1")),
        (("split-into", "parts-new--measure-1-2", "parts-new"),),
    )
    assert concepts["parts-new--measure-1-2"] == (
        (("parts-new", "measure-1-2"),),
        (("split-from", "measure-1-1", "parts-new"),),
    )
    assert concepts["measure-1-2"] == (
        (("parts-old", "measure-1-2"), ("parts-new", "measure-1-3")),
        (("merged-from", "measure-1-3", "parts-new"),),
    )
    assert concepts["measure-1-3"] == (
        (("parts-old", "measure-1-3"),),
        (("merged-into", "measure-1-2", "parts-new"),),
    )


def test_keys_name_concepts_and_bring_them_back_after_a_gap() -> None:
    one = draft(
        "one", "2026-01-01", "# Scope {#scope}\n\nThe code covers harbours.\n\n# Fees\n\nFees are public.\n"
    )
    two = draft("two", "2026-02-01", "# Fees\n\nFees are public.\n")
    three = draft(
        "three",
        "2026-03-01",
        "# Fees\n\nFees are public.\n\n# Reach {#scope}\n\nAll ports, large and small.\n",
    )
    found = history([three, one, two])
    check_concepts(found)
    concepts = by_id(found)
    assert concepts["scope"][0] == (("one", "scope"), ("three", "scope"))
    assert concepts["fees"][0] == (("one", "fees"), ("two", "fees"), ("three", "fees"))


def test_the_earliest_concept_keeps_a_contested_id() -> None:
    one = draft("one", "2026-01-01", "# Measure 1. Tides\n\nHigh water twice a day.\n")
    two = draft(
        "two", "2026-02-01", "# Measure 1. Cranes\n\nEvery crane certified each year by a surveyor.\n"
    )
    found = history([one, two])
    assert [c.id for c in found.concepts] == ["measure-1", "two--measure-1"]


def test_draft_ids_must_differ() -> None:
    one = draft("same", "2026-01-01", "# A\n\nText.\n")
    two = draft("same", "2026-02-01", "# A\n\nText.\n")
    with pytest.raises(ConfigError, match=r"draft id 'same' is also the id of same\.md.*\[align\.draft-id\]"):
        history([one, two])


def test_no_drafts_no_history() -> None:
    assert history([]) == History((), (), ())


def test_the_real_pair(corpus: Path) -> None:
    found = history(
        [
            parse_draft(corpus / "final-safety-security.md"),
            parse_draft(corpus / "third-draft-safety-security.md"),
        ]
    )
    assert [d.id for d in found.drafts] == ["third-draft-ss", "final-ss"]
    check_concepts(found)
    concepts = by_id(found)
    assert concepts["measure-ii-4-14"][0] == (
        ("third-draft-ss", "measure-ii-4-14"),
        ("final-ss", "measure-3-5"),
    )
    assert ("merged-from", "measure-ii-11-2", "final-ss") in concepts["measure-ii-4-14"][1]
    assert concepts["final-ss--appendix-2"][0] == (("final-ss", "appendix-2"),), (
        "a new Appendix 2, not the old one"
    )


def test_the_sample_drafts() -> None:
    drafts = [parse_draft(p) for p in sorted((ROOT / "drafts").glob("*.md"))]
    if len(drafts) < 2:
        pytest.skip("fewer than two drafts in drafts/")
    found = history(drafts)
    check_concepts(found)
    assert len(found.alignments) == len(drafts) - 1
