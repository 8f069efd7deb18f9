"""What a matching means: pair records with their status for one transition, concepts across many.

`records` turns the links `align` found into `SectionPair`s: status flags (moves included), in
the new draft's order, removed sections after the counterpart of their old predecessor.

`concepts` follows sections across drafts. A concept continues through every record that is not
a further part of a split or merge (`matched_by` "split" / "merge"). At a split each further part
starts a new concept related by "split-from" / "split-into"; at a merge the further old sections'
concepts end, related by "merged-into" / "merged-from". A concept's id is its section key when
there is one, else the anchor where it first appears; an id already taken gets the id of the draft
where the concept starts as a prefix ("second-draft--measure-2-1"). Ids use [a-z0-9-] only.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from .errors import ConfigError
from .model import Alignment, Concept, Draft, Section, SectionPair

PARTS = ("split", "merge")  # matched_by of the further parts of a split or merge
RELATIONS = {"split": ("split-into", "split-from"), "merge": ("merged-into", "merged-from")}  # (old's, new's)
LIS_UNIT = 1_000_000  # in the order check, one more section in place outweighs any number of words
UNSAFE = re.compile(r"[^a-z0-9-]+")
Link = tuple[int, int, str, float]  # (old index, new index, matched_by, score) in walk order


@dataclass(frozen=True, slots=True)
class Tree:
    """A draft's sections in walk order with each one's parent index (-1 at the top level)."""

    sections: list[Section]
    parents: list[int]


# --- one transition -----------------------------------------------------------------------------


def records(old: Tree, new: Tree, links: Sequence[Link]) -> tuple[SectionPair, ...]:
    old_links: dict[int, set[int]] = {}
    new_links: dict[int, set[int]] = {}
    for o, n, _, _ in links:
        old_links.setdefault(o, set()).add(n)
        new_links.setdefault(n, set()).add(o)
    primary = {o: n for o, n, how, _ in links if how not in PARTS}
    moved = _moved(old, new, links, primary, old_links)
    keyed: list[tuple[tuple[int, int, int], SectionPair]] = []
    for o, n, how, score in links:
        one, other = old.sections[o], new.sections[n]
        status = _status(one, other, (o, n) in moved, len(old_links[o]) > 1, len(new_links[n]) > 1)
        keyed.append(((n, 0, o), SectionPair(one, other, status, how, score)))
    keyed += [((j, 0, -1), SectionPair(None, s, ("added",), "", 0.0)) for j, s in enumerate(new.sections)
              if j not in new_links]  # fmt: skip
    place = -1  # a removed section goes after the counterpart of the nearest earlier old section with one
    for i, section in enumerate(old.sections):
        if i in old_links:
            place = primary.get(i, min(old_links[i]))
        else:
            keyed.append(((place, 1, i), SectionPair(section, None, ("removed",), "", 0.0)))
    return tuple(pair for _, pair in sorted(keyed, key=lambda item: item[0]))


def _status(old: Section, new: Section, moved: bool, split: bool, merged: bool) -> tuple[str, ...]:
    flags = {name for name, on in (("moved", moved), ("split", split), ("merged", merged)) if on}
    if old.body_digest != new.body_digest:
        flags.add("modified")
    if old.title != new.title:
        flags.add("renamed")
    if (old.kind, old.number) != (new.kind, new.number):
        flags.add("renumbered")
    # "unchanged": its own heading, body and place; what is inside it has pairs of its own
    return tuple(sorted(flags)) or ("unchanged",)


def _moved(
    old: Tree, new: Tree, links: Sequence[Link], primary: dict[int, int], old_links: dict[int, set[int]]
) -> set[tuple[int, int]]:
    """Pairs whose container changed (compared through the alignment) or that left their siblings' order.

    A container is the nearest enclosing section, skipping unpaired headings without a body of
    their own: dropping or adding a grouping heading moves nothing.
    """
    paired_new = {n for _, n, _, _ in links}
    moved: set[tuple[int, int]] = set()
    groups: defaultdict[int, list[tuple[int, int]]] = defaultdict(list)
    for o, n, _, _ in links:
        before = _container(old, o, old_links.keys())
        after = _container(new, n, paired_new)
        same = before == after == -1 or (before >= 0 and after >= 0 and after in old_links.get(before, ()))
        if not same:
            moved.add((o, n))
        elif primary.get(o) == n:
            groups[after].append((n, o))
    for members in groups.values():
        members.sort()
        weights = [LIS_UNIT + old.sections[o].words for _, o in members]
        keep = _heaviest_increasing([o for _, o in members], weights)
        moved |= {(o, n) for k, (n, o) in enumerate(members) if k not in keep}
    return moved


def _container(tree: Tree, i: int, paired: Collection[int]) -> int:
    """The enclosing section of `i` that counts for moves, or -1 for the top level."""
    p = tree.parents[i]
    while p >= 0 and p not in paired and not tree.sections[p].text.strip():
        p = tree.parents[p]
    return p


def _heaviest_increasing(values: list[int], weights: list[int]) -> set[int]:
    """Indices of the increasing subsequence of `values` with the greatest total weight (ties: earliest).

    Each element extends the heaviest run ending below its value (ties: the earliest such run). A
    Fenwick tree over the values' ranks finds that run in O(log n), so a long flat list of siblings
    costs n log n rather than n².
    """
    if not values:
        return set()
    rank = {value: r for r, value in enumerate(sorted(set(values)), start=1)}
    tree = _MaxTree(len(rank))
    total, back = [0] * len(values), [-1] * len(values)
    for k, (value, weight) in enumerate(zip(values, weights, strict=True)):
        best, minus_m = tree.prefix_max(rank[value] - 1)
        total[k], back[k] = best + weight, -minus_m if best else -1
        tree.raise_to(rank[value], (total[k], -k))
    k = max(range(len(values)), key=lambda x: (total[x], -x))
    keep = set()
    while k >= 0:
        keep.add(k)
        k = back[k]
    return keep


class _MaxTree:
    """Prefix maxima of (total, -index) over ranks 1..size; (0, 1) stands for none (totals are positive)."""

    def __init__(self, size: int) -> None:
        self.best = [(0, 1)] * (size + 1)

    def prefix_max(self, rank: int) -> tuple[int, int]:
        found = (0, 1)
        while rank > 0:
            found = max(found, self.best[rank])
            rank -= rank & -rank
        return found

    def raise_to(self, rank: int, item: tuple[int, int]) -> None:
        while rank < len(self.best):
            self.best[rank] = max(self.best[rank], item)
            rank += rank & -rank


# --- across drafts ------------------------------------------------------------------------------


def safe_id(text: str) -> str:
    return UNSAFE.sub("-", text.lower()).strip("-") or "section"


def check_ids(drafts: Sequence[Draft]) -> None:
    seen: dict[str, str] = {}
    for draft in drafts:
        if draft.id in seen:
            raise ConfigError(f"{draft.path}: error: draft id '{draft.id}' is also the id of {seen[draft.id]}; "
                              "give each draft its own 'draft:' in the front matter [align.draft-id]")  # fmt: skip
        seen[draft.id] = draft.path


@dataclass
class _Chain:
    """A concept while the drafts are read (mutable, internal)."""

    key: str
    first: tuple[int, int]  # (draft index, walk index) where it first appears
    start: tuple[str, str]  # (draft id, anchor) there
    versions: list[tuple[str, str]] = field(default_factory=list)
    related: list[tuple[str, int, str]] = field(default_factory=list)  # (relation, chain index, draft id)
    last: int = 0  # index of the last draft it appears in


def concepts(drafts: Sequence[Draft], alignments: Sequence[Alignment]) -> tuple[Concept, ...]:
    """`drafts` in date order; `alignments[i]` aligns drafts[i] with drafts[i + 1]."""
    if not drafts:
        return ()
    chains: list[_Chain] = []
    current = {s.anchor: _begin(chains, s, 0, k, drafts[0]) for k, s in enumerate(drafts[0].walk())}
    _record(chains, current, drafts[0], 0)
    for step, alignment in enumerate(alignments, start=1):
        current = _follow(chains, current, alignment, step)
    ids = _ids(chains)
    found = []
    for k, chain in sorted(enumerate(chains), key=lambda item: item[1].first):
        related = tuple((relation, ids[other], draft) for relation, other, draft in chain.related)
        found.append(Concept(ids[k], tuple(chain.versions), related))
    return tuple(found)


def _begin(chains: list[_Chain], section: Section, step: int, walk: int, draft: Draft) -> int:
    chains.append(_Chain(section.key, (step, walk), (draft.id, section.anchor)))
    return len(chains) - 1


def _record(chains: list[_Chain], where: dict[str, int], draft: Draft, step: int) -> None:
    for section in draft.walk():
        chain = chains[where[section.anchor]]
        chain.versions.append((draft.id, section.anchor))
        chain.last = step


def _follow(chains: list[_Chain], before: dict[str, int], alignment: Alignment, step: int) -> dict[str, int]:
    """The chain of each section of `alignment.new`: continued, come back (by key) or new; then relations."""
    draft = alignment.new
    after = {
        pair.new.anchor: before[pair.old.anchor]
        for pair in alignment.pairs
        if pair.old is not None and pair.new is not None and pair.matched_by not in PARTS
    }
    keyed = {chain.key: k for k, chain in enumerate(chains) if chain.key}
    for walk, section in enumerate(draft.walk()):
        if section.anchor not in after:
            k = keyed.get(section.key) if section.key else None
            if k is not None and chains[k].last < step - 1 and k not in after.values():
                after[section.anchor] = k  # a keyed concept back after a gap
            else:
                after[section.anchor] = _begin(chains, section, step, walk, draft)
    _record(chains, after, draft, step)
    for pair in alignment.pairs:
        if pair.old is not None and pair.new is not None and pair.matched_by in PARTS:
            old, new = before[pair.old.anchor], after[pair.new.anchor]
            outward, inward = RELATIONS[pair.matched_by]
            chains[old].related.append((outward, new, draft.id))
            chains[new].related.append((inward, old, draft.id))
    return after


def _ids(chains: Sequence[_Chain]) -> list[str]:
    """Keys first, then anchors, each in order of first appearance; a taken id gets its draft as prefix."""
    ids = [""] * len(chains)
    taken: set[str] = set()
    for k in sorted(range(len(chains)), key=lambda k: (not chains[k].key, chains[k].first)):
        draft, anchor = chains[k].start
        wanted = safe_id(chains[k].key or anchor)
        candidate = wanted if wanted not in taken else f"{safe_id(draft)}--{wanted}"
        base, count = candidate, 1
        while candidate in taken:
            count += 1
            candidate = f"{base}-{count}"
        ids[k] = candidate
        taken.add(candidate)
    return ids
