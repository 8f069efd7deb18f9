"""The alignment of our sample drafts against the hand-written truth of how they evolved."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from toolchain.align import align
from toolchain.headings import KEY
from toolchain.model import Section
from toolchain.parse import parse_draft

from .conftest import ROOT

TRUTH = yaml.safe_load((ROOT / "tests" / "data" / "sample-evolution.yaml").read_text(encoding="utf-8"))
Link = tuple[str | None, str | None]


def label(section: Section | None) -> str | None:
    return None if section is None else KEY.sub("", section.heading).strip()


def truth_links(record: dict[str, list[str]]) -> set[Link]:
    olds: list[str | None] = list(record["old"]) or [None]
    news: list[str | None] = list(record["new"]) or [None]
    return {(o, n) for o in olds for n in news}


def scores(transition: dict) -> tuple[float, float, set[Link], set[Link]]:  # type: ignore[type-arg]
    old = parse_draft(ROOT / "drafts" / f"{transition['old']}.md")
    new = parse_draft(ROOT / "drafts" / f"{transition['new']}.md")
    expected = set().union(*(truth_links(r) for r in transition["pairs"]))
    found = {(label(p.old), label(p.new)) for p in align(old, new).pairs}
    hits = len(found & expected)
    return hits / len(found), hits / len(expected), found - expected, expected - found


@pytest.mark.parametrize("transition", TRUTH["transitions"], ids=lambda t: f"{t['old']}--{t['new']}")
def test_alignment_matches_the_drafters_truth(transition: dict) -> None:  # type: ignore[type-arg]
    precision, recall, extra, missed = scores(transition)
    assert precision >= 0.95 and recall >= 0.95, (
        f"extra: {sorted(map(str, extra))}\nmissed: {sorted(map(str, missed))}"
    )


def test_every_heading_of_the_truth_exists() -> None:
    for transition in TRUTH["transitions"]:
        for side in ("old", "new"):
            draft = parse_draft(Path(ROOT / "drafts" / f"{transition[side]}.md"))
            labels = {label(s) for s in draft.walk()}
            named = {name for record in transition["pairs"] for name in record[side]}
            assert named == labels
