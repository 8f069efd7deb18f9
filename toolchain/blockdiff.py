"""The leaf blocks of one matched section pair: match them, order them, word-diff each pair.

Matching, in the spirit of xmldiff: equal text first (whitespace folded, so a reflowed paragraph is
equal), then word similarity above `THRESHOLD`, best pair first over the whole section (not first
come, first served); ties go to the earlier new block, then the earlier old block. Blocks match only
within a kind family (prose, table rows, code, HTML, rules).

Order: the new section's order. A removed block follows the counterpart of its nearest preceding old
neighbour that kept its place (or opens the section), so a deletion shows where it used to be.
Moves: matched pairs outside the longest common subsequence of matched pairs.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat

from toolchain.chardiff import longest_increasing
from toolchain.model import Block, BlockDiff, DiffOp
from toolchain.worddiff import diff_words, similarity, words

THRESHOLD = 0.5  # word Dice at or above which two blocks count as versions of each other

_FAMILY = {"paragraph": "prose", "item": "prose"}  # a paragraph may become a list item; rows stay rows

_Leaf = tuple[str, Block]  # (enclosing box kind, block)


def diff_blocks(old: Sequence[_Leaf], new: Sequence[_Leaf]) -> tuple[BlockDiff, ...]:
    """Every leaf of both sides once: matched pairs word-diffed, the rest added or removed."""
    match = _match([b for _, b in old], [b for _, b in new])  # new index → old index
    kept = {j for j, _ in longest_increasing(sorted(match.items()))}
    after = _removed_after(len(old), match, kept)
    out = [_removed(old[i]) for i in after.get(-1, ())]
    for j, leaf in enumerate(new):
        out.append(_paired(old[match[j]], leaf, j not in kept) if j in match else _added(leaf))
        out.extend(_removed(old[i]) for i in after.get(j, ()))
    return tuple(out)


# --- matching ----------------------------------------------------------------------------------


def _family(block: Block) -> str:
    return _FAMILY.get(block.kind, block.kind)


def _match(old: Sequence[Block], new: Sequence[Block]) -> dict[int, int]:
    match = _exact(old, new)
    match.update(_similar(old, new, match))
    return match


def _exact(old: Sequence[Block], new: Sequence[Block]) -> dict[int, int]:
    """Equal folded text within a family; repeated texts pair up in order."""
    where: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, block in enumerate(old):
        where[_family(block), _fold(block.text)].append(i)
    match: dict[int, int] = {}
    for j, block in enumerate(new):
        olds = where.get((_family(block), _fold(block.text)))
        if olds:
            match[j] = olds.pop(0)
    return match


def _similar(old: Sequence[Block], new: Sequence[Block], taken: dict[int, int]) -> dict[int, int]:
    """Best-first over all unmatched pairs scoring at least THRESHOLD."""
    free_old = sorted(set(range(len(old))) - set(taken.values()))
    free_new = [j for j in range(len(new)) if j not in taken]
    words = {i: _Words.of(old[i]) for i in free_old}
    candidates = []
    for j in free_new:
        mine = _Words.of(new[j])
        for i in free_old:
            score = words[i].dice(mine) if words[i].may_match(mine) else 0.0
            if score >= THRESHOLD:
                candidates.append((-score, j, i))
    match: dict[int, int] = {}
    used: set[int] = set()
    for _, j, i in sorted(candidates):
        if j not in match and i not in used:
            match[j] = i
            used.add(i)
    return match


@dataclass(frozen=True, slots=True)
class _Words:
    """A block's words (lower case, counted), prepared once for all the pairs it takes part in."""

    family: str
    counts: Counter[str]
    total: int

    @classmethod
    def of(cls, block: Block) -> _Words:
        counts = Counter(map(str.lower, words(block.text)))
        return cls(_family(block), counts, counts.total())

    def may_match(self, other: _Words) -> bool:
        """Same family, and sizes close enough for the Dice to reach THRESHOLD (it is at most
        2·min / sum; most pairs of a long section fail here, before any word is compared)."""
        total = self.total + other.total
        return (
            self.family == other.family
            and bool(total)
            and 2 * min(self.total, other.total) / total >= THRESHOLD
        )

    def dice(self, other: _Words) -> float:
        total = self.total + other.total
        small, large = sorted((self.counts, other.counts), key=len)
        shared = sum(map(min, small.values(), map(large.get, small, repeat(0))))
        return 2 * shared / total if total else 0.0


def _fold(text: str) -> str:
    return " ".join(text.split())


# --- order and output --------------------------------------------------------------------------


def _removed_after(n_old: int, match: dict[int, int], kept: set[int]) -> dict[int, list[int]]:
    """Removed old index → the new index it follows (-1: the section's start)."""
    anchor_of = {i: j for j, i in match.items() if j in kept}
    after: dict[int, list[int]] = defaultdict(list)
    anchor = -1
    matched = set(match.values())
    for i in range(n_old):
        anchor = anchor_of.get(i, anchor)
        if i not in matched:
            after[anchor].append(i)
    return after


def _paired(old: _Leaf, new: _Leaf, moved: bool) -> BlockDiff:
    ops = diff_words(old[1].text, new[1].text)
    return BlockDiff(old[1], new[1], new[0], ops, moved=moved, score=similarity(ops))


def _added(leaf: _Leaf) -> BlockDiff:
    return BlockDiff(None, leaf[1], leaf[0], (DiffOp("insert", leaf[1].text),), score=0.0)


def _removed(leaf: _Leaf) -> BlockDiff:
    return BlockDiff(leaf[1], None, leaf[0], (DiffOp("delete", leaf[1].text),), score=0.0)
