"""Word-level diff of a block's inline Markdown: diff-match-patch in word mode.

Each distinct token becomes one private-use character (the `diff_linesToChars` pattern, for words),
diff-match-patch diffs the encoded strings with `Diff_Timeout = 0` (a minimal, machine-independent
result), `diff_cleanupSemantic` tidies it, and a final pass absorbs "word soup" so a redline reads
as phrases: an equal run between two changes is folded into them when it holds no word (spaces and
punctuation only), one function word ("the", "of") between changes of a word or more, or any one
word between changes of two words or more on each side.

Tokens. Whitespace runs, words (`Measure`, `II.4.14`, `1,000`, `and/or`), single punctuation
characters, and inline Markdown kept whole: code spans, links and images, footnote references,
autolinks and HTML tags, bare URLs, `**strong**`, `*em*`, `~~strike~~`, backslash escapes. So a diff
never cuts a link or an emphasis in half, and `shall,` → `should,` marks the word only.

Whitespace. Any whitespace run compares equal to any other, so reflowed text diffs as equal.
Whitespace before the first or after the last token is glued to that token, so stripping or adding it
is no change either. An equal op carries the *new* side's exact text; when the old side's text of
that run differs (in whitespace only), `DiffOp.old_text` holds it. Hence, exactly:

    rebuild_new(ops) == new  (equal + insert texts)
    rebuild_old(ops) == old  (equal `old_text or text` + delete texts)

and texts that differ only in whitespace give equal ops alone (one op, the new text).

Engine. `fast-diff-match-patch` (Google's C++ port, same algorithm) computes the raw diff when it is
installed; it gives the very same diffs as the pure-Python `diff-match-patch`, 5-40 times faster, and
the pure-Python one stands in when it is missing. Cleanup always runs in Python, the same either way:
the C++ `diff_cleanupSemantic` differs from the Python one in a few places.

Large inputs. diff-match-patch is quadratic-ish (O(N·D)); past `_DIRECT_LIMIT` tokens we first pin
the texts together on n-grams that occur once in each (patience diff) and run diff-match-patch
between the pins only. Gaps that stay large and share no anchor at all are replaced
whole instead of word-diffed: such a region is a rewrite, and a word diff of it would be slow soup.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

from diff_match_patch import diff_match_patch

from toolchain.model import DiffOp

try:
    import fast_diff_match_patch as _fast
except ImportError:  # optional speed-up: the pure-Python engine gives the same diffs
    _fast = None

_WORD_TOKEN = r"\w+(?:(?:[-'’./]|(?<=\d),(?=\d))\w+)*"
_TOKEN = re.compile(
    r"""
      \s+                                                   # whitespace run
    | ``[^`](?:[^`]|`(?!`))*?``                             # ``code with ` inside``
    | `[^`]+`                                               # `code`
    | !?\[(?:[^\[\]]|\[[^\[\]]*\])*\]                       # [link text] or ![alt] ...
      (?:\((?:[^()\s]|\([^()\s]*\))*(?:\s+"[^"]*")?\)       #   ... then (url "title")
        |\[[^\[\]]*\])                                      #   ... or [ref]
    | \[\^[^\[\]\s]+\]                                      # footnote reference [^1]
    | <[A-Za-z/!][^<>]{0,200}>                              # HTML tag, <br>, <https://autolink>
    | https?://[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'"]          # bare URL, minus trailing punctuation
    | \*\*(?=\S)(?:[^*]|\*(?!\*)){1,400}?(?<=\S)\*\*          # **strong** (emphasis is bounded: a
    | (?<!\w)__(?=\S)(?:[^_]|_(?!_)){1,400}?(?<=\S)__(?!\w)   #   stray ** must not swallow a page)
    | \*(?=[^\s*])[^*]{0,400}?(?<=[^\s*])\*                 # *em*
    | (?<!\w)_(?=[^\s_])[^_]{0,400}?(?<=[^\s_])_(?!\w)       # _em_
    | ~~(?=\S)[^~]{1,400}?(?<=\S)~~                          # ~~strike~~
    | \\[!-/:-@\[-`{-~]                                     # backslash escape
    | """
    + _WORD_TOKEN  # word, number, II.4.14, 1,000
    + r"""
    | .                                                     # any other character, alone
    """,
    re.VERBOSE | re.DOTALL,
)
# Text without these holds no token but whitespace, words and single characters: its words are the
# `_WORD_TOKEN` matches (every other alternative above needs one of them to start).
_MARKUP = re.compile(r"[`\[<*_~]|://")  # (a backslash escape holds no word, nor cuts one)
_WORDS_ONLY = re.compile(_WORD_TOKEN)

_WORD = re.compile(r"[^\W_]")  # a letter or digit
# fmt: off
_FUNCTION_WORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "its", "of", "on",
    "or", "that", "the", "their", "this", "to", "with",
))
# fmt: on

# Tokens (old + new) above which the patience pre-pass runs (see module docstring): about 450 words,
# where a full rewrite costs diff-match-patch some 0.15 s.
_DIRECT_LIMIT = 1000
_NGRAM = 5  # tokens per anchor: about three words with their spaces
_REPEATS = 8  # anchors may repeat this often when no unique one is left
_DEPTH = 40  # gaps within gaps: past this, diff or replace the gap as it is


# --- tokens ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Tokens:
    """A text cut into tokens: `keys` are compared, `texts` rebuild the input."""

    keys: tuple[str, ...]
    texts: tuple[str, ...]


def tokenize(text: str) -> list[str]:
    """The tokens of `text`, in order; they join back to `text` exactly."""
    return list(_tokenized(text))


@lru_cache(maxsize=1 << 14)  # a block is cut for matching, for its diff and for counting its words
def _tokenized(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(text))


def _key(token: str) -> str:
    # Whitespace compares as one space, also inside a link or code span, and around glued tokens.
    return " " if token.isspace() else " ".join(token.split())


def _tokens(text: str) -> _Tokens:
    texts = list(_tokenized(text))
    # Leading/trailing whitespace rides on its neighbour token, so adding or stripping it is no change.
    if len(texts) > 1 and texts[0].isspace():
        texts[1] = texts[0] + texts[1]
        del texts[0]
    if len(texts) > 1 and texts[-1].isspace():
        texts[-2] += texts[-1]
        del texts[-1]
    # A token starting with a letter or digit is a word, which holds no whitespace: its own key.
    return _Tokens(tuple([t if t[0].isalnum() else _key(t) for t in texts]), tuple(texts))


def is_word(token: str) -> bool:
    """A token that counts as a word: it holds a letter or a digit (a link counts as one word)."""
    return _WORD.search(token) is not None


def words(text: str) -> list[str]:
    """The tokens of `text` that are words, in order."""
    # A token starting with a letter or digit holds one (`_WORD` is `str.isalnum`), one starting with
    # whitespace is a run of it: only the others are searched.
    return [t for t in _tokenized(text) if t[0].isalnum() or (not t[0].isspace() and _WORD.search(t))]


@lru_cache(maxsize=1 << 14)  # a block's ops are counted twice: for its similarity and its section's summary
def _word_count(text: str) -> int:
    if _MARKUP.search(text) is None:
        return len(_WORDS_ONLY.findall(text))  # the same count, without cutting the whole text into tokens
    return len(words(text))


def _fold(text: str) -> str:
    return " ".join(text.split())


# --- tokens as characters ----------------------------------------------------------------------


_CODE_POINTS = 0x110000 - 0xE000 + 0xD800


def _code_points() -> Iterator[int]:
    # The encoded strings hold nothing but these, so any code point would do: private use first
    # (readable when debugging), then the rest, skipping surrogates (a str holds them, UTF-8 cannot).
    yield from range(0xE000, 0x110000)
    yield from range(0xD800)


def _encode(a: Sequence[str], b: Sequence[str]) -> tuple[str, str]:
    """Map each distinct key to one character, as `diff_linesToChars` does for lines."""
    distinct = dict.fromkeys(chain(a, b))
    if len(distinct) > _CODE_POINTS:
        raise ValueError("more distinct tokens than Unicode code points")
    chars = dict(zip(distinct, map(chr, _code_points()), strict=False))
    return "".join(map(chars.__getitem__, a)), "".join(map(chars.__getitem__, b))


# --- the character diff ------------------------------------------------------------------------

_Diff = tuple[int, str]  # diff-match-patch's (op, text): -1 delete, 0 equal, 1 insert


def _engine() -> diff_match_patch:
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0  # minimal and deterministic: never cut short by the clock
    return dmp


# Only where characters are 4 bytes wide: on Windows (2) it refuses characters past U+FFFF.
_FAST_DIFF = _fast.diff if _fast is not None and _fast.CHAR_WIDTH == 4 else None
_FAST_OPS = {"-": -1, "=": 0, "+": 1}


def _diff_main(a: str, b: str) -> list[_Diff]:
    """`diff_main(a, b, checklines=False)` without a time limit, merged but not cleaned up."""
    if _FAST_DIFF is None:
        diffs: list[_Diff] = _engine().diff_main(a, b, False)
        return diffs
    raw = _FAST_DIFF(a, b, timelimit=0, checklines=False, cleanup="No", counts_only=False)
    return [(_FAST_OPS[op], text) for op, text in raw]


def _diff_chars(a: str, b: str) -> list[_Diff]:
    dmp = _engine()
    diffs = _diff_main(a, b) if _small(a, b) else _patience(a, b, _NGRAM)
    dmp.diff_cleanupMerge(diffs)
    dmp.diff_cleanupSemantic(diffs)
    return diffs


def _small(a: str, b: str) -> bool:
    return len(a) + len(b) <= _DIRECT_LIMIT


def _patience(a: str, b: str, n: int, depth: int = 0) -> list[_Diff]:
    """Diff between anchors: n-grams that occur once in `a` and once in `b`, then in each gap."""
    # Unique anchors first; repeated text (a clause used in several places) pairs in order.
    spans = _spans(a, b, n, 1) or _spans(a, b, n, _REPEATS)
    if not spans or depth > _DEPTH:
        if n > 1 and depth <= _DEPTH:
            return _patience(a, b, 1, depth + 1)
        return _diff_main(a, b) if _small(a, b) else _replace(a, b)
    diffs: list[_Diff] = []
    i = j = 0
    for si, sj, size in spans:
        diffs += _gap(a[i:si], b[j:sj], n, depth)
        diffs.append((0, a[si : si + size]))
        i, j = si + size, sj + size
    return diffs + _gap(a[i:], b[j:], n, depth)


def _gap(a: str, b: str, n: int, depth: int) -> list[_Diff]:
    if not a or not b:
        return _replace(a, b)
    return _diff_main(a, b) if _small(a, b) else _patience(a, b, n, depth + 1)


def _replace(a: str, b: str) -> list[_Diff]:
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


# --- from characters back to runs of tokens ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Run:
    """An equal run (same-length ranges) or a change (old range replaced by new range)."""

    equal: bool
    a0: int
    a1: int
    b0: int
    b1: int


def _runs(diffs: list[_Diff]) -> list[_Run]:
    runs: list[_Run] = []
    i = j = 0
    for op, text in diffs:
        di = len(text) if op <= 0 else 0
        dj = len(text) if op >= 0 else 0
        if op != 0 and runs and not runs[-1].equal:
            last = runs.pop()  # merge delete + insert into one change
            runs.append(_Run(False, last.a0, i + di, last.b0, j + dj))
        else:
            runs.append(_Run(op == 0, i, i + di, j, j + dj))
        i, j = i + di, j + dj
    return runs


def _words(keys: Sequence[str]) -> list[str]:
    return list(filter(_WORD.search, keys))


def _change_size(run: _Run, a: _Tokens, b: _Tokens) -> int:
    return max(len(_words(a.keys[run.a0 : run.a1])), len(_words(b.keys[run.b0 : run.b1])))


def _is_soup(before: _Run, equal: _Run, after: _Run, a: _Tokens, b: _Tokens) -> bool:
    """Is `equal` too small to stand between two changes? Then the redline reads better without it."""
    words = _words(a.keys[equal.a0 : equal.a1])
    if not words:
        return True  # only spaces and punctuation
    if len(words) > 1:
        return False
    smaller = min(_change_size(before, a, b), _change_size(after, a, b))
    return smaller >= 2 or (smaller >= 1 and words[0].lower() in _FUNCTION_WORDS)


def _absorb_soup(runs: list[_Run], a: _Tokens, b: _Tokens) -> list[_Run]:
    """Fold small equal runs sandwiched between changes into one change (a stack: linear time)."""
    out: list[_Run] = []
    for run in runs:
        while (
            not run.equal
            and len(out) >= 2
            and out[-1].equal
            and not out[-2].equal
            and _is_soup(out[-2], out[-1], run, a, b)
        ):
            out.pop()
            first = out.pop()
            run = _Run(False, first.a0, run.a1, first.b0, run.b1)
        out.append(run)
    return out


def _ops(runs: list[_Run], a: _Tokens, b: _Tokens) -> Iterator[DiffOp]:
    for run in runs:
        old = "".join(a.texts[run.a0 : run.a1])
        new = "".join(b.texts[run.b0 : run.b1])
        if run.equal:
            yield DiffOp("equal", new, old_text=None if old == new else old)
            continue
        if old:
            yield DiffOp("delete", old)
        if new:
            yield DiffOp("insert", new)


# --- public ------------------------------------------------------------------------------------


def diff_words(old: str, new: str) -> tuple[DiffOp, ...]:
    """The word diff of two inline texts: equal, delete and insert runs (delete before insert)."""
    if _fold(old) == _fold(new):
        if not old and not new:
            return ()
        return (DiffOp("equal", new, old_text=None if old == new else old),)
    a, b = _tokens(old), _tokens(new)
    chars_a, chars_b = _encode(a.keys, b.keys)
    runs = _runs(_diff_chars(chars_a, chars_b))
    return tuple(_ops(_absorb_soup(runs, a, b), a, b))


def rebuild_old(ops: Sequence[DiffOp]) -> str:
    """The old text, exactly."""
    return "".join(
        op.text if op.old_text is None else op.old_text for op in ops if op.op in ("equal", "delete")
    )


def rebuild_new(ops: Sequence[DiffOp]) -> str:
    """The new text, exactly."""
    return "".join(op.text for op in ops if op.op in ("equal", "insert"))


def count_words(ops: Sequence[DiffOp]) -> tuple[int, int, int]:
    """(added, removed, kept) words; a word is a token holding a letter or digit."""
    counts = {"insert": 0, "delete": 0, "equal": 0}
    for op in ops:
        counts[op.op] += _word_count(op.text)
    return counts["insert"], counts["delete"], counts["equal"]


def similarity(ops: Sequence[DiffOp]) -> float:
    """Kept words over the larger side's words: 1.0 unchanged, 0.0 nothing in common."""
    added, removed, kept = count_words(ops)
    larger = kept + max(added, removed)
    return kept / larger if larger else 1.0


__all__ = [
    "count_words",
    "diff_words",
    "is_word",
    "longest_increasing",
    "rebuild_new",
    "rebuild_old",
    "similarity",
    "tokenize",
    "words",
]
