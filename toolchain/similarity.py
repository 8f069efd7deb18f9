"""How alike two sections' texts are: TF-IDF cosine over words and bigrams, titles, shared terms.

Plain Python over sparse dictionaries. Candidate pairs come from an inverted index over the
informative terms, so a large draft is not compared section by section with every other one.
What a section says is its title and body; two kinds of text are left out because they say
nothing about identity: boxes that narrate the drafting history (`IGNORED_BOXES`, unless the
section has nothing else) and paragraphs
that recur in many sections of one draft once numbers are masked ("In order to satisfy
Commitment II.4:"), which would make every short section look like every other.

Speed: the hot loops run in C where they can (`map`, `zip`, `Counter.update`), and every float sum
runs in one fixed order (a vector's own term order), so the same drafts always give the same
scores to the last bit, and hence the same matching. Keep that order when touching `dot` or
`_nominate`: a different summation order changes low bits, and low bits can flip a tie.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import filterfalse, pairwise, repeat
from operator import mul, truediv
from sys import intern
from typing import TypeAlias

from .lineage import Tree
from .model import Section

IGNORED_BOXES = frozenset({"summary-of-changes"})
BOILERPLATE_MIN = 3  # a paragraph (numbers masked) found in this many sections of a draft is boilerplate
WORD = re.compile(r"[a-z0-9]{2,}")  # single letters and digits say nothing about identity
NUMBER = re.compile(r"\b(?:[IVXLCDM]+|\d+|[A-Z])(?:\.(?:\d+|[IVXLCDM]+|[a-z]))+\b|\b\d+\b")
STOP = (
    "the and or of to in for on by with as at be is are was were been that this these those which from its it "
    "their they such any all an not no into than then there where when who whom whose will shall may can should "
    "would could has have had do does other also per"
)
STOPWORDS = frozenset(STOP.split())
# Candidates in a long draft (more than a tenth of all sections exceeds NOMINATE_MAX; see `Corpus.candidates`):
NOMINATE_MAX = 24  # a term in more new sections than this does not nominate candidates,
NOMINATE_MIN = 8  # unless the section has fewer than this many rarer terms: then its this many rarest do
NOMINEE_SHARE = 0.1  # a nominee must reach this share of the section's best nominee through those terms
Vector = dict[str, float]


@cache  # a draft has a few thousand distinct words and says each of them many times
def stem(word: str) -> str:
    """A light plural folding: "mitigations" and "mitigation" count as one term."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokens(text: str) -> list[str]:
    return list(map(stem, WORD.findall(text.lower())))


def terms(*texts: Sequence[str]) -> Counter[str]:
    """Content words and every bigram (bigrams keep phrases like "risk tier" apart from their words),
    counted over the texts, no bigram spanning two of them."""
    found: Counter[str] = Counter()
    for words in texts:
        found.update(filterfalse(STOPWORDS.__contains__, words))
        found.update(map(intern, map(" ".join, pairwise(words))))
    return found


def masked(text: str) -> str:
    return " ".join(NUMBER.sub("#", text).lower().split())


def paragraphs(section: Section) -> list[str]:
    """The texts of the section's own leaves, without drafting-history boxes unless that is all it has."""
    leaves = [(box, leaf.text) for block in section.blocks for box, leaf in block.leaves() if leaf.text]
    kept = [text for box, text in leaves if box not in IGNORED_BOXES]
    return kept or [text for _, text in leaves]


def boilerplate(masks: Iterable[Sequence[str]]) -> frozenset[str]:
    """Masked paragraphs (`masks`: each section's) that occur in at least `BOILERPLATE_MIN` sections of one draft."""
    seen: Counter[str] = Counter()
    for section in masks:
        seen.update(set(section))
    return frozenset(text for text, count in seen.items() if count >= BOILERPLATE_MIN)


def body_words(texts: Sequence[str], masks: Sequence[str], common: frozenset[str]) -> list[str]:
    """The words of a section's paragraphs (`texts`, masked as `masks`) that are not boilerplate."""
    return [w for text, mask in zip(texts, masks, strict=True) if mask not in common for w in tokens(text)]


def normalise(weights: dict[str, float]) -> Vector:
    norm = math.sqrt(sum(map(mul, weights.values(), weights.values())))
    return dict(zip(weights, map(truediv, weights.values(), repeat(norm)), strict=True)) if norm else {}


