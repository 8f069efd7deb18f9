"""Block diff inside one section pair: matching, moves, order of added and removed blocks."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from toolchain.blockdiff import diff_blocks
from toolchain.model import Block, BlockDiff, DiffOp, Location
from toolchain.worddiff import rebuild_new, rebuild_old

P1 = "Signatories shall assess the systemic risks of their models before placing them on the market."
P2 = "Signatories shall keep records of serious incidents and report them to the AI Office."
P3 = "The Framework shall be updated at least once a year and whenever a trigger event occurs."
P4 = "Providers may publish a summary of the Framework on their website for transparency."


def block(text: str, kind: str = "paragraph", line: int = 1) -> Block:
    return Block(kind, Location("draft.md", line, line), source=text + "\n", text=text)


def leaves(*texts: str, box: str = "") -> list[tuple[str, Block]]:
    return [(box, block(t, line=n)) for n, t in enumerate(texts, 1)]


def shape(diffs: tuple[BlockDiff, ...]) -> list[tuple[str, str, bool]]:
    """(what happened, the block's text, moved) per diff, for readable expectations."""

    def what(d: BlockDiff) -> str:
        if d.old is None:
            return "added"
        if d.new is None:
            return "removed"
        return "equal" if all(op.op == "equal" for op in d.ops) else "changed"

    def text(d: BlockDiff) -> str:
        side = d.new or d.old
        return side.text if side else ""

    return [(what(d), text(d), d.moved) for d in diffs]


def test_unchanged_blocks_are_one_equal_op_each() -> None:
    diffs = diff_blocks(leaves(P1, P2), leaves(P1, P2))
    assert [d.ops for d in diffs] == [(DiffOp("equal", P1),), (DiffOp("equal", P2),)]
    assert [(d.moved, d.score) for d in diffs] == [(False, 1.0), (False, 1.0)]


def test_reflowed_paragraph_is_equal() -> None:
    reflowed = P1.replace(" the ", "\nthe  ")
    (diff,) = diff_blocks(leaves(reflowed), leaves(P1))
    assert diff.ops == (DiffOp("equal", P1, old_text=reflowed),)
    assert diff.score == 1.0


def test_moved_paragraph_is_a_move_not_delete_and_insert() -> None:
    diffs = diff_blocks(leaves(P1, P2, P3), leaves(P2, P3, P1))
    assert shape(diffs) == [("equal", P2, False), ("equal", P3, False), ("equal", P1, True)]


def test_moved_and_edited_paragraph() -> None:
    edited = P1.replace("shall assess", "should assess")
    diffs = diff_blocks(leaves(P1, P2, P3), leaves(P2, P3, edited))
    assert shape(diffs) == [("equal", P2, False), ("equal", P3, False), ("changed", edited, True)]
    assert diffs[2].ops == (
        DiffOp("equal", "Signatories "),
        DiffOp("delete", "shall"),
        DiffOp("insert", "should"),
        DiffOp("equal", P1.removeprefix("Signatories shall")),
    )


def test_removed_block_follows_its_old_neighbour() -> None:
    diffs = diff_blocks(leaves(P1, P2, P3), leaves(P1, P3, P4))
    assert shape(diffs) == [
        ("equal", P1, False),
        ("removed", P2, False),
        ("equal", P3, False),
        ("added", P4, False),
    ]
    assert diffs[1].ops == (DiffOp("delete", P2),)
    assert diffs[3].ops == (DiffOp("insert", P4),)
    assert (diffs[1].score, diffs[3].score) == (0.0, 0.0)


def test_removed_first_block_opens_the_section() -> None:
    assert shape(diff_blocks(leaves(P4, P1), leaves(P2, P1))) == [
        ("removed", P4, False),
        ("added", P2, False),
        ("equal", P1, False),
    ]


def test_removed_block_after_a_moved_one_stays_by_a_block_that_kept_its_place() -> None:
    # P2's old neighbour P1 moved to the end; P2 is shown at the top, where it used to be.
    diffs = diff_blocks(leaves(P1, P2, P3, P4), leaves(P3, P4, P1))
    assert shape(diffs) == [
        ("removed", P2, False),
        ("equal", P3, False),
        ("equal", P4, False),
        ("equal", P1, True),
    ]


def test_similar_blocks_match_and_are_word_diffed() -> None:
    new = P2.replace("serious incidents", "all serious incidents")
    (diff,) = diff_blocks(leaves(P2), leaves(new))
    assert diff.old is not None and diff.new is not None
    assert [op for op in diff.ops if op.op != "equal"] == [DiffOp("insert", "all ")]
    assert diff.score == 14 / 15


def test_dissimilar_blocks_are_removed_and_added() -> None:
    assert shape(diff_blocks(leaves(P2), leaves(P4))) == [("removed", P2, False), ("added", P4, False)]


def test_best_pair_first_not_first_come() -> None:
    old_a = "alpha beta gamma delta epsilon zeta"
    old_b = "alpha beta gamma delta epsilon eta theta"
    new_1 = "alpha beta gamma delta epsilon iota kappa"  # 0.71 with old_b, 0.77 with old_a
    new_2 = "alpha beta gamma delta epsilon zeta lambda"  # 0.92 with old_a: the best pair of all
    diffs = diff_blocks(leaves(old_a, old_b), leaves(new_1, new_2))
    pairs = [(d.old.text if d.old else None, d.new.text if d.new else None) for d in diffs]
    assert pairs == [(old_b, new_1), (old_a, new_2)]  # first come would pair new_1 with old_a
    assert [d.moved for d in diffs] == [True, False]  # a swap: the block that went up is the move


def test_ties_go_to_the_earlier_block() -> None:
    diffs = diff_blocks(leaves("red green blue", "red green blue"), leaves("red green blue yellow"))
    assert shape(diffs) == [("changed", "red green blue yellow", False), ("removed", "red green blue", False)]
    assert diffs[0].old is not None and diffs[0].old.location.line == 1


def test_repeated_texts_pair_in_order() -> None:
    diffs = diff_blocks(leaves("(a)", "text", "(a)"), leaves("(a)", "(a)"))
    assert [(d.old.location.line if d.old else None, d.new is not None) for d in diffs] == [
        (1, True),
        (2, False),
        (3, True),
    ]


def test_kinds_match_within_their_family_only() -> None:
    old = [("", block(P1, "row")), ("", block(P2, "paragraph"))]
    new = [("", block(P1, "paragraph")), ("", block(P2, "item"))]
    assert shape(diff_blocks(old, new)) == [
        ("removed", P1, False),
        ("added", P1, False),
        ("equal", P2, False),
    ]


def test_box_comes_from_the_new_side_or_the_old_when_removed() -> None:
    old = [("legal-text", block(P1)), ("explanatory", block(P2))]
    new = [("potential-recital", block(P1))]
    assert [d.box for d in diff_blocks(old, new)] == ["potential-recital", "explanatory"]


TEXTS = st.sampled_from([P1, P2, P3, P4, "(a)", "", "Short.", P1.replace("shall", "should")])


@given(st.lists(TEXTS, max_size=8), st.lists(TEXTS, max_size=8))
def test_every_block_once_in_new_order(old_texts: list[str], new_texts: list[str]) -> None:
    old, new = leaves(*old_texts), leaves(*new_texts)
    diffs = diff_blocks(old, new)
    assert sorted(id(d.old) for d in diffs if d.old) == sorted(id(b) for _, b in old)
    assert [d.new for d in diffs if d.new] == [b for _, b in new]
    for d in diffs:
        assert rebuild_old(d.ops) == (d.old.text if d.old else "")
        assert rebuild_new(d.ops) == (d.new.text if d.new else "")
        assert not (d.moved and (d.old is None or d.new is None))
    assert diffs == diff_blocks(old, new)
