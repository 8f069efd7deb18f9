"""Word diff: exact rebuild, reflow insensitivity, markup kept whole, readable hunks."""

from __future__ import annotations

import random
from contextlib import AbstractContextManager
from itertools import pairwise
from unittest import mock

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from toolchain import chardiff, worddiff
from toolchain.model import DiffOp
from toolchain.worddiff import (
    count_words,
    diff_words,
    rebuild_new,
    rebuild_old,
    similarity,
    tokenize,
)


def eq(text: str, old_text: str | None = None) -> DiffOp:
    return DiffOp("equal", text, old_text=old_text)


def ins(text: str) -> DiffOp:
    return DiffOp("insert", text)


def dele(text: str) -> DiffOp:
    return DiffOp("delete", text)


# --- strategies ---------------------------------------------------------------------------------

SPACES = st.sampled_from([" ", "  ", "\n", "\t", " \n ", "\xa0", "\u2003"])
WORDS = st.sampled_from(
    [
        "Signatories", "shall", "should", "may", "the", "a", "report", "risk", "15", "2.3", "II.4.14",
        "1,000", "€10", "Art.", "55(1)", "AI", "Act", ",", ".", ";", ":", "(", ")", "“term”", '"x"',
        "don’t", "é", "naïve", "日本", "🙂", "**bold text**", "*em*", "`code x`", "<br>", "[a link](http://x.org/a_b)",
        "<https://x.org>", "\\*", "*", "_", "[", "]", "`", "<", ">", "&", "e.g.", "and/or",
    ]
)  # fmt: skip
ANY_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"])
    | st.sampled_from(" \n\t*_[]()<>`\\!“”’"),
    max_size=60,
)


@st.composite
def prose(draw: st.DrawFn, min_size: int = 0) -> str:
    words = draw(st.lists(WORDS, min_size=min_size, max_size=25))
    out = draw(st.sampled_from(["", " ", "\n"]))
    for word in words:
        out += word + draw(SPACES)
    return out if draw(st.booleans()) else out.strip()


@st.composite
def edited(draw: st.DrawFn) -> tuple[str, str]:
    """A text and a light edit of it: words replaced, dropped or added, whitespace reflowed."""
    words = draw(st.lists(WORDS, min_size=1, max_size=30))
    new = []
    for word in words:
        action = draw(st.sampled_from(["keep", "keep", "keep", "drop", "swap", "add"]))
        if action == "swap":
            new.append(draw(WORDS))
        elif action != "drop":
            new.append(word)
        if action == "add":
            new.append(draw(WORDS))
    return " ".join(words), "\n".join(new)


def assert_well_formed(ops: tuple[DiffOp, ...]) -> None:
    for a, b in pairwise(ops):
        assert a.op != b.op, "adjacent ops of one kind are merged"
        assert (a.op, b.op) != ("insert", "delete"), "a replaced run deletes before it inserts"
    assert all(op.text for op in ops if op.op != "equal")
    assert all(op.old_text is None for op in ops if op.op != "equal")


# --- properties ---------------------------------------------------------------------------------


@given(ANY_TEXT, ANY_TEXT)
def test_rebuilds_any_pair_exactly(old: str, new: str) -> None:
    ops = diff_words(old, new)
    assert rebuild_old(ops) == old
    assert rebuild_new(ops) == new
    assert_well_formed(ops)


@given(prose(), prose())
def test_rebuilds_prose_pairs_exactly(old: str, new: str) -> None:
    ops = diff_words(old, new)
    assert rebuild_old(ops) == old
    assert rebuild_new(ops) == new
    assert "".join(op.text for op in ops if op.op != "delete") == new  # the plain join, as documented
    assert_well_formed(ops)


@given(edited())
def test_rebuilds_edits_exactly(pair: tuple[str, str]) -> None:
    old, new = pair
    ops = diff_words(old, new)
    assert (rebuild_old(ops), rebuild_new(ops)) == (old, new)
    assert_well_formed(ops)


