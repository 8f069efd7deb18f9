"""Alignment + per-section word diffs → Comparison. Sections with equal bodies are not diffed."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass

from .align import align, history, renumbering
from .blockdiff import diff_blocks
from .classify import Renumbering, classify_blocks, classify_ops, summarize
from .forkpool import can_fork, fork_map
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

# A memo of block diffs by content (`Stored`: old leaf index, new leaf index, box, ops or None for a
# kept block, moved, score per block): the classified diffs of each pair, and the unclassified ones
# that share out split and merge sections (`_pairing`). Indices instead of Blocks, so a hit stays
# right when an edit elsewhere shifts every line number.
Memo = MutableMapping[str, "Stored"]


def compare(alignment: Alignment, memo: Memo | None = None, jobs: int = 1) -> Comparison:
    """Every pair's word diffs, classes and summary. With `jobs` > 1, a comparison with more than
    `PARALLEL_WORDS` words to diff shares them with forked workers; the result is the same."""
    context = _Context.of(renumbering(alignment))
    pairs = alignment.pairs
    shares = partition(pairs, memo)

    def sides(index: int) -> Share:
        return shares.get(index) or (leaves(pairs[index].old), leaves(pairs[index].new))

    keys = {
        i: _memo_key(*sides(i), context.memo_salt)
        for i, pair in enumerate(pairs)
        if memo is not None and _differs(pair)
    }
    chunks = _chunks(
        pairs, jobs, {i for i, key in keys.items() if key in memo} if memo is not None else set()
    )

    def work(chunk: int) -> list[_Diffed]:
        return [_compare_pair(i, pairs[i], context, memo, sides, keys.get(i, "")) for i in chunks[chunk]]

    done = {found.index: found for part in fork_map(work, len(chunks), jobs) for found in part}
    changes = []
    for index, pair in enumerate(pairs):
        found = done[index]
        if memo is not None and found.key:
            memo[found.key] = found.blocks  # a worker's additions come back with its results
        blocks = _rehydrate(found.blocks, *sides(index)) if found.blocks else ()
        changes.append(SectionChange(pair, blocks, found.summary, found.title_ops))
    return Comparison(alignment.old, alignment.new, tuple(changes), alignment.diagnostics)


def compare_drafts(
    old: Draft, new: Draft, overrides: Overrides | None = None, memo: Memo | None = None, jobs: int = 1
) -> Comparison:
    return compare(align(old, new, overrides), memo, jobs)


def compare_history(
    drafts: Sequence[Draft], overrides: Overrides | None = None, memo: Memo | None = None, jobs: int = 1
) -> tuple[History, tuple[Comparison, ...]]:
    """The concepts across all drafts, and the comparison of each consecutive pair."""
    found = history(drafts, overrides)
    return found, tuple(compare(alignment, memo, jobs) for alignment in found.alignments)


PARALLEL_WORDS = 20_000  # words to diff below which forking a worker costs more than it saves
CHILD_COST = 1.15  # a forked child also pickles its results: give it that much less to diff


def _chunks(pairs: Sequence[SectionPair], jobs: int, known: set[int]) -> list[list[int]]:
    """Pair indices in `jobs` chunks of about equal work (words to diff; `known`: pairs the memo has),
    or one chunk for small work."""
    cost = [1 if index in known else _cost(pair) for index, pair in enumerate(pairs)]
    if jobs < 2 or sum(cost) < PARALLEL_WORDS or not can_fork():
        return [list(range(len(pairs)))]
    chunks: list[list[int]] = [[] for _ in range(jobs)]
    loads = [0.0] * jobs
    weight = [1.0] + [CHILD_COST] * (jobs - 1)  # chunk 0 stays in this process
    for index in sorted(range(len(pairs)), key=lambda i: (-cost[i], i)):  # largest first, to the lightest
        lightest = loads.index(min(loads))
        chunks[lightest].append(index)
        loads[lightest] += cost[index] * weight[lightest]
    return [sorted(chunk) for chunk in chunks if chunk]


def _cost(pair: SectionPair) -> int:
    if _differs(pair):
        return 1 + (pair.old.words if pair.old else 0) + (pair.new.words if pair.new else 0)
    return 1  # the title only


def _differs(pair: SectionPair) -> bool:
    """Are there block diffs to make (not two equal bodies)?"""
    old, new = pair.old, pair.new
    return old is None or new is None or old.body_digest != new.body_digest


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


def partition(pairs: Sequence[SectionPair], memo: Memo | None = None) -> dict[int, Share]:
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
            shares.update(_share_merge(pairs, group, memo))
    for group in splits:
        if not both.intersection(group):
            shares.update(_share_split(pairs, group, memo))
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


def _share_merge(pairs: Sequence[SectionPair], group: list[int], memo: Memo | None) -> dict[int, Share]:
    whole = leaves(pairs[group[0]].new)
    parts = {i: leaves(pairs[i].old) for i in group}
    owner = _owners(whole, parts, _carrier(pairs, group), memo, new_side=True)
    return {i: (leaves(pairs[i].old), [leaf for k, leaf in enumerate(whole) if owner[k] == i]) for i in group}


def _share_split(pairs: Sequence[SectionPair], group: list[int], memo: Memo | None) -> dict[int, Share]:
    whole = leaves(pairs[group[0]].old)
    parts = {i: leaves(pairs[i].new) for i in group}
    owner = _owners(whole, parts, _carrier(pairs, group), memo, new_side=False)
    return {i: ([leaf for k, leaf in enumerate(whole) if owner[k] == i], leaves(pairs[i].new)) for i in group}


def _owners(
    whole: Leaves, parts: dict[int, Leaves], carrier: int, memo: Memo | None, new_side: bool
) -> list[int]:
    """For each leaf of the shared section, the record whose part matches it best (ties: first)."""
    best: dict[int, tuple[float, int]] = {}
    for record, part in parts.items():
        for o, n, _, _, _, score in _pairing(part, whole, memo) if new_side else _pairing(whole, part, memo):
            shared, other = (n, o) if new_side else (o, n)
            if shared is None or other is None:
                continue
            if shared not in best or score > best[shared][0]:
                best[shared] = (score, record)
    return [best[k][1] if k in best else carrier for k in range(len(whole))]


def _pairing(olds: Leaves, news: Leaves, memo: Memo | None) -> Stored:
    """`diff_blocks(olds, news)` by leaf index, unclassified, from the memo when it has it."""
    key = _memo_key(olds, news, b"pairing") if memo is not None else ""
    if memo is not None and key in memo:
        return memo[key]
    stored = _dehydrate(diff_blocks(olds, news), olds, news)
    if memo is not None:
        memo[key] = stored
    return stored


# ops None: the block is unchanged (one equal op of its text), which most blocks are; a worker sends
# back and the memo keeps only what changed.
Stored = tuple[tuple[int | None, int | None, str, tuple[DiffOp, ...] | None, bool, float], ...]


@dataclass(frozen=True, slots=True)
class _Diffed:
    """One pair's comparison as plain data (blocks by leaf index), so a worker can send it back."""

    index: int
    key: str  # memo key; "" without a memo and for a pair whose bodies are equal (no block diffs)
    blocks: Stored
    summary: SectionSummary
    title_ops: tuple[DiffOp, ...]


