"""Alignment + per-section word diffs → Comparison. Sections with equal bodies are not diffed."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass

from .align import align, history, renumbering
from .blockdiff import diff_blocks
from .classify import Renumbering, classify_blocks, classify_ops, summarize
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

# A memo of block diffs by content: (old leaf index, new leaf index, box, ops, moved, score) per block.
# Indices instead of Blocks, so a hit stays right when an edit elsewhere shifts every line number.
Memo = MutableMapping[str, tuple[tuple[int | None, int | None, str, tuple[DiffOp, ...], bool, float], ...]]


def compare(alignment: Alignment, memo: Memo | None = None) -> Comparison:
    context = _Context.of(renumbering(alignment))
    changes = tuple(_compare_pair(pair, context, memo) for pair in alignment.pairs)
    return Comparison(alignment.old, alignment.new, changes, alignment.diagnostics)


def compare_drafts(
    old: Draft, new: Draft, overrides: Overrides | None = None, memo: Memo | None = None
) -> Comparison:
    return compare(align(old, new, overrides), memo)


def compare_history(
    drafts: Sequence[Draft], overrides: Overrides | None = None, memo: Memo | None = None
) -> tuple[History, tuple[Comparison, ...]]:
    """The concepts across all drafts, and the comparison of each consecutive pair."""
    found = history(drafts, overrides)
    return found, tuple(compare(alignment, memo) for alignment in found.alignments)


def leaves(section: Section | None) -> list[tuple[str, Block]]:
    if section is None:
        return []
    return [leaf for block in section.blocks for leaf in block.leaves()]


@dataclass(frozen=True, slots=True)
class _Context:
    """What every section of one comparison shares, prepared once (per section it was quadratic)."""

    renumbering: Renumbering
    memo_salt: bytes  # the renumbering's part of a memo key

    @classmethod
    def of(cls, renumbered: Mapping[str, str]) -> _Context:
        return cls(Renumbering.of(renumbered), repr(sorted(renumbered.items())).encode())


def compare_pair(pair: SectionPair, renumbered: Mapping[str, str], memo: Memo | None = None) -> SectionChange:
    return _compare_pair(pair, _Context.of(renumbered), memo)


def _compare_pair(pair: SectionPair, context: _Context, memo: Memo | None) -> SectionChange:
    old, new = pair.old, pair.new
    title_ops = classify_ops(diff_words(_heading(old), _heading(new)), context.renumbering)
    if old is not None and new is not None and old.body_digest == new.body_digest:
        words = new.words
        summary = SectionSummary(0, 0, words, 1.0, ())
        return SectionChange(pair, (), summary, title_ops)
    olds, news = leaves(old), leaves(new)
    key = _memo_key(olds, news, context.memo_salt) if memo is not None else ""
    if memo is not None and key in memo:
        blocks = _rehydrate(memo[key], olds, news)
    else:
        blocks = classify_blocks(diff_blocks(olds, news), renumbered=context.renumbering)
        if memo is not None:
            memo[key] = _dehydrate(blocks, olds, news)
    return SectionChange(pair, blocks, summarize(blocks), title_ops)


def _memo_key(olds: list[tuple[str, Block]], news: list[tuple[str, Block]], salt: bytes) -> str:
    digest = hashlib.sha256()
    for side in (olds, news):
        for box, block in side:
            digest.update(f"{box}\x1f{block.kind}\x1f{block.name}\x1f{block.text}\x1e".encode())
        digest.update(b"\x1d")
    digest.update(salt)
    return digest.hexdigest()


def _dehydrate(
    blocks: Sequence[BlockDiff], olds: list[tuple[str, Block]], news: list[tuple[str, Block]]
) -> tuple[tuple[int | None, int | None, str, tuple[DiffOp, ...], bool, float], ...]:
    where_old = {id(block): i for i, (_, block) in enumerate(olds)}
    where_new = {id(block): i for i, (_, block) in enumerate(news)}
    return tuple(
        (
            where_old[id(d.old)] if d.old is not None else None,
            where_new[id(d.new)] if d.new is not None else None,
            d.box,
            d.ops,
            d.moved,
            d.score,
        )
        for d in blocks
    )


def _rehydrate(
    stored: tuple[tuple[int | None, int | None, str, tuple[DiffOp, ...], bool, float], ...],
    olds: list[tuple[str, Block]],
    news: list[tuple[str, Block]],
) -> tuple[BlockDiff, ...]:
    return tuple(
        BlockDiff(
            olds[o][1] if o is not None else None,
            news[n][1] if n is not None else None,
            box,
            ops,
            moved,
            score,
        )
        for o, n, box, ops, moved, score in stored
    )


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
