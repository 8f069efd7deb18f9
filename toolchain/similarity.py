"""How alike two sections' texts are: TF-IDF cosine over words and bigrams, titles, whole subtrees.

What a section says is its title and body; two kinds of text are left out because they say
nothing about identity: boxes that narrate the drafting history (`IGNORED_BOXES`, unless the
section has nothing else) and paragraphs that recur in many sections of one draft once numbers
are masked ("In order to satisfy Commitment II.4:"), which would make every short section look
like every other.

Term counts are built in Python once per draft (`Terms`; a paragraph or body that successive drafts
repeat is counted once per process); weighting and every cosine between two drafts are sparse
matrix products (SciPy), so all pairs are compared, exactly, at C speed. The same drafts give the same matrices,
hence the same scores to the last bit.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, filterfalse, pairwise
from typing import TypeAlias

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from .model import Section

IGNORED_BOXES = frozenset({"summary-of-changes"})
BOILERPLATE_MIN = 3  # a paragraph (numbers masked) found in this many sections of a draft is boilerplate
WORD = re.compile(r"[a-z0-9]{2,}")  # single letters and digits say nothing about identity
# (the lookahead changes no match: it lets `re` skip ahead where no number can start)
NUMBER = re.compile(r"(?=[A-Z\d])(?:\b(?:[IVXLCDM]+|\d+|[A-Z])(?:\.(?:\d+|[IVXLCDM]+|[a-z]))+\b|\b\d+\b)")
STOP = (
    "the and or of to in for on by with as at be is are was were been that this these those which from its it "
    "their they such any all an not no into than then there where when who whom whose will shall may can should "
    "would could has have had do does other also per"
)
STOPWORDS = frozenset(STOP.split())
CACHED = 1 << 16  # distinct paragraphs and bodies remembered per process
Matrix: TypeAlias = sp.csr_matrix
Dense: TypeAlias = npt.NDArray[np.float64]


@lru_cache(maxsize=CACHED)  # a draft has a few thousand distinct words and says each of them many times
def stem(word: str) -> str:
    """A light plural folding: "mitigations" and "mitigation" count as one term."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=CACHED)
def tokens(text: str) -> tuple[str, ...]:
    return tuple(map(stem, WORD.findall(text.lower())))


@lru_cache(maxsize=CACHED)
def masked(text: str) -> str:
    return " ".join(NUMBER.sub("#", text).lower().split())


def terms(words: Sequence[str]) -> Counter[str]:
    """Content words and every bigram (bigrams keep phrases like "risk tier" apart from their words)."""
    return Counter(chain(filterfalse(STOPWORDS.__contains__, words), map(" ".join, pairwise(words))))


@lru_cache(maxsize=CACHED)
def _body_terms(texts: tuple[str, ...]) -> Counter[str]:
    return terms(tuple(chain.from_iterable(map(tokens, texts))))


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


@dataclass(frozen=True, eq=False)
class Counts:
    """Term counts per section, as the rows of a sparse matrix: section k's term ids are
    `ids[indptr[k]:indptr[k + 1]]`, with their `counts`."""

    indptr: npt.NDArray[np.int32]
    ids: npt.NDArray[np.int32]
    counts: npt.NDArray[np.int32]

    @classmethod
    def of(cls, rows: Sequence[Counter[str]], vocabulary: dict[str, int]) -> Counts:
        indptr = np.fromiter(chain((0,), map(len, rows)), np.int32, len(rows) + 1).cumsum(dtype=np.int32)
        ids = np.fromiter(map(vocabulary.__getitem__, chain.from_iterable(rows)), np.int32, indptr[-1])
        counts = np.fromiter(chain.from_iterable(map(Counter.values, rows)), np.int32, indptr[-1])
        return cls(indptr, ids, counts)


@dataclass(frozen=True, eq=False)
class Terms:
    """One draft's sections (in walk order) as the matcher counts them: what a `Corpus` weighs against
    another draft's. It depends on this draft alone, so it is made once per draft, and can be made
    where the draft was parsed (plain arrays and strings travel between processes cheaply)."""

    vocabulary: tuple[str, ...]  # term id → term
    text: Counts  # title and body: words and bigrams
    title: Counts  # title words
    has_body: tuple[bool, ...]  # the section has text of its own


