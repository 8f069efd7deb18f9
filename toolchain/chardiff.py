"""The diff of two strings of token characters, as worddiff.py encodes texts: diff-match-patch
without a time limit (`Diff_Timeout = 0`: minimal and machine-independent), then
`diff_cleanupMerge` and `diff_cleanupSemantic`.

Engine. `fast-diff-match-patch` (Google's C++ port, same algorithm) computes the raw diff when it is
installed; it gives the very same diffs as the pure-Python `diff-match-patch`, 5-40 times faster, and
the pure-Python one stands in when it is missing. Cleanup always runs in Python, the same either way:
the C++ `diff_cleanupSemantic` differs from the Python one in a few places.

Large inputs. diff-match-patch is quadratic-ish (O(N·D)); past `DIRECT_LIMIT` tokens we first pin
the texts together on n-grams that occur once in each (patience diff) and run diff-match-patch
between the pins only. Gaps that stay large and share no anchor at all are replaced
whole instead of word-diffed: such a region is a rewrite, and a word diff of it would be slow soup.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Sequence

from diff_match_patch import diff_match_patch

try:
    import fast_diff_match_patch as _fast
except ImportError:  # optional speed-up: the pure-Python engine gives the same diffs
    _fast = None

# Characters (tokens, old + new) above which the patience pre-pass runs: about 450 words,
# where a full rewrite costs diff-match-patch some 0.15 s.
DIRECT_LIMIT = 1000
NGRAM = 5  # tokens per anchor: about three words with their spaces
REPEATS = 8  # anchors may repeat this often when no unique one is left
DEPTH = 40  # gaps within gaps: past this, diff or replace the gap as it is

Diff = tuple[int, str]  # diff-match-patch's (op, text): -1 delete, 0 equal, 1 insert


def _engine() -> diff_match_patch:
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0  # minimal and deterministic: never cut short by the clock
    return dmp


# Only where characters are 4 bytes wide: on Windows (2) it refuses characters past U+FFFF.
_FAST_DIFF = _fast.diff if _fast is not None and _fast.CHAR_WIDTH == 4 else None
_FAST_OPS = {"-": -1, "=": 0, "+": 1}


def diff_main(a: str, b: str) -> list[Diff]:
    """`diff_main(a, b, checklines=False)` without a time limit, merged but not cleaned up."""
    if _FAST_DIFF is None:
        diffs: list[Diff] = _engine().diff_main(a, b, False)
        return diffs
    raw = _FAST_DIFF(a, b, timelimit=0, checklines=False, cleanup="No", counts_only=False)
    return [(_FAST_OPS[op], text) for op, text in raw]


def diff_chars(a: str, b: str) -> list[Diff]:
    """The diff of two encoded strings: minimal, merged and semantically cleaned up."""
    dmp = _engine()
    diffs = diff_main(a, b) if _small(a, b) else _patience(a, b, NGRAM)
    dmp.diff_cleanupMerge(diffs)
    dmp.diff_cleanupSemantic(diffs)
    return diffs


def _small(a: str, b: str) -> bool:
    return len(a) + len(b) <= DIRECT_LIMIT


def _patience(a: str, b: str, n: int, depth: int = 0) -> list[Diff]:
    """Diff between anchors: n-grams that occur once in `a` and once in `b`, then in each gap."""
    # Unique anchors first; repeated text (a clause used in several places) pairs in order.
    spans = _spans(a, b, n, 1) or _spans(a, b, n, REPEATS)
    if not spans or depth > DEPTH:
        if n > 1 and depth <= DEPTH:
            return _patience(a, b, 1, depth + 1)
        return diff_main(a, b) if _small(a, b) else _replace(a, b)
    diffs: list[Diff] = []
    i = j = 0
    for si, sj, size in spans:
        diffs += _gap(a[i:si], b[j:sj], n, depth)
        diffs.append((0, a[si : si + size]))
        i, j = si + size, sj + size
    return diffs + _gap(a[i:], b[j:], n, depth)


def _gap(a: str, b: str, n: int, depth: int) -> list[Diff]:
    if not a or not b:
        return _replace(a, b)
    return diff_main(a, b) if _small(a, b) else _patience(a, b, n, depth + 1)


def _replace(a: str, b: str) -> list[Diff]:
    return [(op, text) for op, text in ((-1, a), (1, b)) if text]


def _spans(a: str, b: str, n: int, repeats: int) -> list[tuple[int, int, int]]:
    """Non-overlapping equal spans (i, j, size) along the longest increasing run of anchors.

    Anchors are n-grams occurring as often in `a` as in `b`, at most `repeats` times; the k-th
    occurrence in `a` is paired with the k-th in `b`.
    """
    in_a, in_b = _positions(a, n), _positions(b, n)
    pairs = sorted(
        pair
        for gram, where in in_a.items()
        if len(where) <= repeats and len(where) == len(in_b.get(gram, ()))
        for pair in zip(where, in_b[gram], strict=True)
    )
    spans: list[tuple[int, int, int]] = []
    for i, j in longest_increasing(pairs):
        si, sj, size = spans[-1] if spans else (0, 0, 0)
        if spans and i - j == si - sj and i <= si + size:
            spans[-1] = (si, sj, i + n - si)  # same diagonal, overlapping: extend
        elif i >= si + size and j >= sj + size:
            spans.append((i, j, n))
    return spans


def _positions(s: str, n: int) -> dict[str, list[int]]:
    where: dict[str, list[int]] = defaultdict(list)
    for k in range(len(s) - n + 1):
        where[s[k : k + n]].append(k)
    return where


def longest_increasing(pairs: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of (i, j) pairs, sorted by i, whose j increase too (patience sorting).

    Deterministic: the same pairs in the same order always give the same run.
    """
    tails: list[int] = []  # tails[k]: the j ending the best run of length k + 1
    ends: list[int] = []  # ends[k]: index into pairs of that run's end
    back: list[int] = []
    for index, (_, j) in enumerate(pairs):
        k = bisect.bisect_left(tails, j)
        back.append(ends[k - 1] if k else -1)
        if k == len(tails):
            tails.append(j)
            ends.append(index)
        else:
            tails[k], ends[k] = j, index
    run: list[tuple[int, int]] = []
    index = ends[-1] if ends else -1
    while index >= 0:
        run.append(pairs[index])
        index = back[index]
    return run[::-1]
