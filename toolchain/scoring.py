"""The combined score of a candidate pair: text similarity plus the current matching as context.

align.py asks for scores round after round, each time with the matching so far; the parts that
do not depend on the matching are computed once per pair.
"""

from __future__ import annotations

from collections.abc import Sequence

from .lineage import Tree
from .similarity import Corpus

# weights of the combined score
W_TEXT, W_TITLE, W_PARENT, W_CHILDREN, W_KIND, W_NUMBER, W_PLACE = 0.8, 0.3, 0.06, 0.2, 0.02, 0.03, 0.03


class _Side:
    """One draft's structure as the scorer reads it."""

    def __init__(self, tree: Tree) -> None:
        self.sections = tree.sections
        self.parents = tree.parents
        self.children = children(tree.parents)
        last = max(1, len(tree.sections) - 1)
        self.place = [i / last for i in range(len(tree.sections))]
        self.inner = [descendants(tree.parents, i) for i in range(len(tree.sections))]


class Scorer:
    """Combined score of a candidate pair: text and title, plus the current matching as context.

    Context: the old section's nearest matched ancestor became the new one's (`W_PARENT`), their
    children already correspond (`W_CHILDREN`, Dice over children with a counterpart among the
    other's children), same kind, same kind and number, close relative place.
    """

    def __init__(self, corpus: Corpus, old: Tree, new: Tree) -> None:
        self.corpus = corpus
        self.text = corpus.candidates()
        self.old, self.new = _Side(old), _Side(new)
        self._fixed: dict[tuple[int, int], tuple[float, float, float, float]] = {}
        self.refresh({}, [])

    def refresh(self, primary: dict[int, int], links: Sequence[tuple[int, int]]) -> None:
        """The matching so far: one-to-one pairs (old → new), and every link including split and merge parts."""
        self.o2n = dict(primary)
        self.n2o = {n: o for o, n in primary.items()}
        self.links = list(links)
        self.old_links: dict[int, set[int]] = {}
        self.new_links: dict[int, set[int]] = {}
        for o, n in self.links:
            self.old_links.setdefault(o, set()).add(n)
            self.new_links.setdefault(n, set()).add(o)
        # For `_children_agree`: per old section, how many of its children are linked to a child of
        # each new section (and the other way round), counted once per matching, not once per pair.
        self._old_hits = _hits(self.old_links, self.old.parents, self.new.parents)
        self._new_hits = _hits(self.new_links, self.new.parents, self.old.parents)
        self._counterparts = [self._counterpart(o) for o in range(len(self.old.parents))]
        self._anchors = [self._anchor(n) for n in range(len(self.new.parents))]

    def pairs(self) -> list[tuple[int, int]]:
        """Candidates: textually close pairs, plus the parents of linked pairs."""
        found = set(self.text)
        for o, n in self.links:
            po, pn = self.old.parents[o], self.new.parents[n]
            if po >= 0 and pn >= 0:
                found.add((po, pn))
        return sorted(found)

    def score(self, o: int, n: int) -> float:
        fixed = self._fixed.get((o, n))
        if fixed is None:
            fixed = self._fixed[(o, n)] = self._fixed_parts(o, n)
        text, kind, number, place = fixed
        value = text
        value += W_PARENT * (self._counterparts[o] == self._anchors[n])
        value += W_CHILDREN * self._children_agree(o, n)
        value += kind
        value += number
        value += place
        return value

    def _fixed_parts(self, o: int, n: int) -> tuple[float, float, float, float]:
        """The terms of `score` that do not depend on the matching (each round asks again), in its order."""
        old, new = self.old.sections[o], self.new.sections[n]
        return (
            W_TEXT * self.corpus.similarity(o, n) + W_TITLE * self.corpus.title_similarity(o, n),
            W_KIND * (old.kind == new.kind),
            W_NUMBER * (bool(old.number) and (old.kind, old.number) == (new.kind, new.number)),
            W_PLACE * (1.0 - abs(self.old.place[o] - self.new.place[n])),
        )

    def _counterpart(self, o: int) -> int:
        """The new section that the nearest matched ancestor of old section `o` became (-1: the top)."""
        p = self.old.parents[o]
        while p >= 0 and p not in self.o2n:
            p = self.old.parents[p]
        return self.o2n[p] if p >= 0 else -1

    def _anchor(self, n: int) -> int:
        """The nearest ancestor of new section `n` that has an old counterpart (-1: the top)."""
        p = self.new.parents[n]
        while p >= 0 and p not in self.n2o:
            p = self.new.parents[p]
        return p

    def _children_agree(self, o: int, n: int) -> float:
        """Dice over children: those of `o` linked to a child of `n`, and those of `n` linked to a child of `o`."""
        olds, news = self.old.children[o], self.new.children[n]
        if not olds or not news:
            return 0.0
        hits = self._old_hits.get(o, _NO_HITS).get(n, 0) + self._new_hits.get(n, _NO_HITS).get(o, 0)
        return hits / (len(olds) + len(news))


_NO_HITS: dict[int, int] = {}


def _hits(
    links: dict[int, set[int]], parents: Sequence[int], other_parents: Sequence[int]
) -> dict[int, dict[int, int]]:
    """parent p → {other parent q: how many children of p are linked to a child of q}."""
    found: dict[int, dict[int, int]] = {}
    for child, partners in links.items():
        parent = parents[child]
        if parent < 0:
            continue
        counts = found.setdefault(parent, {})
        for q in {other_parents[m] for m in partners} - {-1}:
            counts[q] = counts.get(q, 0) + 1
    return found


def children(parents: Sequence[int]) -> list[list[int]]:
    found: list[list[int]] = [[] for _ in parents]
    for child, parent in enumerate(parents):
        if parent >= 0:
            found[parent].append(child)
    return found


def descendants(parents: Sequence[int], i: int) -> list[int]:
    """Sections inside section `i` (they follow it in walk order)."""
    found, k = [], i + 1
    while k < len(parents) and _is_inside(parents, k, i):
        found.append(k)
        k += 1
    return found


def _is_inside(parents: Sequence[int], k: int, i: int) -> bool:
    while k >= 0:
        k = parents[k]
        if k == i:
            return True
    return False