def cosine(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return min(1.0, dot(a, b))


def dot(a: Vector, b: Vector) -> float:
    """Σ a[t]·b[t] in `a`'s order; map and sum run in C, several times faster than a generator."""
    products: Iterator[float] = map(mul, a.values(), map(b.get, a, repeat(0.0)))
    return sum(products)


@dataclass(frozen=True, slots=True)
class Profile:
    """One section as the matcher sees it."""

    text: Vector  # title + body, TF-IDF, unit length
    title: Vector  # title words only
    has_body: bool


class Corpus:
    """TF-IDF profiles for the sections of two drafts, weighted over both."""

    def __init__(self, old: Sequence[Section], new: Sequence[Section]) -> None:
        docs: list[Counter[str]] = []
        titles: list[Counter[str]] = []
        has_body: list[bool] = []
        for side in (old, new):
            texts = [paragraphs(section) for section in side]
            masks = [[masked(text) for text in section] for section in texts]
            common = boilerplate(masks)
            for section, own, mask in zip(side, texts, masks, strict=True):
                title = tokens(section.title)
                body = body_words(own, mask, common)
                docs.append(terms(title, body))
                titles.append(Counter(title))
                has_body.append(bool(body))
        self.idf = _idf(docs)
        title_idf = _idf(titles)
        raw = [_weigh(doc, self.idf) for doc in docs]
        profiles = [
            Profile(normalise(weights), normalise(_weigh(title, title_idf)), body)
            for weights, title, body in zip(raw, titles, has_body, strict=True)
        ]
        self.old = profiles[: len(old)]
        self.new = profiles[len(old) :]
        self.old_tree = _subtrees(old, raw[: len(old)])
        self.new_tree = _subtrees(new, raw[len(old) :])
        self._own: dict[tuple[int, int], float] = {}  # own-text cosines computed so far
        self._cache: dict[tuple[int, int], float] = {}  # `similarity` results

    def candidates(self, per_section: int = 12) -> dict[tuple[int, int], float]:
        """(old index, new index) → text cosine, for each section's best `per_section` partners.

        Terms found in more than a tenth of all sections (and more than a few) only add to the
        cosine of pairs found through rarer terms; they do not nominate pairs themselves.

        A long draft bounds the work per section, which would otherwise grow with the draft (quadratic
        in all) where it repeats phrases in dozens of sections: only terms in at most `NOMINATE_MAX`
        new sections nominate (a section short of `NOMINATE_MIN` of them nominates through its
        `NOMINATE_MIN` rarest), so a section is found through what sets it apart; and a nominee must
        come within `NOMINEE_SHARE` of the section's best one through those terms, so a section is not
        offered two dozen others that merely share a phrase with it. A draft of up to about 250
        sections in all is searched exhaustively, as before.
        """
        new = [profile.text for profile in self.new]
        spread: Counter[str] = Counter()  # term → how many new sections have it
        for text in new:
            spread.update(text.keys())
        limit = max(16, (len(self.old) + len(self.new)) // 10)
        nominating = [
            _nominating(profile.text, spread, limit, min(limit, NOMINATE_MAX)) for profile in self.old
        ]
        postings = _postings(new, set().union(*nominating))
        share = NOMINEE_SHARE if limit > NOMINATE_MAX else 0.0
        scores = [0.0] * len(new)  # scratch, all zero between sections
        found: dict[tuple[int, int], float] = {}
        by_new: defaultdict[int, list[tuple[float, int]]] = defaultdict(list)
        for i, profile in enumerate(self.old):
            chosen = {term: postings[term] for term in nominating[i]}
            nominees = _nominate(profile.text, chosen, new, scores, per_section * 2, share)
            for rank, (score, j) in enumerate(nominees):
                by_new[j].append((score, i))
                if rank < per_section:
                    found[(i, j)] = score
        for j, row in by_new.items():
            for score, i in sorted(row, key=_best_first)[:per_section]:
                found[(i, j)] = score
        self._own.update(found)
        return dict(sorted(found.items()))

    def similarity(self, i: int, j: int) -> float:
        """Text cosine; for two sections with children, the mean of their own texts' and their whole contents'."""
        found = self._cache.get((i, j))
        if found is None:
            found = self._own.get((i, j))
            if found is None:
                found = self._own[(i, j)] = cosine(self.old[i].text, self.new[j].text)
            if i in self.old_tree and j in self.new_tree:
                found = (found + cosine(self.old_tree[i], self.new_tree[j])) / 2
            self._cache[(i, j)] = found
        return found

    def text_similarity(self, i: int, j: int) -> float:
        """Cosine of the two sections' own texts (title and body)."""
        found = self._own.get((i, j))
        if found is None:
            found = self._own[(i, j)] = cosine(self.old[i].text, self.new[j].text)
        return found

    def exclusive(self, i: int, j: int, others: set[int], side: str) -> float:
        """Share of one section's weight in terms it shares with its partner and the partner's other sections lack.

        `side` "old": old section `i` against new section `j`, whose other old sections are `others`;
        "new": new section `j` against old section `i`, whose other new sections are `others`.
        """
        if side == "old":
            part, whole, rest = self.old[i].text, self.new[j].text, [self.old[k].text for k in others]
        else:
            part, whole, rest = self.new[j].text, self.old[i].text, [self.new[k].text for k in others]
        return min(1.0, sum(w * w for t, w in part.items() if t in whole and not any(t in r for r in rest)))

    def title_similarity(self, i: int, j: int) -> float:
        return cosine(self.old[i].title, self.new[j].title)


def _best_first(item: tuple[float, int]) -> tuple[float, int]:
    return (-item[0], item[1])


# A nominating term's postings: new section indices and the term's weight in each (short: at most
# `NOMINATE_MAX` long but for a few sections' rarest terms).
_Posting: TypeAlias = tuple[list[int], list[float]]


def _nominating(text: Vector, spread: Counter[str], limit: int, cheap: int) -> list[str]:
    """The terms of `text` that nominate, in its order: those in at most `cheap` new sections, or, when
    fewer than `NOMINATE_MIN`, the `NOMINATE_MIN` rarest of those in at most `limit` (ties: the earlier)."""
    found = [term for term in text if 0 < spread.get(term, 0) <= limit]
    few = [term for term in found if spread[term] <= cheap]
    if len(few) >= NOMINATE_MIN or len(few) == len(found):
        return few
    rarest = set(sorted(found, key=spread.__getitem__)[:NOMINATE_MIN])  # stable: ties keep text order
    return [term for term in found if term in rarest]


def _postings(new: Sequence[Vector], wanted: set[str]) -> dict[str, _Posting]:
    """The `wanted` terms' postings over the new sections."""
    where: defaultdict[str, list[int]] = defaultdict(list)
    weights: defaultdict[str, list[float]] = defaultdict(list)
    for j, text in enumerate(new):
        for term in filter(wanted.__contains__, text):
            where[term].append(j)
            weights[term].append(text[term])
    return {term: (found, weights[term]) for term, found in where.items()}


def _nominate(
    text: Vector,
    nominating: dict[str, _Posting],
    new: Sequence[Vector],
    scores: list[float],
    count: int,
    share: float,
) -> list[tuple[float, int]]:
    """The `count` new sections closest to one old section through its `nominating` terms (and at least
    `share` as close as the closest), best first, with their full cosines (the other terms added). Sums
    run in the old section's term order, as ever. `scores` is all zero on entry and on return."""
    touched: set[int] = set()
    weightless: set[int] = set()  # reached only through terms in every section (weight 0): still nominated
    for term, (js, others) in nominating.items():  # in the old section's term order
        weight = text[term]
        touched.update(js)
        if not weight:
            weightless.update(js)
        for j, other in zip(js, others, strict=False):  # equal lengths; the check would cost 10 %
            scores[j] += weight * other
    nominated = heapq.nsmallest(count, [(-scores[j], j) for j in touched if scores[j] or j in weightless])
    for j in touched:
        scores[j] = 0.0
    if share and nominated:
        floor = -nominated[0][0] * share
        nominated = [(minus, j) for minus, j in nominated if -minus >= floor]
    # the other terms against each nominee's whole text, as `dot` adds them: no nominating term is among
    # them, so this is the nominee's cosine over the terms it does not share through the postings
    keys = list(filterfalse(nominating.__contains__, text))
    values = list(map(text.__getitem__, keys))
    exact = [
        (min(1.0, -minus + sum(map(mul, values, map(new[j].get, keys, repeat(0.0))))), j)
        for minus, j in nominated
    ]
    return sorted(exact, key=_best_first)


def _idf(docs: Sequence[Counter[str]]) -> dict[str, float]:
    frequency: Counter[str] = Counter()
    for doc in docs:
        frequency.update(doc.keys())  # keys, not the mapping: each document counts once
    total = len(docs)
    return {t: math.log((1 + total) / (1 + n)) for t, n in frequency.items()}


@cache
def _tf(count: int) -> float:
    return 1.0 + math.log(count)


def _weigh(counts: Counter[str], idf: dict[str, float]) -> Vector:
    """(1 + log tf) · idf per term, not yet of unit length (map and zip run in C)."""
    return dict(zip(counts, map(mul, map(_tf, counts.values()), map(idf.__getitem__, counts)), strict=True))


def _subtrees(sections: Sequence[Section], raw: Sequence[Vector]) -> dict[int, Vector]:
    """For each section with children: the unit vector of everything in it, its own text included."""
    index = {id(s): i for i, s in enumerate(sections)}
    found: dict[int, Vector] = {}
    for i, section in enumerate(sections):
        if section.children:
            total: defaultdict[str, float] = defaultdict(float)
            for part in section.walk():
                for term, weight in raw[index[id(part)]].items():
                    total[term] += weight
            found[i] = normalise(total)
    return found


# --- text with structure as context -------------------------------------------------------------

# weights of the combined score
W_TEXT, W_TITLE, W_PARENT, W_CHILDREN, W_KIND, W_NUMBER, W_PLACE = 0.8, 0.3, 0.06, 0.2, 0.02, 0.03, 0.03


_NONE: frozenset[int] = frozenset()


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
        value += W_PARENT * (self._counterpart(o) == self._anchor(n))
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
        olds, news = self.old.children[o], self.new.children[n]
        if not olds or not news:
            return 0.0
        hits_old = sum(1 for c in olds if not self.old_links.get(c, _NONE).isdisjoint(news))
        hits_new = sum(1 for c in news if not self.new_links.get(c, _NONE).isdisjoint(olds))
        return (hits_old + hits_new) / (len(olds) + len(news))


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