@settings(max_examples=50)
@given(edited())
def test_rebuilds_exactly_through_the_anchored_path(pair: tuple[str, str]) -> None:
    old, new = pair
    with mock.patch.object(chardiff, "DIRECT_LIMIT", 4), mock.patch.object(chardiff, "NGRAM", 2):
        ops = diff_words(old, new)
    assert (rebuild_old(ops), rebuild_new(ops)) == (old, new)
    assert_well_formed(ops)


@given(ANY_TEXT)
def test_same_text_is_all_equal(text: str) -> None:
    assert diff_words(text, text) == ((eq(text),) if text else ())


@given(prose(), prose())
def test_deterministic(old: str, new: str) -> None:
    assert diff_words(old, new) == diff_words(old, new)


@given(st.lists(WORDS, min_size=1, max_size=20), st.data())
def test_whitespace_only_changes_are_equal(words: list[str], data: st.DataObject) -> None:
    old = "".join(w + data.draw(SPACES) for w in words)
    new = data.draw(SPACES) + data.draw(SPACES).join(words)
    # One equal op: the new text, and the old text beside it because the whitespace differs.
    assert diff_words(old, new) == (eq(new, old_text=None if old == new else old),)


@given(edited(), SPACES, st.booleans())
@example(("x risk report", "y risk report"), " ", False)  # a code line's trailing spaces
@example(("report x", "report y"), "\n ", True)
@settings(max_examples=300)
def test_outer_whitespace_changes_nothing_beside_another_edit(
    pair: tuple[str, str], space: str, before: bool
) -> None:
    """Whitespace added before or after a text rides on its first or last token: the diff is the same."""
    old, new = pair
    padded = space + old if before else old + space
    assert [op.op for op in diff_words(padded, new)] == [op.op for op in diff_words(old, new)]
    assert rebuild_new(diff_words(padded, new)) == new


@given(ANY_TEXT)
def test_tokens_join_back(text: str) -> None:
    assert "".join(tokenize(text)) == text


BITS = st.lists(
    st.sampled_from(
        ["https://x.org/p", "http://a.b/c?d=1.", "<a href=x>", "~~two words~~", "**two words**", "*a b*",
         "`a b`", "[a b](c)", "\\*a", "_a b_", "see", "a", "1.5", " ", ".", ":", "/", "~", "<", "\\"]
    )
)  # fmt: skip


@given(ANY_TEXT | prose() | st.text(alphabet="ab1_- .,'’/\n", max_size=40) | BITS.map("".join))
@settings(max_examples=400)
def test_words_are_the_tokens_that_hold_a_letter_or_digit(text: str) -> None:
    """`words` and `_word_count` take short cuts; the tokens that hold a letter or digit are the reference."""
    found = [token for token in tokenize(text) if worddiff.is_word(token)]
    assert worddiff.words(text) == found
    assert worddiff._word_count.__wrapped__(text) == len(found)


LINKS = ["[a link](http://x.org/a_b)", "**bold words here**", "`code span`", "<https://x.org/p>", "*em text*"]


@given(st.lists(st.sampled_from([*LINKS, "the", "risk", ",", "shall"]), max_size=12), st.data())
def test_markup_is_never_cut(words: list[str], data: st.DataObject) -> None:
    other = data.draw(st.lists(st.sampled_from([*LINKS, "the", "new", "."]), max_size=12))
    old, new = " ".join(words), " ".join(other)
    ops = diff_words(old, new)
    for markup in LINKS:
        assert sum(op.text.count(markup) for op in ops if op.op != "insert") == old.count(markup)
        assert sum(op.text.count(markup) for op in ops if op.op != "delete") == new.count(markup)


# --- golden examples ----------------------------------------------------------------------------


def test_modal_and_deadline_change() -> None:
    assert diff_words(
        "Signatories shall report within 15 days.",
        "Signatories should report within 10 working days.",
    ) == (
        eq("Signatories "),
        dele("shall"),
        ins("should"),
        eq(" report within "),
        dele("15"),
        ins("10 working"),
        eq(" days."),
    )


