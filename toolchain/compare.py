"""Alignment + per-section word diffs → Comparison. Sections with equal bodies are not diffed."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from .align import align, history, renumbering
from .blockdiff import diff_blocks
from .classify import classify_blocks, classify_ops, summarize
from .model import (
    Alignment,
    Block,
    BlockDiff,
    Comparison,
    DiffOp,
    Draft,
    History,
    Section,
    SectionChange,
    SectionPair,
    SectionSummary,
)
from .overrides import Overrides
from .worddiff import diff_words


def compare(alignment: Alignment) -> Comparison:
    renumbered = renumbering(alignment)
    changes = tuple(compare_pair(pair, renumbered) for pair in alignment.pairs)
    return Comparison(alignment.old, alignment.new, changes, alignment.diagnostics)


def compare_drafts(old: Draft, new: Draft, overrides: Overrides | None = None) -> Comparison:
    return compare(align(old, new, overrides))


def compare_history(
    drafts: Sequence[Draft], overrides: Overrides | None = None
) -> tuple[History, tuple[Comparison, ...]]:
    """The concepts across all drafts, and the comparison of each consecutive pair."""
    found = history(drafts, overrides)
    return found, tuple(compare(alignment) for alignment in found.alignments)


def leaves(section: Section | None) -> list[tuple[str, Block]]:
    if section is None:
        return []
    return [leaf for block in section.blocks for leaf in block.leaves()]


def compare_pair(pair: SectionPair, renumbered: Mapping[str, str]) -> SectionChange:
    old, new = pair.old, pair.new
    title_ops = classify_ops(diff_words(_heading(old), _heading(new)), renumbered)
    if old is not None and new is not None and old.body_digest == new.body_digest:
        words = new.words
        summary = SectionSummary(0, 0, words, 1.0, ())
        return SectionChange(pair, (), summary, title_ops)
    blocks = classify_blocks(diff_blocks(leaves(old), leaves(new)), renumbered=renumbered)
    return SectionChange(pair, blocks, summarize(blocks), title_ops)


def _heading(section: Section | None) -> str:
    return section.label if section is not None else ""


def changed_ops(change: SectionChange) -> Iterator[DiffOp]:
    """Every insert and delete run of a section change, title included."""
    for op in change.title_ops:
        if op.op != "equal":
            yield op
    for block in change.blocks:
        yield from (op for op in block.ops if op.op != "equal")


def all_equal(blocks: Sequence[BlockDiff]) -> bool:
    return all(op.op == "equal" for block in blocks for op in block.ops)
