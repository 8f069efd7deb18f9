"""Alignment + per-section word diffs → Comparison. Sections with equal bodies are not diffed."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Mapping, MutableMapping, Sequence
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
    shares = partition(alignment.pairs)
    changes = tuple(
        _compare_pair(pair, context, memo, shares.get(index)) for index, pair in enumerate(alignment.pairs)
    )
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


# --- splits and merges ---------------------------------------------------------------------------

Leaves = list[tuple[str, Block]]
Share = tuple[Leaves, Leaves]  # the old and new leaves one record compares


def partition(pairs: Sequence[SectionPair]) -> dict[int, Share]:
    """For split and merge records: which part of the shared section each record compares.

    A merge is several records sharing one new section; comparing each old part with the whole new
    section would show every other part's text as inserted, once per record. Instead each new block
    goes to the old part it matches best (unmatched blocks to the record that carries the section
    on), and each record compares its old part with its share. Splits likewise, the other way round.
    A record that is part of both a split and a merge compares whole sections.
    """
    merges = _groups(pairs, lambda pair: pair.new)
    splits = _groups(pairs, lambda pair: pair.old)
    both = {i for group in merges for i in group} & {i for group in splits for i in group}
    shares: dict[int, Share] = {}
    for group in merges:
        if not both.intersection(group):
            shares.update(_share_merge(pairs, group))
    for group in splits:
        if not both.intersection(group):
            shares.update(_share_split(pairs, group))
    return shares


def _groups(pairs: Sequence[SectionPair], side: Callable[[SectionPair], Section | None]) -> list[list[int]]:
    found: dict[int, list[int]] = {}
    for index, pair in enumerate(pairs):
        section = side(pair)
        if pair.old is not None and pair.new is not None and section is not None:
            found.setdefault(id(section), []).append(index)
    return [group for group in found.values() if len(group) > 1]


def _carrier(pairs: Sequence[SectionPair], group: list[int]) -> int:
    """The record that carries the section on: matched by something other than the split/merge pass."""
    return next((i for i in group if pairs[i].matched_by not in ("split", "merge")), group[0])


def _share_merge(pairs: Sequence[SectionPair], group: list[int]) -> dict[int, Share]:
    whole = leaves(pairs[group[0]].new)
    owner = _owners(whole, {i: leaves(pairs[i].old) for i in group}, _carrier(pairs, group), new_side=True)
    return {i: (leaves(pairs[i].old), [leaf for k, leaf in enumerate(whole) if owner[k] == i]) for i in group}


def _share_split(pairs: Sequence[SectionPair], group: list[int]) -> dict[int, Share]:
    whole = leaves(pairs[group[0]].old)
    owner = _owners(whole, {i: leaves(pairs[i].new) for i in group}, _carrier(pairs, group), new_side=False)
    return {i: ([leaf for k, leaf in enumerate(whole) if owner[k] == i], leaves(pairs[i].new)) for i in group}


def _owners(whole: Leaves, parts: dict[int, Leaves], carrier: int, new_side: bool) -> list[int]:
    """For each leaf of the shared section, the record whose part matches it best (ties: first)."""
    best: dict[int, tuple[float, int]] = {}
    position = {id(block): k for k, (_, block) in enumerate(whole)}
    for record, part in parts.items():
        found = diff_blocks(part, whole) if new_side else diff_blocks(whole, part)
        for diff in found:
            shared = diff.new if new_side else diff.old
            other = diff.old if new_side else diff.new
            if shared is None or other is None:
                continue
            k = position[id(shared)]
            if k not in best or diff.score > best[k][0]:
                best[k] = (diff.score, record)
    return [best[k][1] if k in best else carrier for k in range(len(whole))]


def _compare_pair(
    pair: SectionPair, context: _Context, memo: Memo | None, share: Share | None
) -> SectionChange:
    old, new = pair.old, pair.new
    title_ops = classify_ops(diff_words(_heading(old), _heading(new)), context.renumbering)
    if old is not None and new is not None and old.body_digest == new.body_digest:
        words = new.words
        summary = SectionSummary(0, 0, words, 1.0, ())
        return SectionChange(pair, (), summary, title_ops)
    olds, news = share if share is not None else (leaves(old), leaves(new))
    key = _memo_key(olds, news, context.memo_salt) if memo is not None else ""
    if memo is not None and key in memo:
        blocks = _rehydrate(memo[key], olds, news)
    else:
        blocks = _classified(diff_blocks(olds, news), context, _definition_rows(old, new))
        if memo is not None:
            memo[key] = _dehydrate(blocks, olds, news)
    return SectionChange(pair, blocks, summarize(blocks), title_ops)


def _classified(
    diffs: Sequence[BlockDiff], context: _Context, definitions: set[int]
) -> tuple[BlockDiff, ...]:
    """Classify every block; rows of a glossary table are definitions, so their changes are too."""
    return tuple(
        classify_blocks([diff], renumbered=context.renumbering, in_definition=_in(diff, definitions))[0]
        for diff in diffs
    )


def _in(diff: BlockDiff, rows: set[int]) -> bool:
    return id(diff.old) in rows or id(diff.new) in rows


def _definition_rows(*sections: Section | None) -> set[int]:
    """The body rows of tables whose header names a definition or meaning (glossaries)."""
    rows: set[int] = set()
    for section in sections:
        for table in _tables(section.blocks if section is not None else ()):
            header = next((row for row in table.children if row.name == "header"), None)
            if header is not None and any(_DEFINES.search(cell) for cell in header.cells):
                rows.update(id(row) for row in table.children if row is not header)
    return rows


_DEFINES = re.compile(r"(?i)\b(?:definition|meaning|defined)")


def _tables(blocks: Sequence[Block]) -> Iterator[Block]:
    for block in blocks:
        if block.kind == "table":
            yield block
        else:
            yield from _tables(block.children)


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