def terms_of(sections: Sequence[Section]) -> Terms:
    """The `Terms` of one draft's sections, given in walk order."""
    texts = [paragraphs(section) for section in sections]
    common = boilerplate([list(map(masked, own)) for own in texts])
    docs: list[Counter[str]] = []
    titles: list[Counter[str]] = []
    has_body: list[bool] = []
    for section, own in zip(sections, texts, strict=True):
        heading = tokens(section.title)
        kept = tuple(text for text in own if masked(text) not in common)
        doc = _body_terms(kept).copy()  # a copy: the cached one stays as it is
        doc.update(terms(heading))
        docs.append(doc)
        titles.append(Counter(heading))
        has_body.append(any(map(tokens, kept)))
    vocabulary = dict.fromkeys(chain(chain.from_iterable(docs), chain.from_iterable(titles)), 0)
    for number, term in enumerate(vocabulary):
        vocabulary[term] = number
    return Terms(
        tuple(vocabulary), Counts.of(docs, vocabulary), Counts.of(titles, vocabulary), tuple(has_body)
    )


class Corpus:
    """Every text, title and subtree cosine between the sections of two drafts, weighted over both.

    Each draft comes as its `Terms` and each section's parent index (-1 at the top level), in walk order.
    """

    def __init__(
        self, old: Terms, new: Terms, old_parents: Sequence[int], new_parents: Sequence[int]
    ) -> None:
        self.old_body, self.new_body = old.has_body, new.has_body
        # one vocabulary: the old draft's ids, then the new draft's other terms
        vocabulary = dict(zip(old.vocabulary, range(len(old.vocabulary)), strict=True))
        for term in new.vocabulary:
            vocabulary.setdefault(term, len(vocabulary))
        renumber = np.fromiter(map(vocabulary.__getitem__, new.vocabulary), np.int32, len(new.vocabulary))
        width = len(vocabulary)
        cut = len(old.has_body)
        raw = _weighted(_stack(old.text, new.text, renumber), width)
        unit = _unit(raw)
        title = _unit(_weighted(_stack(old.title, new.title, renumber), width))
        self._text = _cosines(unit[:cut], unit[cut:])
        self._title = _cosines(title[:cut], title[cut:])
        self._old_terms, self._new_terms = unit[:cut], unit[cut:]
        self._rows: dict[tuple[str, int], dict[int, float]] = {}
        old_tree, self._old_tree = _subtrees(raw[:cut], old_parents)
        new_tree, self._new_tree = _subtrees(raw[cut:], new_parents)
        self._tree = _cosines(old_tree, new_tree)
        # A term in every section weighs 0: in a draft so small that all its words are everywhere, a
        # cosine sees nothing, so every pair stays a candidate.
        self._everything = not raw.data.all()

    def candidates(self, per_section: int = 12) -> dict[tuple[int, int], float]:
        """(old index, new index) → text cosine, for each section's best `per_section` partners on the
        other side (ties: the earlier), among those that share a term with it."""
        eligible = np.full(self._text.shape, True) if self._everything else self._text > 0
        rows, cols = _best(self._text, eligible, per_section)
        cols_t, rows_t = _best(self._text.T, eligible.T, per_section)
        width = self._text.shape[1]
        codes = np.unique(np.concatenate((rows * width + cols, rows_t * width + cols_t)))  # sorted, once each
        rows, cols = np.divmod(codes, width)
        scores = self._text[rows, cols]
        return dict(zip(zip(rows.tolist(), cols.tolist(), strict=True), scores.tolist(), strict=True))

    def similarity(self, i: int, j: int) -> float:
        """Text cosine; for two sections with children, the mean of their own texts' and their whole contents'."""
        text = self._text.item(i, j)
        tree_i, tree_j = self._old_tree.get(i), self._new_tree.get(j)
        if tree_i is None or tree_j is None:
            return text
        return (text + self._tree.item(tree_i, tree_j)) / 2

    def text_similarity(self, i: int, j: int) -> float:
        """Cosine of the two sections' own texts (title and body)."""
        return self._text.item(i, j)

    def title_similarity(self, i: int, j: int) -> float:
        return self._title.item(i, j)

    def exclusive(self, i: int, j: int, others: set[int], side: str) -> float:
        """Share of one section's weight in terms it shares with its partner and the partner's other sections lack.

        `side` "old": old section `i` against new section `j`, whose other old sections are `others`;
        "new": new section `j` against old section `i`, whose other new sections are `others`.
        """
        if side == "old":
            part, whole, rest = (
                self._row("old", i),
                self._row("new", j),
                [self._row("old", k) for k in sorted(others)],
            )
        else:
            part, whole, rest = (
                self._row("new", j),
                self._row("old", i),
                [self._row("new", k) for k in sorted(others)],
            )
        return min(1.0, sum(w * w for t, w in part.items() if t in whole and not any(t in r for r in rest)))

    def _row(self, side: str, i: int) -> dict[int, float]:
        """One section's unit vector as term → weight (read once: scipy's row slicing is slow)."""
        found = self._rows.get((side, i))
        if found is None:
            terms = self._old_terms if side == "old" else self._new_terms
            start, end = terms.indptr[i], terms.indptr[i + 1]
            found = self._rows[(side, i)] = dict(
                zip(terms.indices[start:end].tolist(), terms.data[start:end].tolist(), strict=True)
            )
        return found


