"""How alike two sections' texts are: TF-IDF cosine over words and bigrams, titles, whole subtrees.

What a section says is its title and body; two kinds of text are left out because they say
nothing about identity: boxes that narrate the drafting history (`IGNORED_BOXES`, unless the
section has nothing else) and paragraphs that recur in many sections of one draft once numbers
are masked ("In order to satisfy Commitment II.4:"), which would make every short section look
like every other.

Term counts are made once per draft (`Terms`, counted in NumPy); weighting and every cosine between
two drafts are sparse matrix products (SciPy), so all pairs are compared, exactly, at C speed. The same drafts give the same matrices,
hence the same scores to the last bit.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
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


@dataclass(frozen=True, eq=False)
class Terms:
    """One draft's sections (in walk order) as the matcher counts them: what a `Corpus` weighs against
    another draft's. It depends on this draft alone, so it is made once per draft, and can be made
    where the draft was parsed (plain arrays and strings travel between processes cheaply)."""

    words: tuple[str, ...]  # word number → word
    codes: npt.NDArray[np.int64]  # term id → term code, ascending: a word's number, or a bigram's
    # `len(words) + first · len(words) + second` (numbers, not strings: drafts are merged in NumPy)
    text: Counts  # title and body: words and bigrams
    title: Counts  # title words
    has_body: tuple[bool, ...]  # the section has text of its own

    def term(self, i: int) -> str:
        """Term id `i` as text: "mitigation", or "risk tier" for a bigram."""
        width = len(self.words)
        code = int(self.codes[i])
        if code < width:
            return self.words[code]
        first, second = divmod(code - width, width)
        return f"{self.words[first]} {self.words[second]}"


def terms_of(sections: Sequence[Section]) -> Terms:
    """The `Terms` of one draft's sections, given in walk order.

    A section's text terms are the content words (not `STOPWORDS`) and every bigram of its body and of
    its title, no bigram spanning the two (bigrams keep phrases like "risk tier" apart from their
    words); its title terms are the title's words. Counted in NumPy: words become numbers, a bigram a
    pair of numbers, and each (section, term) is counted by sorting.
    """
    texts = [paragraphs(section) for section in sections]
    common = boilerplate([list(map(masked, own)) for own in texts])
    bodies = [
        tuple(chain.from_iterable(tokens(text) for text in own if masked(text) not in common))
        for own in texts
    ]
    titles = [tokens(section.title) for section in sections]
    words = dict.fromkeys(chain(chain.from_iterable(bodies), chain.from_iterable(titles)), 0)
    for number, word in enumerate(words):
        words[word] = number
    width = len(words)
    stop = np.fromiter((word in STOPWORDS for word in words), bool, width)
    body_rows, body_codes = _codes(bodies, words, stop)
    title_rows, title_codes = _codes(titles, words, stop)
    heading_rows, heading_ids = _words(titles, words)
    span = width + width * width  # a unigram is its word's number, a bigram width + first · width + second
    text = _counted(np.concatenate((body_rows, title_rows)), np.concatenate((body_codes, title_codes)), span)
    title = _counted(heading_rows, heading_ids, span)
    vocabulary, ids = np.unique(np.concatenate((text[1], title[1])), return_inverse=True)
    cut = len(text[1])
    return Terms(
        tuple(words),
        vocabulary,
        _rows(text, ids[:cut], len(sections)),
        _rows(title, ids[cut:], len(sections)),
        tuple(bool(body) for body in bodies),
    )


Ints: TypeAlias = npt.NDArray[np.int64]


def _words(sequences: Sequence[tuple[str, ...]], words: dict[str, int]) -> tuple[Ints, Ints]:
    """(sequence index, word number) of every word, in order."""
    lengths = np.fromiter(map(len, sequences), np.int64, len(sequences))
    ids = np.fromiter(map(words.__getitem__, chain.from_iterable(sequences)), np.int64, int(lengths.sum()))
    return np.repeat(np.arange(len(sequences), dtype=np.int64), lengths), ids


def _codes(
    sequences: Sequence[tuple[str, ...]], words: dict[str, int], stop: npt.NDArray[np.bool_]
) -> tuple[Ints, Ints]:
    """(sequence index, term code) of each content word and each bigram within one sequence."""
    rows, ids = _words(sequences, words)
    width = len(words)
    content = ~stop[ids]
    pair = rows[1:] == rows[:-1]
    bigrams = width + ids[:-1][pair] * width + ids[1:][pair]
    return np.concatenate((rows[content], rows[:-1][pair])), np.concatenate((ids[content], bigrams))


def _counted(rows: Ints, codes: Ints, span: int) -> tuple[Ints, Ints, Ints]:
    """(row, code, count) of each distinct (row, code), by row then code."""
    if (int(rows.max(initial=0)) + 1) * span < 2**63:  # one int64 key per (row, code): one sort
        keys, counts = np.unique(rows * np.int64(span) + codes, return_counts=True)
        return keys // span, keys % span, counts
    pairs, counts = np.unique(np.stack((rows, codes)), axis=1, return_counts=True)  # beyond any draft
    return pairs[0], pairs[1], counts


def _rows(counted: tuple[Ints, Ints, Ints], ids: Ints, sections: int) -> Counts:
    """`counted` (row, code, count) as rows of term `ids` (each code's)."""
    rows, _, counts = counted
    indptr = np.zeros(sections + 1, np.int32)
    np.cumsum(np.bincount(rows, minlength=sections), out=indptr[1:])
    return Counts(indptr, ids.astype(np.int32), counts.astype(np.int32))


class Corpus:
    """Every text, title and subtree cosine between the sections of two drafts, weighted over both.

    Each draft comes as its `Terms` and each section's parent index (-1 at the top level), in walk order.
    """

    def __init__(
        self, old: Terms, new: Terms, old_parents: Sequence[int], new_parents: Sequence[int]
    ) -> None:
        self.old_body, self.new_body = old.has_body, new.has_body
        renumber, width = _merged(old, new)
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
        own = part.keys() & whole.keys()
        own.difference_update(*rest)
        return min(1.0, sum(w * w for t, w in part.items() if t in own))  # in the part's order: the same sum

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


def _merged(old: Terms, new: Terms) -> tuple[npt.NDArray[np.int32], int]:
    """One vocabulary for two drafts: the old draft's term ids, then the new draft's other terms in
    its order. Returns each new term id's id in it, and its size."""
    words = dict(zip(old.words, range(len(old.words)), strict=True))
    for word in new.words:
        words.setdefault(word, len(words))
    width = len(words)
    old_codes = _lifted(old.codes, np.arange(len(old.words), dtype=np.int64), width)
    new_codes = _lifted(
        new.codes, np.fromiter(map(words.__getitem__, new.words), np.int64, len(new.words)), width
    )
    at = np.searchsorted(old_codes, new_codes)  # old codes stay ascending: word numbers keep their order
    shared = at < len(old_codes)
    shared[shared] = old_codes[at[shared]] == new_codes[shared]
    added = int((~shared).sum())  # terms only the new draft has, numbered after the old draft's
    renumber = at.astype(np.int32)
    renumber[~shared] = len(old_codes) + np.arange(added, dtype=np.int32)
    return renumber, len(old_codes) + added


def _lifted(codes: Ints, numbers: Ints, width: int) -> Ints:
    """Term codes from one draft's word numbers to the merged ones (`numbers`: each word's), of `width` words."""
    own = len(numbers)
    lifted = np.empty_like(codes)
    unigram = codes < own
    lifted[unigram] = numbers[codes[unigram]]
    first, second = np.divmod(codes[~unigram] - own, own)
    lifted[~unigram] = width + numbers[first] * width + numbers[second]
    return lifted


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