def test_punctuation_stays_out_of_a_changed_word() -> None:
    assert diff_words("Signatories shall, where possible,", "Signatories should, where possible,") == (
        eq("Signatories "),
        dele("shall"),
        ins("should"),
        eq(", where possible,"),
    )


def test_punctuation_only_change() -> None:
    assert diff_words("risks, harms and costs", "risks; harms and costs") == (
        eq("risks"),
        dele(","),
        ins(";"),
        eq(" harms and costs"),
    )


def test_link_is_never_cut() -> None:
    assert diff_words(
        "See [the guide](https://x.org/guide) now.",
        "See [the new guide](https://x.org/guide) now.",
    ) == (
        eq("See "),
        dele("[the guide](https://x.org/guide)"),
        ins("[the new guide](https://x.org/guide)"),
        eq(" now."),
    )


def test_emphasis_code_and_tags_are_kept_whole() -> None:
    assert tokenize("**Bold lead.** Use `a b` and <br> or *em* <https://x.org>.") == [
        "**Bold lead.**", " ", "Use", " ", "`a b`", " ", "and", " ", "<br>", " ", "or", " ", "*em*", " ",
        "<https://x.org>", ".",
    ]  # fmt: skip


def test_numbers_and_references_are_one_token() -> None:
    assert tokenize("Measure II.4.14 sets 1,000 and 2.5, e.g. and/or") == [
        "Measure", " ", "II.4.14", " ", "sets", " ", "1,000", " ", "and", " ", "2.5", ",", " ",
        "e.g", ".", " ", "and/or",
    ]  # fmt: skip


def test_a_stray_asterisk_does_not_swallow_the_text() -> None:
    text = "**Systemic " + "word " * 100 + "end**"  # emphasis is bounded to 400 characters
    assert tokenize(text)[:4] == ["*", "*", "Systemic", " "]


def test_small_equal_runs_between_changes_are_absorbed() -> None:
    # "the" alone between two changes is word soup: one phrase reads better.
    assert diff_words(
        "The provider shall notify the AI Office promptly.",
        "The Signatory must inform the Commission promptly.",
    ) == (
        eq("The "),
        dele("provider shall notify the AI Office"),
        ins("Signatory must inform the Commission"),
        eq(" promptly."),
    )


def test_a_content_word_between_single_word_changes_stays() -> None:
    assert diff_words("X shall report Y.", "X should report Z.") == (
        eq("X "),
        dele("shall"),
        ins("should"),
        eq(" report "),
        dele("Y"),
        ins("Z"),
        eq("."),
    )


def test_reflowed_text_is_equal_and_keeps_the_old_whitespace() -> None:
    assert diff_words("Signatories  shall\nreport.", " Signatories shall report.") == (
        eq(" Signatories shall report.", old_text="Signatories  shall\nreport."),
    )


def test_reflow_inside_a_changed_text_stays_equal() -> None:
    ops = diff_words("a  b c", "a b\nd")
    assert ops == (eq("a b\n", old_text="a  b "), dele("c"), ins("d"))


def test_added_and_removed_outer_whitespace_is_no_change() -> None:
    assert diff_words("word", " word ") == (eq(" word ", old_text="word"),)


def test_empty_sides() -> None:
    assert diff_words("", "") == ()
    assert diff_words("", "New text.") == (ins("New text."),)
    assert diff_words("Old text.", "") == (dele("Old text."),)


def test_more_distinct_tokens_than_the_private_use_area() -> None:
    # 10,000 distinct words: past the 6,400 BMP private-use characters into the astral planes.
    old = " ".join(f"w{i}" for i in range(10_000))
    new = old.replace("w9998", "changed")
    expected = (eq(old[: old.index("w9998")]), dele("w9998"), ins("changed"), eq(" w9999"))
    assert diff_words(old, new) == expected
    with mock.patch.object(chardiff, "DIRECT_LIMIT", 10**9):
        assert diff_words(old, new) == expected


