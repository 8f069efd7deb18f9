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

The character diff itself (engine, anchoring of large inputs) is chardiff.py's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

from toolchain.chardiff import Diff, diff_chars
from toolchain.model import DiffOp

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
    # A word (a token starting with a letter or digit) is its own key, unless whitespace was glued to it.
    keys = [t if t[0].isalnum() and not t[-1].isspace() else _key(t) for t in texts]
    return _Tokens(tuple(keys), tuple(texts))


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


# --- from characters back to runs of tokens ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Run:
    """An equal run (same-length ranges) or a change (old range replaced by new range)."""

    equal: bool
    a0: int
    a1: int
    b0: int
    b1: int


def _runs(diffs: list[Diff]) -> list[_Run]:
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
    runs = _runs(diff_chars(chars_a, chars_b))
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
    "rebuild_new",
    "rebuild_old",
    "similarity",
    "tokenize",
    "words",
]
