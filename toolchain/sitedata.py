"""The lookups every page builder needs, computed once from the history and the comparisons."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from . import urls
from .headings import slug
from .model import Block, BlockDiff, Comparison, Concept, DiffOp, Draft, History, Section, SectionChange
from .redline import Links, split_cells
from .views import BlockView, LeafDiff, PdfLink

LEAF_KINDS = ("paragraph", "item", "row", "code", "html", "rule")
_FRAGMENT_LINK = re.compile(r"\]\(#([a-z0-9][a-z0-9-]*)")


@dataclass(frozen=True, slots=True)
class Transition:
    """A published comparison: consecutive drafts, or first → latest."""

    id: str
    comparison: Comparison
    consecutive: bool


@dataclass
class SiteData:
    history: History
    transitions: tuple[Transition, ...]
    title: str
    sections: dict[str, dict[str, Section]] = field(default_factory=dict)  # draft id → anchor → section
    parents: dict[str, dict[str, str]] = field(default_factory=dict)  # draft id → anchor → parent anchor
    concept_of: dict[tuple[str, str], str] = field(default_factory=dict)  # (draft id, anchor) → concept id
    concepts: dict[str, Concept] = field(default_factory=dict)
    drafts: dict[str, Draft] = field(default_factory=dict)
    pdf_links: dict[str, tuple[PdfLink, ...]] = field(
        default_factory=dict
    )  # "concept:<id>" / "transition:<id>"

    def __post_init__(self) -> None:
        for draft in self.history.drafts:
            self.drafts[draft.id] = draft
            self.sections[draft.id] = draft.by_anchor()
            self.parents[draft.id] = {c.anchor: s.anchor for s in draft.walk() for c in s.children}
        for concept in self.history.concepts:
            self.concepts[concept.id] = concept
            for draft_id, anchor in concept.versions:
                self.concept_of.setdefault((draft_id, anchor), concept.id)

    def concept_href(self, draft_id: str, anchor: str) -> str:
        """The concept page of a section, or its place on the draft page when it has no concept."""
        concept = self.concept_of.get((draft_id, anchor))
        return urls.concept(concept) if concept else f"{urls.draft(draft_id)}#{anchor}"

    def latest(self, concept: Concept) -> tuple[str, Section] | None:
        for draft_id, anchor in reversed(concept.versions):
            section = self.sections.get(draft_id, {}).get(anchor)
            if section is not None:
                return draft_id, section
        return None

    def name(self, concept_id: str) -> str:
        found = self.latest(self.concepts[concept_id]) if concept_id in self.concepts else None
        return found[1].label if found else concept_id

    def links(self, draft_id: str, section: Section, page: str, local: bool, key: str) -> Links:
        """Cross-references and `#anchor` links of `section`, resolved from `page`.

        `local`: targets are sections on the same page (`#anchor`); else their concept pages.
        """

        def href(anchor: str) -> str:
            if local:
                return f"#{anchor}"
            return urls.relative(self.concept_href(draft_id, anchor), page)

        known = self.sections[draft_id]
        wanted = {
            m for b in section.blocks for _, leaf in b.leaves() for m in _FRAGMENT_LINK.findall(leaf.text)
        }
        anchors = {a: href(a) for a in sorted(wanted) if a in known}
        refs = []
        for ref in section.refs:
            numbers = tuple((known[t].number, href(t)) for t in ref.targets if t in known and known[t].number)
            if numbers:
                refs.append((ref.text, numbers))
        if not anchors and not refs:
            return Links()
        return Links(anchors, tuple(dict.fromkeys(refs)), key)


def block_views(blocks: Sequence[Block], prefix: str) -> tuple[BlockView, ...]:
    """Blocks without locations, each text-bearing one with an id `prefix.pN` for its copy-link."""
    counter = iter(range(1, 1_000_000))
    return tuple(_view(block, prefix, counter) for block in blocks)


def _view(block: Block, prefix: str, counter: Iterator[int]) -> BlockView:
    pid = f"{prefix}.p{next(counter)}" if block.kind in LEAF_KINDS and block.kind != "rule" else ""
    children = tuple(_view(child, prefix, counter) for child in block.children)
    return BlockView(block.kind, block.text, children, block.name, block.cells, pid)


def leaf_diffs(diffs: Sequence[BlockDiff], prefix: str) -> tuple[LeafDiff, ...]:
    return tuple(_leaf(diff, f"{prefix}.p{n}") for n, diff in enumerate(diffs, start=1))


def _leaf(diff: BlockDiff, pid: str) -> LeafDiff:
    block = diff.new or diff.old
    assert block is not None, "a block diff has at least one side"
    status = diff.status
    marker = block.name if block.kind == "item" else ""
    cells = split_cells(diff.ops, block.cells, diff.new is not None) if block.kind == "row" else ()
    old_cells = (
        split_cells(diff.ops, diff.old.cells, False)
        if diff.old is not None and diff.old.kind == "row"
        else ()
    )
    return LeafDiff(block.kind, marker, diff.box, diff.ops, status, diff.moved, pid, cells, old_cells)


def unchanged_leaves(section: Section, prefix: str) -> tuple[LeafDiff, ...]:
    """A section that did not change, as leaves with one equal op each (for full-document redlines)."""
    diffs = [
        BlockDiff(leaf, leaf, box, (DiffOp("equal", leaf.text),) if leaf.text else ())
        for block in section.blocks
        for box, leaf in block.leaves()
    ]
    return leaf_diffs(diffs, prefix)


def change_leaves(change: SectionChange, prefix: str) -> tuple[LeafDiff, ...]:
    if change.blocks:
        return leaf_diffs(change.blocks, prefix)
    section = change.pair.new or change.pair.old
    return unchanged_leaves(section, prefix) if section is not None else ()


def aliases(draft: Draft) -> Iterator[tuple[str, Section]]:
    """(alias name, section): each section by its anchor, and by kind and number when it has a key."""
    taken = set(draft.by_anchor())
    for section in draft.walk():
        yield section.anchor, section
        if section.number:
            name = slug(f"{section.kind} {section.number}")
            if name and name not in taken:
                taken.add(name)
                yield name, section


def primary_status(status: Sequence[str]) -> str:
    for name in ("added", "removed", "split", "merged", "moved", "modified", "renamed", "renumbered"):
        if name in status:
            return name
    return "unchanged"


def change_level(change: SectionChange) -> int:
    """0 (unchanged) to 4 (new or rewritten), for the heat map."""
    status = change.pair.status
    if "added" in status or "removed" in status:
        return 4
    changed = 1.0 - change.summary.similarity
    if changed <= 0 and not change.blocks:
        return 0
    return 1 if changed < 0.1 else 2 if changed < 0.35 else 3 if changed < 0.7 else 4