def test_anchored_path_finds_the_same_small_edits() -> None:
    sentences = [f"Sentence {i} says that measure {i} applies to provider {i * 7}." for i in range(400)]
    old = " ".join(sentences)
    sentences[10] = sentences[10].replace("applies", "shall apply")
    sentences[300] = sentences[300].replace("provider", "Signatory")
    new = " ".join(sentences)
    ops = diff_words(old, new)
    assert [op for op in ops if op.op != "equal"] == [
        dele("applies"),
        ins("shall apply"),
        dele("provider"),
        ins("Signatory"),
    ]
    with mock.patch.object(chardiff, "DIRECT_LIMIT", 10**9):
        assert diff_words(old, new) == ops


def test_repeated_text_is_anchored_in_order() -> None:
    block = " ".join(f"clause {i} text" for i in range(100))
    old = " | ".join([block] * 3)
    new = " | ".join([block, block.replace("clause 50 ", "clause fifty "), block])
    ops = diff_words(old, new)
    assert [op for op in ops if op.op != "equal"] == [dele("50"), ins("fifty")]
    assert len(ops[0].text) == old.index("clause 50 ", len(block)) + len("clause ")  # the second copy


def test_counts_and_similarity() -> None:
    ops = diff_words(
        "Signatories shall report within 15 days.", "Signatories should report within 10 working days."
    )
    assert count_words(ops) == (3, 2, 4)  # added, removed, kept
    assert similarity(ops) == 4 / 7
    assert similarity(diff_words("same text", "same\ntext")) == 1.0
    assert similarity(diff_words("old words", "new terms")) == 0.0
    assert similarity(()) == 1.0


def test_timeout_is_off() -> None:
    assert chardiff._engine().Diff_Timeout == 0


# --- engines ------------------------------------------------------------------------------------


@st.composite
def token_strings(draw: st.DrawFn) -> tuple[str, str]:
    """Two encoded strings as worddiff diffs them: a few distinct characters, `b` an edit of `a` or not."""
    base = draw(st.sampled_from([0xE000, 0xFFF0, 0x10000]))  # private use, across the BMP's end, astral
    alphabet = st.integers(0, draw(st.integers(1, 30))).map(lambda k: chr(base + k))
    a = draw(st.lists(alphabet, max_size=200))
    b = list(a) if draw(st.booleans()) else draw(st.lists(alphabet, max_size=200))
    for _ in range(draw(st.integers(0, 10))):
        at = draw(st.integers(0, len(b)))
        b[at : at + draw(st.integers(0, 6))] = draw(st.lists(alphabet, max_size=6))
    return "".join(a), "".join(b)


needs_fast_engine = pytest.mark.skipif(
    chardiff._FAST_DIFF is None, reason="fast-diff-match-patch is not installed"
)


def python_engine() -> AbstractContextManager[None]:
    return mock.patch.object(chardiff, "_FAST_DIFF", None)


@needs_fast_engine
@settings(max_examples=300)
@given(token_strings())
def test_fast_engine_gives_the_same_raw_diffs(pair: tuple[str, str]) -> None:
    fast = chardiff.diff_main(*pair)
    with python_engine():
        assert chardiff.diff_main(*pair) == fast


@needs_fast_engine
@settings(max_examples=100)
@given(edited())
def test_fast_engine_gives_the_same_word_diffs(pair: tuple[str, str]) -> None:
    fast = diff_words(*pair)
    with python_engine():
        assert diff_words(*pair) == fast


@needs_fast_engine
def test_fast_engine_gives_the_same_diffs_on_long_texts() -> None:
    rng = random.Random(7)
    vocabulary = [f"w{i}" for i in range(300)] + ["the", "of", ",", "."] * 40
    for _ in range(5):
        old = rng.choices(vocabulary, k=400)
        new = list(old)
        for _ in range(30):
            at = rng.randrange(len(new) + 1)
            new[at : at + rng.randint(0, 12)] = rng.choices(vocabulary, k=rng.randint(0, 12))
        fast = diff_words(" ".join(old), " ".join(new))
        with python_engine():
            assert diff_words(" ".join(old), " ".join(new)) == fast