def _stack(old: Counts, new: Counts, renumber: npt.NDArray[np.int32]) -> Counts:
    """The old draft's rows, then the new draft's with its term ids renumbered into the shared vocabulary."""
    indptr = np.concatenate((old.indptr, old.indptr[-1] + new.indptr[1:]))
    return Counts(
        indptr, np.concatenate((old.ids, renumber[new.ids])), np.concatenate((old.counts, new.counts))
    )


def _weighted(counts: Counts, width: int) -> Matrix:
    """Rows of (1 + log tf) · idf, idf = log((1 + documents) / (1 + documents with the term))."""
    documents = len(counts.indptr) - 1
    frequency = np.bincount(counts.ids, minlength=width)
    idf = np.log((1 + documents) / (1 + frequency))
    weights = (1 + np.log(counts.counts.astype(np.float64))) * idf[counts.ids]
    return sp.csr_matrix((weights, counts.ids, counts.indptr), shape=(documents, width))


def _unit(rows: Matrix) -> Matrix:
    """Each row scaled to unit length (an all-zero row stays zero)."""
    norms = np.sqrt(np.asarray(rows.multiply(rows).sum(axis=1)).ravel())
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return sp.csr_matrix(sp.diags(scale) @ rows)


def _cosines(old: Matrix, new: Matrix) -> Dense:
    found: Dense = np.minimum((old @ new.T).toarray(), 1.0)
    return found


def _subtrees(raw: Matrix, parents: Sequence[int]) -> tuple[Matrix, dict[int, int]]:
    """Unit vectors of everything inside each section that has children (its own text included),
    and each such section's row among them."""
    inner: list[list[int]] = [[] for _ in parents]
    for child in reversed(range(len(parents))):  # children follow their parents in walk order
        parent = parents[child]
        if parent >= 0:
            inner[parent] += [child, *inner[child]]
    rows = {i: n for n, i in enumerate(i for i, found in enumerate(inner) if found)}
    cols = [[i, *inner[i]] for i in rows]
    indicator = sp.csr_matrix(
        (np.ones(sum(map(len, cols))), np.fromiter(chain.from_iterable(cols), np.int64),
         np.fromiter(chain((0,), map(len, cols)), np.int64).cumsum()),
        shape=(len(rows), raw.shape[0]),
    )  # fmt: skip
    return _unit(indicator @ raw), rows


def _best(scores: Dense, eligible: npt.NDArray[np.bool_], count: int) -> tuple[npt.NDArray[np.intp], ...]:
    """(rows, columns) of each row's `count` best eligible entries, best first (ties: lower column)."""
    width = scores.shape[1]
    if not width:
        return np.zeros(0, np.intp), np.zeros(0, np.intp)
    count = min(count, width)
    ranked = np.where(eligible, scores, -np.inf)
    kth = np.partition(ranked, width - count, axis=1)[:, width - count]
    rows, cols = np.nonzero(eligible & (ranked >= kth[:, None]))
    order = np.lexsort((cols, -ranked[rows, cols], rows))
    rows, cols = rows[order], cols[order]
    rank = np.arange(len(rows)) - np.searchsorted(rows, rows)
    keep = rank < count
    return rows[keep], cols[keep]