def _compare_pair(
    index: int,
    pair: SectionPair,
    context: _Context,
    memo: Memo | None,
    sides: Callable[[int], Share],
    key: str,
) -> _Diffed:
    old, new = pair.old, pair.new
    title_ops = classify_ops(diff_words(_heading(old), _heading(new)), context.renumbering)
    if not _differs(pair):
        return _Diffed(index, "", (), SectionSummary(0, 0, new.words if new else 0, 1.0, ()), title_ops)
    olds, news = sides(index)
    stored = memo.get(key) if memo is not None else None
    if stored is None:
        blocks = _classified(diff_blocks(olds, news), context, _definition_rows(old, new))
        stored = _dehydrate(blocks, olds, news)
    else:
        blocks = _rehydrate(stored, olds, news)
    return _Diffed(index, key, stored, summarize(blocks), title_ops)


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
) -> Stored:
    where_old = {id(block): i for i, (_, block) in enumerate(olds)}
    where_new = {id(block): i for i, (_, block) in enumerate(news)}
    return tuple(
        (
            where_old[id(d.old)] if d.old is not None else None,
            where_new[id(d.new)] if d.new is not None else None,
            d.box,
            None if d.new is not None and d.ops == (DiffOp("equal", d.new.text),) else d.ops,
            d.moved,
            d.score,
        )
        for d in blocks
    )


def _rehydrate(
    stored: Stored, olds: list[tuple[str, Block]], news: list[tuple[str, Block]]
) -> tuple[BlockDiff, ...]:
    found = []
    for o, n, box, ops, moved, score in stored:
        new = news[n][1] if n is not None else None
        if ops is None:
            assert new is not None, "only a kept block is stored without ops"
            ops = (DiffOp("equal", new.text),)
        found.append(BlockDiff(olds[o][1] if o is not None else None, new, box, ops, moved, score))
    return tuple(found)


def _heading(section: Section | None) -> str:
    return section.label if section is not None else ""
