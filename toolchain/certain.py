"""The certain passes of align.py, and the matching they start (`Work`): editor overrides, explicit
keys, identical content. What they pair is certain (score 1.0); the similarity passes take the rest.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from .model import Draft, Section
from .overrides import Resolved
from .scoring import children


@dataclass
class Work:
    """The matching while it is being built (mutable, internal)."""

    old: list[Section]
    new: list[Section]
    old_parent: list[int]
    new_parent: list[int]
    o2n: dict[int, int] = field(default_factory=dict)
    n2o: dict[int, int] = field(default_factory=dict)
    how: dict[int, tuple[str, float]] = field(default_factory=dict)  # old index → (matched_by, score)
    parts: list[tuple[int, int, str, float]] = field(default_factory=list)  # split/merge parts
    forbidden: set[tuple[int, int]] = field(default_factory=set)
    old_children: list[list[int]] = field(init=False)
    new_children: list[list[int]] = field(init=False)

    def __post_init__(self) -> None:
        self.old_children = children(self.old_parent)
        self.new_children = children(self.new_parent)

    def match(self, o: int, n: int, how: str, score: float) -> None:
        self.o2n[o], self.n2o[n], self.how[o] = n, o, (how, score)

    def free(self, o: int, n: int) -> bool:
        return o not in self.o2n and n not in self.n2o and (o, n) not in self.forbidden


def start(old: Draft, new: Draft) -> Work:
    (olds, old_parents), (news, new_parents) = flatten(old), flatten(new)
    return Work(olds, news, old_parents, new_parents)


def flatten(draft: Draft) -> tuple[list[Section], list[int]]:
    """The draft's sections in walk order, and each one's parent index (-1 at the top level)."""
    sections: list[Section] = []
    parents: list[int] = []
    stack: list[tuple[Section, int]] = [(top, -1) for top in reversed(draft.sections)]
    while stack:
        section, parent = stack.pop()
        sections.append(section)
        parents.append(parent)
        stack += [(child, len(sections) - 1) for child in reversed(section.children)]
    return sections, parents


def apply_overrides(work: Work, rules: Resolved) -> None:
    index_old = {s.anchor: i for i, s in enumerate(work.old)}
    index_new = {s.anchor: j for j, s in enumerate(work.new)}
    work.forbidden |= {(index_old[o], index_new[n]) for o, n in rules.forbidden}
    for o, n in rules.pairs:
        work.match(index_old[o.anchor], index_new[n.anchor], "override", 1.0)
    for o, news in rules.splits:
        work.match(index_old[o.anchor], index_new[news[0].anchor], "override", 1.0)
        work.parts += [(index_old[o.anchor], index_new[n.anchor], "split", 1.0) for n in news[1:]]
    for olds, n in rules.merges:
        work.match(index_old[olds[0].anchor], index_new[n.anchor], "override", 1.0)
        work.parts += [(index_old[o.anchor], index_new[n.anchor], "merge", 1.0) for o in olds[1:]]


def used(work: Work) -> tuple[set[int], set[int]]:
    olds = set(work.o2n) | {o for o, _, _, _ in work.parts}
    news = set(work.n2o) | {n for _, n, _, _ in work.parts}
    return olds, news


def match_keys(work: Work) -> None:
    used_old, used_new = used(work)
    keyed = {s.key: j for j, s in enumerate(work.new) if s.key and j not in used_new}
    for o, section in enumerate(work.old):
        n = keyed.get(section.key) if section.key else None
        if n is not None and o not in used_old and work.free(o, n):
            work.match(o, n, "key", 1.0)


def match_digests(work: Work) -> None:
    """Same digest: unique on both sides, or (whole content) as many on each side, paired in order."""
    for digest in (_full_digest, _body_digest):
        used_old, used_new = used(work)
        olds, news = _groups(work.old, digest, used_old), _groups(work.new, digest, used_new)
        for value in sorted(olds, key=lambda v: olds[v][0]):
            found = news.get(value, [])
            if len(found) != len(olds[value]) or (len(found) > 1 and digest is _body_digest):
                continue
            for o, n in zip(olds[value], found, strict=True):
                if work.free(o, n):
                    work.match(o, n, "digest", 1.0)
                    if digest is _full_digest:
                        _match_subtree(work, o, n)


def _full_digest(section: Section) -> str:
    return section.digest


def _body_digest(section: Section) -> str:
    return section.body_digest if section.text.strip() else ""


def _groups(
    sections: list[Section], digest: Callable[[Section], str], used: set[int]
) -> dict[str, list[int]]:
    seen: defaultdict[str, list[int]] = defaultdict(list)
    for i, section in enumerate(sections):
        if i not in used and (value := digest(section)):
            seen[value].append(i)
    return seen


def _match_subtree(work: Work, o: int, n: int) -> None:
    """Identical subtrees: pair their descendants in order."""
    for i, j in zip(work.old_children[o], work.new_children[n], strict=False):
        if work.free(i, j):
            work.match(i, j, "digest", 1.0)
            _match_subtree(work, i, j)
